"""Execute the teaching notebooks top to bottom in a fresh kernel, and optionally save the results.

    python tools/execute_notebooks.py NOTEBOOK...             # run; exit 1 with the failing cell on error
    python tools/execute_notebooks.py --in-place NOTEBOOK...  # run and write outputs back into each file
    python tools/execute_notebooks.py --in-place --figures docs NOTEBOOK...   # ... and export tagged plots

Each notebook runs with nbclient in the `python3` kernel, in its own directory, with a per-cell
timeout. What gets written back is what a reader should see on GitHub: the outputs and plots, the
execution counts 1, 2, 3, ... and the kernelspec, but no timings, widget state, Python version or
other metadata that would change from one machine or run to the next.

A plot cell can name a file to export its (last) PNG output to, in its cell metadata:
`{"micrograd_like": {"export": "optimizers.png"}}`. With `--figures DIR` those images are written
into DIR: the picture the notebook shows, re-encoded with a 256-colour palette (the same pixels to
the eye, a third of the bytes, for the README); nothing is written to disk otherwise.
"""

from __future__ import annotations

import argparse
import base64
import io
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from PIL import Image  # installed with matplotlib

KERNEL = "python3"
KERNELSPEC = {"name": KERNEL, "display_name": "Python 3 (ipykernel)", "language": "python"}
# language_info keys that only select syntax highlighting; the rest (version, ...) vary by machine.
LANGUAGE_INFO_KEYS = ("name", "codemirror_mode", "file_extension", "mimetype", "pygments_lexer")
EXPORT_KEY = "micrograd_like"  # cell metadata namespace: {"micrograd_like": {"export": "name.png"}}
MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")
CELL_TIMEOUT = 120  # seconds per cell; every notebook as a whole runs well under a minute


class NotebookError(Exception):
    """A notebook could not be read, executed or exported; the message says which and why."""


def execute(path: Path, timeout: int = CELL_TIMEOUT) -> nbformat.NotebookNode:
    """Run the notebook at `path` in a fresh `python3` kernel (cwd = its folder); return it executed."""
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as err:  # missing file, invalid JSON or not a notebook
        raise NotebookError(f"{path}: cannot read the notebook: {err}") from err
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL,
        record_timing=False,  # no execution timestamps in cell metadata
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    try:
        client.execute()
    except CellTimeoutError as err:
        raise NotebookError(f"{path}: a cell ran longer than {timeout} s:\n{err}") from err
    except CellExecutionError as err:
        raise NotebookError(f"{path}: a cell raised an error:\n{err}") from err
    return strip_metadata(nb)


def strip_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep only what a reader needs: kernelspec python3, highlighting info, our export tags."""
    info = nb.metadata.get("language_info", {})
    nb.metadata = nbformat.NotebookNode(
        kernelspec=dict(KERNELSPEC),
        language_info={key: info[key] for key in LANGUAGE_INFO_KEYS if key in info},
    )
    for cell in nb.cells:
        kept = {key: cell.metadata[key] for key in (EXPORT_KEY, "tags") if key in cell.metadata}
        cell.metadata = nbformat.NotebookNode(kept)
        outputs: list[nbformat.NotebookNode] = []
        for output in cell.get("outputs", []):
            if "metadata" in output:
                output.metadata = nbformat.NotebookNode()  # e.g. per-image sizes that drift
            plain = output.get("data", {}).get("text/plain")
            if plain is not None and len(output.data) > 1:  # a picture's fallback text, e.g.
                # "<Drawing at 0x7f3a...>": the address changes every run and tells a reader nothing
                output.data["text/plain"] = MEMORY_ADDRESS.sub(">", plain)
            previous = outputs[-1] if outputs else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.get("name") == output.name
            ):
                previous.text += output.text  # one stream message per progress-bar redraw: join them
            else:
                outputs.append(output)
        for output in outputs:
            if output.output_type == "stream":
                output.text = drop_timings(settle_carriage_returns(output.text))
        # a lone newline (e.g. a progress bar closing after the cell's last print) shows as a blank box
        outputs = [out for out in outputs if out.output_type != "stream" or out.text.strip()]
        if cell.cell_type == "code":
            cell.outputs = outputs
    return nb


def settle_carriage_returns(text: str) -> str:
    r"""What a terminal would finally show: each line keeps only what follows its last carriage return
    (a progress bar redrawn 80 times is stored as its last state, not as 80 copies).

    >>> settle_carriage_returns("10%\r50%\r100%\ndone\n")
    '100%\ndone\n'
    """
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in lines)


# a progress bar's clock and speed: "[00:05<00:00, 19.03epoch/s, " (tqdm); they differ every run
PROGRESS_TIMING = re.compile(
    r"""\[ \d+:\d{2}(?::\d{2})?            # elapsed
        < (?:\d+:\d{2}(?::\d{2})?|\?)      # remaining
        ,\ (?:\?|[\d.]+)\s?[^\s,\]]*      # speed: 19.03epoch/s, ?it/s, 3.5s/it
        (?:,\ |(?=\]))""",
    re.VERBOSE,
)


def drop_timings(text: str) -> str:
    """`text` without the elapsed time, time left and speed of progress bars, so that running a
    notebook again gives the same bytes; what the bar reports (its count, loss, ...) is kept.

    >>> drop_timings("moons: 100%|##| 100/100 [00:05<00:00, 19.03epoch/s, loss=0.0031, acc=100%]")
    'moons: 100%|##| 100/100 [loss=0.0031, acc=100%]'
    >>> drop_timings("fit: 100%|##| 3/3 [00:00<00:00, 41.2it/s]")
    'fit: 100%|##| 3/3 []'
    """
    return PROGRESS_TIMING.sub("[", text)


def exported_figures(nb: nbformat.NotebookNode) -> dict[str, bytes]:
    """The PNG images of the cells tagged for export, by file name."""
    figures: dict[str, bytes] = {}
    for cell in nb.cells:
        name = cell.metadata.get(EXPORT_KEY, {}).get("export")
        if not name:
            continue
        pngs = [
            out.data["image/png"] for out in cell.get("outputs", []) if "image/png" in out.get("data", {})
        ]
        if not pngs:
            raise NotebookError(f"cell tagged to export {name!r} produced no PNG image")
        figures[name] = compact_png(base64.b64decode(pngs[-1]))
    return figures


def compact_png(png: bytes) -> bytes:
    """The same picture as an optimized 256-colour PNG (matplotlib writes 32-bit RGBA)."""
    image = Image.open(io.BytesIO(png))
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A") if image.mode == "RGBA" else None)
    out = io.BytesIO()
    flat.quantize(256).save(out, format="png", optimize=True)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("notebooks", nargs="+", type=Path, metavar="NOTEBOOK")
    parser.add_argument("--in-place", action="store_true", help="write the executed notebook back")
    parser.add_argument("--figures", type=Path, metavar="DIR", help="export tagged plots as PNG into DIR")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds per cell (default 120)")
    args = parser.parse_args(argv)
    failed = 0
    for path in args.notebooks:
        start = time.perf_counter()
        try:
            nb = execute(path, args.timeout)
            figures = exported_figures(nb)
        except NotebookError as err:
            print(f"FAILED {err}", file=sys.stderr)
            failed += 1
            continue
        if args.in_place:
            nbformat.validate(nb)
            nbformat.write(nb, path)
        if args.figures:
            args.figures.mkdir(parents=True, exist_ok=True)
            for name, png in figures.items():
                (args.figures / name).write_bytes(png)
        done = ", written" if args.in_place else ""
        exported = f", exported {', '.join(figures)}" if args.figures and figures else ""
        print(f"ok {path} ({time.perf_counter() - start:.1f} s{done}{exported})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
