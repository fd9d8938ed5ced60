"""The network drawn as the post draws it: units as circles, each weight an edge with its name.

`draw_network(model)` pictures an `MLP` neuron by neuron, where `draw_dot` pictures its graph op
by op: the inputs x1..xn, every hidden unit, the output ŷ, and one edge per weight w[l]jk (from
unit k of layer l−1 to unit j of layer l) labelled with its name and value. An edge's colour is
the weight's sign (blue positive, orange negative: the Okabe–Ito pair, told apart with any
colour vision) and its width grows with |w|. Give the root of a forward pass through the model
(its output ŷ, or the loss L) and each unit also shows its linear part s and activation z, the
inputs their values; once backward has run from that root, each edge also carries dL/dw.

    >>> from micrograd_like.example import build
    >>> ex = build()
    >>> ex.backward()
    >>> picture = draw_network(ex.model, ex.loss)
    >>> print(picture.source)  # doctest: +ELLIPSIS
    digraph network {
    ...
        x1 [label="x1 = 1" class=input ...]
    ...
        u2_1 [label="s[2] = 0.3157\\nŷ = z[2] = 0.3057" class=output ...]
    ...
        x1 -> u1_1 [label="w[1]11 = 0.25\\ndL/dw = 0.8617" class="weight positive" color="#0072B2" ...
    ...

In a dense network (more than 12 weights between two layers) the edges are unlabelled, straight
and slightly see-through, the circles small, and each weight's name, value and gradient are its
tooltip (the title a browser shows on hover), so a 2-16-16-1 network still reads. The result is
a `Drawing`, like `draw_dot`'s: it shows inline in Jupyter and saves as SVG or PNG with or
without Graphviz's `dot`. Node ids are names (`x1`, `u1_2` = unit 2 of layer 1), so the same
network always gives the same DOT source.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from ..core.engine import Value
from ..core.names import dname
from ..core.order import backward_order
from ..learn.modules import MLP, Neuron
from ..util.numbers import format_number
from .dot_text import escape_label
from .drawing import Drawing

POSITIVE = "#0072B2"  # Okabe–Ito blue: a weight > 0
NEGATIVE = "#D55E00"  # Okabe–Ito vermillion (orange): a weight < 0
ZERO = "#999999"  # a weight of exactly 0 (or NaN): no sign to show
TEXT = {POSITIVE: "#005a8c", NEGATIVE: "#a33f00", ZERO: "#666666"}  # darker: labels readable on white
MIN_WIDTH, MAX_WIDTH = 0.8, 5.0  # pen widths (points) of the smallest and the largest |w|
DENSE = 12  # more weights than this between two layers: their labels move into tooltips
DENSE_WIDTH = 3.0  # the widest edge of a dense picture: hundreds of edges at 5 pt would be a wall
DENSE_ALPHA = "c0"  # dense edges slightly see-through, so the ones underneath still show
FILL = {"input": "#eeeeee", "hidden": "#ffffff", "output": "#fff3c4"}  # no blue or orange: those are signs


@dataclass(frozen=True)
class Pass:
    """What one forward pass through the model computed, read from the graph below its root."""

    inputs: tuple[Value, ...]  # x1..xn, as the first layer read them
    s: dict[tuple[int, int], Value]  # (layer, unit) -> s[l]j, the unit's linear part
    z: dict[tuple[int, int], Value]  # (layer, unit) -> z[l]j = activation(s); absent for a linear unit
    top: str  # the root's name, for dL/dw
    backward: bool  # backward has run from the root: the gradients are d(root)/d(node)


def draw_network(
    model: MLP,
    root: Value | None = None,
    *,
    digits: int = 4,
    edge_labels: bool | None = None,
    legend: bool = True,
    rankdir: str = "LR",
) -> Drawing:
    """The network `model` as a `Drawing`: inputs, units and one edge per weight (`.render("n.svg")`).

    root: the output or loss of one forward pass through `model` (e.g. `ex.loss` of the worked
    example); the units then show s and z, the inputs their values, and, once `root.backward()`
    has run, each weight edge its gradient d(root)/dw. Without it the drawing shows the weights
    (and their `.grad` when some is not 0). digits: significant digits of every number.
    edge_labels: write each weight on its edge (default: unless more than 12 weights join two
    layers); the name, value and gradient are always the edge's tooltip. legend: a few lines
    under the picture saying what the colours, widths and names mean. rankdir: "LR" (inputs on
    the left, the post's way) or "TB" (inputs on top).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"draw_network draws an MLP, got {type(model).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be a whole number from 1 to 17, got {digits!r}")
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    if edge_labels is not None and not isinstance(edge_labels, bool):
        raise TypeError(f"edge_labels must be True, False or None, got {edge_labels!r}")
    run = None if root is None else forward_pass(model, root)
    sizes = [model.nin, *model.nouts]
    dense = max(a * b for a, b in itertools.pairwise(sizes)) > DENSE
    labels = not dense if edge_labels is None else edge_labels
    return _Picture(model, run, digits, labels, dense).draw(legend, rankdir)


# --- reading one forward pass out of a graph ----------------------------------------------------


def forward_pass(model: MLP, root: Value) -> Pass:
    """The s, z and inputs of the forward pass through `model` that `root` was computed from.

    A ValueError if `root` does not come from `model` or runs it on more than one sample (then no
    single value belongs to a unit: draw one sample's output or loss).
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"root must be a Value (the output or loss of a forward pass), got {type(root).__name__}"
        )
    labelled: dict[str, list[Value]] = {}
    for node in backward_order(root):
        if node.label:
            labelled.setdefault(node.label, []).append(node)
    s: dict[tuple[int, int], Value] = {}
    z: dict[tuple[int, int], Value] = {}
    inputs: tuple[Value, ...] = ()
    for layer_no, layer in enumerate(model.layers, 1):
        for j, neuron in enumerate(layer.neurons, 1):
            found = [
                (node, read) for node in labelled.get(neuron.s_label, []) if (read := _reads(node, neuron))
            ]
            if len(found) > 1:
                raise ValueError(
                    f"root's graph runs the network on {len(found)} samples ({neuron.s_label} appears "
                    f"{len(found)} times): draw the output or loss of one sample"
                )
            if not found:
                continue
            s[layer_no, j], read = found[0]
            if layer_no == 1 and j == 1:
                inputs = tuple(read)
            z_node = next(
                (n for n in labelled.get(neuron.z_label, []) if n.parents == (s[layer_no, j],)), None
            )
            if z_node is not None and neuron.activation != "linear":
                z[layer_no, j] = z_node
    if not s:
        raise ValueError("root was not computed by this network: none of its units is in root's graph")
    # an unlabelled root is almost always a loss: its gradients read dL/dw, as in the post
    return Pass(inputs, s, z, root.label or "L", root.grad != 0.0)


def _reads(s: Value, neuron: Neuron) -> list[Value] | None:
    """What `neuron` multiplied its weights by to make `s` (its inputs, in order), or None if
    `s` was not made by this neuron. s is a left fold of unlabelled sums of products w·x."""
    products: dict[Value, Value] = {}  # weight -> the input it multiplied
    stack = [s]
    while stack:
        node = stack.pop()
        if node is not s and (node.label or node.is_leaf):
            continue  # another unit's z, an input, a weight or bias: the fold ends here
        if node.op == "mul" and len(node.parents) == 2:
            a, b = node.parents
            products[a] = b
            products[b] = a
        else:
            stack.extend(node.parents)
    if any(w not in products for w in neuron.w):
        return None
    return [products[w] for w in neuron.w]


# --- the picture ---------------------------------------------------------------------------------


def _colour(w: float) -> str:
    if w > 0:
        return POSITIVE
    return NEGATIVE if w < 0 else ZERO  # NaN compares false both ways: no sign, grey


def _width(w: float, largest: float, widest: float = MAX_WIDTH) -> float:
    """Pen width growing linearly with |w| from MIN_WIDTH (w = 0) to `widest` (the largest |w|)."""
    size = abs(w)
    if math.isnan(size) or largest == 0.0:
        return MIN_WIDTH
    return widest if size >= largest else MIN_WIDTH + (widest - MIN_WIDTH) * size / largest


@dataclass(frozen=True)
class Weight:
    """One edge of the picture: weight `name` from node `tail` to node `head`."""

    name: str
    value: Value
    tail: str
    head: str
    source: str  # what it multiplies: x1, z[1]2, ...
    target: str  # the linear part it feeds: s[1]1, ...


class _Picture:
    def __init__(self, model: MLP, run: Pass | None, digits: int, labels: bool, dense: bool) -> None:
        self.model, self.run, self.digits, self.labels, self.dense = model, run, digits, labels, dense
        params = model.parameters()
        finite = [abs(p.data) for p in params if math.isfinite(p.data)]
        self.largest = max(finite, default=0.0)
        # gradients are worth showing once a backward pass has filled them in
        self.grads = run.backward if run is not None else any(p.grad != 0.0 for p in params)
        self.top = run.top if run is not None else "L"

    def num(self, x: float) -> str:
        return format_number(x, self.digits)

    def draw(self, legend: bool, rankdir: str) -> Drawing:
        graph = Drawing(
            "network",
            # edges first, then the circles over their ends
            graph_attr={"rankdir": rankdir, "ranksep": "1.1", "nodesep": "0.3", "outputorder": "edgesfirst"},
            node_attr={"shape": "circle", "style": "filled", "fontname": "Helvetica", "fontsize": "12"},
            edge_attr={"fontname": "Helvetica", "fontsize": "11", "arrowsize": "0.6"},
        )
        if self.dense:
            # straight and farther apart: a full layer's curves would bundle into a braid
            graph.graph_attr.update(splines="line", ranksep="2.5")
            graph.node_attr.update(fixedsize="true", width="0.85", fontsize="10")
            graph.edge_attr.update(arrowhead="none")  # left to right is plain; 300 arrowheads are a smudge
        inputs = [f"x{k}" for k in range(1, self.model.nin + 1)]
        _column(graph, "inputs", [(name, self._input(k)) for k, name in enumerate(inputs, 1)])
        for layer_no, layer in enumerate(self.model.layers, 1):
            units = [
                (_unit_id(layer_no, j), self._unit(layer_no, j, n)) for j, n in enumerate(layer.neurons, 1)
            ]
            _column(graph, f"layer{layer_no}", units)
        for weight in self.weights():
            graph.edge(weight.tail, weight.head, **self._edge(weight))
        if legend:
            text = "".join(escape_label(line) + "\\l" for line in self.caption())
            graph.graph_attr.update(
                label=text, labelloc="b", labeljust="l", fontname="Helvetica", fontsize="12"
            )
        return graph

    def weights(self) -> Iterator[Weight]:
        """Every weight with its ends, layer by layer, unit by unit, input by input."""
        for layer_no, layer in enumerate(self.model.layers, 1):
            for j, neuron in enumerate(layer.neurons, 1):
                for k, w in enumerate(neuron.w, 1):
                    tail = f"x{k}" if layer_no == 1 else _unit_id(layer_no - 1, k)
                    source = self._source(layer_no, k)
                    yield Weight(w.label, w, tail, _unit_id(layer_no, j), source, neuron.s_label)

    def _source(self, layer_no: int, k: int) -> str:
        """The name of input k of layer `layer_no`: x_k, or unit k's output in the layer before."""
        if layer_no == 1:
            return f"x{k}"
        neuron = self.model.layers[layer_no - 2].neurons[k - 1]
        return neuron.s_label if neuron.activation == "linear" else neuron.z_label

    def _input(self, k: int) -> dict[str, str]:
        name = f"x{k}"
        x = self.run.inputs[k - 1] if self.run is not None and self.run.inputs else None
        if x is None:
            lines = [name]
        else:  # a small circle: name over value, as the units show theirs
            lines = [name, self.num(x.data)] if self.dense else [f"{name} = {self.num(x.data)}"]
        tooltip = f"{name}: input {k}" + ("" if x is None else f" = {self.num(x.data)}")
        if x is not None and self.run is not None and self.run.backward:
            tooltip += f"; {dname(self.top, name)} = {self.num(x.grad)}"
        return {
            "label": "\\n".join(escape_label(line) for line in lines),
            "class": "input",
            "fillcolor": FILL["input"],
            "tooltip": escape_label(tooltip),
        }

    def _unit(self, layer_no: int, j: int, neuron: Neuron) -> dict[str, str]:
        """A unit's circle: its s and z (with their values once the model has run), its bias;
        the tooltip spells both formulas out, with numbers and gradients when known."""
        last = layer_no == len(self.model.layers)
        s_name = neuron.s_label
        z_name = None if neuron.activation == "linear" else neuron.z_label
        shown = z_name or s_name  # the unit's output: z, or s itself for a linear unit
        if last:
            shown = ("ŷ" if self.model.nouts[-1] == 1 else f"ŷ{j}") + f" = {shown}"
        s = self.run.s.get((layer_no, j)) if self.run is not None else None
        z = self.run.z.get((layer_no, j)) if self.run is not None else None
        if s is None:
            lines = [s_name, shown] if z_name is not None else [shown]
        elif self.dense:  # a small circle: the unit's output only (s is in the tooltip)
            lines = [shown, self.num((z or s).data)]
        else:
            lines = [f"{s_name} = {self.num(s.data)}"] if z_name is not None else []
            lines.append(f"{shown} = {self.num((z or s).data)}")
        inputs = [self._source(layer_no, k) for k in range(1, neuron.nin + 1)]
        terms = [f"{w.label}·{x}" for w, x in zip(neuron.w, inputs)]
        if neuron.b is not None:
            terms.append(neuron.b.label)
        tip = [f"{s_name} = {' + '.join(terms)}" + ("" if s is None else f" = {self.num(s.data)}")]
        if z_name is not None:
            tip.append(
                f"{z_name} = {neuron.activation}({s_name})" + ("" if z is None else f" = {self.num(z.data)}")
            )
        if s is not None and self.run is not None and self.run.backward:
            grads = [(s_name, s.grad)] + ([(z_name, z.grad)] if z is not None and z_name else [])
            tip.append(", ".join(f"{dname(self.top, name)} = {self.num(g)}" for name, g in grads))
        if neuron.b is not None:
            bias = f"{neuron.b.label} = {self.num(neuron.b.data)}"
            if not self.dense:
                lines.append(bias)
            if self.grads:
                bias += f", {dname(self.top, neuron.b.label)} = {self.num(neuron.b.grad)}"
            tip.append(bias)
        kind = "output" if last else "hidden"
        return {
            "label": "\\n".join(escape_label(line) for line in lines),
            "class": kind,
            "fillcolor": FILL[kind],
            "tooltip": escape_label(f"unit {j} of layer {layer_no}: " + "; ".join(tip)),
        }

    def _edge(self, weight: Weight) -> dict[str, str]:
        w = weight.value.data
        colour = _colour(w)
        text = f"{weight.name} = {self.num(w)}"
        grad = f"{dname(self.top, weight.name)} = {self.num(weight.value.grad)}" if self.grads else ""
        tooltip = f"{text}: {weight.source} → {weight.target}" + (f"; {grad}" if grad else "")
        widest = DENSE_WIDTH if self.dense else MAX_WIDTH
        attrs = {
            "class": "weight " + {POSITIVE: "positive", NEGATIVE: "negative", ZERO: "zero"}[colour],
            "color": colour + (DENSE_ALPHA if self.dense else ""),
            "fontcolor": TEXT[colour],
            "penwidth": f"{_width(w, self.largest, widest):.2f}",
            "tooltip": escape_label(tooltip),
        }
        if self.labels:
            short = f"{dname(self.top, 'w')} = {self.num(weight.value.grad)}" if self.grads else ""
            attrs["label"] = escape_label(text) + (f"\\n{escape_label(short)}" if short else "")
            attrs["labeltooltip"] = attrs["tooltip"]
        return attrs

    def caption(self) -> list[str]:
        hidden, out = self.model.activation, self.model.output_activation or self.model.activation
        units = "s = Σ w·input" + (" + b" if self.model.bias else "") + f", z = {_applied(hidden)}"
        if out != hidden:
            units += f" (output: {_applied(out)})"
        lines = [
            f"x = input, {units}; ŷ = output;  w[l]jk = the weight from unit k of layer l-1 "
            "to unit j of layer l",
            "edge colour = sign of w (blue > 0, orange < 0);  width grows with |w| "
            f"(widest: |w| = {self.num(self.largest)})",
        ]
        if self.grads:
            lines.append(
                f"{dname(self.top, 'w')} = the gradient of {self.top} with respect to the edge's weight"
            )
        if self.dense and not self.labels:
            lines.append("hover over an edge or a unit for its name, value and gradient")
        return lines


def _applied(activation: str) -> str:
    return "s" if activation == "linear" else f"{activation}(s)"


def _column(graph: Drawing, name: str, nodes: list[tuple[str, dict[str, str]]]) -> None:
    """One layer as a column, its units top to bottom in order: one rank, chained by invisible
    edges (dot's crossing minimisation alone would shuffle the units of a full layer)."""
    with graph.subgraph(name=name) as column:
        column.attr(rank="same")
        for node, attrs in nodes:
            column.node(node, **attrs)
        for (a, _), (b, _) in itertools.pairwise(nodes):
            column.edge(a, b, style="invis")


def _unit_id(layer: int, unit: int) -> str:
    return f"u{layer}_{unit}"
