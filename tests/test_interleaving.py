"""Stepping never gives a wrong number, whatever runs between two steps (issue 18, item 1).

Everything that only explains (`chain`, `explain`, the `update()` preview, `gradients()`,
`grad`, `finite_difference`, `judge_step`, the stepper's pages, the walkthrough, text views)
writes no `.grad`, so a stepping generator resumed after it ends at a clean `backward()`'s
numbers. Whatever writes gradients (`backward()`, another `steps()`) either makes the resumed
steps refuse with `StaleStepsError`, or (when it changed only gradients the steps are done with)
leaves exactly what the two passes one after the other leave. The oracle for both is the engine
itself on a fresh copy of the same graph.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import Program, programs, run_engine

from micrograd_like import Value, backward_order, backward_steps, count_paths, explain, grad, text_graph
from micrograd_like.core.backprop import BackwardStep, StaleStepsError, gradients
from micrograd_like.post.diagnose import judge_step
from micrograd_like.post.example import WorkedExample, build
from micrograd_like.post.stepper import backward_pages
from micrograd_like.post.walkthrough import summary, walkthrough

Snapshot = list[float]


def snapshot(root: Value) -> Snapshot:
    return [node.grad for node in backward_order(root)]


def finish(steps: Iterator[BackwardStep]) -> None:
    for _ in steps:
        pass


# --- the worked example --------------------------------------------------------------------------

EXPLAINERS: dict[str, Callable[[WorkedExample], object]] = {
    "chain": lambda ex: ex.chain("w[2]12"),
    "chain of a deep weight": lambda ex: ex.chain("w[1]11", digits=4),
    "explain": lambda ex: explain(ex.loss, "w[1]21"),
    "update": lambda ex: ex.update(),
    "after_update": lambda ex: ex.after_update(),
    "gradients": lambda ex: ex.gradients(),
    "grad": lambda ex: grad(ex.loss, [ex.nodes["w[2]12"], ex.nodes["x1"]]),
    "grad create_graph": lambda ex: grad(ex.loss, ex.nodes["w[1]11"], create_graph=True),
    "backprop.gradients": lambda ex: gradients(ex.loss, list(ex.nodes.values())),
    "finite_difference": lambda ex: ex.finite_difference("w[2]11"),
    "judge_step": lambda ex: judge_step(ex, ex.after_update()),
    "backward_pages": lambda ex: backward_pages(ex.loss, digits=4),
    "walkthrough": lambda ex: walkthrough(ex, digits=4),
    "summary": lambda ex: summary(ex),
    "text_graph": lambda ex: text_graph(ex.loss, style="table"),
    "count_paths": lambda ex: count_paths(ex.loss, "x1"),
}

WRITERS: dict[str, Callable[[WorkedExample], object]] = {
    "ex.backward": lambda ex: ex.backward(),
    "loss.backward": lambda ex: ex.loss.backward(),
    "a second ex.steps, run through": lambda ex: finish(ex.steps()),
    "backward_steps, run through": lambda ex: finish(backward_steps(ex.loss)),
}

N_STEPS = len(backward_order(build().loss))  # 23


def clean() -> Snapshot:
    ex = build()
    ex.backward()
    return snapshot(ex.loss)


@pytest.mark.parametrize("name", sorted(EXPLAINERS))
def test_explaining_between_steps_changes_nothing(name: str) -> None:
    expected = clean()
    for taken in range(N_STEPS + 1):
        ex = build()
        steps = ex.steps()
        for _ in range(taken):
            next(steps)
        before = snapshot(ex.loss)
        EXPLAINERS[name](ex)
        assert snapshot(ex.loss) == before, f"{name} wrote a .grad after {taken} steps"
        finish(steps)
        assert snapshot(ex.loss) == expected, f"{name} after {taken} steps"


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_pass_between_steps_stops_them_or_ends_where_two_passes_end(name: str) -> None:
    write = WRITERS[name]
    steps_then_write, write_then_steps = build(), build()
    finish(steps_then_write.steps())
    write(steps_then_write)
    write(write_then_steps)
    finish(write_then_steps.steps())
    outcomes = set()
    for taken in range(N_STEPS + 1):
        ex = build()
        steps = ex.steps()
        for _ in range(taken):
            next(steps)
        write(ex)
        try:
            finish(steps)
        except StaleStepsError as error:
            outcomes.add("refused")
            assert str(error).startswith("the gradients changed since these steps began")
            assert str(error).endswith(": call ex.steps() again")
            assert next(steps, None) is None  # the refused generator is over
            finish(ex.steps())  # as the message says: the steps again give the clean numbers
            assert snapshot(ex.loss) == clean()
            continue
        outcomes.add("finished")
        # a generator starts (zeroing the leaves) at its first step: before it, the write came first
        expected = steps_then_write if taken else write_then_steps
        assert snapshot(ex.loss) == snapshot(expected.loss), f"{name} after {taken} steps"
    assert outcomes == {"refused", "finished"}  # before the first step it cannot disturb them


def test_the_issue_session_steps_chain_resume() -> None:
    """Take 3 steps, print the chain (as the README does), resume: the true numbers, not 3x/6x."""
    ex = build()
    steps = ex.steps()
    for _ in range(3):
        next(steps)
    assert ex.chain("w[2]12").total == -0.7608659278951793
    ex.update()
    finish(steps)
    assert ex.nodes["w[2]12"].grad == -0.7608659278951793
    assert snapshot(ex.loss) == clean()


def test_two_generators_interleaved_never_add_onto_each_other() -> None:
    ex = build()
    first, second = ex.steps(), ex.steps()
    for _ in range(5):
        next(first)
    for _ in range(3):
        next(second)  # zeroes the leaves and starts over: first's sums are gone
    with pytest.raises(StaleStepsError, match=r"call ex\.steps\(\) again"):
        finish(first)
    finish(second)
    assert snapshot(ex.loss) == clean()

    ex = build()
    first, second = ex.steps(), ex.steps()
    for _ in range(5):
        next(first)
    for _ in range(5):
        next(second)  # the very state first left: first may go on ...
    finish(first)
    assert snapshot(ex.loss) == clean()
    with pytest.raises(StaleStepsError):  # ... and then second's sums are gone
        finish(second)
    assert snapshot(ex.loss) == clean()


def test_a_write_to_a_gradient_the_steps_still_need_stops_them() -> None:
    ex = build()
    steps = ex.steps()
    next(steps)
    ex.nodes["z[2]"].grad = 5.0  # not yet stepped: its sum is still being formed
    with pytest.raises(StaleStepsError, match=r"z\[2\]\.grad is 5\.0"):
        finish(steps)


# --- random graphs -------------------------------------------------------------------------------

GRAPH_EXPLAINERS: dict[str, Callable[[Value, list[Value]], object]] = {
    "grad": lambda root, nodes: grad(root, nodes[:2]),
    "grad create_graph": lambda root, nodes: grad(root, nodes[0], create_graph=True),
    "gradients": lambda root, nodes: gradients(root, nodes),
    "explain": lambda root, nodes: _explain(root, nodes[0]),
    "backward_pages": lambda root, nodes: backward_pages(root),
    "text_graph": lambda root, nodes: text_graph(root, max_nodes=10_000),
    "backward_order": lambda root, nodes: backward_order(root),
}
GRAPH_WRITERS: dict[str, Callable[[Value, list[Value]], object]] = {
    "backward": lambda root, nodes: root.backward(),
    "backward_steps": lambda root, nodes: finish(backward_steps(root)),
}


def _explain(root: Value, node: Value) -> object:
    try:
        return explain(root, node)
    except ValueError:  # more paths than the limit: refused before anything is computed
        return None


def _graph(program: Program) -> tuple[Value, list[Value]]:
    nodes = run_engine(program, [Value(x, f"x{i}") for i, x in enumerate(program.inputs)])
    return nodes[-1], nodes


@settings(max_examples=150, deadline=None)
@given(
    program=programs(),
    share=st.floats(0, 1),
    name=st.sampled_from(sorted(GRAPH_EXPLAINERS) + sorted(GRAPH_WRITERS)),
)
def test_random_graphs_any_interleaving(program: Program, share: float, name: str) -> None:
    root, nodes = _graph(program)
    reference = copy.deepcopy(root)  # the same graph, for the oracle
    reference.backward()
    once = snapshot(reference)
    taken = round(share * len(once))

    steps = backward_steps(root)
    for _ in range(taken):
        next(steps)
    before = snapshot(root)
    if name in GRAPH_EXPLAINERS:
        GRAPH_EXPLAINERS[name](root, nodes)
        assert snapshot(root) == before
        finish(steps)
        assert snapshot(root) == once
        return
    GRAPH_WRITERS[name](root, nodes)
    reference.backward()  # two complete passes: each leaf twice its gradient, interior nodes once
    try:
        finish(steps)
    except StaleStepsError as error:
        assert str(error).endswith(": call backward_steps(root) again")
        return
    assert snapshot(root) == snapshot(reference)
