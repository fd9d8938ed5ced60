"""The network view of a page: `network_view.draw_network`'s picture, marked up for the page's script.

`network_part(model, root)` renders the picture `micrograd-like graph --network` draws (the same
Graphviz layout and the same renderer as the op graph) and returns it with the data the script
needs to redraw it when values change:

- each input, unit and weight edge gets `data-name`: the name of the value it stands for in the
  op graph (`x1`, `z[1]1`, `w[2]12`), so one selection can light up both pictures;
- each number gets `data-of` (the value it shows: `s[1]1`, `w[2]12`) or `data-grad-of` (the
  weight whose dL/dw it shows) and `data-prefix` (the text before " = ");
- an edge's line and arrowhead get `mg-w-line` / `mg-w-head`: the script sets their width and
  colour from w by the drawing's rule (network_view's widths and colours, sent in the data);
- Graphviz's titles and hover links are dropped: their numbers would go stale when a value
  changes; the page shows the formulas with today's numbers itself.

    >>> from micrograd_like.example import build
    >>> ex = build()
    >>> ex.backward()
    >>> svg, data = network_part(ex.model, ex.loss, renderer="embedded")
    >>> 'data-name="w[2]12"' in svg, data["weights"][-1]
    (True, {'name': 'w[2]12', 'source': 'z[1]2', 'target': 's[2]'})
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..core.engine import Value
from ..learn.modules import MLP
from ..show.network_view import MAX_WIDTH, MIN_WIDTH, NEGATIVE, POSITIVE, TEXT, ZERO, draw_network
from ..show.render import Renderer, render_svg
from .svg import SVG_NS, PictureError, parse_svg

_G, _TITLE, _TEXT, _A = (f"{{{SVG_NS}}}{tag}" for tag in ("g", "title", "text", "a"))


def _output(model: MLP, layer: int, unit: int) -> str:
    """The name of unit `unit` of layer `layer`'s output (layer 0: the inputs x1..xn)."""
    if layer == 0:
        return f"x{unit}"
    neuron = model.layers[layer - 1].neurons[unit - 1]
    return neuron.s_label if neuron.activation == "linear" else neuron.z_label


def network_data(model: MLP) -> dict[str, Any]:
    """What the script needs to write the network's formulas and restyle its edges."""
    units, weights = [], []
    for layer_no, layer in enumerate(model.layers, 1):
        for j, neuron in enumerate(layer.neurons, 1):
            sources = [_output(model, layer_no - 1, k) for k in range(1, neuron.nin + 1)]
            units.append(
                {
                    "name": _output(model, layer_no, j),
                    "s": neuron.s_label,
                    "activation": neuron.activation,
                    "terms": [[w.label, x] for w, x in zip(neuron.w, sources)],
                    "bias": neuron.b.label if neuron.b is not None else None,
                }
            )
            weights += [
                {"name": w.label, "source": x, "target": neuron.s_label} for w, x in zip(neuron.w, sources)
            ]
    finite = [abs(p.data) for p in model.parameters() if abs(p.data) != float("inf") and p.data == p.data]
    return {
        "inputs": [f"x{k}" for k in range(1, model.nin + 1)],
        "units": units,
        "weights": weights,
        "largest": max(finite, default=0.0),
        "widths": [MIN_WIDTH, MAX_WIDTH],
        "colours": {"positive": POSITIVE, "negative": NEGATIVE, "zero": ZERO},
        "text_colours": {"positive": TEXT[POSITIVE], "negative": TEXT[NEGATIVE], "zero": TEXT[ZERO]},
    }


def _ids(model: MLP) -> dict[str, str]:
    """Graphviz node ids (network_view's) -> the value each stands for; edges "tail->head" -> weight."""
    ids = {f"x{k}": f"x{k}" for k in range(1, model.nin + 1)}
    for layer_no, layer in enumerate(model.layers, 1):
        for j, neuron in enumerate(layer.neurons, 1):
            ids[f"u{layer_no}_{j}"] = _output(model, layer_no, j)
            for k, w in enumerate(neuron.w, 1):
                tail = f"x{k}" if layer_no == 1 else f"u{layer_no - 1}_{k}"
                ids[f"{tail}->u{layer_no}_{j}"] = w.label
    return ids


def _unwrap_links(root: ET.Element) -> None:
    """Replace each <a> (Graphviz's hover link) by its children: its title's numbers go stale."""
    for parent in list(root.iter()):
        for index, child in reversed(list(enumerate(parent))):
            if child.tag == _A:
                parent.remove(child)
                for k, grandchild in enumerate(list(child)):
                    parent.insert(index + k, grandchild)


def mark_network(svg: str, model: MLP) -> str:
    """The rendered network with the page's hooks (see the module docstring)."""
    root = parse_svg(svg, "network")
    _unwrap_links(root)
    ids = _ids(model)
    found = set()
    for group in list(root.iter(_G)):
        title = group.find(_TITLE)
        name = ids.get((title.text or "").strip()) if title is not None else None
        if title is not None:
            group.remove(title)
        if name is None:
            continue
        found.add(name)
        group.set("data-name", name)
        is_edge = "edge" in group.get("class", "").split()
        for part in group.iter():
            if part.tag == f"{{{SVG_NS}}}path" and is_edge:
                part.set("class", "mg-w-line")
            elif part.tag == f"{{{SVG_NS}}}polygon" and is_edge:
                part.set("class", "mg-w-head")
        for text in group.iter(_TEXT):
            content = (text.text or "").strip()
            prefix, sep, _ = content.rpartition(" = ")
            if not sep:
                continue
            text.set("data-prefix", prefix)
            if prefix.startswith("dL/d"):
                text.set("data-grad-of", name)
            else:
                text.set("data-of", prefix.rpartition(" = ")[2])
    missing = sorted(set(ids.values()) - found)
    if missing:
        raise PictureError(f"the network picture has no element for {missing[0]} (network_view ids changed?)")
    for element in root.iter():
        element.attrib.pop("id", None)
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("class", "mg-network")
    root.set("role", "group")
    root.set("aria-label", "the network: inputs, units and weights")
    return ET.tostring(root, encoding="unicode")


def network_part(model: MLP, root: Value, renderer: Renderer = "auto") -> tuple[str, dict[str, Any]]:
    """The marked-up network picture for the page and its data (`root`: the forward pass drawn;
    run backward from it first, so each edge carries a dL/dw line the page keeps up to date)."""
    drawing = draw_network(model, root, legend=False)
    drawing.graph_attr.update(ranksep="0.6", nodesep="0.1")  # compact: it shares the screen with the op graph
    return mark_network(render_svg(drawing, renderer=renderer), model), network_data(model)
