"""`Value` itself: construction, what each op records, operators with numbers, repr, hashing, no_grad.

Derivative values are checked against finite differences in test_rules.py; here the oracles are the
hand-derived formulas at fixed points and the op's own rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from micrograd_like import Value, is_recording, no_grad, rules

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
