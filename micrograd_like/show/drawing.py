"""`Drawing`: a `graphviz.Digraph` that renders and saves itself with this package's renderers
(the native `dot` where installed, else the embedded one), inline in Jupyter too."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import graphviz

from .render import FORMATS, Renderer, render, render_bytes, render_svg


class GraphTooLargeError(ValueError):
    """The graph has more nodes than `max_nodes` allows."""


class Drawing(graphviz.Digraph):
    """A `graphviz.Digraph` that draws itself with this package's renderers.

    It shows inline in Jupyter and saves as SVG, PNG (and PDF where Graphviz is installed) even
    on a machine where Graphviz's `dot` is not: `render`, `pipe` and Jupyter's display go
    through `micrograd_like.render` (the native `dot` if installed, else the embedded one).
    """

    pinned = False  # True once every node and edge has its position: rendered without a new layout

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", "svg")
        super().__init__(*args, **kwargs)

    def _repr_image_svg_xml(self) -> str:
        return render_svg(self)

    def pipe(
        self,
        format: str | None = None,
        renderer: Renderer | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """The picture as bytes (or text, given `encoding`), like `graphviz.Digraph.pipe`."""
        data = render_bytes(self, format or self.format, renderer or "auto")
        return data.decode(encoding) if encoding else data

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        renderer: Renderer | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        quiet_view: bool = False,
        *,
        outfile: str | os.PathLike[str] | None = None,
        engine: str | None = None,
        raise_if_result_exists: bool = False,
        overwrite_source: bool = False,
    ) -> str:
        """Save the picture and return its path, as `graphviz.Digraph.render` does.

        `render("g", format="png")` writes g.png; `render("g.svg")` writes g.svg (a name with a
        picture suffix is the file itself); `outfile=` names the file directly. Only the picture
        is written: no DOT source file beside it (use format="dot" or `save()` for that).
        `renderer` is "auto", "native" or "embedded" (see `micrograd_like.render`).
        """
        target = _target(self, filename, directory, format, outfile)
        if raise_if_result_exists and target.exists():
            raise FileExistsError(f"output file exists: {str(target)!r}")
        fmt = format or (target.suffix.lstrip(".") if target.suffix else self.format)
        path = render(self, target, format=fmt, renderer=renderer or "auto")
        if view:
            graphviz.view(path, quiet=quiet_view)
        return str(path)


def _target(
    drawing: Drawing,
    filename: str | os.PathLike[str] | None,
    directory: str | os.PathLike[str] | None,
    format: str | None,
    outfile: str | os.PathLike[str] | None,
) -> Path:
    if outfile is not None:
        return Path(outfile)
    name = Path(filename if filename is not None else f"{drawing.name or 'graph'}")
    if directory is not None:
        name = Path(directory) / name
    if format is None and name.suffix.lstrip(".").lower() in FORMATS:
        return name  # "g.svg": the picture itself, not g.svg.svg
    return name.with_name(f"{name.name}.{(format or drawing.format).lower().lstrip('.')}")
