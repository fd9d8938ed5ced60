"""Rendering with the embedded graphviz-pure (always) and Graphviz's own dot (whenever installed)."""

from __future__ import annotations

import math
import os
import shutil
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_files import Reader, fill_disk

from micrograd_like import Value
from micrograd_like.show.render import RenderError, available_renderers, render, render_bytes, render_svg
from micrograd_like.show.viz import draw_dot, write_frames

SVG = "{http://www.w3.org/2000/svg}"
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed (CI installs it)")
RENDERERS = ["embedded", pytest.param("native", marks=needs_dot)]
NASTY = 'a"b<c>&d\\e{f}g|h \\N'  # every character DOT, records or XML treat specially, and a \N escape


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A PATH without Graphviz: the embedded renderer is still found beside the interpreter."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def _graph() -> Value:
    x = Value(1.5, NASTY)
    w = Value(-2.0, "w", kind="parameter")
    y = (w * x).tanh() + 3.0
    y.label = "ŷ"
    y.backward()
    return y


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_embedded_renderer_is_always_available() -> None:
    found = available_renderers()
    assert "embedded" in found and Path(found["embedded"]).name == "graphviz-pure"
    assert ("native" in found) == HAS_DOT


@pytest.mark.parametrize("renderer", RENDERERS)
def test_labels_round_trip_into_the_svg(renderer: str) -> None:
    svg = render_svg(draw_dot(_graph()), renderer=renderer)  # type: ignore[arg-type]
    texts = _texts(svg)
    assert NASTY in texts  # quotes, brackets, braces, bar, ampersand, backslashes: all as written
    assert "ŷ" in texts and "w" in texts
    assert "data 1.5" in texts and "data -2" in texts
    assert "tanh" in texts and "+" in texts and "*" in texts
    # y = tanh(w·x) + 3, dy/dw = (1 - tanh²(w·x))·x: the grad box of w, in 4 significant digits
    assert f"grad {(1 - math.tanh(-3.0) ** 2) * 1.5:.4g}" in texts


@needs_dot
def test_both_renderers_draw_the_same_text() -> None:
    graph = draw_dot(_graph())
    native = sorted(_texts(render_svg(graph, renderer="native")))
    embedded = sorted(_texts(render_svg(graph, renderer="embedded")))
    assert native == embedded


@pytest.mark.parametrize("renderer", RENDERERS)
def test_formats_from_the_suffix(tmp_path: Path, renderer: str) -> None:
    graph = draw_dot(_graph())
    svg = render(graph, tmp_path / "g.svg", renderer=renderer)  # type: ignore[arg-type]
    assert ET.parse(svg).getroot().tag == f"{SVG}svg"
    png = render(graph, tmp_path / "g.PNG", renderer=renderer)  # type: ignore[arg-type]
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    dot = render(graph, tmp_path / "g.dot", renderer=renderer)  # type: ignore[arg-type]
    assert dot.read_text(encoding="utf-8") == graph.source
    forced = render(graph, tmp_path / "picture.txt", format="svg", renderer=renderer)  # type: ignore[arg-type]
    assert forced.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.PNG", "g.dot", "g.svg", "picture.txt"]


@needs_dot
def test_pdf_with_native_dot(tmp_path: Path) -> None:
    pdf = render(draw_dot(_graph()), tmp_path / "g.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_auto_uses_native_when_installed_else_embedded(no_dot: None) -> None:
    assert "native" not in available_renderers()
    svg = render_svg("digraph { a -> b }")
    assert "graphviz-pure" in svg  # its generator comment


@needs_dot
def test_auto_prefers_native() -> None:
    assert "graphviz-pure" not in render_svg("digraph { a -> b }")


def test_pdf_without_dot_says_how_to_install(no_dot: None, tmp_path: Path) -> None:
    with pytest.raises(RenderError) as error:
        render("digraph { a -> b }", tmp_path / "g.pdf")
    message = str(error.value)
    for hint in ("PDF", "apt-get install graphviz", "brew install graphviz", "conda", "SVG"):
        assert hint in message
    assert "\n" not in message
    assert not (tmp_path / "g.pdf").exists()
    with pytest.raises(RenderError, match="dot program is not on PATH"):
        render_svg("digraph { a -> b }", renderer="native")


def test_bad_requests(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match=r"unknown format 'bmpx': use one of .*png.*svg"):
        render("digraph { a }", tmp_path / "g.bmpx")
    with pytest.raises(RenderError, match="no suffix"):
        render("digraph { a }", tmp_path / "g")
    with pytest.raises(RenderError, match="does not exist"):
        render("digraph { a }", tmp_path / "missing" / "g.svg")
    with pytest.raises(RenderError, match="is a directory"):
        render("digraph { a }", tmp_path, format="svg")
    with pytest.raises(RenderError, match="unknown renderer"):
        render_bytes("digraph { a }", "svg", renderer="cairo")  # type: ignore[arg-type]
    with pytest.raises(RenderError, match=r"embedded renderer cannot write PDF|PDF needs Graphviz"):
        render_bytes("digraph { a }", "pdf", renderer="embedded")


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_failed_render_leaves_the_old_file_and_no_temporary(tmp_path: Path, renderer: str) -> None:
    target = tmp_path / "g.svg"
    target.write_text("old picture")
    with pytest.raises(RenderError, match=f"the {renderer} renderer .* could not draw the graph as svg"):
        render("digraph { a -> }", target, renderer=renderer)  # type: ignore[arg-type]
    assert target.read_text() == "old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["g.svg"]


def test_jupyter_display_works_without_dot(no_dot: None) -> None:
    graph = draw_dot(_graph())
    svg = graph._repr_image_svg_xml()  # what Jupyter calls to show the graph inline
    assert NASTY in _texts(svg)


# --- labels exactly as written, whatever they hold (reliability: each failed before the fix) --------

# label -> what the picture shows: entities as typed, invisible characters as their Python escapes
AS_WRITTEN = {
    "&amp;": "&amp;",
    "&lt;b&gt;": "&lt;b&gt;",
    "&#65;": "&#65;",
    "<b>": "<b>",
    "tab\there": "tab\\there",
    "cr\rhere": "cr\\rhere",
    "line\nbreak": "line\\nbreak",
    "bell\x07": "bell\\x07",
    "nul\x00": "nul\\x00",
    "del\x7f": "del\\x7f",
    "lone \ud800": "lone \\ud800",
    "non\ufffechar": "non\\ufffechar",
    "ŷ ∂ 🙂": "ŷ ∂ 🙂",
}


def _label_graph(label: str) -> Value:
    x = Value(1.0, label)
    y = x * 2.0
    y.label = label + "!"  # in the root too: the legend and the tooltips carry it
    y.backward()
    return y


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("label", list(AS_WRITTEN))
def test_labels_render_exactly_as_written_as_valid_svg(renderer: str, label: str) -> None:
    graph = draw_dot(_label_graph(label), highlight=label)
    svg = render_svg(graph, renderer=renderer)  # type: ignore[arg-type]
    root = ET.fromstring(svg)  # valid XML (control characters or surrogates would break it)
    texts = [" ".join((t.text or "").split()) for t in root.iter(f"{SVG}text")]
    shown = " ".join(AS_WRITTEN[label].split())
    assert shown in texts and f"{shown}!" in texts
    titles = [a.get("{http://www.w3.org/1999/xlink}title", "") for a in root.iter(f"{SVG}a")]
    assert any(t.startswith(AS_WRITTEN[label] + ":") for t in titles)  # the tooltip, as written too


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_nasty_label_in_frames_and_png(tmp_path: Path, renderer: str) -> None:
    y = _label_graph("a\x00&amp;\tb")
    (frame, *_) = write_frames(y, tmp_path / "frames", renderer=renderer)  # type: ignore[arg-type]
    ET.parse(frame)
    png = render(draw_dot(y), tmp_path / "g.png", renderer=renderer)  # type: ignore[arg-type]
    assert png.read_bytes().startswith(b"\x89PNG")


def test_render_on_a_full_disk_keeps_the_old_picture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.svg"
    path.write_text("the old picture")
    fill_disk(monkeypatch, room=50)
    with pytest.raises(RenderError) as caught:
        render("digraph { a -> b }", path, renderer="embedded")
    assert (
        str(caught.value)
        == f"cannot write {str(path)!r}: No space left on device; {str(path)!r} is unchanged"
    )
    assert path.read_text() == "the old picture" and [p.name for p in tmp_path.iterdir()] == ["g.svg"]


def test_render_writes_into_a_fifo_and_frames_into_a_folder_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    reader.start()
    assert render("digraph { a -> b }", fifo, format="svg", renderer="embedded") == fifo
    reader.join(30)
    assert reader.data.startswith(b"<?xml") and stat.S_ISFIFO(fifo.lstat().st_mode)
    y = (Value(2.0, "a") * Value(-3.0, "b")).tanh()
    fill_disk(monkeypatch, room=5_000)  # the first frame fits, the rest do not
    with pytest.raises(OSError, match="nothing was written"):
        write_frames(y, tmp_path / "frames", renderer="embedded")
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]
