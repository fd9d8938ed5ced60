"""Assemble the walkthrough page: one HTML file with the picture, the data, the generated math and
the controller inline, so it opens offline from `file://` and in a notebook.

`walkthrough_page(root, lr)` returns a `WalkthroughPage`: `.html` is the document, `.save(path)`
writes it, and in Jupyter or VS Code the object shows itself inline (an iframe whose `srcdoc` is
the page, so its script runs in its own sandboxed document).
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.engine import Value
from ..core.names import graph_names
from ..core.order import backward_order
from ..learn.modules import MLP
from ..show.render import Renderer, render_svg
from ..show.viz import DEFAULT_MAX_NODES, draw_dot
from ..util.files import write_text
from .bundle import controller
from .chapters import descent_part, landscape_part
from .export import PICTURE_DIGITS, copy_graph, graph_data
from .jsgen import graph_script, rule_ids
from .network import network_part
from .svg import mark_up
from .training import rules_script, training_part

LAYOUTS = {"LR": "left to right", "TB": "top to bottom"}


def asset(name: str) -> str:
    """The text of one of the page's assets (package data, so a built wheel has them too)."""
    return (resources.files(__package__) / "assets" / name).read_text(encoding="utf-8")


@dataclass(frozen=True, repr=False)
class WalkthroughPage:
    """A self-contained interactive page; `save(path)` writes it, notebooks show it inline."""

    html: str
    data: dict[str, Any] = field(repr=False)
    height: int = 900  # pixels of the inline frame in a notebook

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to `path` (whole or not at all: `files.write_text`) and return the path.

        An OSError says why not: the folder does not exist, the path is a folder, no permission.
        """
        return write_text(path, self.html)

    def _repr_html_(self) -> str:
        title = html.escape(self.data["title"], quote=True)
        return (
            f'<iframe title="{title}" srcdoc="{html.escape(self.html, quote=True)}" '
            f'sandbox="allow-scripts" style="width: 100%; height: {self.height}px; '
            'border: 1px solid #d0d0d0; border-radius: 6px;"></iframe>'
        )

    def __repr__(self) -> str:
        size = len(self.html.encode("utf-8")) // 1024
        return f"<WalkthroughPage {self.data['title']!r}: {len(self.data['nodes'])} nodes, {size} KB>"

    def __len__(self) -> int:
        return len(self.html.encode("utf-8"))


def _json(data: Mapping[str, Any]) -> str:
    # inside <script>: no "<" at all, so neither "</script>" nor "<!--" can appear
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).replace(
        "<", "\\u003c"
    )


def walkthrough_page(
    root: Value,
    lr: float = 0.1,
    *,
    title: str = "",
    intro: str = "",
    notes: Mapping[Value, str] | None = None,
    layouts: Sequence[str] = ("LR", "TB"),
    renderer: Renderer = "auto",
    max_nodes: int = DEFAULT_MAX_NODES,
    network: MLP | None = None,
) -> WalkthroughPage:
    """The interactive walkthrough of the backward pass from `root`, as one offline HTML page.

    lr: the learning rate α of the page's "Apply update" (editable there). title, intro: the
    page's heading and a sentence under it. notes: text shown when the backward pass (or an
    explanation) reaches a node, e.g. a remark on naming. layouts: the picture's directions, the
    first shown first ("LR" and/or "TB"; the page offers a choice when there are two). renderer:
    Graphviz's `dot` ("native") or the bundled one ("embedded"); "auto" takes dot if installed.
    network: the MLP whose forward pass `root` is (its output or loss): the page then also shows
    the network view (`draw_network`), linked to the op graph; run backward from `root` first so
    its edges carry dL/dw.

    The caller's graph is not changed: the page is made from a copy whose leaves start at zero
    gradient, so every gradient it shows is d(root)/d(node) from one backward pass.
    """
    chosen = list(dict.fromkeys(layouts))
    if not chosen or any(d not in LAYOUTS for d in chosen):
        raise ValueError(f"layouts must name one or both of 'LR', 'TB'; got {list(layouts)!r}")
    data = graph_data(root, lr, title=title, notes=notes)
    twin, order, _ = copy_graph(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"the graph has {len(order)} values, more than max_nodes={max_nodes}: a page of a graph "
            f"that size is unreadable; pass a part of it, or max_nodes={len(order)}"
        )
    for node, grad in zip(order, data["reference"]["grads"]):
        node.grad = grad  # the picture as drawn after backward (the page rewrites every number)
    pictures = []
    for i, direction in enumerate(chosen):
        graph = draw_dot(twin, rankdir=direction, legend=False, max_nodes=max_nodes, digits=PICTURE_DIGITS)
        svg = mark_up(render_svg(graph, renderer=renderer), backward_order(twin))
        hidden = " hidden" if i else ""
        pictures.append(f'<div data-layout="{direction}"{hidden}>{svg}</div>')
    choice = ""
    if len(chosen) > 1:
        options = "".join(f'<option value="{d}">{LAYOUTS[d]}</option>' for d in chosen)
        choice = f'<label class="mg-check">layout <select id="mg-layout">{options}</select></label>'
    net_svg = ""
    if network is not None:
        net_svg, data["network"] = network_part(network, root, renderer)
    names = graph_names(order)
    script = graph_script(order, names, rule_ids(order))
    data["descent"], descent_script = descent_part(order)  # the "Gradient descent" chapter
    data["landscape"], landscape_script = landscape_part()
    data["training"] = training_part()  # the "Training" chapter
    from ..util.version import VERSION as __version__

    parts = {
        "__MG_VERSION__": __version__,
        "__MG_TITLE__": html.escape(data["title"]),
        "__MG_INTRO__": html.escape(intro) if intro else _default_intro(data),
        "__MG_CSS__": asset("page.css"),
        "__MG_LAYOUT_CHOICE__": choice,
        "__MG_SVG__": "\n".join(pictures),
        "__MG_NETWORK__": _network_section(net_svg),
        "__MG_LEGEND__": _legend(data),
        "__MG_DATA__": _json(data),
        "__MG_MATH__": script,
        "__MG_CHAPTER_MATH__": descent_script + landscape_script + rules_script(),
        "__MG_CONTROLLER__": controller(),
    }
    return WalkthroughPage(fill_template(asset("page.html"), parts), data)


_SLOT = re.compile(r"__MG_[A-Z_]+__")


def fill_template(template: str, parts: Mapping[str, str]) -> str:
    """The template with each `__MG_…__` slot replaced by its part, in one pass over the template
    alone: a part is never searched for slots, so a title or label that reads `__MG_DATA__` stays
    text. Each part arrives escaped for where it lands; a slot without a part is an error.

    >>> parts = {"__MG_TITLE__": "__MG_DATA__", "__MG_DATA__": "{}"}
    >>> fill_template("<h1>__MG_TITLE__</h1>__MG_DATA__", parts)
    '<h1>__MG_DATA__</h1>{}'
    """
    slots = set(_SLOT.findall(template))
    if slots != set(parts):
        raise KeyError(f"the page template's slots {sorted(slots)} differ from the parts {sorted(parts)}")
    return _SLOT.sub(lambda match: parts[match.group(0)], template)


def _network_section(svg: str) -> str:
    """The network view's pane, or nothing for a graph that is not an MLP's forward pass."""
    if not svg:
        return ""
    return (
        '<section class="mg-net" aria-labelledby="mg-net-h">\n'
        '<h2 id="mg-net-h" class="mg-visually-hidden">The network</h2>\n'
        f'<div id="mg-net-view" class="mg-net-view">{svg}</div>\n'
        '<p class="mg-net-key"><span class="mg-key-pos">blue edge: w &gt; 0</span> · '
        '<span class="mg-key-neg">orange edge: w &lt; 0</span> · width grows with |w| · '
        "click, or Tab and Enter, to select; hover or focus a weight for its formula</p>\n"
        '<p id="mg-net-info" class="mg-net-info" aria-live="polite"></p>\n'
        "</section>"
    )


def _default_intro(data: Mapping[str, Any]) -> str:
    root = html.escape(data["root"])
    return (
        f"Step the backward pass through {root} node by node, edit any leaf and watch every value and "
        "gradient recompute, ask for the paths behind a gradient, and take gradient-descent steps."
    )


def _legend(data: Mapping[str, Any]) -> str:
    """What the stand-in names (t1, input1, ...) mean, when the graph has any."""
    legend = data["legend"]
    if not legend:
        return ""
    items = "".join(f"<li><code>{html.escape(k)}</code> = {html.escape(v)}</li>" for k, v in legend.items())
    return f'<p>Names that stand for longer expressions:</p><ul class="mg-stand-ins">{items}</ul>'
