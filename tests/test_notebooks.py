"""The teaching notebooks run top to bottom, and are committed executed, clean and readable.

Each notebook is executed in a fresh `python3` kernel by `tools/execute_notebooks.py` (the same code
`make notebooks` uses), so a notebook that stops working with the library fails here by name.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(path.name for path in NOTEBOOK_DIR.glob("*.ipynb"))  # every notebook, new ones too


def _load_runner() -> ModuleType:
    """tools/execute_notebooks.py is a script, not part of the package: load it from its path."""
    spec = importlib.util.spec_from_file_location(
        "notebooks_execute", ROOT / "tools" / "execute_notebooks.py"
    )
    assert spec is not None and spec.loader is not None, "tools/execute_notebooks.py is missing"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


runner = _load_runner()


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_top_to_bottom(name: str) -> None:
    executed = runner.execute(NOTEBOOK_DIR / name)  # raises NotebookError naming the failing cell
    errors = [out for cell in executed.cells for out in cell.get("outputs", []) if out.output_type == "error"]
    assert not errors
    assert any(_images(cell) for cell in executed.cells), f"{name} draws no plot"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_executed_and_clean(name: str) -> None:
    raw = json.loads((NOTEBOOK_DIR / name).read_text(encoding="utf-8"))
    nb = nbformat.reads(json.dumps(raw), as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, f"{name} has no code cells"
    # executed in one fresh kernel, in order: counts 1, 2, 3, ... with no cell skipped
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert any(cell.outputs for cell in code), f"{name} was committed without outputs"
    assert any(_images(cell) for cell in code), f"{name} was committed without its plots"
    for cell in code:
        assert not [out for out in cell.outputs if out.output_type == "error"], f"{name}: an error output"
    # nothing volatile or personal: the kernelspec, highlighting info and our export tags only
    assert nb.metadata.kernelspec.name == "python3"
    assert set(nb.metadata) <= {"kernelspec", "language_info"}
    assert "version" not in nb.metadata.get("language_info", {})
    for cell in nb.cells:
        assert set(cell.metadata) <= {"micrograd_like", "tags"}, f"{name}: volatile cell metadata"


def test_docs_figures_are_the_committed_notebook_plots() -> None:
    """docs/*.png (shown in the README) are byte for byte the plots in the committed notebooks."""
    exported: dict[str, bytes] = {}
    for notebook in NOTEBOOKS:
        figures = runner.exported_figures(nbformat.read(NOTEBOOK_DIR / notebook, as_version=4))
        assert not set(figures) & set(exported), f"two cells export to the same file: {sorted(figures)}"
        exported.update(figures)
    assert exported, "no plot cell is tagged for export to docs/"
    for name, png in exported.items():
        assert png.startswith(b"\x89PNG")
        assert (ROOT / "docs" / name).read_bytes() == png, f"docs/{name} is stale: run `make notebooks`"


def test_strip_metadata_keeps_what_a_reader_needs() -> None:
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python", "version": "3.11.7", "pygments_lexer": "ipython3"},
            "widgets": {"state": {}},
        }
    )
    cell = nbformat.v4.new_code_cell("fit(...)", execution_count=1)
    cell.metadata = {
        "execution": {"iopub.status.busy": "2026-01-01T00:00:00Z"},
        "micrograd_like": {"export": "a.png"},
    }
    stderr = [
        nbformat.v4.new_output("stream", name="stderr", text=t) for t in ("\r 0%", "\r 50%", "\r100%", "\n")
    ]
    stdout = nbformat.v4.new_output("stream", name="stdout", text="done\n")
    picture = nbformat.v4.new_output(
        "display_data", data={"image/svg+xml": "<svg/>", "text/plain": "<Drawing at 0x7f3a2c1b>"}
    )
    cell.outputs = [*stderr[:3], stdout, stderr[3], picture]
    nb.cells = [cell]
    runner.strip_metadata(nb)
    assert nb.metadata == {
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        "language_info": {"name": "python", "pygments_lexer": "ipython3"},
    }
    assert cell.metadata == {"micrograd_like": {"export": "a.png"}}
    # the progress bar's redraws become its final state; the lone closing newline is dropped
    streams = [(out.name, out.text) for out in cell.outputs if out.output_type == "stream"]
    assert streams == [("stderr", "100%"), ("stdout", "done\n")]
    # a picture's fallback text loses the memory address that changes every run
    assert cell.outputs[-1].data == {"image/svg+xml": "<svg/>", "text/plain": "<Drawing>"}


def test_settle_carriage_returns_is_what_a_terminal_shows() -> None:
    assert runner.settle_carriage_returns("a\rb\rc\nd\r\ne\n") == "c\nd\ne\n"
    assert runner.settle_carriage_returns("no bar\n") == "no bar\n"


def test_no_checkpoints() -> None:
    assert not list(NOTEBOOK_DIR.rglob(".ipynb_checkpoints")), "remove notebooks/.ipynb_checkpoints"


def _images(cell: nbformat.NotebookNode) -> list[str]:
    return [out.data["image/png"] for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]


def test_progress_bar_timings_are_dropped_so_reruns_are_byte_identical() -> None:
    # two runs of the same cell: the bars differ only in their clock and speed
    runs = [
        "moons: 100%|██████████| 100/100 [00:05<00:00, 19.03epoch/s, loss=0.0031, acc=100%]\n",
        "moons: 100%|██████████| 100/100 [00:07<00:00, 13.61epoch/s, loss=0.0031, acc=100%]\n",
    ]
    cleaned = []
    for text in runs:
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("fit(...)", execution_count=1, id="train")
        cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=text)]
        nb.cells = [cell]
        cleaned.append(nbformat.writes(runner.strip_metadata(nb)))
    assert cleaned[0] == cleaned[1]
    assert "moons: 100%|██████████| 100/100 [loss=0.0031, acc=100%]" in cleaned[0]
    assert runner.drop_timings("1/3 [00:00<?, ?it/s]") == "1/3 []"
    assert runner.drop_timings("no bar [1, 2]\n") == "no bar [1, 2]\n"  # other brackets stay


# a name only the compiled code has: a stand-in t<k> alone (not the t1 of `landscape(t1, t2)`), a
# gradient variable g_<name>
GENERATED_NAME = re.compile(r"^t\d+$|\bg_\w+\b")
CODE_SPAN = re.compile(r"`([^`\n]+)`")


def _quoted_generated_code(nb: nbformat.NotebookNode) -> list[str]:
    """The inline code in the prose that quotes the compiled code (a `…` placeholder excepted)."""
    spans = (
        span for cell in nb.cells if cell.cell_type == "markdown" for span in CODE_SPAN.findall(cell.source)
    )
    return [span for span in spans if GENERATED_NAME.search(span) and "…" not in span]


def _printed(nb: nbformat.NotebookNode) -> str:
    return "".join(
        out.get("text", "") + out.get("data", {}).get("text/plain", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_prose_quotes_only_generated_code_the_notebook_prints(name: str) -> None:
    """A renumbering of the compiler's t<k> names must not leave the prose naming the wrong lines:
    every piece of generated code the markdown quotes is in the committed outputs, verbatim."""
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    printed = _printed(nb)
    wrong = [span for span in _quoted_generated_code(nb) if span not in printed]
    assert not wrong, f"{name}: the prose quotes generated code its outputs do not show: {wrong}"


def test_the_quote_check_catches_a_stale_name() -> None:
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print(source)", execution_count=1)
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="g_t6 = g_s_2  # ds[2]/d(...) = 1\n")
    ]
    prose = "its line reads `g_t3 = g_s_2`; the stand-in `t6`, the label `w_2_12`, a placeholder `g_…`"
    nb.cells = [code, nbformat.v4.new_markdown_cell(prose)]
    assert _quoted_generated_code(nb) == ["g_t3 = g_s_2", "t6"]
    assert [span for span in _quoted_generated_code(nb) if span not in _printed(nb)] == ["g_t3 = g_s_2"]
