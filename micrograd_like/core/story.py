"""The story of a pass, told once for every place that tells it: the forward pass as steps, and
what the backward steps so far have made known.

Forward: `forward_steps(root)` walks the graph in the order a person computes it (`computing_order`,
the post's order: s[1]1, s[1]2, z[1]1, z[1]2, s[2], z[2], L), one step per node worth a line of
its own: a labelled node, the root, or an op node whose name is a stand-in (`t7`). An unlabelled
node whose name is its expression (`w[1]11·x1`) has no step: it is written out inside the formula
of the step that uses it. Each step is the node's formula over names, then over numbers, then its
value:

    >>> from micrograd_like import Value
    >>> x, w = Value(2.0, "x"), Value(-0.5, "w")
    >>> z = (w * x).tanh()
    >>> z.label = "z"
    >>> print(*forward_steps(z))
    z = tanh(w·x) = tanh((-0.5)·2) = -0.761594

Backward: the uses of each node ("use k of n") and the partial sums are fields of each edge of a
`BackwardStep` (`Edge.use`, `Edge.uses`, `Edge.parent_grad`); `Tally` adds the steps up into what
is known after each: every gradient so far and how many of each node's uses have passed their part.
The terminal stepper, the picture frames and the page all read these, so they tell one story.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .backprop import BackwardStep, use_counts
from .mathexpr import is_word
from .names import expression_of, node_names
from .order import backward_order, computing_order

if TYPE_CHECKING:  # the engine imports the backward pass; Value is only needed for annotations
    from .engine import Value

REPR_WIDTH = 200  # characters of a step's repr: one line in a REPL, as a BackwardStep's


@dataclass(frozen=True, slots=True, repr=False)
class ForwardStep:
    """One node of the forward pass: its formula over names, over numbers, and its value.

    `print(step)` gives "s[1]1 = w[1]11·x1+w[1]12·x2 = 0.25·1+(-0.4)·1 = -0.15"; `repr` (a bare
    `next(steps)` in a REPL) one line.
    """

    index: int  # 0 for the first node computed
    count: int  # how many forward steps the pass has
    node: Value
    name: str  # the node's name (names.node_names)
    formula: str  # its op over the names of the steps and leaves it reads: "w[1]11·x1+w[1]12·x2"
    numbers: str  # the same with their values: "0.25·1+(-0.4)·1"
    reads: tuple[Value, ...]  # the leaves and earlier steps' nodes the formula names
    computes: tuple[Value, ...]  # the nodes whose values this step computes: the unlabelled ones
    # written out inside the formula (w[1]11·x1) that no earlier step computed, then the step's node
    names: dict[Value, str]  # every node's name in this graph (names.node_names)

    @property
    def value(self) -> float:
        return self.node.data

    def __str__(self) -> str:
        forms = [self.name, self.formula, self.numbers, f"{self.value:.6g}"]
        return " = ".join(dict.fromkeys(forms))  # each form once: "L = (ŷ-y)²", never "a = a"

    def __repr__(self) -> str:
        text = (
            f"<ForwardStep {self.index + 1} of {self.count}: {self.name} = {self.value:.6g} "
            f"({self.node.op}); print() it for the formula>"
        )
        return text if len(text) <= REPR_WIDTH else text[: REPR_WIDTH - 2] + "…>"


def forward_nodes(root: Value, names: dict[Value, str]) -> list[Value]:
    """The nodes that get a forward step, in computing order (see the module docstring)."""
    return [node for node in computing_order([root], leaves=False) if _own_line(node, root, names)]


def _own_line(node: Value, root: Value, names: dict[Value, str]) -> bool:
    return node is root or bool(node.label) or expression_of(node, names) != names[node]  # a stand-in


def forward_steps(root: Value, *, digits: int | None = 6) -> Iterator[ForwardStep]:
    """The forward pass below `root` as steps, in the post's order (see the module docstring);
    the numbers in the formulas to `digits` significant digits, or exact (repr) with None.

    The values are the ones the graph holds (the forward pass ran when the graph was built): the
    steps show how each was computed, and change nothing."""
    names = node_names(backward_order(root))
    nodes = forward_nodes(root, names)
    stepped = set(nodes)
    numbers = {node: _number(node.data, digits) for node in names if node.is_leaf or node in stepped}
    done: set[Value] = set()
    for index, node in enumerate(nodes):
        reads: list[Value] = []
        computes: list[Value] = []
        formula = written(node, names, stepped, reads, computes)
        shown = written(node, numbers, stepped, [], [])
        computes = [n for n in computes if n not in done]  # one written out twice is computed once
        done.update(computes)
        yield ForwardStep(
            index, len(nodes), node, names[node], formula, shown, tuple(reads), tuple(computes), names
        )


def _number(x: float, digits: int | None) -> str:
    return repr(x) if digits is None else f"{x:.{digits}g}"


def written(
    node: Value, texts: Mapping[Value, str], stepped: set[Value], reads: list[Value], computes: list[Value]
) -> str:
    """The node's op over its parents, each parent written by `texts` if it is a leaf or has a
    step of its own, else as its own expression (recursively); the named parents join `reads`,
    the node and the parents written out join `computes` (parents first)."""
    rule = node.rule
    assert rule is not None
    args, levels = [], []
    for parent in node.parents:
        if parent.is_leaf or parent in stepped:
            if parent not in reads:
                reads.append(parent)
            text = texts[parent]
            args.append(text)
            levels.append(_atomic(text))
        else:
            args.append(written(parent, texts, stepped, reads, computes))
            levels.append(parent.rule.level)  # type: ignore[union-attr]
    if node not in computes:
        computes.append(node)
    return rule.show(*args, levels=tuple(levels))


def _atomic(text: str) -> int:
    """How tightly a name or number binds next to an operator: a negative number like unary
    minus (parenthesised after ·), a number or one-word name as one word; a label with
    operators in it (dL/ds) is always parenthesised."""
    if text.startswith("-"):
        return 1
    try:
        float(text)
    except ValueError:
        return 6 if is_word(text) else 0
    return 6


@dataclass
class Tally:
    """What the backward steps added so far have made known: each gradient's sum so far
    (`grads`, in the order they became known) and how many of each node's uses have passed their
    part back (`received`), out of `uses` (edges leaving the node in the whole graph)."""

    uses: dict[Value, int]
    grads: dict[Value, float] = field(default_factory=dict)
    received: dict[Value, int] = field(default_factory=dict)

    @classmethod
    def of(cls, root: Value) -> Tally:
        return cls(use_counts(backward_order(root)))

    def add(self, step: BackwardStep) -> None:
        """The step's node's gradient is complete; each edge adds one use to its parent's sum."""
        self.grads[step.node] = step.upstream
        for edge in step.edges:
            self.received[edge.parent] = edge.use
            self.grads[edge.parent] = edge.parent_grad

    def partial(self, node: Value) -> bool:
        """True while some use of a (non-root) node has not passed its part back yet."""
        return self.received.get(node, 0) < self.uses[node] and self.uses[node] > 0

    def so_far(self, node: Value) -> str:
        """ " (1 of 2 uses)" for a partial sum, "" for a complete one (as Edge.so_far)."""
        return f" ({self.received.get(node, 0)} of {self.uses[node]} uses)" if self.partial(node) else ""


def tallied(steps: Iterable[BackwardStep]) -> Iterator[tuple[BackwardStep, Tally]]:
    """Each step with the tally after it (one Tally, updated in place: copy what must be kept)."""
    tally: Tally | None = None
    for step in steps:
        if tally is None:
            tally = Tally.of(step.root)
        tally.add(step)
        yield step, tally
