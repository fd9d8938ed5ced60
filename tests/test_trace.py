"""Stepping through the worked example's backward pass: one step per node, the same numbers as backward().

Each step's local derivatives are checked against the hand-derived formula for that node's op,
and each edge's running gradient against a sum kept here, so the trace is tested as a trace,
not only by its end result.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import post_numbers

from micrograd_like import Value, backward_order, backward_steps
from micrograd_like.core.backprop import REPR_WIDTH
from micrograd_like.post.example import WEIGHT_NAMES, build


def hand_locals(node_op: str, out: float, inputs: list[float]) -> list[float]:
    """d(out)/d(input) for the ops in the example, derived by hand."""
    if node_op == "mul":
        a, b = inputs
        return [b, a]
    if node_op == "add":
        return [1.0, 1.0]
    if node_op == "sub":
        return [1.0, -1.0]
    if node_op == "tanh":
        return [1 - out * out]
    if node_op == "pow":  # the square: d(a²)/da = 2a
        return [2 * inputs[0]]
    raise AssertionError(f"unexpected op {node_op}")


def test_one_step_per_node_root_first_in_backward_order() -> None:
    ex = build()
    steps = list(ex.steps())
    order = backward_order(ex.loss)
    assert [s.node for s in steps] == order
    assert [s.index for s in steps] == list(range(len(order)))
    assert steps[0].node is ex.loss and steps[0].upstream == 1.0
    assert all(s.root is ex.loss for s in steps)
    # 6 products, 3 sums, 3 tanh, the difference, the square; 2 inputs, the target, 6 weights
    assert len(steps) == 14 + 9
    leaves = ["w[2]11", "w[1]11", "w[1]12", "w[2]12", "w[1]21", "x1", "w[1]22", "x2", "y"]  # depth first
    assert [s.node.label for s in steps if not s.edges] == leaves


def test_each_edge_is_local_times_upstream_with_hand_locals() -> None:
    ex = build({"x1": 0.7, "x2": -1.3, "y": -0.2, "w[2]11": 1.5})
    running: dict[int, float] = {}
    for step in ex.steps():
        node = step.node
        assert step.upstream == running.get(id(node), 0.0) or node is ex.loss
        expected = hand_locals(node.op, node.data, [p.data for p in node.parents]) if node.parents else []
        assert [e.local for e in step.edges] == expected
        assert [e.parent for e in step.edges] == list(node.parents)
        for edge in step.edges:
            assert edge.contribution == edge.local * step.upstream
            running[id(edge.parent)] = running.get(id(edge.parent), 0.0) + edge.contribution
            assert edge.parent_grad == running[id(edge.parent)]
    n = post_numbers(ex.params)
    for w in WEIGHT_NAMES:
        assert running[id(ex.nodes[w])] == n[f"dL/d{w}"]


@settings(max_examples=100, deadline=None)
@given(
    st.fixed_dictionaries(
        {k: st.floats(min_value=-3.0, max_value=3.0) for k in ("x1", "x2", "y", *WEIGHT_NAMES)}
    )
)
def test_applying_the_steps_gives_exactly_what_backward_gives(params: dict[str, float]) -> None:
    ex = build(params)
    trace: dict[str, float | None] = dict.fromkeys(ex.nodes)
    for step in ex.steps():
        if step.node.label:
            trace[step.node.label] = step.upstream
    stepped = {name: node.grad for name, node in ex.nodes.items()}
    assert trace == stepped  # a node's upstream, when its turn comes, is its final gradient
    ex.backward()
    assert {name: node.grad for name, node in ex.nodes.items()} == stepped
    n = post_numbers(ex.params)
    assert stepped["w[2]12"] == n["dL/dw[2]12"]


def test_the_step_that_reaches_w212_shows_the_posts_chain() -> None:
    ex = build()
    n = post_numbers(ex.params)
    (step,) = [s for s in ex.steps() if ex.nodes["w[2]12"] in s.node.parents]
    assert step.node.op == "mul" and step.upstream == n["dL/ds[2]"]  # the product's upstream is dL/ds[2]
    edge = step.edges[0]
    assert edge.parent is ex.nodes["w[2]12"]
    assert edge.local == n["z[1]2"]  # ds[2]/dw[2]12 = z[1]2
    assert edge.contribution == n["dL/dw[2]12"] == edge.parent_grad


def test_stepping_halfway_shows_partial_gradients() -> None:
    ex = build()
    steps = ex.steps()
    first = next(steps)
    assert first.node is ex.loss
    assert ex.nodes["z[2]"].grad == 0.0 and ex.nodes["w[2]12"].grad == 0.0  # nothing below yet
    second = next(steps)
    assert second.node.op == "sub"
    n = post_numbers(ex.params)
    assert ex.nodes["z[2]"].grad == n["dL/dz[2]"]
    assert ex.nodes["w[2]12"].grad == 0.0
    for _ in steps:
        pass
    assert ex.nodes["w[2]12"].grad == n["dL/dw[2]12"]


def test_step_text_names_the_nodes() -> None:
    text = "\n".join(str(s) for s in build().steps())
    for name in ("L", "z[2]", "s[2]", "z[1]1", "z[1]2", "s[1]1", "s[1]2", *WEIGHT_NAMES, "x1", "x2", "y"):
        assert f"{name} = " in text, name
    assert "w[2]12: local 0.604368 · upstream -1.25895 = -0.760866, w[2]12.grad now -0.760866" in text
    assert math.isclose(-0.760866, post_numbers(build().params)["dL/dw[2]12"], abs_tol=1e-6)


def test_a_step_shows_as_one_short_line_and_prints_in_full() -> None:
    """A bare `next(steps)` in the REPL shows the repr: one line of at most 200 characters."""
    for step in build().steps():
        shown, printed = repr(step), str(step)
        assert "\n" not in shown and len(shown) <= REPR_WIDTH
        assert shown.startswith(f"<BackwardStep {step.index + 1} of 23: {step.name(step.node)} = ")
        assert f"{step.node.data:.6g}" in shown and f"{step.upstream:.6g}" in shown
        assert printed.startswith(f"{step.name(step.node)} = ")  # print keeps the long text
        assert printed.count("\n") == len(step.edges)
    a = Value(1.5, "a" * 500)
    b = Value(-2.0, "b" * 300)
    y = (a * b).tanh()
    y.label = "y" * 1000
    for step in backward_steps(y):
        assert "\n" not in repr(step) and len(repr(step)) <= REPR_WIDTH
        assert len(str(step)) > 1000
