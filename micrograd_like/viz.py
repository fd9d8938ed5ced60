"""Pictures of a computation graph that show where every gradient comes from.

`draw_dot(root)` returns a `graphviz.Digraph`: each value is a box with its label, data and grad,
each op is its own small node, and every edge carries the op's local derivative d(out)/d(in),
read from the same rule `backward()` uses. A value used twice (`x * x`) gets two edges, so the
two contributions to its gradient are both visible. `highlight=` emphasises every path from the
root to one node: the picture of the chain-rule sum over paths. `write_frames` draws one picture
per backward step, the gradients filling in from the root down.

    >>> from micrograd_like import Value
    >>> x = Value(3.0, "x")
    >>> y = x * x
    >>> y.label = "y"
    >>> y.backward()
    >>> print(draw_dot(y, legend=False).source)  # doctest: +ELLIPSIS
    digraph computation {
    ...
        n1 [label="x|data 3|grad 6" class=input fillcolor="#dbeafe" tooltip="x: input"]
        n0 [label="y|data 9|grad 1" class=computed fillcolor=white tooltip="y: computed by mul"]
        o0 [label="*" class=op ...]
        n1 -> o0 [label=3 tooltip="d(a·b)/da = b"]
        n1 -> o0 [label=3 tooltip="d(a·b)/db = a"]
        o0 -> n0
    }

Node ids come from the backward order (`n0` is the root), never from memory addresses, so the
same program always gives the same DOT source. Rendering (SVG/PNG/PDF, with or without Graphviz
installed) is in `micrograd_like.render`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import graphviz

from .backprop import BackwardStep, backward_order, backward_steps
from .engine import Value
from .render import Renderer, render, render_svg

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
    """A `graphviz.Digraph` that shows itself in Jupyter even where Graphviz's `dot` is not installed."""

    def _repr_image_svg_xml(self) -> str:
        return render_svg(self)  # the native dot if installed, else the embedded renderer


def _record_field(text: str) -> str:
    """Text for one field of a `shape=record` label, drawn as written by both renderers.

    Record syntax gives `{ } | < >` meaning and a backslash escapes; `"` is escaped for DOT.
    """
    out = []
    for char in text.replace("\n", " "):
        if char == "\\":
            out.append("\\\\")
        elif char in '{}|<>"':
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _escape(text: str) -> str:
    r"""Text for a plain DOT label or tooltip: a backslash would start an escape like \n or \N."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _number(x: float, digits: int) -> str:
    return f"{x:.{digits}g}"


@dataclass
class _Frame:
    """Where the backward pass stands in one frame of `write_frames`."""

    step: BackwardStep
    done: set[Value]  # nodes whose step has run: their op's edges have carried gradient
    received: Mapping[Value, int]  # how many contributions each node has received so far
    uses: Mapping[Value, int]  # how many edges leave each node in the whole graph


@dataclass
class _Style:
    """Everything that varies between a plain picture, a highlighted one and a backward frame."""

    rankdir: str = "LR"
    digits: int = 4
    edge_labels: bool = True
    on_path: set[Value] = field(default_factory=set)  # value nodes on a highlighted root->target path
    caption: tuple[str, ...] = ()  # lines of text above or below the picture
    caption_top: bool = False
    frame: _Frame | None = None


def _check_size(order: list[Value], max_nodes: int) -> None:
    if len(order) > max_nodes:
        raise GraphTooLargeError(
            f"the graph has {len(order)} value nodes, more than max_nodes={max_nodes}: draw a part of it "
            f"(call draw_dot on an intermediate Value) or raise the limit, e.g. max_nodes={len(order)}"
        )


def _targets(order: list[Value], highlight: Value | str) -> list[Value]:
    if isinstance(highlight, Value):
        if highlight not in set(order):
            raise ValueError(f"highlight: {highlight!r} is not part of this graph")
        return [highlight]
    found = [node for node in order if node.label == highlight]
    if not found:
        labels = sorted({node.label for node in order if node.label})
        shown = ", ".join(labels[:30]) + (", ..." if len(labels) > 30 else "")
        raise ValueError(
            f"highlight: no node labelled {highlight!r}; labels in this graph: {shown or 'none'}"
        )
    return found


def path_nodes(root: Value, targets: Iterable[Value]) -> set[Value]:
    """The nodes on some path from `root` down to one of `targets` (both ends included).

    A node is on such a path when it is a target or one of its parents is; parents are made
    before their children, so one pass in creation order (oldest first) decides every node.
    """
    wanted = set(targets)
    on_path: set[Value] = set()
    for node in reversed(backward_order(root)):
        if node in wanted or any(parent in on_path for parent in node.parents):
            on_path.add(node)
    return on_path


def _grad_text(node: Value, style: _Style) -> str:
    grad = _number(node.grad, style.digits)
    frame = style.frame
    if frame is None or node is frame.step.root:
        return grad
    got, uses = frame.received.get(node, 0), frame.uses[node]
    if got == 0:
        return "?"  # the backward pass has not reached this node yet
    return grad if got == uses else f"{grad} ({got} of {uses} uses)"  # more contributions to come


def _graph(root: Value, order: list[Value], style: _Style) -> Drawing:
    index = {node: i for i, node in enumerate(order)}  # n0 is the root, then backward order
    frame = style.frame
    graph = Drawing(
        "computation",
        graph_attr={"rankdir": style.rankdir, "nodesep": "0.25", "ranksep": "0.45"},
        node_attr={"shape": "record", "style": "filled", "fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10", "fontcolor": QUIET, "arrowsize": "0.7"},
    )
    if style.caption:
        text = "".join(_escape(line) + "\\l" for line in style.caption)  # \l ends a left-justified line
        loc = "t" if style.caption_top else "b"
        graph.graph_attr.update(label=text, labelloc=loc, labeljust="l", fontname="Helvetica", fontsize="12")
    # Declared oldest first (leaves before what uses them): dot then lays the inputs out first.
    for node in reversed(order):
        i = index[node]
        current = frame is not None and node is frame.step.node
        # A record's top-level fields stack across the flow: in LR, label, data and grad form a column.
        fields = [_record_field(node.label)] if node.label else []
        fields.append(f"data {_number(node.data, style.digits)}")
        fields.append(_record_field(f"grad {_grad_text(node, style)}"))
        kind = (
            node.kind if node.is_leaf else "computed"
        )  # the SVG class: input, parameter, constant, computed
        what = f"computed by {node.op}" if node.rule else kind
        attrs = {
            "class": kind,
            "fillcolor": FILL[node.kind],
            "tooltip": _escape(f"{node.label or '(unlabelled)'}: {what}"),
        }
        if current:
            attrs.update({"class": f"{kind} current", "color": CURRENT, "penwidth": "3"})
        elif node in style.on_path:
            attrs.update({"class": f"{kind} highlight", "color": HIGHLIGHT, "penwidth": "2.5"})
        elif frame is not None and node is not root and node not in frame.received:
            attrs.update({"color": FADED, "fontcolor": FADED})  # not reached yet
        graph.node(f"n{i}", "|".join(fields), **attrs)
        if node.rule is None:
            continue
        _draw_op(graph, node, i, index, style, current)
    return graph


def _draw_op(
    graph: Drawing, node: Value, i: int, index: Mapping[Value, int], style: _Style, current: bool
) -> None:
    """The op node that made `node`, one edge per use of each input, and the edge to `node`."""
    assert node.rule is not None
    frame = style.frame
    op = f"o{i}"
    highlight: dict[str, str] = {}
    if current:
        highlight = {"class": "current", "color": CURRENT, "fontcolor": CURRENT, "penwidth": "2.5"}
    elif any(parent in style.on_path for parent in node.parents):
        highlight = {"class": "highlight", "color": HIGHLIGHT, "fontcolor": HIGHLIGHT, "penwidth": "2.5"}
    elif frame is not None and node not in frame.done:
        highlight = {"color": FADED, "fontcolor": FADED}  # no gradient has flowed through here yet
    op_attrs = {
        "tooltip": _escape(node.op),
        **OP_NODE,
        **highlight,
        "class": "op " + highlight.get("class", ""),
    }
    op_attrs["class"] = op_attrs["class"].strip()
    graph.node(op, _escape(node.rule.symbol), **op_attrs)
    try:
        local = [_number(d, style.digits) for d in node.local_grads()]
    except (ArithmeticError, ValueError):  # e.g. d(x**0.5)/dx at x = 0: no finite derivative
        local = ["undefined"] * len(node.parents)
    for k, parent in enumerate(node.parents):  # one edge per use: x * x draws two
        edge = dict(highlight)
        if highlight and not current and parent not in style.on_path and frame is None:
            edge = {}  # highlighting: only the inputs on a path to the target are red
        if style.edge_labels:
            edge["label"] = local[k]
            edge["tooltip"] = _escape(node.rule.formulas[k])
        if current and frame is not None:
            # what the chain rule just did on this edge: local · upstream = contribution
            e = frame.step.edges[k]
            edge["label"] = " ".join(
                (
                    _number(e.local, style.digits),
                    "×",
                    _number(frame.step.upstream, style.digits),
                    "=",
                    _number(e.contribution, style.digits),
                )
            )
        graph.edge(f"n{index[parent]}", op, **edge)
    graph.edge(op, f"n{i}", **{k: v for k, v in highlight.items() if k != "fontcolor"})


def draw_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    digits: int = 4,
    edge_labels: bool = True,
    highlight: Value | str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    legend: bool = True,
) -> graphviz.Digraph:
    """The graph below `root` as a `graphviz.Digraph` (shown inline in Jupyter; render it with `render`).

    rankdir: "LR" (left to right, the default) or "TB" (top to bottom). digits: significant digits
    of data, grad and edge labels. edge_labels: label each edge with the local derivative
    d(out)/d(in) of its op. highlight: a Value, or a label, whose every path from `root` is drawn
    in red (every node with that label, if several share it). max_nodes: a GraphTooLargeError
    beyond this many values. legend: a few lines under the picture saying what it shows.
    """
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    if not 1 <= digits <= 17:
        raise ValueError(f"digits must be between 1 and 17, got {digits!r}")
    order = backward_order(root)
    _check_size(order, max_nodes)
    targets = _targets(order, highlight) if highlight is not None else []
    on_path = path_nodes(root, targets)
    caption = _legend(root, order, targets, edge_labels) if legend else ()
    return _graph(root, order, _Style(rankdir, digits, edge_labels, on_path, caption))


def _legend(root: Value, order: list[Value], targets: list[Value], edge_labels: bool) -> tuple[str, ...]:
    """What the picture shows, in words: only the colours and numbers that appear in it."""
    name = root.label or "root"
    lines = [f"grad = d{name}/d(value)"]
    if edge_labels:
        lines[0] += ";  number on an edge = local derivative d(op output)/d(op input)"
    kinds = {node.kind for node in order}
    colours = [text for kind, text in _COLOUR_NAMES.items() if kind in kinds]
    lines.append(",  ".join(colours))
    if targets:
        shown = ", ".join(sorted({t.label or "the chosen value" for t in targets}))
        lines.append(
            f"red = every path from {name} to {shown}:  d{name}/d{shown} = the sum over these paths "
            "of the product of the numbers along each"
        )
    return tuple(lines)


_COLOUR_NAMES = {
    "parameter": "orange = parameter",
    "input": "blue = input",
    "constant": "grey = constant",
    "op": "white = computed by the op (oval) whose arrow points to it",
}


def frame_graph(
    step: BackwardStep, received: Mapping[Value, int], *, rankdir: str = "LR", digits: int = 4
) -> graphviz.Digraph:
    """The picture of one backward step, drawn right after `backward_steps` yielded it.

    The step's node and the edges it just fed are blue, labelled local × upstream = contribution;
    `received[v]` counts the contributions v has had so far: a value shows its gradient once the
    first one arrives, with "(1 of 2 uses)" while more are to come, and "?" before. The part of
    the graph gradient has not flowed through yet is grey.
    """
    order = backward_order(step.root)
    uses: dict[Value, int] = dict.fromkeys(order, 0)
    done: set[Value] = set()
    for position, node in enumerate(order):
        for parent in node.parents:
            uses[parent] += 1
        if position <= step.index:
            done.add(node)  # backward_steps handles the nodes in exactly this order
    frame = _Frame(step, done, received, uses)
    root_name = step.root.label or "root"
    node_name = step.node.label or f"[{step.node.op or step.node.kind}]"
    upstream = _number(step.upstream, digits)
    how = (
        f"{step.node.op}: each input gets local derivative × {upstream}"
        if step.edges
        else "a leaf: its gradient is final"
    )
    title = f"step {step.index + 1} of {len(order)}:  {node_name}   d{root_name}/d{node_name} = {upstream}"
    title += f"   ({how})"
    key = 'blue = this step,  grey = not reached yet ("?"),  "(1 of 2 uses)" = more contributions to come'
    style = _Style(rankdir, digits, True, set(), (title, key), caption_top=True, frame=frame)
    return _graph(step.root, order, style)


def write_frames(
    root: Value,
    directory: str | os.PathLike[str],
    *,
    rankdir: str = "LR",
    digits: int = 4,
    prefix: str = "step_",
    renderer: Renderer = "auto",
    max_nodes: int = DEFAULT_MAX_NODES,
) -> list[Path]:
    """Run backward from `root`, writing `<prefix>NN.svg` into `directory` after every step.

    One frame per step of `backward_steps` (so one per value in the graph), numbered from 01:
    the step's node in blue with what it passed along each edge, every gradient filled in so
    far. This *is* the backward pass: afterwards the gradients are set, and leaves have
    accumulated onto what they held, exactly as after `backward()`. Returns the files written.
    """
    order = backward_order(root)
    _check_size(order, max_nodes)
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{str(target)!r} exists and is not a directory")
    target.mkdir(parents=True, exist_ok=True)
    width = max(2, len(str(len(order))))
    received: dict[Value, int] = {}
    paths = []
    for step in backward_steps(root):
        # backward_steps updates gradients as it goes: draw this step before asking for the next
        for edge in step.edges:
            received[edge.parent] = received.get(edge.parent, 0) + 1
        graph = frame_graph(step, received, rankdir=rankdir, digits=digits)
        paths.append(render(graph, target / f"{prefix}{step.index + 1:0{width}d}.svg", renderer=renderer))
    return paths
