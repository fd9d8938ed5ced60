"""`micrograd-like graph`: the worked example drawn to a file or as frames, and one-line errors."""

from __future__ import annotations

import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_like import backward_order
from micrograd_like.cli import main
from micrograd_like.post.example import build

SVG = "{http://www.w3.org/2000/svg}"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["graph", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _nodes(path: Path) -> dict[str, tuple[str, list[str]]]:
    """{record label's first text: (the node's class, all its texts)} for the value boxes."""
    found = {}
    for g in ET.parse(path).getroot().iter(f"{SVG}g"):
        classes = g.get("class", "").split()
        if "node" in classes and "op" not in classes:
            texts = [t.text or "" for t in g.iter(f"{SVG}text")]
            found[texts[0]] = (" ".join(classes), texts)
    return found


def _post_gradient(w212: float = 0.35) -> float:
    """dL/dw[2]12 from the post's chain, in plain floats (weights: the documented defaults)."""
    z11 = math.tanh(0.25 * 1.0 + -0.40 * 1.0)
    z12 = math.tanh(0.60 * 1.0 + 0.10 * 1.0)
    y_hat = math.tanh(-0.70 * z11 + w212 * z12)
    return 2 * (y_hat - 1.0) * (1 - y_hat**2) * z12  # dL/dz[2] · dz[2]/ds[2] · ds[2]/dw[2]12


def test_draws_the_worked_example_after_backward(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "graph.svg"
    code, out, err = _run(capsys, "-o", str(target))
    assert (code, err) == (0, "")
    assert out.strip() == f"wrote {target}"
    nodes = _nodes(target)
    assert {"x1", "x2", "w[1]11", "w[2]12", "s[1]1", "z[1]2", "s[2]", "z[2]", "y", "L"} <= set(nodes)
    assert nodes["w[2]12"][1] == ["w[2]12", "data 0.35", f"grad {_post_gradient():.4g}"]
    assert nodes["L"][1][2] == "grad 1"
    # the default highlight: every path from L to w[2]12
    hot = {name for name, (classes, _) in nodes.items() if "highlight" in classes}
    # L, the difference ŷ - y, z[2], s[2], the product w[2]12·z[1]2 and w[2]12 (two are unlabelled)
    assert hot == {"w[2]12", "s[2]", "z[2]", "L", "w[2]12·z[1]2", "z[2]-y"}
    assert nodes["w[2]12·z[1]2"][1] == ["w[2]12·z[1]2", "data 0.2115", "grad -1.259"]
    assert "parameter" in nodes["w[1]11"][0] and "input" in nodes["x1"][0]


def test_set_and_highlight(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "graph.svg"
    code, _, _ = _run(capsys, "-o", str(target), "--set", "w[2]12=0.5", "--highlight", "w[1]11")
    assert code == 0
    nodes = _nodes(target)
    assert nodes["w[2]12"][1] == ["w[2]12", "data 0.5", f"grad {_post_gradient(0.5):.4g}"]
    hot = {name for name, (classes, _) in nodes.items() if "highlight" in classes}
    assert hot == {"w[1]11", "s[1]1", "z[1]1", "s[2]", "z[2]", "L", "w[1]11·x1", "w[2]11·z[1]1", "z[2]-y"}
    code, _, _ = _run(capsys, "-o", str(target), "--highlight", "")
    assert code == 0 and not any("highlight" in c for c, _ in _nodes(target).values())


def test_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "-o", str(tmp_path / "g.png"))[0] == 0
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert _run(capsys, "-o", str(tmp_path / "g.dot"))[0] == 0
    assert (tmp_path / "g.dot").read_text(encoding="utf-8").startswith("digraph computation {")
    assert _run(capsys, "-o", str(tmp_path / "g.txt"), "--format", "svg", "--renderer", "embedded")[0] == 0
    assert ET.parse(tmp_path / "g.txt").getroot().tag == f"{SVG}svg"


def test_frames(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "frames"
    code, out, _ = _run(capsys, "--frames", str(directory))
    steps = len(backward_order(build().loss))  # one backward step per value
    assert code == 0 and out.strip() == f"wrote {steps} frames to {directory}"
    names = sorted(p.name for p in directory.iterdir())
    assert names == [f"step_{i:02d}.svg" for i in range(1, steps + 1)]
    last = _nodes(directory / names[-1])
    assert last["w[2]12"][1][2] == f"grad {_post_gradient():.4g}"


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_svg_without_dot(no_dot: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "graph.svg"
    assert _run(capsys, "-o", str(target))[0] == 0
    assert "graphviz-pure" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/missing/g.svg"], "no folder '{tmp}/missing' (it does not exist)"),
        (["-o", "{tmp}/g.bmpx"], "unknown format 'bmpx'"),
        (["-o", "{tmp}/g"], "has no suffix"),
        (["-o", "{tmp}/g.svg", "--format", "tiff"], "unknown format 'tiff'"),
        (["-o", "{tmp}/g.svg", "--highlight", "w[3]11"], "--highlight: no node named 'w[3]11'"),
        (["-o", "{tmp}/g.svg", "--expr", "tanh(a*"], "--expr: 'tanh(a*' is not a valid expression"),
        (["-o", "{tmp}/g.svg", "--expr", "a*b", "--set", "a=1"], "no value for b (give each name a number"),
        (
            ["-o", "{tmp}/g.svg", "--expr", "a*2", "--set", "a=1", "--set", "c=2"],
            "c is not in the expression",
        ),
        (["-o", "{tmp}/g.svg", "--expr", "log(a)", "--set", "a=0"], "log(0.0) is undefined"),
        (["-o", "{tmp}/g.svg", "--expr", "__import__('os')"], "unknown function '__import__'"),
        (["-o", "{tmp}/g.svg", "--expr", "a.b", "--set", "a=1"], "'a.b' is not allowed"),
        (["-o", "{tmp}/g.svg", "--expr", "a*2", "--set", "a"], "'a' is not NAME=VALUE"),
        (["-o", "{tmp}/g.svg", "--expr", "a*2", "--bias"], "--bias belongs to the worked example"),
        (["-o", "{tmp}/g.svg", "--set", "b[1]1=1"], "add the biases with --bias"),
        (["-o", "{tmp}/g.svg", "--digits", "0"], "--digits must be between 1 and 17"),
        (["-o", "{tmp}/g.svg", "--set", "w[9]=1"], "unknown name 'w[9]'"),
        (["-o", "{tmp}/g.svg", "--set", "x1"], "x1"),
        (["--frames", "{tmp}/fr", "--format", "png"], "--frames writes SVG files"),
        (["--frames", "{tmp}/afile"], "is not a directory"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "afile").write_text("")
    code, out, err = _run(capsys, *[a.format(tmp=tmp_path) for a in args])
    assert code == 2 and out == ""
    assert err.startswith("micrograd-like graph: error: ") and err.count("\n") == 1
    assert message.format(tmp=tmp_path) in err
    assert "Traceback" not in err


def test_pdf_without_dot_is_a_one_line_error(
    no_dot: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "-o", str(tmp_path / "g.pdf"))
    assert code == 2 and err.count("\n") == 1
    assert "apt-get install graphviz" in err and "brew install graphviz" in err
    assert not (tmp_path / "g.pdf").exists()


def test_an_output_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "-o/--output" in err and "--format text" in err


# --- your own expression, text views, stdout -----------------------------------------------------


EXPR = ["--expr", "tanh(a*b + c)", "--set", "a=2", "--set", "b=-3", "--set", "c=1"]


def test_an_expression_of_your_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "f.svg"
    code, out, err = _run(capsys, *EXPR, "-o", str(target))
    assert (code, err, out.strip()) == (0, "", f"wrote {target}")
    nodes = _nodes(target)
    t = math.tanh(2 * -3 + 1)
    df = 1 - t * t  # d tanh(s)/ds at s = a·b + c = -5
    assert nodes["f"][1] == ["f", f"data {t:.4g}", "grad 1"]
    assert nodes["a"][1] == ["a", "data 2", f"grad {df * -3:.4g}"]  # df/da = tanh'(s)·b
    assert nodes["b"][1] == ["b", "data -3", f"grad {df * 2:.4g}"]
    assert nodes["c"][1] == ["c", "data 1", f"grad {df:.4g}"]
    assert set(nodes) == {"f", "a·b+c", "a·b", "a", "b", "c"}
    assert not any("highlight" in classes for classes, _ in nodes.values())  # no default highlight
    code, _, _ = _run(capsys, *EXPR, "-o", str(target), "--highlight", "a")
    hot = {name for name, (classes, _) in _nodes(target).items() if "highlight" in classes}
    assert code == 0 and hot == {"f", "a·b+c", "a·b", "a"}


def test_a_variable_used_twice_is_one_node_with_two_edges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "g.dot"
    assert _run(capsys, "--expr", "x*x + x", "--set", "x=3", "-o", str(target))[0] == 0
    source = target.read_text(encoding="utf-8")
    (x_id,) = [line.split()[0] for line in source.splitlines() if 'label="x|' in line]
    assert sum(1 for line in source.splitlines() if line.strip().startswith(f"{x_id} ->")) == 3
    assert 'label="x|data 3|grad 7"' in source  # d(x² + x)/dx = 2x + 1


def test_text_views_print_to_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *EXPR, "--format", "text")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "f = -0.9999  grad 1  (tanh)"
    assert lines[1].startswith("└─ a·b+c = -5  grad 0.0001816  (+)  local 0.0001816")
    assert "   │  ├─ a = 2  grad -0.0005447  parameter  local -3" in lines
    code, table, _ = _run(capsys, "--format", "table", "--digits", "6")
    rows = {line.split()[0]: line.split() for line in table.splitlines()[1:]}
    assert rows["w[2]12"][:4] == ["w[2]12", "param", "0.35", f"{_post_gradient():.6g}"]
    assert rows["s[2]"][-2:] == ["w[2]11·z[1]1,", "w[2]12·z[1]2"]
    assert len(rows) == len(backward_order(build().loss))  # every node once


def test_dash_writes_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "-o", "-")
    assert code == 0
    assert ET.fromstring(out.split("\n", 3)[3] if out.startswith("<?xml") else out) is not None
    assert "<svg" in out and not (tmp_path / "-").exists() and not Path("-").exists()
    code, out, _ = _run(capsys, "-o", "-", "--format", "dot", *EXPR)
    assert code == 0 and out.startswith("digraph computation {")


def test_png_to_stdout_as_a_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "micrograd_like.cli", "graph", "-o", "-", "--format", "png"],
        capture_output=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0 and done.stdout.startswith(b"\x89PNG")
    assert list(tmp_path.iterdir()) == []


def test_compact_and_bias(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "g.dot"
    assert _run(capsys, "--bias", "--set", "b[2]1=0.5", "--compact", "-o", str(target))[0] == 0
    source = target.read_text(encoding="utf-8")
    assert 'label="b[2]1|data 0.5|' in source and 'label="b[1]1|data 0|' in source
    assert not [line for line in source.splitlines() if line.startswith("\to")]  # compact: no op ovals
    assert 'label="tanh|z[2]|' in source


def test_the_docs_pictures_are_what_the_commands_draw_now(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/ holds the README's pictures; regenerate them as docs/rendering.md says when this fails."""
    docs = Path(__file__).resolve().parent.parent / "docs"
    for name, extra in [("worked_example.svg", ["--compact"]), ("worked_example_full.svg", [])]:
        assert _run(capsys, "-o", str(tmp_path / name), "--renderer", "embedded", *extra)[0] == 0
        assert (tmp_path / name).read_bytes() == (docs / name).read_bytes(), f"docs/{name} is stale"
    assert _run(capsys, "--frames", str(tmp_path / "frames"), "--compact", "--renderer", "embedded")[0] == 0
    committed = sorted(p.name for p in (docs / "frames").iterdir())
    assert committed == ["step_01.svg", "step_05.svg", "step_10.svg", "step_13.svg"]
    for name in committed:
        assert (tmp_path / "frames" / name).read_bytes() == (docs / "frames" / name).read_bytes(), name


@pytest.mark.parametrize(("typed", "read"), [("𝐚", "a"), ("ﬁ", "fi"), ("ａ", "a")])
def test_a_name_folded_by_the_parser_is_the_same_name_in_set_and_highlight(
    tmp_path: Path, typed: str, read: str
) -> None:
    argv = ["graph", "--format", "text", "--expr", f"{typed}*2", "--set", f"{typed}=2", "--highlight", typed]
    done = subprocess.run(
        [sys.executable, "-m", "micrograd_like.cli", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"├─ {read} = 2  grad 2  parameter" in done.stdout
    page = tmp_path / "p.html"
    assert main(["html", "--expr", f"tanh({typed} + 1)", "--set", f"{typed}=2", "-o", str(page)]) == 0
    assert page.stat().st_size > 0


def test_a_function_name_given_a_value_and_many_unused_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--format", "text", "--expr", "exp*2", "--set", "exp=1")
    assert code == 2 and out == ""
    assert err == "micrograd-like graph: error: --expr: 'exp*2': exp is a function; call it, e.g. exp(x)\n"
    many = [arg for k in range(2_000) for arg in ("--set", f"v{k}=1")]
    code, out, err = _run(capsys, "--format", "text", "--expr", "a*2", *many)
    assert code == 2 and err.count("\n") == 1 and len(err) < 250
    assert "no value for a (give each name a number, e.g. a=1.0; values given: v0, v1, v10, v100" in err
    assert "(1992 more))" in err
