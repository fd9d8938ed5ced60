"""The DOT picture of a graph under a view: a box per value (name, data, grad), an oval per op, an
edge per use carrying the op's local derivative; node ids from the backward order (`n0` is the
root, `o0` the op that made it), so the same program always gives the same source."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import graphviz

from ..core.engine import Value
from ..core.names import Names, dname, expression_of, graph_names
from ..core.order import backward_order, reading_order
from ..util.numbers import format_number
from .dot_text import escape_label, record_field
from .drawing import Drawing, GraphTooLargeError
from .lookup import find_nodes
from .views import FILL, QUIET, Attrs, Part, View, highlighting, plain

DEFAULT_MAX_NODES = 300  # beyond this a picture is unreadable, and layout takes seconds
OP_NODE = {
    "shape": "ellipse",
    "fillcolor": "#f4f4f4",
    "fontcolor": "#333333",
    "fontsize": "14",
    "height": "0.3",
    "margin": "0.04",
}


@dataclass(frozen=True)
class Options:
    rankdir: str = "LR"
    digits: int = 4
    edge_labels: bool = True
    caption: tuple[str, ...] = ()  # lines of text above or below the picture
    caption_top: bool = False
    compact: bool = False  # each op drawn inside the box of the value it makes
    ranksep: str = "0.45"


Layout = dict[str, Attrs]  # node id or edge key -> pos, width, height, ...; "graph" -> bb, lp


def check_graph(root: object, rankdir: str, digits: object, max_nodes: object) -> list[Value]:
    if not isinstance(root, Value):
        raise TypeError(f"draw a Value (the root of a graph), got {type(root).__name__}: {root!r}")
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be a whole number from 1 to 17, got {digits!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a whole number >= 1, got {max_nodes!r}")
    order = backward_order(root)
    if len(order) > max_nodes:
        raise GraphTooLargeError(
            f"the graph has {len(order)} value nodes, more than max_nodes={max_nodes}: draw a part of it "
            f"(call draw_dot on an intermediate Value) or raise the limit, e.g. max_nodes={len(order)}"
        )
    return order


def _shown_name(node: Value, names: Names) -> str | None:
    """The name a value's box shows: its label or stand-in name; none for a constant, whose
    number is its data."""
    if node.label or node.kind != "constant":
        return names.text[node]
    return None


def build(
    root: Value,
    order: list[Value],
    view: View,
    options: Options,
    layout: Layout | None = None,
    keys: bool = False,
) -> Drawing:
    """The DOT picture of `order` under `view`; with `layout`, every position is fixed (pinned)."""
    index = {node: i for i, node in enumerate(order)}  # n0 is the root, then backward order
    names = graph_names(order)
    graph = Drawing(
        "computation",
        graph_attr={"rankdir": options.rankdir, "nodesep": "0.25", "ranksep": options.ranksep},
        node_attr={"shape": "record", "style": "filled", "fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10", "fontcolor": QUIET, "arrowsize": "0.7"},
    )
    if options.caption:
        text = "".join(
            escape_label(line) + "\\l" for line in options.caption
        )  # \l ends a left-justified line
        loc = "t" if options.caption_top else "b"
        graph.graph_attr.update(label=text, labelloc=loc, labeljust="l", fontname="Helvetica", fontsize="12")
    if layout is not None:
        graph.graph_attr.update(layout["graph"])
        graph.pinned = True

    def place(key: str, attrs: Attrs) -> Attrs:
        if layout is not None:
            attrs.update(layout[key])
        elif keys:
            attrs["edgekey"] = key  # the template of a layout: find each edge again in dot's json
        return attrs

    for node in reading_order([root]):  # declared as read: dot starts from this order
        i = index[node]
        graph.node(f"n{i}", **place(f"n{i}", _value_node(node, names, view, options)))
        rule = node.rule
        if rule is None:
            continue
        head = f"n{i}" if options.compact else f"o{i}"  # compact: the op is drawn in its value's box
        if not options.compact:
            tooltip = escape_label(f"{node.op}: {'; '.join(rule.formulas)}")
            op = merged({"class": "op", **OP_NODE, "tooltip": tooltip}, view(Part("op", node)))
            graph.node(head, escape_label(rule.symbol), **place(head, op))
        try:
            local = [format_number(d, options.digits) for d in node.local_grads()]
        except (ArithmeticError, ValueError):  # e.g. d(x**0.5)/dx at x = 0: no finite derivative
            local = ["undefined"] * len(node.parents)
        for k, parent in enumerate(node.parents):  # one edge per use: x * x draws two
            style = view(Part("edge", node, k))
            edge: Attrs = {}
            if options.edge_labels or "label" in style:
                edge = {"label": local[k], "tooltip": escape_label(rule.formulas[k])}
            edge = merged(edge, style)
            if "label" in edge:
                edge["label"] = escape_label(edge["label"])
            graph.edge(f"n{index[parent]}", head, **place(f"{head}:{k}", edge))
        if not options.compact:
            out = {key: value for key, value in view(Part("out", node)).items() if key != "fontcolor"}
            graph.edge(head, f"n{i}", **place(f"{head}:out", out))
    _order_first_layer(graph, order, index, place)
    return graph


def _value_node(node: Value, names: Names, view: View, options: Options) -> Attrs:
    """The attributes of a value's box: its name, data and grad as a record, its colours, a tooltip."""
    style = view(Part("value", node))
    name = _shown_name(node, names)
    fields = [record_field(name)] if name is not None else []
    if options.compact and node.rule is not None:
        fields.insert(0, record_field(node.rule.symbol))
    fields.append(f"data {format_number(node.data, options.digits)}")
    fields.append(record_field(f"grad {style.pop('grad', format_number(node.grad, options.digits))}"))
    kind = node.kind if node.is_leaf else "computed"  # SVG class: input, parameter, constant, computed
    rule = node.rule
    if rule is None:
        what = f"{names.text[node]}: {kind}"
    else:
        shown = expression_of(node, names.text)
        what = names.text[node] + ("" if shown == names.text[node] else f" = {shown}")
        what += f": computed by {node.op}"
    attrs = {
        "label": graphviz.nohtml("|".join(fields)),
        "class": kind,
        "fillcolor": FILL[node.kind],
        "tooltip": escape_label(what),
    }
    return merged(attrs, style)


FIRST = "first_layer"  # an invisible node that holds the first layer's leaves in reading order


def _order_first_layer(
    graph: Drawing, order: list[Value], index: Mapping[Value, int], place: Callable[[str, Attrs], Attrs]
) -> None:
    """Keep the leaves of the first layer in the order a network reads: each input beside the
    weights that multiply it (w[1]11, x1, w[1]21, then w[1]12, x2, w[1]22), so their edges do
    not cross. dot's crossing minimisation alone interleaves them; an invisible node whose
    out-edges keep their order (ordering=out) fixes it. A record cannot have flat edges, or a
    chain of invisible edges would do."""
    uses: dict[Value, int] = {}
    for node in order:
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1
    reading = reading_order(order[:1])
    first = [node for node in reading if node.parents and all(p.is_leaf for p in node.parents)]
    if len(first) < 2:
        return
    position = {node: i for i, node in enumerate(reading)}

    def shared(op: Value) -> Value:  # the input of a product w·x: the leaf more ops use
        return max(op.parents, key=lambda p: (uses[p], -position[p]))

    leaves: list[Value] = []
    for op in sorted(first, key=lambda op: position[shared(op)]):  # stable: ops of one input in order
        leaves.extend(p for p in op.parents if p not in leaves)
    graph.node(
        FIRST, "", **place(FIRST, {"style": "invis", "shape": "point", "width": "0", "ordering": "out"})
    )
    for k, leaf in enumerate(leaves):
        graph.edge(FIRST, f"n{index[leaf]}", **place(f"{FIRST}:{k}", {"style": "invis"}))


def merged(base: Attrs, style: Attrs) -> Attrs:
    """`style` over `base`; classes add up ("parameter highlight")."""
    merged = {**base, **style}
    if "class" in base and "class" in style:
        merged["class"] = f"{base['class']} {style['class']}".strip()
    return merged


def path_nodes(root: Value, targets: Iterable[Value]) -> set[Value]:
    """The nodes on some path from `root` down to one of `targets` (both ends included).

    A node is on such a path when it is a target or one of its parents is; in backward order
    reversed, parents come before their children, so one pass decides every node.
    """
    wanted = set(targets)
    on_path: set[Value] = set()
    for node in reversed(backward_order(root)):
        if node in wanted or any(parent in on_path for parent in node.parents):
            on_path.add(node)
    return on_path


def draw_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    digits: int = 4,
    edge_labels: bool = True,
    highlight: Value | str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    legend: bool = True,
    compact: bool = False,
) -> Drawing:
    """The graph below `root` as a `Drawing` (shown inline in Jupyter; `.render("g.svg")` saves it).

    rankdir: "LR" (left to right, the default) or "TB" (top to bottom). digits: significant digits
    of data, grad and edge labels. edge_labels: label each edge with the local derivative
    d(out)/d(in) of its op. highlight: a Value, or a name (a label, or the name an unlabelled
    node is shown with), whose every path from `root` is drawn in red (every node with that
    label, if several share it). max_nodes: a GraphTooLargeError beyond this many values.
    legend: a few lines under the picture saying what it shows. compact: draw each op in the
    first row of the box of the value it makes, instead of as its own oval (about half as wide).
    """
    order = check_graph(root, rankdir, digits, max_nodes)
    targets = find_nodes(root, highlight, what="highlight") if highlight is not None else []
    on_path = path_nodes(root, targets)
    names = graph_names(order)
    caption = _legend(root, order, names, targets, edge_labels, compact) if legend else ()
    view = highlighting(on_path) if targets else plain
    return build(root, order, view, options_for(rankdir, digits, edge_labels, caption, compact))


def options_for(
    rankdir: str, digits: int, edge_labels: bool, caption: tuple[str, ...], compact: bool, top: bool = False
) -> Options:
    ranksep = "0.25" if compact else "0.45"  # no op ovals in between: boxes can sit closer
    return Options(rankdir, digits, edge_labels, caption, top, compact, ranksep)


def _legend(
    root: Value, order: list[Value], names: Names, targets: list[Value], edge_labels: bool, compact: bool
) -> tuple[str, ...]:
    """What the picture shows, in words: only the colours and numbers that appear in it."""
    top = names.text[root]
    lines = [f"grad = d{top}/d(value)" if _simple(top) else "grad = d(root)/d(value)"]
    if edge_labels:
        lines[0] += ";  number on an edge = local derivative d(op output)/d(op input)"
    kinds = {node.kind for node in order}
    colours = dict(_COLOUR_NAMES)
    if compact:
        colours["op"] = "white = computed by the op in its first row"
    lines.append(",  ".join(text for kind, text in colours.items() if kind in kinds))
    if targets:
        shown = ", ".join(sorted({names.text[t] for t in targets}))
        lines.append(
            f"red = every path from {top} to {shown}:  {dname(top, shown)} = the sum over these paths "
            "of the product of the numbers along each"
        )
    return tuple(lines)


def _simple(name: str) -> bool:
    return dname(name, "v") == f"d{name}/dv"


_COLOUR_NAMES = {
    "parameter": "orange = parameter",
    "input": "blue = input",
    "constant": "grey = constant",
    "op": "white = computed by the op (oval) whose arrow points to it",
}
