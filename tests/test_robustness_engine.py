"""The engine attacked as a hostile user would: threads, numeric edges, pickling, deep copies.

Each test here guards against a failure the engine once had: no_grad leaking across threads,
backward leaving half-changed gradients or silent inf/nan, bare OverflowErrors for numbers too
large for a float, computed nodes that would not pickle and a deep copy that recursed.
"""

from __future__ import annotations

import asyncio
import copy
import math
import pickle
import subprocess
import sys
import threading
from typing import Any

import pytest

from micrograd_like import (
    BackwardError,
    Value,
    backward_order,
    backward_steps,
    explain,
    is_recording,
    no_grad,
)
from micrograd_like.post.example import build

# --- 1. no_grad belongs to one thread (and one async task) -----------------------------------------


def test_no_grad_in_one_thread_does_not_stop_another_from_recording() -> None:
    inside, go_on = threading.Event(), threading.Event()

    def quiet() -> None:
        with no_grad():
            inside.set()
            go_on.wait(5)

    other = threading.Thread(target=quiet)
    other.start()
    try:
        assert inside.wait(5)
        w = Value(3.0, "w")
        y = w * w  # this thread never asked for no_grad: it records
        y.backward()
        assert is_recording() and y.parents == (w, w) and w.grad == 6.0
    finally:
        go_on.set()
        other.join()


def test_threads_leaving_no_grad_out_of_order_leave_recording_on() -> None:
    entered = threading.Barrier(2)
    first_out, second_out = threading.Event(), threading.Event()

    def block(leave_after: threading.Event | None, done: threading.Event) -> None:
        with no_grad():
            entered.wait(5)
            if leave_after is not None:
                leave_after.wait(5)
        done.set()

    a = threading.Thread(target=block, args=(first_out, second_out))  # enters first, leaves last
    b = threading.Thread(target=block, args=(None, first_out))
    a.start()
    b.start()
    a.join()
    b.join()
    assert is_recording()
    assert Value(2.0) * 3 is not None and (Value(2.0) * 3).parents != ()


def test_no_grad_is_per_async_task() -> None:
    async def main() -> tuple[bool, bool]:
        gate = asyncio.Event()

        async def quiet() -> bool:
            with no_grad():
                gate.set()
                await asyncio.sleep(0.01)
                return is_recording()

        async def loud() -> bool:
            await gate.wait()
            return is_recording() and (Value(1.0) * 2).parents != ()

        return await asyncio.gather(quiet(), loud())

    seen: list[bool] = []
    # a thread of its own: another test's browser driver may keep an event loop running in this one
    runner = threading.Thread(target=lambda: seen.extend(asyncio.run(main())))
    runner.start()
    runner.join(10)
    assert seen == [False, True]


def test_no_grad_nests_and_works_as_a_decorator() -> None:
    @no_grad()
    def plain(x: Value) -> Value:
        return x * 2

    x = Value(1.0)
    with no_grad():
        with no_grad():
            assert not is_recording()
        assert not is_recording()
    assert is_recording()
    assert plain(x).parents == () and is_recording()


# --- 8. backward: finite gradients, or one clear error and nothing changed -------------------------


def snapshot(root: Value) -> list[float]:
    return [node.grad for node in backward_order(root)]


def test_a_power_whose_derivative_overflows_names_the_op_and_changes_nothing() -> None:
    x = Value(1e-300, "x")
    y = x**-1  # 1e300: fine; its derivative -1/x² = -1e600 is not a float
    z = y * 2.0 + x
    x.grad = 0.5
    before = snapshot(z)
    with pytest.raises(BackwardError, match=r"pow node x⁻¹ .*at a = 1e-300 .*overflows a float"):
        z.backward()
    assert snapshot(z) == before


def test_division_whose_derivative_overflows_is_not_a_silent_inf() -> None:
    x = Value(1e-300, "x")
    y = 1 / x
    with pytest.raises(BackwardError, match=r"d\(1/x\)/dx|dx is not a finite float") as caught:
        y.backward()
    assert "div node 1/x" in str(caught.value) and "-inf" in str(caught.value)
    assert x.grad == 0.0


def test_an_infinite_local_times_zero_is_not_a_silent_nan() -> None:
    x = Value(1e-320, "x")  # a subnormal: 1/x is inf
    y = x.log() * 0
    with pytest.raises(BackwardError, match=r"log node log\(x\) .*inf"):
        y.backward()
    assert x.grad == 0.0 and y.grad == 0.0


def test_an_overflowing_chain_product_is_not_a_silent_inf() -> None:
    x = Value(1e-20, "x")
    y = (x * 1e300) * 1e10  # finite values; dy/dx = 1e310 is not
    with pytest.raises(BackwardError, match=r"dx is not a finite float"):
        y.backward()
    assert x.grad == 0.0


def test_contributions_that_add_up_to_inf_are_caught() -> None:
    x = Value(0.25, "x")
    y = x * 1e308 + x * 1e308  # each edge is finite; x's gradient is their sum, 2e308
    with pytest.raises(BackwardError, match="add up to inf"):
        y.backward()


def test_a_failed_backward_restores_interior_and_leaf_gradients() -> None:
    x, w = Value(2.0, "x"), Value(0.0, "w")
    good = x * x + w
    good.backward()  # interior nodes now hold gradients from a good pass
    bad = good * w**0.5  # √0 = 0 is fine; d(w**0.5)/dw at w = 0 cannot be computed
    before = snapshot(bad)
    with pytest.raises(BackwardError):
        bad.backward()
    assert snapshot(bad) == before and x.grad == 4.0


def test_a_failed_backward_restores_each_gradient_exactly_even_zeros_of_either_sign() -> None:
    x, w = Value(3.0, "x"), Value(0.0, "w")
    p = x * x
    q = p + x
    bad = q * w**0.5  # d(w**0.5)/dw at w = 0 cannot be computed
    nodes = backward_order(bad)
    x.grad, w.grad, p.grad, q.grad = -0.0, float.fromhex("0x0p+0"), 5.0, -0.0

    def state() -> list[tuple[float, float]]:
        return [(n.grad, math.copysign(1.0, n.grad)) for n in nodes]

    before = state()
    with pytest.raises(BackwardError):
        bad.backward()
    assert state() == before
    backward_order(bad)  # a search that succeeds puts them back too
    assert state() == before


_GRAD_SLOT: Any = Value.__dict__["grad"]  # the slot's own descriptor, under the property below


class _Tripwire(Value):
    """A leaf whose gradient cannot be read once armed: an interrupt in the middle of a search."""

    __slots__ = ()
    armed = False

    @property
    def grad(self) -> float:
        if _Tripwire.armed:
            raise KeyboardInterrupt
        return float(_GRAD_SLOT.__get__(self))

    @grad.setter
    def grad(self, value: float) -> None:
        _GRAD_SLOT.__set__(self, value)


def test_a_search_interrupted_halfway_puts_every_gradient_back() -> None:
    wire = _Tripwire(1.0, "wire")
    x = Value(2.0, "x")
    top = (x * x + x) * ((x + 1.0) * wire)  # the search enters nodes on both sides before the wire
    nodes = backward_order(top)
    fresh = {n: n.grad for n in nodes}  # every one the shared 0.0 a new node starts with
    top.backward()
    used = {n: n.grad for n in nodes}
    for before in (used, fresh):
        for n, g in before.items():
            n.grad = g
        _Tripwire.armed = True
        try:
            with pytest.raises(KeyboardInterrupt):
                top.backward()
        finally:
            _Tripwire.armed = False
        # the same float objects: a node left holding the search's own 0.0 mark would read as 0.0
        # but no longer as "nothing to save" to the next search
        assert all(n.grad is g for n, g in before.items())


def test_a_stepped_backward_that_fails_restores_too() -> None:
    x = Value(1e-320, "x")
    y = x.log() * 0
    steps = backward_steps(y)
    with pytest.raises(BackwardError):
        list(steps)
    assert x.grad == 0.0


def test_an_abandoned_stepper_leaves_a_graph_that_backpropagates_right() -> None:
    ex = build()
    steps = ex.steps()
    next(steps), next(steps)
    del steps  # a learner stopped halfway
    ex.backward()
    assert ex.nodes["w[2]12"].grad == -0.7608659278951793


def test_naming_nodes_while_stepping_does_not_disturb_the_pass() -> None:
    ex = build()
    for step in ex.steps():
        assert len(backward_order(step.root)) == 23  # a search inside the backward's own search
        explain(step.root, ex.nodes["x1"])
    assert ex.nodes["w[2]12"].grad == -0.7608659278951793


# --- 10. numbers too large for a float -----------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: Value(10**400),
        lambda: Value(1.0) + 10**400,
        lambda: 10**400 * Value(1.0),
        lambda: Value(2.0) ** 10**400,
    ],
)
def test_integers_too_large_for_a_float_are_a_value_error_naming_the_argument(make: object) -> None:
    with pytest.raises(ValueError, match=r"fits a float.*401 digits"):
        make()  # type: ignore[operator]


# --- 13. pickling and copying computed graphs, at any depth ---------------------------------------


def chain(depth: int) -> tuple[Value, Value]:
    x = Value(0.5, "x", kind="parameter")
    y = x
    for _ in range(depth):
        y = (y * 1.0001).tanh()
    y.label = "y"
    return x, y


def test_a_computed_node_pickles_with_its_graph_and_backpropagates() -> None:
    ex = build()
    ex.backward()
    loss, w = pickle.loads(pickle.dumps((ex.loss, ex.nodes["w[2]12"])))
    assert loss.data == ex.loss.data and w.grad == ex.nodes["w[2]12"].grad
    assert w in backward_order(loss)  # the same node, not a copy of it
    loss.backward()
    assert w.grad == 2 * ex.nodes["w[2]12"].grad  # leaves accumulate, as before pickling
    assert str(explain(loss, w)).endswith(repr(-0.7608659278951793))


def test_a_deep_chain_pickles_and_deep_copies() -> None:
    x, y = chain(5000)
    for twin in (pickle.loads(pickle.dumps(y)), copy.deepcopy(y)):
        twin.backward()
        (x_twin,) = [n for n in backward_order(twin) if n.label == "x"]
        y.backward()
        assert x_twin.grad == x.grad and x_twin is not x
        x.grad = 0.0


def test_deepcopy_keeps_sharing_inside_one_copy() -> None:
    x = Value(3.0, "x")
    y = x * x
    y_copy = copy.deepcopy(y)
    assert y_copy.parents[0] is y_copy.parents[1] and y_copy.parents[0] is not x
    shallow = copy.copy(y)
    assert shallow.parents == (x, x) and shallow is not y


def test_a_model_pickled_in_another_process_explains_and_draws() -> None:
    ex = build()
    blob = pickle.dumps(ex)
    program = (
        "import pickle, sys\n"
        "from micrograd_like import explain, draw_dot\n"
        "ex = pickle.loads(sys.stdin.buffer.read())\n"
        "ex.backward()\n"
        "print(explain(ex.loss, ex.nodes['w[2]12']).total)\n"
        "print(len(draw_dot(ex.loss).source) > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], input=blob, capture_output=True, check=True, timeout=60
    )
    assert done.stdout.decode().split() == [repr(-0.7608659278951793), "True"]


def test_rules_pickle_as_the_registry_entries() -> None:
    from micrograd_like.core import rules

    for rule in [*rules.RULES.values(), rules.power(2.0), rules.power(-0.5)]:
        assert pickle.loads(pickle.dumps(rule)) is rule
    mine = rules.Rule("cube", "³", forward="a * a * a", local=("3 * a * a",), display="{a}³")
    again = pickle.loads(pickle.dumps(mine))
    assert again.forward(2.0) == 8.0 and again.local(8.0, 2.0) == (12.0,)
    assert math.isclose(again.local(0.0, 0.5)[0], 0.75)


def test_the_worked_example_inside_no_grad_is_a_clear_error() -> None:
    with no_grad(), pytest.raises(RuntimeError, match=r"outside the no_grad\(\) block"):
        build()
    assert build().loss.data == 0.4821116197434396
