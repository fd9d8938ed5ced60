"""Pictures of a computation graph that show where every gradient comes from.

`draw_dot(root)` returns a `Drawing` (a `graphviz.Digraph`): each value is a box with its name,
data and grad, each op is its own small node, and every edge carries the op's local derivative
d(out)/d(in), read from the same rule `backward()` uses. A value used twice (`x * x`) gets two
edges, so the two contributions to its gradient are both visible. `highlight=` emphasises every
path from the root to one node: the picture of the chain-rule sum over paths. `write_frames`
draws one picture per backward step, the gradients filling in from the root down, every frame
on the same layout and canvas.

    >>> from micrograd_like import Value
    >>> x = Value(3.0, "x")
    >>> y = x * x
    >>> y.label = "y"
    >>> y.backward()
    >>> print(draw_dot(y, legend=False).source)  # doctest: +ELLIPSIS
    digraph computation {
    ...
        n1 [label="x|data 3|grad 6" class=input fillcolor="#dbeafe" tooltip="x: input"]
        n0 [label="y|data 9|grad 1" class=computed fillcolor=white tooltip="y = x·x: computed by mul"]
        o0 [label="*" class=op ... tooltip="mul: d(a·b)/da = b; d(a·b)/db = a"]
        n1 -> o0 [label=3 tooltip="d(a·b)/da = b"]
        n1 -> o0 [label=3 tooltip="d(a·b)/db = a"]
        o0 -> n0
    }

A drawing saves itself with the renderer this package ships when Graphviz's `dot` is missing:
`draw_dot(y).render("y.svg")` (or `"y.png"`). Node ids come from the backward order (`n0` is the
root, `o0` the op that made it), never from memory addresses, so the same program always gives
the same DOT source. Unlabelled nodes carry the name every view gives them (`names.graph_names`).

How a picture looks is a *view*: a small function from each part of the picture (a value box, an
op, an edge) to the attributes that part gets. `plain`, `highlighting(...)` and `framing(...)`
are the three views; a new one is one more such function.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import graphviz

from ..core.backprop import BackwardStep, backward_steps, use_counts
from ..core.engine import Value
from ..core.names import Names, dname, expression_of, graph_names
from ..core.order import backward_order, reading_order
from ..core.story import Tally, tallied
from ..util.files import write_files
from ..util.numbers import format_number
from .lookup import find_nodes
from .render import FORMATS, Renderer, render, render_bytes, render_svg

DEFAULT_MAX_NODES = 300  # beyond this a picture is unreadable, and layout takes seconds

# Colours: leaves by kind (weights warm, data cool, numbers neutral), the highlighted path in red,
# the current backward step in blue.
FILL = {"parameter": "#fde4c4", "input": "#dbeafe", "constant": "#eeeeee", "op": "white"}
HIGHLIGHT = "#c62828"
CURRENT = "#1565c0"
FADED = "#a0a0a0"  # frames: what the backward pass has not reached yet
QUIET = "#555555"  # edge labels and op symbols: readable, but quieter than the values
OP_NODE = {
    "shape": "ellipse",
    "fillcolor": "#f4f4f4",
    "fontcolor": "#333333",
    "fontsize": "14",
    "height": "0.3",
    "margin": "0.04",
}


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


# --- text as a picture shows it ------------------------------------------------------------------


def visible(text: str) -> str:
    r"""`text` with everything a picture cannot show written as its Python escape.

    Control characters (tab, CR, NUL, ...), lone surrogates and U+FFFE/U+FFFF are not valid in
    SVG (XML) or cannot be drawn; they appear as `\t`, `\r`, `\x00`, `\ud800`, so a label still
    reads as written. Everything else is kept.

    >>> visible("a\tb\x00c") == r"a\tb\x00c"
    True
    """
    if text.isprintable() and text.isascii():
        return text
    out = []
    for char in text:
        code = ord(char)
        hidden = code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF)
        out.append(repr(char)[1:-1] if hidden else char)
    return "".join(out)


def _record_field(text: str) -> str:
    """Text for one field of a `shape=record` label, drawn as written by both renderers.

    Record syntax gives `{ } | < >` meaning and a backslash escapes; `"` is escaped for DOT and
    `&` for Graphviz, which would otherwise read `&amp;` or `&#65;` as an HTML entity.
    """
    out = []
    for char in visible(text):
        if char == "\\":
            out.append("\\\\")
        elif char in '{}|<>"':
            out.append("\\" + char)
        elif char == "&":
            out.append("&amp;")
        else:
            out.append(char)
    return "".join(out)


def escape_label(text: str) -> graphviz.quoting.NoHtml:
    r"""Text for a plain DOT label or tooltip: a backslash would start an escape like \n or \N,
    `&` an HTML entity, and a text in angle brackets would read as an HTML-like label."""
    escaped = visible(text).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return graphviz.nohtml(escaped.replace("<", "&lt;").replace(">", "&gt;"))


# --- views: what each part of the picture looks like -----------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """One thing a view styles: a value's box, the op that made `node`, an input edge of that op
    (`k` = which input), or the op's edge to `node`."""

    kind: Literal["value", "op", "edge", "out"]
    node: Value
    k: int = 0

    @property
    def parent(self) -> Value:
        return self.node.parents[self.k]


Attrs = dict[str, str]
View = Callable[[Part], Attrs]
"""A view: the DOT attributes each part gets on top of the plain picture's. Two keys are text,
not attributes: "grad" replaces a value's grad field and "label" an edge's label; "class" adds
SVG classes."""


def plain(part: Part) -> Attrs:
    """The plain picture: every part as drawn by default."""
    return {}


def _marked(cls: str, colour: str, width: str) -> Attrs:
    return {"class": cls, "color": colour, "fontcolor": colour, "penwidth": width}


HOT = _marked("highlight", HIGHLIGHT, "2.5")
NOW = _marked("current", CURRENT, "2.5")
GREY = {"color": FADED, "fontcolor": FADED}


def highlighting(on_path: set[Value]) -> View:
    """Red for every node, op and edge on a path from the root to the targets (`path_nodes`)."""

    def view(part: Part) -> Attrs:
        if part.kind == "value":
            return {**HOT, "fontcolor": "black"} if part.node in on_path else {}
        if part.kind == "edge":
            return HOT if part.parent in on_path else {}
        # an op is on a path when one of its inputs is (then so is its output)
        return HOT if any(parent in on_path for parent in part.node.parents) else {}

    return view


@dataclass(frozen=True)
class Frame:
    """Where the backward pass stands in one frame of `write_frames`."""

    step: BackwardStep
    done: set[Value]  # nodes whose step has run: their op's edges have carried gradient
    tally: Tally  # how many contributions each node has received so far, of how many uses
    grads: Mapping[Value, float]  # every node's gradient at this step
    digits: int = 4


def framing(frame: Frame) -> View:
    """Blue for the step's node, its op and the edges it just fed; grey for what gradient has not
    reached; "?" for a gradient not known yet, "(1 of 2 uses)" for one still adding up."""
    step = frame.step

    def grad(node: Value) -> str:
        value = format_number(frame.grads[node], frame.digits)
        if node is step.root:
            return value
        if node not in frame.tally.received:
            return "?"  # the backward pass has not reached this node yet
        return value + frame.tally.so_far(node)  # "(1 of 2 uses)": more contributions to come

    def view(part: Part) -> Attrs:
        node = part.node
        current = node is step.node
        if part.kind == "value":
            shown = {"grad": grad(node)}
            if current:
                return {**shown, **NOW, "fontcolor": "black", "penwidth": "3"}
            if node is not step.root and node not in frame.tally.received:
                return {**shown, **GREY}
            return shown
        if current:
            return NOW
        return GREY if node not in frame.done else {}

    return view


# --- the picture -------------------------------------------------------------------------------------


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


def _check(root: object, rankdir: str, digits: object, max_nodes: object) -> list[Value]:
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


def _build(
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
            op = _merge({"class": "op", **OP_NODE, "tooltip": tooltip}, view(Part("op", node)))
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
            edge = _merge(edge, style)
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
    fields = [_record_field(name)] if name is not None else []
    if options.compact and node.rule is not None:
        fields.insert(0, _record_field(node.rule.symbol))
    fields.append(f"data {format_number(node.data, options.digits)}")
    fields.append(_record_field(f"grad {style.pop('grad', format_number(node.grad, options.digits))}"))
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
    return _merge(attrs, style)


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


def _merge(base: Attrs, style: Attrs) -> Attrs:
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
    order = _check(root, rankdir, digits, max_nodes)
    targets = find_nodes(root, highlight, what="highlight") if highlight is not None else []
    on_path = path_nodes(root, targets)
    names = graph_names(order)
    caption = _legend(root, order, names, targets, edge_labels, compact) if legend else ()
    view = highlighting(on_path) if targets else plain
    return _build(root, order, view, _options(rankdir, digits, edge_labels, caption, compact))


def _options(
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


# --- frames: the backward pass, one picture per step, one layout for all -------------------------


def _frame(step: BackwardStep, order: list[Value], tally: Tally, digits: int) -> Frame:
    done = set(order[: step.index + 1])  # backward_steps handles the nodes in exactly this order
    snapshot = Tally(tally.uses, received=dict(tally.received))  # the tally goes on with the pass
    return Frame(step, done, snapshot, {node: node.grad for node in order}, digits)


def _frame_caption(frame: Frame, count: int, lines: int) -> tuple[str, ...]:
    """The step in words: the node and its upstream gradient, then what each edge passed on (the
    chain rule, local × upstream), padded to `lines` edge lines so every frame's caption is as tall."""
    step, n = frame.step, frame.digits
    names = step.names
    top, name = names[step.root], names[step.node]
    upstream = format_number(step.upstream, n)
    how = f"{step.node.op}: each input gets its local derivative × {upstream}" if step.edges else "a leaf"
    title = f"step {step.index + 1} of {count}:  {name}   {dname(top, name)} = {upstream}   ({how})"
    edges = [
        f"    {dname(top, names[e.parent])} += {format_number(e.local, n)} × {upstream} = "
        f"{format_number(e.contribution, n)}   (now {format_number(e.parent_grad, n)})"
        for e in step.edges
    ]
    if not step.edges:
        edges = [f"    {dname(top, name)} = {upstream} is complete: every use of {name} has passed its part"]
    edges += [" "] * (lines - len(edges))
    key = 'blue = this step,  grey = not reached yet ("?"),  "(1 of 2 uses)" = more contributions to come'
    return (title, *edges, key)


def frame_graph(
    step: BackwardStep,
    received: Mapping[Value, int],
    *,
    rankdir: str = "LR",
    digits: int = 4,
    compact: bool = False,
) -> Drawing:
    """The picture of one backward step, drawn right after `backward_steps` yielded it.

    The step's node and the edges it just fed are blue, labelled local × upstream = contribution;
    `received[v]` counts the contributions v has had so far: a value shows its gradient once the
    first one arrives, with "(1 of 2 uses)" while more are to come, and "?" before. The part of
    the graph gradient has not flowed through yet is grey. (Laid out on its own: `write_frames`
    lays every frame out alike.)
    """
    order = _check(step.root, rankdir, digits, len(backward_order(step.root)))
    frame = _frame(step, order, Tally(use_counts(order), received=dict(received)), digits)
    caption = _frame_caption(frame, len(order), len(step.edges))
    return _build(step.root, order, framing(frame), _options(rankdir, digits, True, caption, compact, True))


def write_frames(
    root: Value,
    directory: str | os.PathLike[str],
    *,
    rankdir: str = "LR",
    digits: int = 4,
    prefix: str = "step_",
    renderer: Renderer = "auto",
    max_nodes: int = DEFAULT_MAX_NODES,
    compact: bool = False,
) -> list[Path]:
    """Run backward from `root`, writing `<prefix>NN.svg` into `directory` after every step.

    One frame per step of `backward_steps` (so one per value in the graph), numbered from 01:
    the step's node in blue with what it passed along each edge, every gradient filled in so
    far. Every frame has the same layout and the same canvas (laid out once, for the longest
    text each box and label will hold), so flipping through them nothing jumps. This *is* the
    backward pass: afterwards the gradients are set, and leaves have accumulated onto what they
    held, exactly as after `backward()`. Returns the files written: all of them, or none and an
    OSError that says so (`files.write_files`).
    """
    order = _check(root, rankdir, digits, max_nodes)
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{str(target)!r} exists and is not a directory")
    # backward_steps updates gradients as it goes: each frame keeps its step's state
    frames = [_frame(step, order, tally, digits) for step, tally in tallied(backward_steps(root))]
    count, lines = len(order), max(max(len(f.step.edges) for f in frames), 1)
    captions = [_frame_caption(f, count, lines) for f in frames]
    options = [_options(rankdir, digits, True, caption, compact, top=True) for caption in captions]
    template = _widest([_build(root, order, framing(f), o, keys=True) for f, o in zip(frames, options)])
    layout = _layout(template, renderer)
    width = max(2, len(str(len(order))))
    pictures = (
        (
            f"{prefix}{frame.step.index + 1:0{width}d}.svg",
            render_bytes(_build(root, order, framing(frame), option, layout=layout), "svg", renderer),
        )
        for frame, option in zip(frames, options)
    )
    return write_files(target, pictures)  # all the frames or none: never a set that looks finished


def _widest(pictures: list[Drawing]) -> str:
    """One DOT source whose every label is the longest that part has in any of `pictures`
    (which differ only in texts and colours), to lay out once for all of them."""
    sources = [picture.source.splitlines() for picture in pictures]
    lines = []
    for variants in zip(*sources):
        lines.append(max(variants, key=_label_length))
    return "\n".join(lines) + "\n"


_LABEL = re.compile(r'\blabel=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def _label_length(line: str) -> int:
    found = _LABEL.search(line)
    return len(found[1]) if found else 0


def _layout(source: str, renderer: Renderer) -> Layout:
    """Positions and sizes of every node and edge of `source`, from one dot layout (its json)."""
    laid = json.loads(render_bytes(source, "json", renderer))
    layout: Layout = {"graph": {key: laid[key] for key in ("bb", "lp") if key in laid}}
    for node in laid.get("objects", []):
        layout[node["name"]] = {
            "pos": node["pos"],
            "width": node["width"],
            "height": node["height"],
            "fixedsize": "true",  # the box keeps the template's size whatever text this frame has
        }
    for edge in laid.get("edges", []):
        layout[edge["edgekey"]] = {key: edge[key] for key in ("pos", "lp") if key in edge}
    return layout
