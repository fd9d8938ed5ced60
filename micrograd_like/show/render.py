"""Render DOT graphs to SVG, PNG, PDF or DOT files, with or without Graphviz installed.

Two renderers read the same DOT source:

- "native": Graphviz's own `dot` program, used whenever it is on PATH (every format, PDF included);
- "embedded": the `graphviz-pure` program that pip installs with this package (a static Rust port
  of Graphviz's dot layout: svg, png, jpeg, dot, json, plain; no pdf), so pictures render on a
  machine with nothing but pip.

`renderer="auto"` takes the native program if it is installed and the embedded one otherwise.
Why graphviz-pure and not a WebAssembly Graphviz: see docs/rendering.md.

    >>> svg = render_svg('digraph { a -> b }', renderer="embedded")
    >>> svg.lstrip().startswith("<?xml") and "</svg>" in svg
    True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Literal, Protocol

from ..util.files import write_bytes

Renderer = Literal["auto", "native", "embedded"]

# What each program can write (Graphviz's -T names). "dot" is not listed: DOT output is the source
# itself and needs no program.
NATIVE_FORMATS = frozenset({"svg", "png", "pdf", "jpeg", "jpg", "gif", "ps", "eps", "json", "plain", "xdot"})
EMBEDDED_FORMATS = frozenset({"svg", "png", "jpeg", "jpg", "json", "plain", "xdot"})
SOURCE_FORMATS = frozenset({"dot", "gv"})
FORMATS = NATIVE_FORMATS | EMBEDDED_FORMATS | SOURCE_FORMATS

INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz; "
    "conda: conda install -c conda-forge graphviz) or write SVG/PNG instead, which work without it"
)


class RenderError(RuntimeError):
    """A graph could not be rendered: unknown format, missing program, bad path or a failed layout."""


class HasSource(Protocol):
    """Anything with DOT text in `.source`, such as a `graphviz.Digraph`."""

    @property
    def source(self) -> str: ...


def _native_program() -> str | None:
    return shutil.which("dot")


def _embedded_program() -> str | None:
    # pip puts the binary among this interpreter's scripts (a venv's bin/, or ~/.local/bin after
    # `pip install --user`), which need not be on PATH
    places = [
        sysconfig.get_path("scripts"),
        sysconfig.get_path("scripts", sysconfig.get_preferred_scheme("user")),
    ]
    for place in places:
        found = shutil.which("graphviz-pure", path=place)
        if found:
            return found
    return shutil.which("graphviz-pure")


def available_renderers() -> dict[str, str]:
    """The renderers found on this machine, native first: {"native": "/usr/bin/dot", "embedded": ...}."""
    found = {"native": _native_program(), "embedded": _embedded_program()}
    return {name: program for name, program in found.items() if program is not None}


def _source(graph: HasSource | str) -> str:
    return graph if isinstance(graph, str) else graph.source


def _check_format(format: str) -> str:
    fmt = format.lower().lstrip(".")
    if fmt not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise RenderError(f"unknown format {fmt!r}: use one of {known}")
    return fmt


def _choose(fmt: str, renderer: str) -> tuple[str, str]:
    """(renderer name, program path) that can write `fmt`, or a RenderError that says what to do."""
    if renderer not in ("auto", "native", "embedded"):
        raise RenderError(f"unknown renderer {renderer!r}: use 'auto', 'native' or 'embedded'")
    native, embedded = _native_program(), _embedded_program()
    if renderer in ("auto", "native") and native is not None and fmt in NATIVE_FORMATS:
        return "native", native
    if renderer == "native":
        if native is None:
            raise RenderError(f"Graphviz's dot program is not on PATH: {INSTALL_HINT}")
        raise RenderError(f"Graphviz's dot cannot write {fmt!r} here")
    if fmt not in EMBEDDED_FORMATS and native is not None:  # renderer == "embedded"
        raise RenderError(f"the embedded renderer cannot write {fmt.upper()}: use the native one (dot)")
    if fmt not in EMBEDDED_FORMATS:
        raise RenderError(
            f"{fmt.upper()} needs Graphviz's dot program, which is not on PATH "
            f"(the embedded renderer writes {', '.join(sorted(EMBEDDED_FORMATS))}): {INSTALL_HINT}"
        )
    if embedded is None:
        hint = "reinstall micrograd-like (pip install graphviz-pure)"
        raise RenderError(f"the embedded renderer graphviz-pure is not installed: {hint}, or {INSTALL_HINT}")
    return "embedded", embedded


def render_bytes(graph: HasSource | str, format: str = "svg", renderer: Renderer = "auto") -> bytes:
    """The graph drawn in `format` ("svg", "png", "pdf", "dot", ...), as bytes."""
    fmt = _check_format(format)
    source = _source(graph)
    if fmt in SOURCE_FORMATS:
        return _encode(source)
    name, program = _choose(fmt, renderer)
    # A drawing whose every position is already fixed (`pinned`, e.g. the frames of a backward
    # pass sharing one layout) is drawn by neato in no-layout mode: nodes, edges and labels stay.
    engine = ["-Kneato", "-n2"] if getattr(graph, "pinned", False) else []
    # DOT goes in on stdin (no temporary file); -q keeps harmless layout warnings off stderr.
    done = subprocess.run(
        [program, "-q", *engine, f"-T{fmt}"], input=_encode(source), capture_output=True, check=False
    )
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = detail[0] if detail else f"exit code {done.returncode}, no output"
        raise RenderError(f"the {name} renderer ({program}) could not draw the graph as {fmt}: {why}")
    return done.stdout


def _encode(source: str) -> bytes:
    try:
        return source.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate: no program can read it
        raise RenderError(f"the DOT source holds text that is not valid Unicode: {error.reason}") from None


def render_svg(graph: HasSource | str, renderer: Renderer = "auto") -> str:
    """The graph as SVG text (with the native `dot` if installed, else the embedded renderer)."""
    return render_bytes(graph, "svg", renderer).decode("utf-8")


def render(
    graph: HasSource | str,
    path: str | os.PathLike[str],
    format: str | None = None,
    renderer: Renderer = "auto",
) -> Path:
    """Draw the graph into `path` (format from its suffix unless given) and return the path.

    The file appears whole or not at all (`files.write_bytes`: a temporary file, then a rename; a
    pipe or device such as /dev/null is written into, never replaced).
    """
    target = Path(path)
    if format is None:
        if not target.suffix:
            raise RenderError(f"{str(target)!r} has no suffix: name the format (.svg, .png, .pdf, .dot)")
        format = target.suffix
    data = render_bytes(graph, format, renderer)
    try:
        write_bytes(target, data)
    except OSError as error:  # the writer's message names the path, the reason and what was left
        raise RenderError(str(error)) from None
    return target
