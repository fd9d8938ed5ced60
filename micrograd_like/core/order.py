"""Orders of a graph's nodes: for the backward pass, for reading, for computing as the post does.

`search` is the topological sort every order starts from: an iterative depth-first search that
keeps its visited nodes in a set of its own (it reads only `_a` and `_b`), so a million-node chain
is fine and searches in several threads never meet. The backward pass (backprop.py) runs it with
`cleared`, to zero interior gradients as they are placed; names.py, the compiler and the pictures
use the orders alone.

    >>> from micrograd_like import Value
    >>> a, b = Value(2.0, "a"), Value(3.0, "b")
    >>> c = a * b
    >>> c.label = "c"
    >>> [n.label for n in backward_order(c)]
    ['c', 'a', 'b']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine imports this module; Value is only needed for the annotations
    from .engine import Value


def backward_order(root: Value) -> list[Value]:
    """Every node below `root`, each placed before all of its parents (root first)."""
    order = parents_first([root])
    order.reverse()
    return order


def parents_first(roots: Iterable[Value]) -> list[Value]:
    """Every node below `roots`, each placed after all of its parents."""
    return search(roots)


def reading_order(
    roots: Iterable[Value], done: set[Value] | None = None, *, leaves: bool = True
) -> list[Value]:
    """The nodes below `roots` as a reader meets them (and as Python evaluates an expression): each
    after its parents, a first parent's part of the graph before a second's — for the post's network
    w[1]11, x1, w[1]11·x1, w[1]12, x2, ... Nodes already in `done` are skipped, and every node
    placed joins it; `leaves=False` leaves the leaves out. Iterative, for graphs of any depth.

    The same search as `search`, with the parents pushed second parent first (so the first comes
    off the stack, and is placed with all it needs, before the second).
    """
    done = set() if done is None else done
    placed: list[Value] = []
    stack: list[object] = []
    push, pop, place, finish = stack.append, stack.pop, placed.append, done.add
    marker = _PLACE
    for root in roots:
        push(root)
        while stack:
            node: Value = pop()  # type: ignore[assignment]
            if node is marker:  # every parent of the node below is placed
                node = pop()  # type: ignore[assignment]
                finish(node)
                place(node)
                continue
            if node in done:
                continue
            a = node._a
            if a is None:
                finish(node)
                if leaves:
                    place(node)
                continue
            push(node)
            push(marker)
            b = node._b
            if b is not None and b not in done:
                push(b)
            if a not in done:
                push(a)
    return placed


def computing_order(roots: Sequence[Value], *, leaves: bool = True) -> list[Value]:
    """The nodes below `roots` in the order a person computes them, as the post does: s[1]1 and
    what it needs, s[1]2, then z[1]1, z[1]2, then s[2], ...

    Labelled nodes go stage by stage (a labelled node's stage is one more than that of the labelled
    nodes it is computed from), in reading order within a stage; each is preceded by the unlabelled
    nodes only it still needs (w[1]11·x1, w[1]12·x2 before s[1]1). Each node comes after its parents.
    """
    reading = reading_order(roots, leaves=leaves)
    if not any(node.label and node._a is not None for node in reading):  # one stage, read as written
        return reading
    below: dict[Value, int] = {}  # op node -> the highest stage at or below it (a leaf's is 0)
    stage: dict[Value, int] = {}
    for node in reading:  # parents first
        a, b = node._a, node._b
        if a is None:
            continue
        highest = below.get(a, 0) if b is None else max(below.get(a, 0), below.get(b, 0))
        if node.label:
            stage[node] = highest = highest + 1
        below[node] = highest
    position = {node: i for i, node in enumerate(reading)}
    labelled = sorted(stage, key=lambda n: (stage[n], position[n]))
    done: set[Value] = set()
    placed = []
    for target in [*labelled, *roots]:
        placed += reading_order([target], done, leaves=leaves)
    return placed


ZERO = 0.0  # the gradient every new node starts with (engine.py): a backward pass need not save it
# (where `is` also matches other zeros, as on PyPy, those are put back as this 0.0: the same number)

_PLACE = object()  # on the search's stack: "the node below me has all its parents placed"


def search(
    roots: Iterable[Value], cleared: list[Value | float] | None = None, leaves: list[Value] | None = None
) -> list[Value]:
    """Every node below `roots` once, each placed after all of its parents (a topological order).

    A depth-first search: a node is entered, its parents are searched, then it is placed. The
    stack is explicit (a million-node chain is fine) and parents are visited in their order (the
    same graph always gives the same order). The placed nodes are kept in a set of the search's
    own, so it reads only `_a` and `_b` and searches in several threads never meet.

    Entering a node pushes it back with `_PLACE` above it: once the stack is down to `_PLACE`,
    everything pushed since (its parents and theirs) has been placed. A node pushed twice before
    it is placed is skipped the second time it comes up.

    `cleared` is for `backward()` alone: each interior node's gradient is set to 0.0 as it is
    placed (to be computed from scratch), and every gradient that was not the new-node `ZERO`
    is appended to `cleared` as node, gradient, node, gradient, ... to be put back on failure;
    the leaves are appended to `leaves` (every inf or nan reaches one: the finiteness check).
    """
    placed: list[Value] = []
    done: set[Value] = set()
    stack: list[object] = []
    push, pop, place, finish = stack.append, stack.pop, placed.append, done.add
    marker, zero = _PLACE, ZERO
    save = None if cleared is None else cleared.append
    leaf = None if leaves is None else leaves.append
    try:
        for root in roots:
            push(root)
            while stack:
                node: Value = pop()  # type: ignore[assignment]
                if node is marker:  # every parent of the node below is placed
                    node = pop()  # type: ignore[assignment]
                    if save is not None:  # saved before it counts as placed (and so put back)
                        grad = node.grad
                        if grad is not zero:
                            save(node)
                            save(grad)
                            node.grad = zero
                    finish(node)
                    place(node)
                    continue
                if node in done:
                    continue
                a = node._a
                if a is None:  # a leaf has nothing to wait for
                    if save is not None:
                        grad = node.grad
                        if grad is not zero:
                            save(node)
                            save(grad)
                        leaf(node)  # type: ignore[misc]
                    finish(node)
                    place(node)
                    continue
                push(node)
                push(marker)
                if a not in done:
                    push(a)
                b = node._b
                if b is not None and b not in done:
                    push(b)
    except BaseException:  # interrupted (Ctrl-C): every gradient as it was
        if cleared is not None:
            put_back(placed, cleared)
        raise
    return placed


def put_back(order: list[Value], cleared: list[Value | float]) -> None:
    """Every gradient as it was before `search(..., cleared)` and a failed pass."""
    zero = ZERO
    for node in order:
        node.grad = zero
    flat = iter(cleared)
    for saved, grad in zip(flat, flat):
        saved.grad = grad  # type: ignore[union-attr]
