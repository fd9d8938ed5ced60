"""One story of a backward step: the step's text, the terminal stepper, the picture frames and the
page's data tell the same "use k of n" and the same partial sums.

The oracle counts by hand: walking the graph in backward order, edge by edge, the k-th edge into a
node is its use k of n (n the edges leaving it), and its sum so far is the contributions
local · upstream added up in that order, with upstream = d(root)/d(node) from `backward()` on a copy.
"""

from __future__ import annotations

import copy
import re
from collections import Counter

from hypothesis import given, settings
from oracles import Program, programs, run_engine

from micrograd_like import Value, backward_order, backward_steps
from micrograd_like.core.names import node_names
from micrograd_like.core.story import tallied
from micrograd_like.page.export import graph_data
from micrograd_like.post.example import build
from micrograd_like.post.stepper import backward_pages
from micrograd_like.show.viz import frame_graph
from micrograd_like.util.numbers import format_number

Told = list[list[tuple[str, int, int, float, int]]]  # per step, per edge: parent, use k, of n, its sum
# so far, the parent's position in backward order


def by_hand(root: Value) -> Told:
    twin = copy.deepcopy(root)
    twin.backward()
    order = backward_order(twin)
    names = node_names(order)
    n = Counter(p for node in order for p in node.parents)
    index = {node: i for i, node in enumerate(order)}
    k: Counter[Value] = Counter()
    partial: dict[Value, float] = {}
    told = []
    for node in order:
        edges = []
        rule = node.rule
        if rule is not None:
            for parent, local in zip(node.parents, rule.local(node.data, *[p.data for p in node.parents])):
                k[parent] += 1
                partial[parent] = partial.get(parent, 0.0) + local * node.grad
                edges.append((names[parent], k[parent], n[parent], partial[parent], index[parent]))
        told.append(edges)
    return told


def _uses(text: str) -> tuple[int, int] | None:
    found = re.search(r" \((\d+) of (\d+) uses\)$", text)
    return (int(found[1]), int(found[2])) if found else None


def _check(told: Told, root: Value, *, frames: bool = True) -> None:
    # 1. the step's own text: "x.grad now 3 (1 of 2 uses)"
    for step, edges in zip(backward_steps(copy.deepcopy(root)), told, strict=True):
        lines = str(step).splitlines()[1:]
        assert len(lines) == len(edges)
        for line, (_, k, n, partial, _) in zip(lines, edges):
            assert line.endswith(f"now {partial:.6g}" + (f" ({k} of {n} uses)" if k < n else ""))
    # 2. the terminal stepper, exact numbers: "so dL/dx is now 3.0 (1 of 2 uses)", and "known so far"
    pages = backward_pages(copy.deepcopy(root))
    for page, edges in zip(pages, told, strict=True):
        lines = [line for line in page.splitlines() if "local × upstream" in line]
        for line, (_, k, n, partial, _) in zip(lines, edges, strict=True):
            now = line.split(" is now ", 1)[1]
            assert _uses(now) == ((k, n) if k < n else None)
            assert float(now.split(" (")[0]) == partial
    # 3. the frames: each partial sum shown with its "(k of n uses)", the same ones at every step
    if frames:
        seen: dict[int, tuple[int, int, float]] = {}
        for (step, tally), edges in zip(tallied(backward_steps(copy.deepcopy(root))), told, strict=True):
            for _, k, n, partial, i in edges:
                seen[i] = (k, n, partial)
            source = frame_graph(step, tally.received).source
            marks = Counter(re.findall(r"grad [^|\"}]* \((\d+ of \d+) uses\)", source))
            expected = Counter(f"{k} of {n}" for k, n, _ in seen.values() if k < n)
            assert marks == expected
            for k, n, partial in seen.values():
                if k < n:
                    assert f"grad {format_number(partial, 4)} ({k} of {n} uses)" in source
    # 4. the page's data: each edge's use, each node's uses, the partial sums of the engine's steps
    data = graph_data(root)
    for node, step, edges in zip(data["nodes"], data["steps"], told, strict=True):
        for info, numbers, (name, k, n, partial, i) in zip(
            node.get("edges", []), step[2], edges, strict=True
        ):
            parent = data["nodes"][i]
            assert (parent["name"], info["use"], parent["uses"]) == (name, k, n)
            assert numbers[2] == partial


def test_the_worked_example_tells_one_story() -> None:
    ex = build()
    told = by_hand(ex.loss)
    assert ("x1", 1, 2) in [
        (name, k, n) for edges in told for name, k, n, _, _ in edges
    ]  # x1 feeds two products
    _check(told, ex.loss)


def test_x_times_x_is_two_uses_in_one_step() -> None:
    x = Value(3.0, "x")
    y = (x * x).tanh()
    y.label = "y"
    told = by_hand(y)
    assert [(k, n) for _, k, n, _, _ in told[1]] == [(1, 2), (2, 2)]
    _check(told, y)


@settings(max_examples=25, deadline=None)
@given(programs())
def test_random_graphs_tell_one_story(program: Program) -> None:
    inputs = [Value(x, kind="input") for x in program.inputs]
    root = run_engine(program, inputs)[-1]
    _check(by_hand(root), root, frames=len(backward_order(root)) <= 40)
