"""Reverse-mode backpropagation: a topological order and the one chain-rule loop.

`backward_steps(root)` and `backward(root)` run the same loop, `_chain_rule`, the only place
gradients are computed; the steps version runs it one node at a time and yields each node's
step as it happens, with the gradients filled in so far.

    >>> from micrograd_like import Value
    >>> x = Value(3.0, "x")
    >>> y = x * x
    >>> y.label = "y"
    >>> for step in backward_steps(y):
    ...     print(step)
    y = 9 (mul): upstream dy/dy = 1
      x: local 3 · upstream 1 = 3, x.grad now 3
      x: local 3 · upstream 1 = 3, x.grad now 6
    x = 3 (leaf): dy/dx = 6

A backward pass is all or nothing: if a local derivative cannot be computed (d(√x)/dx at 0) or
a gradient would be inf or nan, a `BackwardError` names the op and the node, and every `.grad`
is left as it was before the call.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

from .names import dname, node_names, wrap

if TYPE_CHECKING:  # the engine imports this module; Value is only needed for the annotations
    from .engine import Value

_grad = attrgetter("grad")


class BackwardError(ArithmeticError):
    """A backward pass that could not finish with finite gradients; no gradient was changed."""


def backward_order(root: Value) -> list[Value]:
    """Every node below `root`, each placed before all of its parents (root first)."""
    order = parents_first([root])
    order.reverse()
    return order


def parents_first(roots: Iterable[Value]) -> list[Value]:
    """Every node below `roots`, each placed after all of its parents."""
    search = _Search(roots)
    search.restore()
    return search.placed


def reading_order(
    roots: Iterable[Value], done: set[Value] | None = None, *, leaves: bool = True
) -> list[Value]:
    """The nodes below `roots` as a reader meets them (and as Python evaluates an expression): each
    after its parents, a first parent's part of the graph before a second's — for the post's network
    w[1]11, x1, w[1]11·x1, w[1]12, x2, ... Nodes already in `done` are skipped, and every node
    placed joins it; `leaves=False` leaves the leaves out. Iterative, for graphs of any depth.
    """
    done = set() if done is None else done
    placed: list[Value] = []
    for start in roots:
        stack: list[tuple[Value, int]] = [(start, 0)]  # (node, which parent to visit next)
        while stack:
            node, k = stack.pop()
            if k == 0 and node in done:
                continue
            done.add(node)
            parent = node._a if k == 0 else node._b if k == 1 else None
            if parent is not None:
                stack.append((node, k + 1))
                if parent not in done:
                    stack.append((parent, 0))
            elif leaves or node._a is not None:  # all its parents placed
                placed.append(node)
    return placed


def computing_order(roots: Sequence[Value], *, leaves: bool = True) -> list[Value]:
    """The nodes below `roots` in the order a person computes them, as the post does: s[1]1 and
    what it needs, s[1]2, then z[1]1, z[1]2, then s[2], ...

    Labelled nodes go stage by stage (a labelled node's stage is one more than that of the labelled
    nodes it is computed from), in reading order within a stage; each is preceded by the unlabelled
    nodes only it still needs (w[1]11·x1, w[1]12·x2 before s[1]1). Each node comes after its parents.
    """
    below: dict[Value, int] = {}  # node -> the highest stage at or below it
    stage: dict[Value, int] = {}
    for node in parents_first(roots):
        if node._a is None:
            below[node] = 0
            continue
        highest = max(below[p] for p in node.parents)
        if node.label:
            stage[node] = highest = highest + 1
        below[node] = highest
    reading = reading_order(roots, leaves=leaves)
    if not stage:  # nothing labelled: one stage, read as written
        return reading
    position = {node: i for i, node in enumerate(reading)}
    labelled = sorted(stage, key=lambda n: (stage[n], position[n]))
    done: set[Value] = set()
    placed = []
    for target in [*labelled, *roots]:
        placed += reading_order([target], done, leaves=leaves)
    return placed


ZERO = 0.0  # the gradient every new node starts with: a search saves only gradients that are not it


class _Search:
    """The textbook topological sort: a depth-first search that places a node once all its
    parents are placed. It uses an explicit stack, so a million-node chain is fine, and visits
    parents in their order, so the same graph always gives the same order.

    A node's state lives in its gradient slot, which backward has to reset anyway: on entry the
    gradient is saved (unless it is the shared `ZERO` a new node starts with: nothing to save)
    and set to `entered`; once its parents are placed, to `placed`. Both are floats 0.0 made for
    this search alone (`is` tells them from any other float), so a search inside another, e.g.
    naming nodes while stepping, has marks of its own. `restore` puts every gradient back.

    A node is pushed again as its own exit marker: popped while still `entered` it means all its
    parents are placed (in a DAG nothing above it on the stack can be the node itself again).
    """

    __slots__ = ("entered", "leaves", "placed", "saved", "stack")

    def __init__(self, roots: Iterable[Value]) -> None:
        placed: list[Value] = []
        leaves: list[Value] = []
        saved: list[Value | float] = []  # node, its gradient before, node, gradient, ...
        stack: list[Value] = []
        self.placed, self.leaves, self.saved, self.stack = placed, leaves, saved, stack
        push, pop, place, save = stack.append, stack.pop, placed.append, saved.append
        zero = ZERO
        entered = self.entered = float.fromhex("0x0p+0")  # new float objects, unlike the literal 0.0
        done = float.fromhex("0x0p+0")
        try:
            for root in roots:
                push(root)
                while stack:
                    node = pop()
                    grad = node.grad
                    if grad is entered:  # its exit marker: every parent is placed
                        node.grad = done
                        place(node)
                        continue
                    if grad is done:
                        continue
                    if grad is not zero:
                        save(node)
                        save(grad)
                    a = node._a
                    if a is None:  # a leaf has nothing to wait for
                        node.grad = done
                        place(node)
                        leaves.append(node)
                        continue
                    node.grad = entered
                    push(node)
                    grad = a.grad
                    if grad is not done and grad is not entered:
                        push(a)
                    b = node._b
                    if b is not None:
                        grad = b.grad
                        if grad is not done and grad is not entered:
                            push(b)
        except BaseException:
            self.restore()
            raise
        self.stack = []

    def restore(self) -> None:
        """Every gradient as it was before the search (or before a failed backward pass)."""
        zero = ZERO
        for node in self.placed:
            node.grad = zero
        entered = self.entered
        for node in self.stack:  # only if the search itself was interrupted
            if node.grad is entered:
                node.grad = zero
        self._put_back(leaves_only=False)

    def restore_leaves(self) -> None:
        """The leaves' gradients as before (they accumulate); interior ones stay 0.0."""
        zero = ZERO
        for node in self.leaves:
            node.grad = zero
        self._put_back(leaves_only=True)

    def _put_back(self, *, leaves_only: bool) -> None:
        flat = iter(self.saved)
        for node, grad in zip(flat, flat):
            if not leaves_only or node._a is None:  # type: ignore[union-attr]
                node.grad = grad  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class Edge:
    """One use of `parent` by the step's node: what the chain rule passed along it."""

    parent: Value
    local: float  # d(node)/d(parent), from the op's rule
    contribution: float  # local · upstream: what this edge added to parent.grad
    parent_grad: float  # parent.grad right after the addition


@dataclass(frozen=True, slots=True)
class BackwardStep:
    """A node reached by the backward pass, its upstream gradient, and the edges it fed."""

    index: int  # 0 for the root, then in backward order
    node: Value
    upstream: float  # d(root)/d(node): complete when the node's turn comes
    edges: tuple[Edge, ...]  # empty for a leaf
    root: Value
    names: dict[Value, str]  # every node's name in this graph (names.node_names)

    def name(self, node: Value) -> str:
        return self.names[node]

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
                f" = {e.contribution:.6g}, {wrap(parent)}.grad now {e.parent_grad:.6g}"
            )
        return "\n".join(lines)


def _chain_rule(order: Iterable[Value]) -> None:
    """The chain rule, once per edge, nodes in backward order: parent.grad += local · upstream.

    The only place gradients are computed: `backward()` runs it over the whole order in one go,
    `backward_steps` one node at a time, watching.
    """
    for node in order:
        a = node._a
        if a is None:  # a leaf: its gradient is complete
            continue
        upstream = node.grad  # complete: every node that uses this one came earlier
        rule = node._op
        fixed = rule.fixed  # type: ignore[union-attr]
        b = node._b
        if b is None:
            local_a = rule.d(node.data, a.data) if fixed is None else fixed[0]  # type: ignore[union-attr]
            a.grad += local_a * upstream  # (one parent)
            continue
        local_a, local_b = rule.d(node.data, a.data, b.data) if fixed is None else fixed  # type: ignore[union-attr]
        a.grad += local_a * upstream  # (first of two parents)
        b.grad += local_b * upstream  # (second parent)


def _steps(order: list[Value], root: Value) -> Iterator[BackwardStep]:
    """`_chain_rule` one node at a time, each node's step recorded after it ran."""
    names = node_names(order)
    for index, node in enumerate(order):
        upstream = node.grad
        rule = node.rule
        if rule is None:
            yield BackwardStep(index, node, upstream, (), root, names)
            continue
        parents = node.parents
        before = parents[0].grad
        _chain_rule((node,))
        twice = len(parents) == 2 and parents[0] is parents[1]  # x·x: both edges reach one parent
        edges = []
        for k, (parent, local) in enumerate(zip(parents, rule.local(node.data, *[p.data for p in parents]))):
            contribution = local * upstream
            now = before + contribution if twice and k == 0 else parent.grad  # the first saw its own sum only
            edges.append(Edge(parent, local, contribution, now))
        yield BackwardStep(index, node, upstream, tuple(edges), root, names)


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """Backpropagate from `root`, yielding a `BackwardStep` per node as it is processed.

    Seeds d(root)/d(root) = 1, zeroes every interior gradient first (so repeated calls never
    drift) and adds into leaves (so two calls double a leaf's gradient, as in PyTorch).
    """
    return _run(root, steps=True)


def backward(root: Value) -> None:
    """Run the whole backward pass from `root` (see `backward_steps`); all or nothing."""
    for _ in _run(root, steps=False):
        pass


def gradients(root: Value, inputs: Iterable[Value]) -> list[float]:
    """d(root)/d(x) for each x in `inputs`, by the backward pass, with every `.grad` left as it was.

    The same loop and the same numbers as `backward()` (0.0 for an input not below the root);
    it runs in the nodes' `.grad` slots from zero and puts every one back, also on error.
    """
    search = _Search([root])  # every .grad saved, then 0.0
    try:
        order = search.placed
        order.reverse()
        root.grad = 1.0
        for _ in _checked(order, order, search.leaves):
            pass
        below = set(order)
        return [x.grad if x in below else 0.0 for x in inputs]
    finally:
        search.restore()


def _run(root: Value, steps: bool) -> Iterator[BackwardStep]:
    """The backward pass from `root`, in one go or (steps=True) yielding each node's step."""
    search = _Search([root])  # interior gradients now 0.0, to be recomputed from scratch
    search.restore_leaves()  # leaves accumulate onto what they held
    order = search.placed
    order.reverse()
    root.grad = 1.0 if root._a is not None else root.grad + 1.0  # d(root)/d(root); a leaf root accumulates
    try:
        yield from _checked(_steps(order, root) if steps else order, order, search.leaves)
    except BackwardError:
        search.restore()
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
        raise error if isinstance(error, BackwardError) else _local_error(order) from None
    _check_finite(order, leaves)


# --- when it fails: put everything back and say where -------------------------------------------


def _check_finite(order: list[Value], leaves: list[Value]) -> None:
    # An inf or nan anywhere reaches a leaf: every interior node passes local · its gradient on
    # to its parents, and inf · 0 is nan. So one sum over the leaves finds it.
    total = sum(map(_grad, leaves))
    if total - total == 0.0:
        return
    problem = _first_non_finite(order)
    if problem is not None:  # None: only the sum itself overflowed, every gradient is finite
        raise BackwardError(problem)


def _describe(node: Value, names: dict[Value, str]) -> str:
    what = f"{node.op} node" if node._a is not None else f"{node.kind}"
    return f"{what} {names[node]} (data {node.data!r})"


def _local_error(order: list[Value]) -> BackwardError:
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
