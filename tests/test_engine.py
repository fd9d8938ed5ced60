"""`Value` itself: construction, what each op records, operators with numbers, repr, hashing, no_grad.

Derivative values are checked against finite differences in test_rules.py; here the oracles are the
hand-derived formulas at fixed points and the op's own rule.
"""

from __future__ import annotations

import asyncio
import copy
import math
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from micrograd_like import (
    BackwardError,
    Value,
    backward_order,
    backward_steps,
    explain,
    is_recording,
    no_grad,
    rules,
)
from micrograd_like.post.example import build

# --- construction -------------------------------------------------------------------------------


def test_a_new_value_holds_a_float_a_zero_grad_and_its_label() -> None:
    a = Value(3, "a")
    assert a.data == 3.0 and type(a.data) is float  # ints are stored as floats
    assert a.grad == 0.0 and type(a.grad) is float
    assert a.label == "a"
    assert a.op == "" and a.parents == () and a.rule is None
    assert a.is_leaf and a.kind == "input"
    assert a.local_grads() == ()


def test_label_defaults_to_empty_and_is_settable() -> None:
    a = Value(1.5)
    assert a.label == ""
    a.label = "w[1]11"
    assert a.label == "w[1]11"
    assert "w[1]11" in repr(a)


@pytest.mark.parametrize("kind", ["input", "constant", "parameter"])
def test_leaf_kinds(kind: str) -> None:
    v = Value(2.0, kind=kind)
    assert v.kind == kind and v.is_leaf and v.op == ""


def test_numpy_scalars_become_plain_floats() -> None:
    for number, expected in [
        (np.float64(0.1), 0.1),
        (np.float32(0.1), float(np.float32(0.1))),  # the float32's exact value, not 0.1
        (np.int64(-7), -7.0),
    ]:
        v = Value(number)
        assert v.data == expected and type(v.data) is float


# --- what each op records -------------------------------------------------------------------------

A, B = 0.7, -1.3  # generic points: no derivative here is 0 or 1 by accident


@pytest.mark.parametrize(
    ("name", "expr", "expected", "derivs"),
    [
        ("add", lambda a, b: a + b, A + B, (1.0, 1.0)),
        ("sub", lambda a, b: a - b, A - B, (1.0, -1.0)),
        ("mul", lambda a, b: a * b, A * B, (B, A)),
        ("div", lambda a, b: a / b, A / B, (1 / B, -A / B**2)),
    ],
)
def test_binary_ops_record_parents_in_order_and_their_local_derivatives(
    name: str, expr: Callable[[Value, Value], Value], expected: float, derivs: tuple[float, float]
) -> None:
    a, b = Value(A, "a"), Value(B, "b")
    out = expr(a, b)
    assert out.op == name
    assert out.rule is rules.RULES[name]
    assert out.parents == (a, b)
    assert out.kind == "op" and not out.is_leaf
    assert out.data == pytest.approx(expected, rel=1e-15)
    assert out.local_grads() == pytest.approx(derivs, rel=1e-14)
    # the same numbers the rule gives at the recorded values (what backward() reads)
    assert out.local_grads() == out.rule.local(out.data, a.data, b.data)
    # recording never touches the inputs
    assert (a.data, a.grad, b.data, b.grad) == (A, 0.0, B, 0.0)


def test_value_exponent_records_both_derivatives() -> None:
    a, b = Value(1.7, "a"), Value(-0.6, "b")
    out = a**b
    assert out.op == "pow" and out.parents == (a, b)
    assert out.data == pytest.approx(1.7**-0.6, rel=1e-15)
    assert out.local_grads() == pytest.approx((-0.6 * 1.7**-1.6, 1.7**-0.6 * math.log(1.7)), rel=1e-14)


def test_number_exponent_is_a_one_parent_pow() -> None:
    a = Value(-1.5, "a")
    out = a**3
    assert out.op == "pow" and out.parents == (a,)
    assert out.rule is not None and out.rule.symbol == "**3"
    assert out.data == pytest.approx(-3.375, rel=1e-15)
    assert out.local_grads() == pytest.approx((3 * 1.5**2,), rel=1e-15)


def test_number_base_with_value_exponent() -> None:
    x = Value(0.5, "x")
    out = 2**x
    assert out.op == "pow"
    base, exponent = out.parents
    assert exponent is x and base.kind == "constant" and base.data == 2.0
    assert out.data == pytest.approx(math.sqrt(2), rel=1e-15)
    assert out.local_grads()[1] == pytest.approx(math.sqrt(2) * math.log(2), rel=1e-15)


def test_x_to_the_zero_has_derivative_zero_even_at_zero() -> None:
    # d(x**0)/dx = 0 everywhere: x**0 is the constant 1 (Python agrees: 0.0**0 == 1.0)
    for x0 in (0.0, 2.5, -3.0):
        x = Value(x0)
        out = x**0
        assert out.data == 1.0
        out.backward()
        assert x.grad == 0.0


@pytest.mark.parametrize(
    ("method", "x0", "expected", "deriv"),
    [
        ("exp", 0.3, math.exp(0.3), math.exp(0.3)),
        ("log", 0.3, math.log(0.3), 1 / 0.3),
        ("tanh", 0.3, math.tanh(0.3), 1 - math.tanh(0.3) ** 2),
        ("sigmoid", 0.3, 1 / (1 + math.exp(-0.3)), math.exp(-0.3) / (1 + math.exp(-0.3)) ** 2),
        ("sigmoid", -40.0, 1 / (1 + math.exp(40.0)), math.exp(40.0) / (1 + math.exp(40.0)) ** 2),
        ("relu", 0.3, 0.3, 1.0),
        ("relu", -0.3, 0.0, 0.0),
    ],
)
def test_functions_record_one_parent_and_their_derivative(
    method: str, x0: float, expected: float, deriv: float
) -> None:
    x = Value(x0, "x")
    out = getattr(x, method)()
    assert out.op == method and out.parents == (x,)
    assert out.rule is rules.RULES[method]
    assert out.data == pytest.approx(expected, rel=1e-14)
    assert out.local_grads() == pytest.approx((deriv,), rel=1e-12)


def test_unary_minus_is_a_neg_node() -> None:
    x = Value(2.0)
    out = -x
    assert out.op == "neg" and out.parents == (x,) and out.data == -2.0
    assert out.local_grads() == (-1.0,)
    assert +x is x  # unary plus makes no node


def test_sub_and_div_are_single_nodes_not_hidden_add_or_mul() -> None:
    a, b = Value(5.0, "a"), Value(2.0, "b")
    for out, name in ((a - b, "sub"), (a / b, "div"), (a - 3, "sub"), (3 / b, "div")):
        assert out.op == name
        # the parents are the two operands themselves: no neg/pow node in between
        assert all(p.is_leaf for p in out.parents)


# --- numbers on either side -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "name", "value", "x_position"),
    [
        (lambda x: x + 2, "add", 5.0, 0),
        (lambda x: 2 + x, "add", 5.0, 1),
        (lambda x: x - 2, "sub", 1.0, 0),
        (lambda x: 2 - x, "sub", -1.0, 1),
        (lambda x: x * 2, "mul", 6.0, 0),
        (lambda x: 2 * x, "mul", 6.0, 1),
        (lambda x: x / 2, "div", 1.5, 0),
        (lambda x: 2 / x, "div", 2 / 3, 1),
        (lambda x: 2**x, "pow", 8.0, 1),
    ],
)
def test_a_number_on_either_side_becomes_a_constant_leaf_on_that_side(
    expr: Callable[[Value], Value], name: str, value: float, x_position: int
) -> None:
    x = Value(3.0, "x")
    out = expr(x)
    assert out.op == name and out.data == pytest.approx(value, rel=1e-15)
    assert len(out.parents) == 2 and out.parents[x_position] is x
    constant = out.parents[1 - x_position]
    assert constant.kind == "constant" and constant.data == 2.0 and constant.is_leaf


NUMPY_SCALARS = [np.float64(2.0), np.float32(2.0), np.int64(2)]
OPERATORS: list[tuple[str, Callable[[object, object], object], str]] = [
    ("+", lambda p, q: p + q, "add"),  # type: ignore[operator]
    ("-", lambda p, q: p - q, "sub"),  # type: ignore[operator]
    ("*", lambda p, q: p * q, "mul"),  # type: ignore[operator]
    ("/", lambda p, q: p / q, "div"),  # type: ignore[operator]
    ("**", lambda p, q: p**q, "pow"),  # type: ignore[operator]
]


@pytest.mark.parametrize("scalar", NUMPY_SCALARS, ids=lambda s: type(s).__name__)
@pytest.mark.parametrize(("symbol", "apply", "name"), OPERATORS, ids=[o[0] for o in OPERATORS])
@pytest.mark.parametrize("numpy_on_left", [True, False], ids=["numpy-left", "numpy-right"])
def test_numpy_scalars_on_either_side_give_a_value(
    scalar: object, symbol: str, apply: Callable[[object, object], object], name: str, numpy_on_left: bool
) -> None:
    x = Value(3.0, "x")
    out = apply(scalar, x) if numpy_on_left else apply(x, scalar)
    plain = apply(2.0, 3.0) if numpy_on_left else apply(3.0, 2.0)
    assert isinstance(out, Value), f"{type(scalar).__name__} {symbol} Value gave {type(out).__name__}"
    assert out.op == name and type(out.data) is float
    assert out.data == pytest.approx(plain, rel=1e-15)
    out.backward()
    assert x.grad != 0.0  # x is really in the graph


def test_numpy_float32_on_the_left_of_a_value_gives_a_value() -> None:
    out = np.float32(2) * Value(3)
    assert isinstance(out, Value) and out.data == 6.0


def test_sum_of_values() -> None:
    xs = [Value(float(i), f"x{i}") for i in range(5)]
    total = sum(xs)
    assert isinstance(total, Value) and total.data == 10.0
    total.backward()
    assert [x.grad for x in xs] == [1.0] * 5
    assert sum(xs, Value(0.5)).data == 10.5
    squares = sum(x * x for x in xs)
    assert isinstance(squares, Value) and squares.data == 30.0


# --- repr and identity ----------------------------------------------------------------------------


def test_repr_is_readable() -> None:
    assert repr(Value(2.0)) == "Value(2.0, grad=0.0)"
    a = Value(2.0, "a")
    assert repr(a) == "Value(2.0, grad=0.0, label='a')"
    b = a * 3
    b.label = "b"
    b.backward()
    assert repr(b) == "Value(6.0, grad=1.0, label='b', op='mul')"
    assert repr(a) == "Value(2.0, grad=3.0, label='a')"


def test_values_hash_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2
    table = {a: "a", b: "b"}
    a.data = 42.0  # the hash does not follow the data
    a.grad = 3.0
    assert table[a] == "a" and table[b] == "b"
    assert a in {a} and b not in {a}


# --- no_grad ----------------------------------------------------------------------------------------


def test_no_grad_records_no_graph_but_computes_values() -> None:
    x = Value(2.0, "x")
    assert is_recording()
    with no_grad():
        assert not is_recording()
        y = (x * 3 + 1).tanh()
        z = x**2 - x / 4
    assert is_recording()
    assert y.parents == () and y.op == "" and y.is_leaf
    assert z.parents == () and z.op == ""
    assert y.data == pytest.approx(math.tanh(7.0), rel=1e-15)
    assert z.data == 3.5
    y.backward()  # a leaf: only itself
    assert x.grad == 0.0
    w = x * 3  # recording again after the block
    assert w.parents[0] is x


def test_no_grad_nests_and_restores_the_outer_state() -> None:
    with no_grad():
        with no_grad():
            assert not is_recording()
        assert not is_recording()  # the inner block does not switch recording back on
        assert (Value(1.0) + 1).parents == ()
    assert is_recording()
    assert len((Value(1.0) + 1).parents) == 2


def test_no_grad_restores_recording_after_an_exception() -> None:
    with pytest.raises(ValueError, match="log"), no_grad():
        Value(-1.0).log()
    assert is_recording()
    assert len((Value(1.0) * 2).parents) == 2


# --- when things go wrong --------------------------------------------------------------------------
# The engine attacked as a hostile user would: threads, numeric edges, pickling, deep copies. Each test here
# guards against a failure the engine once had: no_grad leaking across threads, backward leaving
# half-changed gradients or silent inf/nan, bare OverflowErrors for numbers too large for a float, computed
# nodes that would not pickle and a deep copy that recursed.


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
