"""Reverse-mode backpropagation: a topological order and the one chain-rule loop.

`backward_steps(root)` is the only place gradients are computed. `backward(root)` runs it to the
end; iterating over it yourself shows each node's step as it happens, with the gradients filled
in so far. Both do exactly the same arithmetic.

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
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter

from .engine import Value

_creation = attrgetter("_seq")


def backward_order(root: Value) -> list[Value]:
    """Every node below `root`, each placed after all the nodes that use it (root first).

    A node is always made after its parents, so its creation number is larger than theirs:
    collecting the nodes (iteratively: a million-node chain is fine) and sorting them newest
    first is a topological order. The same program gives the same numbers, so the same order.
    """
    seen = {root}
    stack = [root]
    while stack:
        node = stack.pop()
        a = node._a
        if a is None:
            continue
        if a not in seen:
            seen.add(a)
            stack.append(a)
        b = node._b
        if b is not None and b not in seen:
            seen.add(b)
            stack.append(b)
    return sorted(seen, key=_creation, reverse=True)


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

    def __str__(self) -> str:
        root, node = _name(self.root), _name(self.node)
        if not self.edges:
            return f"{node} = {self.node.data:.6g} (leaf): d{root}/d{node} = {self.upstream:.6g}"
        lines = [
            f"{node} = {self.node.data:.6g} ({self.node.op}): upstream d{root}/d{node} = {self.upstream:.6g}"
        ]
        for e in self.edges:
            lines.append(
                f"  {_name(e.parent)}: local {e.local:.6g} · upstream {self.upstream:.6g}"
                f" = {e.contribution:.6g}, {_name(e.parent)}.grad now {e.parent_grad:.6g}"
            )
        return "\n".join(lines)


def _name(node: Value) -> str:
    return node.label or f"[{node.op or node.kind} {node.data:.4g}]"


def backward_steps(root: Value, *, trace: bool = True) -> Iterator[BackwardStep]:
    """Backpropagate from `root`, yielding a `BackwardStep` per node as it is processed.

    Seeds d(root)/d(root) = 1, zeroes every interior gradient first (so repeated calls never
    drift) and adds into leaves (so two calls double a leaf's gradient, as in PyTorch).
    With trace=False nothing is yielded and no step is recorded: that is `backward()`.
    """
    order = backward_order(root)
    for node in order:
        if node._a is not None:
            node.grad = 0.0
    root.grad = 1.0 if root._a is not None else root.grad + 1.0
    edges: list[Edge] = []
    for index, node in enumerate(order):
        a, b = node._a, node._b
        upstream = node.grad
        if a is not None:
            rule = node._op
            if b is None:
                parents: tuple[Value, ...] = (a,)
                locals_ = rule.local(node.data, a.data)  # type: ignore[union-attr]
            else:
                parents = (a, b)
                locals_ = rule.local(node.data, a.data, b.data)  # type: ignore[union-attr]
            k = 0  # a counter, not zip(): this loop runs once per edge and zip() costs a third more
            for parent in parents:
                parent.grad += locals_[k] * upstream  # the chain rule, once per edge
                if trace:
                    edges.append(Edge(parent, locals_[k], locals_[k] * upstream, parent.grad))
                k += 1  # noqa: SIM113 (enumerate would cost what zip did)
        if trace:
            yield BackwardStep(index, node, upstream, tuple(edges), root)
            edges.clear()


def backward(root: Value) -> None:
    """Run the whole backward pass from `root` (see `backward_steps`)."""
    for _ in backward_steps(root, trace=False):
        pass
