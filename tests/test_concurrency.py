"""`grad()` and `backprop.gradients` compute on the side: threads never meet (issue 19, item 8).

Four threads take `grad(h, [x, w])` of one unchanged 2,000-level chain, many times each, with the
interpreter switching threads as often as it can: every answer equals the single-threaded one
bit for bit, and no `.grad` in the graph changes. (Computing in the `.grad` slots and restoring
them, as before, gave wrong answers and left x.grad changed.)
"""

from __future__ import annotations

import copy
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from micrograd_like import Value, backward_order, grad
from micrograd_like.core.backprop import gradients

DEPTH = 2_000
THREADS = 4
CALLS = 15  # per thread (the old code got most of 4 × 40 wrong)


def chain() -> tuple[Value, Value, Value]:
    """h = ((x·w + x)·w + x)·w ... DEPTH times: d h/dx and d h/dw are far from 0 and from each other."""
    x, w = Value(0.5, "x"), Value(0.999, "w", kind="parameter")
    h = x
    for _ in range(DEPTH):
        h = h * w + x * 0.001
    return h, x, w


@pytest.fixture
def switch_often() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the interpreter to another thread as often as possible
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def run_threads(work: Callable[[], object]) -> list[object]:
    results: list[object] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(CALLS):
                results.append(work())
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.usefixtures("switch_often")
@pytest.mark.parametrize("how", ["grad", "backprop.gradients"])
def test_threads_taking_gradients_of_one_graph_never_meet(how: str) -> None:
    h, x, w = chain()
    marks = {node: float(i) for i, node in enumerate(backward_order(h))}  # every .grad distinct
    for node, mark in marks.items():
        node.grad = mark
    expected = grad(h, [x, w])
    twin = copy.deepcopy(h)
    for node in backward_order(twin):
        node.grad = 0.0
    twin.backward()
    leaves = {node.label: node for node in backward_order(twin) if node.label}
    assert expected == [leaves["x"].grad, leaves["w"].grad]  # backward's numbers, bit for bit

    def work() -> object:
        return grad(h, [x, w]) if how == "grad" else gradients(h, [x, w])

    results = run_threads(work)
    assert len(results) == THREADS * CALLS
    wrong = [r for r in results if r != expected]
    assert not wrong, f"{len(wrong)} of {len(results)} answers wrong, e.g. {wrong[0]}"
    assert all(node.grad == mark for node, mark in marks.items())  # no .grad changed, anywhere
