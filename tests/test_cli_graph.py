"""`micrograd-like graph`: the worked example drawn to a file or as frames, and one-line errors."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_like import backward_order
from micrograd_like.cli import main
from micrograd_like.example import build

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
    assert hot == {"w[2]12", "s[2]", "z[2]", "L", "data 0.2115", "data -0.6943"}
    assert "parameter" in nodes["w[1]11"][0] and "input" in nodes["x1"][0]


def test_set_and_highlight(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "graph.svg"
    code, _, _ = _run(capsys, "-o", str(target), "--set", "w[2]12=0.5", "--highlight", "w[1]11")
    assert code == 0
    nodes = _nodes(target)
    assert nodes["w[2]12"][1] == ["w[2]12", "data 0.5", f"grad {_post_gradient(0.5):.4g}"]
    hot = {name for name, (classes, _) in nodes.items() if "highlight" in classes}
    labelled = {name for name in hot if not name.startswith("data ")}
    assert labelled == {"w[1]11", "s[1]1", "z[1]1", "s[2]", "z[2]", "L"}
    assert len(hot - labelled) == 3  # the products w[1]11·x1 and w[2]11·z[1]1, and ŷ - y
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
        (["-o", "{tmp}/missing/g.svg"], "directory '{tmp}/missing' does not exist"),
        (["-o", "{tmp}/g.bmpx"], "unknown format 'bmpx'"),
        (["-o", "{tmp}/g"], "has no suffix"),
        (["-o", "{tmp}/g.svg", "--format", "tiff"], "unknown format 'tiff'"),
        (["-o", "{tmp}/g.svg", "--highlight", "w[3]11"], "no node named 'w[3]11'"),
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
    with pytest.raises(SystemExit) as exit_:
        main(["graph"])
    assert exit_.value.code == 2
    assert "-o/--output" in capsys.readouterr().err
