"""The project's Graphviz picture, marked up so the page's script can find and restyle its parts.

`viz.draw_dot` names value nodes `n<i>` (i in backward order, n0 the root) and op nodes `o<i>`
(the op that made `n<i>`), and Graphviz writes each name into the element's `<title>`.
`mark_up(svg, order)` reads those titles and adds attributes the controller uses, so it never has
to parse titles itself, and the picture stays exactly what `micrograd-like graph` draws:

- a value node: `data-node="i"`; its "data …" and "grad …" texts get classes `mg-data`, `mg-grad`;
- an op node: `data-op="i"`;
- an edge into an op: `data-edge="i:k"` (the k-th input of node i; `x * x` has 0 and 1), its label
  text the class `mg-local`; the edge from an op to its value: `data-out="i"`.

    >>> from micrograd_like import Value
    >>> from micrograd_like.backprop import backward_order
    >>> from micrograd_like.render import render_svg
    >>> from micrograd_like.viz import draw_dot
    >>> x = Value(3.0, "x")
    >>> y = x * x
    >>> svg = mark_up(render_svg(draw_dot(y, legend=False), renderer="embedded"), backward_order(y))
    >>> [s in svg for s in ('data-node="1"', 'data-op="0"', 'data-edge="0:0"', 'data-edge="0:1"')]
    [True, True, True, True]
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..core.engine import Value

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_G, _TITLE, _TEXT = f"{{{SVG_NS}}}g", f"{{{SVG_NS}}}title", f"{{{SVG_NS}}}text"
_EDGE = re.compile(r"^([no])(\d+)->([no])(\d+)$")


class PictureError(ValueError):
    """The SVG does not have the node names the page needs (e.g. viz changed its ids)."""


def _add_class(element: ET.Element, name: str) -> None:
    classes = element.get("class", "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))


def parse_svg(svg: str, what: str = "picture") -> ET.Element:
    """A rendered picture as an element tree (written back with the SVG and xlink prefixes it had);
    a PictureError naming `what` if it is not valid SVG."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    try:
        return ET.fromstring(svg)
    except ET.ParseError as error:
        raise PictureError(f"the rendered {what} is not valid SVG: {error}") from None


def mark_up(svg: str, order: Sequence[Value]) -> str:
    """The SVG text with the page's hooks added (see the module docstring), as one `<svg>` element."""
    root = parse_svg(svg)
    parents = [node.parents for node in order]
    taken: dict[tuple[int, int], int] = {}  # (op node, parent) -> how many of its edges are marked
    found: set[int] = set()
    for group in root.iter(_G):
        title = group.find(_TITLE)
        name = (title.text or "").strip() if title is not None else ""
        classes = group.get("class", "").split()
        if "node" in classes and re.fullmatch(r"n\d+", name):
            i = int(name[1:])
            group.set("data-node", str(i))
            found.add(i)
            for text in group.iter(_TEXT):
                content = (text.text or "").strip()
                if content.startswith("data "):
                    _add_class(text, "mg-data")
                elif content.startswith("grad "):
                    _add_class(text, "mg-grad")
        elif "node" in classes and re.fullmatch(r"o\d+", name):
            group.set("data-op", name[1:])
        elif "edge" in classes:
            match = _EDGE.match(name)
            if match is None:
                continue
            src, a, dst, b = match.groups()
            if src == "n" and dst == "o":  # value n<a> is an input of the op that made n<b>
                i, p = int(b), int(a)
                uses = [k for k, parent in enumerate(parents[i]) if parent is order[p]]
                seen = taken.get((i, p), 0)
                taken[(i, p)] = seen + 1
                if seen < len(uses):
                    group.set("data-edge", f"{i}:{uses[seen]}")
                for text in group.iter(_TEXT):
                    _add_class(text, "mg-local")
            elif src == "o" and dst == "n":
                group.set("data-out", b)
    if found != set(range(len(order))):
        missing = sorted(set(range(len(order))) - found)[:5]
        raise PictureError(f"the picture has no value node titled n{missing[0]} (viz ids changed?)")
    for element in root.iter():  # Graphviz's ids (node1, edge1, ...) would repeat across pictures
        element.attrib.pop("id", None)
    for attribute in ("width", "height"):  # the page sizes the picture itself (pan and zoom)
        root.attrib.pop(attribute, None)
    root.set("class", "mg-picture")
    root.set("role", "group")
    root.set("aria-label", "computation graph")
    return ET.tostring(root, encoding="unicode")
