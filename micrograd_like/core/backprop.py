"""Reverse-mode backpropagation: the chain rule, once per edge, over a topological order.

`backward_steps(root)` and `backward(root)` run the same loop, `_chain_rule`, in the nodes'
`.grad` slots; the steps version runs it one node at a time and yields each node's step as it
happens, with the gradients filled in so far. `gradients(root, inputs)` runs the same loop
(`_chain_rule_aside`) with the gradients in a dict of its own: the same floats, no `.grad`
written. The order comes from `order.search`, which keeps its visited nodes in a set of its own.

The chain rule is written out in three loops in Python, each for a reason of its own, and tests
hold them to the same floats: `_chain_rule` (the `.grad` slots: `backward`, `backward_steps`),
`_chain_rule_aside` (a dict of its own, so `gradients` and `grad` never touch `.grad` and threads
never meet) and `higher._graph_pass` (engine ops instead of floats, so `grad(create_graph=True)`
gives a graph to differentiate again). The compiler writes it as straight-line code
(`codegen.backward_lines`) and the page as JavaScript (assets/js/compute.js).

    >>> from micrograd_like import Value
    >>> x = Value(3.0, "x")
    >>> y = x * x
    >>> y.label = "y"
    >>> for step in backward_steps(y):
    ...     print(step)
    y = 9 (mul): upstream dy/dy = 1
      x: local 3 · upstream 1 = 3, x.grad now 3 (1 of 2 uses)
      x: local 3 · upstream 1 = 3, x.grad now 6
    x = 3 (leaf): dy/dx = 6

A backward pass is all or nothing: if a local derivative cannot be computed (d(√x)/dx at 0) or
a gradient would be inf or nan, a `BackwardError` names the op and the node, and every `.grad`
is left as it was before the call.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

from .names import dname, node_names, parenthesised
from .order import ZERO, parents_first, put_back, search

# the orders live in order.py; these names stay importable from here, where they were first
from .order import backward_order as backward_order
from .order import computing_order as computing_order
from .order import reading_order as reading_order

if TYPE_CHECKING:  # the engine imports this module; Value is only needed for the annotations
    from .engine import Value

_grad = attrgetter("grad")


class BackwardError(ArithmeticError):
    """A backward pass that could not finish with finite gradients; no gradient was changed."""


@dataclass(frozen=True, slots=True)
class Edge:
    """One use of `parent` by the step's node: what the chain rule passed along it."""

    parent: Value
    local: float  # d(node)/d(parent), from the op's rule
    contribution: float  # local · upstream: what this edge added to parent.grad
    parent_grad: float  # parent.grad right after the addition: the partial sum so far
    use: int  # this is the parent's use number `use` to pass its part back (from 1) ...
    uses: int  # ... of `uses`, the edges leaving the parent in the whole graph

    @property
    def complete(self) -> bool:
        """True once every use of the parent has passed its part: parent_grad is final."""
        return self.use == self.uses

    def so_far(self) -> str:
        """ " (1 of 2 uses)" while the parent's sum is partial, "" once it is complete."""
        return "" if self.complete else f" ({self.use} of {self.uses} uses)"


@dataclass(frozen=True, slots=True, repr=False)
class BackwardStep:
    """A node reached by the backward pass, its upstream gradient, and the edges it fed.

    `print(step)` gives every edge's local · upstream; `repr` (a bare `next(steps)` in a REPL)
    one line of at most `REPR_WIDTH` characters.
    """

    index: int  # 0 for the root, then in backward order
    node: Value
    upstream: float  # d(root)/d(node): complete when the node's turn comes
    edges: tuple[Edge, ...]  # empty for a leaf
    root: Value
    names: dict[Value, str]  # every node's name in this graph (names.node_names)

    def name(self, node: Value) -> str:
        return self.names[node]

    def __repr__(self) -> str:
        root, node = _short(self.names[self.root]), _short(self.names[self.node])
        what = "leaf" if not self.edges else self.node.op
        edges = f", {len(self.edges)} edge{'' if len(self.edges) == 1 else 's'}" if self.edges else ""
        text = (
            f"<BackwardStep {self.index + 1} of {len(self.names)}: {node} = {self.node.data:.6g} ({what}), "
            f"upstream {dname(root, node)} = {self.upstream:.6g}{edges}; print() it for the chain rule>"
        )
        return text if len(text) <= REPR_WIDTH else text[: REPR_WIDTH - 2] + "…>"

    def __str__(self) -> str:
        root, node = self.names[self.root], self.names[self.node]
        if not self.edges:
            return f"{node} = {self.node.data:.6g} (leaf): {dname(root, node)} = {self.upstream:.6g}"
        head = f"{node} = {self.node.data:.6g} ({self.node.op})"
        lines = [f"{head}: upstream {dname(root, node)} = {self.upstream:.6g}"]
        for e in self.edges:
            parent = self.names[e.parent]
            lines.append(
                f"  {parent}: local {e.local:.6g} · upstream {self.upstream:.6g}"
                f" = {e.contribution:.6g}, {parenthesised(parent)}.grad now {e.parent_grad:.6g}{e.so_far()}"
            )
        return "\n".join(lines)


REPR_WIDTH = 200  # characters of a step's repr: one line in a REPL
_NAME_WIDTH = 40  # characters of a name inside that line


def _short(name: str) -> str:
    return name if len(name) <= _NAME_WIDTH else name[: _NAME_WIDTH - 1] + "…"


def _chain_rule(order: Iterable[Value]) -> None:
    """The chain rule, once per edge, nodes in backward order: parent.grad += local · upstream.

    `backward()` runs it over the whole order in one go, `backward_steps` one node at a time,
    watching. `_chain_rule_aside` is the same loop with the gradients kept in a dict, and
    `higher._graph_pass` the same rule with engine ops (the module's docstring says why three).
    """
    for node in order:
        a = node._a
        if a is None:  # a leaf: its gradient is complete
            continue
        upstream = node.grad  # complete: every node that uses this one came earlier
        rule = node._op
        fixed = rule.fixed
        b = node._b
        if b is None:
            local_a = rule.backward_local(node.data, a.data) if fixed is None else fixed[0]
            a.grad += local_a * upstream  # (one parent)
            continue
        local_a, local_b = rule.backward_local(node.data, a.data, b.data) if fixed is None else fixed
        a.grad += local_a * upstream  # (first of two parents)
        b.grad += local_b * upstream  # (second parent)


def _chain_rule_aside(order: list[Value], wanted: set[Value]) -> tuple[dict[Value, float], float]:
    """`_chain_rule` from zero over `order` (root first), with d(root)/d(node) kept in a dict of
    its own instead of the `.grad` slots: nothing in the graph is read but data and structure, so
    calls in several threads never meet. The same products added in the same order, so the same
    floats as `backward()` from zero.

    A node's sum leaves the dict when its turn comes (it is complete then: every user came
    earlier), so the dict holds only the sums still forming, which keeps it small and fast. Of the
    leaves only the `wanted` ones are kept; every contribution to a leaf is also added to one
    number, which is finite exactly when `backward()`'s check passes (every inf or nan reaches a
    leaf). Returns d(root)/d(x) for every wanted x below the root, and that number.
    """
    root = order[0]
    forming: dict[Value, float] = {root: 1.0}  # d(root)/d(root) = 1
    found: dict[Value, float] = {}
    to_leaves = 0.0
    get, take = forming.get, forming.pop
    for node in order:
        a = node._a
        if a is None:  # a leaf: its sum stays in `forming` (if wanted)
            continue
        upstream = take(node, 0.0)  # complete: every node that uses this one came earlier
        if node in wanted:
            found[node] = upstream
        rule = node._op
        fixed = rule.fixed
        b = node._b
        if b is None:
            local_a = rule.backward_local(node.data, a.data) if fixed is None else fixed[0]
        else:
            local_a, local_b = rule.backward_local(node.data, a.data, b.data) if fixed is None else fixed
        contribution = local_a * upstream  # (first parent)
        if a._a is None:
            to_leaves += contribution
            if a in wanted:
                forming[a] = get(a, 0.0) + contribution
        else:
            forming[a] = get(a, 0.0) + contribution
        if b is None:
            continue
        contribution = local_b * upstream  # (second parent: the same, for b)
        if b._a is None:
            to_leaves += contribution
            if b in wanted:
                forming[b] = get(b, 0.0) + contribution
        else:
            forming[b] = get(b, 0.0) + contribution
    for x in wanted:
        if x in forming and x._a is None:
            found[x] = forming[x]
    return found, to_leaves


class StaleStepsError(RuntimeError):
    """A `backward_steps` generator resumed after something else changed a gradient it still
    needs (another backward pass, a second `steps()`, a write to `.grad`): adding onto it would
    give a wrong number, so it stops."""


def _unchanged(node: Value, left: dict[Value, float], names: dict[Value, str]) -> None:
    """StaleStepsError unless `node.grad` is what this pass last left there (nan equals nan)."""
    now, then = node.grad, left[node]
    if now != then and (now == now or then == then):
        raise StaleStepsError(
            f"the gradients changed since these steps began ({parenthesised(names[node])}.grad is {now!r}, "
            f"these steps left {then!r}: another backward pass or a write to .grad since): "
            "call backward_steps(root) again"
        )


def _steps(order: list[Value], root: Value) -> Iterator[BackwardStep]:
    """`_chain_rule` one node at a time, each node's step recorded after it ran.

    Before each step, the gradients it reads (its node's, its parents' running sums) are checked
    against what this pass left in them: between two steps the caller may do anything.
    """
    names = node_names(order)
    left = {node: node.grad for node in order}  # every .grad as this pass last left it
    uses = use_counts(order)
    used = dict.fromkeys(order, 0)  # the uses of each node that have passed their part back
    for index, node in enumerate(order):
        _unchanged(node, left, names)
        upstream = node.grad
        rule = node.rule
        if rule is None:
            yield BackwardStep(index, node, upstream, (), root, names)
            continue
        parents = node.parents
        for parent in parents:
            _unchanged(parent, left, names)
        before = parents[0].grad
        _chain_rule((node,))
        twice = len(parents) == 2 and parents[0] is parents[1]  # x·x: both edges reach one parent
        edges = []
        for k, (parent, local) in enumerate(zip(parents, rule.local(node.data, *[p.data for p in parents]))):
            contribution = local * upstream
            now = before + contribution if twice and k == 0 else parent.grad  # the first saw its own sum only
            used[parent] += 1
            edges.append(Edge(parent, local, contribution, now, used[parent], uses[parent]))
            left[parent] = parent.grad
        yield BackwardStep(index, node, upstream, tuple(edges), root, names)


def use_counts(order: Iterable[Value]) -> dict[Value, int]:
    """How many edges leave each node of `order` (a whole graph): x * x uses x twice. A node's
    gradient is final once that many contributions have reached it."""
    uses = dict.fromkeys(order, 0)
    for node in uses:
        for parent in node.parents:
            uses[parent] += 1
    return uses


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """Backpropagate from `root`, yielding a `BackwardStep` per node as it is processed.

    Seeds d(root)/d(root) = 1, zeroes every interior gradient first (so repeated calls never
    drift) and adds into leaves (so two calls double a leaf's gradient, as in PyTorch). Run to
    the end, it leaves exactly what `backward()` leaves.

    Between two steps the caller may look at anything: what only explains (`explain`, `grad`,
    `gradients`, drawings) writes no `.grad`. If something does write one this pass still needs
    (`backward()`, another `backward_steps`, an assignment), the next step raises
    `StaleStepsError` instead of adding onto it: "the gradients changed since these steps began:
    call backward_steps(root) again". A gradient this pass has finished with (its node's step
    has passed) is not read again, so a change to it does not stop the steps and stays as the
    other writer left it. So a `backward()` of the same root in between either stops the steps
    or they end exactly where two complete passes end (each leaf twice its gradient, interior
    nodes once); between `WorkedExample.steps()`, which start the leaves from zero, where one
    clean pass ends.
    """
    return _run(root, steps=True)


def backward(root: Value) -> None:
    """Run the whole backward pass from `root` (see `backward_steps`); all or nothing."""
    for _ in _run(root, steps=False):
        pass


def gradients(root: Value, inputs: Iterable[Value]) -> list[float]:
    """d(root)/d(x) for each x in `inputs`, by the backward pass, without writing any `.grad`.

    The same chain rule, products and order as `backward()` from zero, so the same floats (0.0
    for an input not below the root), kept in a dict of its own (`_chain_rule_aside`): threads
    may call it at once on one graph, and a `backward_steps` in progress is not disturbed. It
    fails where `backward()` fails, with the same `BackwardError`.
    """
    inputs = list(inputs)
    order = search([root])
    order.reverse()
    try:
        found, to_leaves = _chain_rule_aside(order, set(inputs))
    except (ArithmeticError, ValueError):
        raise local_error(order) from None
    if to_leaves - to_leaves != 0.0:  # an inf or nan somewhere (or only the sum overflowed):
        twin = copy.deepcopy(root)  # backward() from zero on a copy finds it and says where
        for node in parents_first([twin]):
            node.grad = ZERO
        twin.backward()
    return [found.get(x, 0.0) for x in inputs]


def _run(root: Value, steps: bool) -> Iterator[BackwardStep]:
    """The backward pass from `root`, in one go or (steps=True) yielding each node's step."""
    cleared: list[Value | float] = []
    leaves: list[Value] = []
    order = search([root], cleared, leaves)  # interior gradients now 0.0; leaves accumulate onto theirs
    order.reverse()
    root.grad = 1.0 if root._a is not None else root.grad + 1.0  # d(root)/d(root); a leaf root accumulates
    try:
        yield from _checked(_steps(order, root) if steps else order, order, leaves)
    except BackwardError:
        put_back(order, cleared)
        raise


def _checked(
    work: list[Value] | Iterator[BackwardStep], order: list[Value], leaves: list[Value]
) -> Iterator[BackwardStep]:
    """The chain rule over `work` (the whole order, or its steps), then the finiteness check; any
    failure becomes a BackwardError."""
    try:
        if isinstance(work, list):
            _chain_rule(work)
        else:
            yield from work
    except (ArithmeticError, ValueError) as error:
        raise error if isinstance(error, BackwardError) else local_error(order) from None
    # An inf or nan anywhere reaches a leaf: every interior node passes local · its gradient on
    # to its parents, and inf · 0 is nan. So one sum over the leaves finds it.
    total = sum(map(_grad, leaves))
    if total - total != 0.0:
        problem = _first_non_finite(order)
        if problem is not None:  # None: only the sum itself overflowed, every gradient is finite
            raise BackwardError(problem)


# --- when it fails: put everything back and say where -------------------------------------------


def _describe(node: Value, names: dict[Value, str]) -> str:
    what = f"{node.op} node" if node._a is not None else f"{node.kind}"
    return f"{what} {names[node]} (data {node.data!r})"


def local_error(order: list[Value]) -> BackwardError:
    """The error for a local derivative that raised: local derivatives depend only on the data,
    so recomputing them in order finds the node."""
    names = node_names(order)
    for node in order:
        rule = node.rule
        if rule is None:
            continue
        inputs = [p.data for p in node.parents]
        try:
            rule.local(node.data, *inputs)
        except (ArithmeticError, ValueError) as error:
            at = ", ".join(f"{x} = {v!r}" for x, v in zip(rule.inputs, inputs))
            why = "it overflows a float" if isinstance(error, OverflowError) else str(error)
            return BackwardError(
                f"backward: the local derivative of {_describe(node, names)} cannot be computed at "
                f"{at} ({'; '.join(rule.formulas)}): {why}. No gradient was changed."
            )
    return BackwardError("backward: a local derivative failed. No gradient was changed.")


def _first_non_finite(order: list[Value]) -> str | None:
    """Which edge first carried an inf or nan, in backward order, in words (None if none did)."""
    names = node_names(order)
    root = names[order[0]]
    accumulated: tuple[Value, Value] | None = None  # (node, parent) whose parent's sum is not finite
    for node in order:
        rule = node.rule
        if rule is None:
            continue
        upstream = node.grad
        for k, (parent, local) in enumerate(zip(node.parents, node.local_grads())):
            contribution = local * upstream
            if not math.isfinite(contribution):
                why = (
                    f"its local derivative {rule.formulas[k]} is {local!r} "
                    f"at {names[parent]} = {parent.data!r}"
                    if not math.isfinite(local)
                    else f"local {local!r} × upstream {upstream!r} = {contribution!r}"
                )
                return _not_finite(root, names[parent], f"at {_describe(node, names)}, {why}")
            if accumulated is None and not math.isfinite(parent.grad):
                accumulated = (node, parent)
    if accumulated is None:
        return None
    node, parent = accumulated
    why = f"the finite contributions to {names[parent]}.grad add up to {parent.grad!r}"
    return _not_finite(root, names[parent], f"below {_describe(node, names)}, {why}")


def _not_finite(root: str, wrt: str, why: str) -> str:
    return (
        f"backward: the gradient {dname(root, wrt)} is not a finite float: {why}. No gradient was "
        "changed; scale the inputs so the values stay within float range."
    )
