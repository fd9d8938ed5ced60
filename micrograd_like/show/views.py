"""How a picture looks: a *view* is a small function from each part of the picture (a value box,
an op, an edge) to the attributes that part gets. `plain`, `highlighting(...)` and `framing(...)`
are the three views; a new one is one more such function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..core.backprop import BackwardStep
from ..core.engine import Value
from ..core.story import Tally
from ..util.numbers import format_number

# Colours: leaves by kind (weights warm, data cool, numbers neutral), the highlighted path in red,
# the current backward step in blue.
FILL = {"parameter": "#fde4c4", "input": "#dbeafe", "constant": "#eeeeee", "op": "white"}
HIGHLIGHT = "#c62828"
CURRENT = "#1565c0"
FADED = "#a0a0a0"  # frames: what the backward pass has not reached yet
QUIET = "#555555"  # edge labels and op symbols: readable, but quieter than the values


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
