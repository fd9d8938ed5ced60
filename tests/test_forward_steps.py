"""The forward pass as steps (`story.forward_steps`, `WorkedExample.forward_steps`): the post's
order, each step's formula over names and over numbers, its value the node's own data.

Oracles: the post's formulas in plain floats (oracles.post_numbers), the formulas written by hand,
and the numbers text itself evaluated as arithmetic (with exact reprs it gives the same float)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from oracles import Program, post_numbers, programs, run_engine

from micrograd_like import Value, backward_order
from micrograd_like.core.story import ForwardStep, forward_steps
from micrograd_like.post.example import DEFAULTS, build
from micrograd_like.post.stepper import forward_pages

POST = {
    "s[1]1": "w[1]11·x1+w[1]12·x2",
    "s[1]2": "w[1]21·x1+w[1]22·x2",
    "z[1]1": "tanh(s[1]1)",
    "z[1]2": "tanh(s[1]2)",
    "s[2]": "w[2]11·z[1]1+w[2]12·z[1]2",
    "z[2]": "tanh(s[2])",
    "L": "(z[2]-y)²",
}


def arithmetic(text: str) -> float:
    """The numbers of a post's formula as Python arithmetic (test text, never user data)."""
    return float(eval(text.replace("·", "*").replace("²", "**2"), {"tanh": math.tanh}))


def test_the_worked_example_forward_pass_is_the_posts() -> None:
    ex = build()
    steps = list(ex.forward_steps(digits=None))
    assert [(s.name, s.formula) for s in steps] == list(POST.items())
    n = post_numbers(DEFAULTS)
    for step in steps:
        assert step.value == ex.nodes[step.name].data == n[step.name]
        assert arithmetic(step.numbers) == step.value  # the numbers shown compute the value shown
        assert step.count == 7 and step.computes[-1] is step.node
    assert str(steps[0]) == "s[1]1 = w[1]11·x1+w[1]12·x2 = 0.25·1.0+(-0.4)·1.0 = -0.15"
    first = next(ex.forward_steps())
    assert repr(first) == "<ForwardStep 1 of 7: s[1]1 = -0.15 (add); print() it for the formula>"
    assert str(first) == "s[1]1 = w[1]11·x1+w[1]12·x2 = 0.25·1+(-0.4)·1 = -0.15"
    # the products are computed inside s[1]1's step, and read the leaves
    assert [ex.nodes[k] for k in ("w[1]11", "x1", "w[1]12", "x2")] == list(steps[0].reads)
    assert len(steps[0].computes) == 3


def test_forward_steps_change_nothing_and_every_op_is_computed_once() -> None:
    ex = build(bias=True)
    before = [(node.data, node.grad) for node in backward_order(ex.loss)]
    steps = list(ex.forward_steps())
    assert [(node.data, node.grad) for node in backward_order(ex.loss)] == before
    _structure(steps, ex.loss)
    assert [s.name for s in steps if not s.name.startswith("t")] == [
        *("s[1]1", "s[1]2", "z[1]1", "z[1]2", "s[2]", "z[2]", "L")
    ]


def _structure(steps: list[ForwardStep], root: Value) -> None:
    computed: list[Value] = []
    for step in steps:
        for read in step.reads:
            assert read.is_leaf or read in computed  # each step reads only what is known
        assert step.computes[-1] is step.node
        computed += step.computes
    ops = [node for node in backward_order(root) if not node.is_leaf]
    assert sorted(map(id, computed)) == sorted(map(id, ops))  # each op once
    assert steps[-1].node is root


def test_forward_pages_number_the_steps() -> None:
    pages = forward_pages(build().loss, digits=4)
    assert pages[0].splitlines()[:3] == [
        "forward step 1/7: s[1]1 = w[1]11·x1+w[1]12·x2",
        "  = 0.25·1+(-0.4)·1",
        "  = -0.15",
    ]
    assert "given: w[1]11 = 0.25, x1 = 1, w[1]12 = -0.4, x2 = 1" in pages[0]


@settings(max_examples=40, deadline=None)
@given(programs())
def test_random_graphs_forward_steps_compute_every_op_once_in_order(program: Program) -> None:
    inputs = [Value(x, kind="input") for x in program.inputs]
    nodes = run_engine(program, inputs)
    for node in nodes[len(inputs) :]:
        if node.label.startswith("n") and hash(node) % 2:
            node.label = ""  # some unlabelled: written out inside the steps that use them
    root = nodes[-1]
    _structure(list(forward_steps(root)), root)
