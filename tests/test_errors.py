"""Bad input and bad math: the right exception type, a message naming the type / op / value, and the
inputs of a failing op left exactly as they were. The engine never hands back a silent inf or nan.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_like import Value
from micrograd_like.core.backprop import BackwardError

# --- things that are not real numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "type_name"),
    [
        ("a", "str"),
        (None, "NoneType"),
        ([1], "list"),
        ((1.0,), "tuple"),
        (1 + 2j, "complex"),
        (Decimal("1.5"), "Decimal"),
        (True, "bool"),
        (False, "bool"),
        (np.bool_(True), "bool"),
        (np.array([1.0]), "ndarray"),
    ],
    ids=repr,
)
def test_value_rejects_non_real_data_naming_the_type(data: object, type_name: str) -> None:
    with pytest.raises(TypeError) as caught:
        Value(data)
    assert type_name in str(caught.value)
    assert "real number" in str(caught.value)  # and says what it wanted


def test_other_real_number_types_are_accepted() -> None:
    assert Value(Fraction(1, 4)).data == 0.25
    assert Value(np.float16(0.5)).data == 0.5
    assert Value(np.uint8(200)).data == 200.0


OPERAND_CASES: list[tuple[str, Callable[[], object], str]] = [
    ("Value + str", lambda: Value(1) + "a", "str"),  # type: ignore[operator]
    ("str * Value", lambda: "a" * Value(1), "str"),  # type: ignore[operator]
    ("str + Value", lambda: "a" + Value(1), "str"),  # type: ignore[operator]
    ("Value - None", lambda: Value(1) - None, "NoneType"),  # type: ignore[operator]
    ("None / Value", lambda: None / Value(1), "NoneType"),  # type: ignore[operator]
    ("Value * list", lambda: Value(1) * [1], "list"),  # type: ignore[operator]
    ("Value / complex", lambda: Value(1) / 2j, "complex"),  # type: ignore[operator]
    ("complex * Value", lambda: 2j * Value(1), "complex"),  # type: ignore[operator]
    ("Value ** str", lambda: Value(1) ** "2", "str"),  # type: ignore[operator]
    ("str ** Value", lambda: "2" ** Value(1), "str"),  # type: ignore[operator]
    ("Value + bool", lambda: Value(1) + True, "bool"),
    ("Decimal - Value", lambda: Decimal(1) - Value(1), "Decimal"),  # type: ignore[operator]
    ("Value * ndarray", lambda: Value(1) * np.array([1.0, 2.0]), "ndarray"),
]


@pytest.mark.parametrize(("what", "expr", "type_name"), OPERAND_CASES, ids=[c[0] for c in OPERAND_CASES])
def test_operators_reject_non_numbers_naming_the_type(
    what: str, expr: Callable[[], object], type_name: str
) -> None:
    with pytest.raises(TypeError) as caught:
        expr()
    assert type_name in str(caught.value), str(caught.value)


def test_label_and_kind_are_checked() -> None:
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"kind must be one of .* got 'weight'"):
        Value(1.0, kind="weight")


# --- non-finite numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", [math.nan, math.inf, -math.inf, np.float64("nan"), np.float32("inf")], ids=repr
)
def test_non_finite_data_is_a_value_error(bad: float) -> None:
    with pytest.raises(ValueError, match=r"finite number, got (nan|inf|-inf)"):
        Value(bad)
    x = Value(2.0)
    with pytest.raises(ValueError, match="finite"):
        x + bad
    with pytest.raises(ValueError, match="finite"):
        bad * x
    with pytest.raises(ValueError, match="finite"):
        x**bad
    assert (x.data, x.grad, x.parents) == (2.0, 0.0, ())


# --- bad math: (expression, operands, exception type, words the message must contain) ------------------


def snapshot(v: Value) -> tuple[object, ...]:
    return (v.data, v.grad, v.label, v.op, v.parents, v.kind)


MATH_CASES: list[tuple[str, Callable[[Value, Value], object], float, float, type[Exception], list[str]]] = [
    ("log(0)", lambda a, b: a.log(), 0.0, 1.0, ValueError, ["log", "0.0"]),
    ("log(-2.5)", lambda a, b: a.log(), -2.5, 1.0, ValueError, ["log", "-2.5"]),
    ("Value(1) / 0", lambda a, b: a / 0, 1.0, 1.0, ZeroDivisionError, ["div", "1.0 / 0.0"]),
    ("1 / Value(0)", lambda a, b: 1 / a, 0.0, 1.0, ZeroDivisionError, ["div", "1.0 / 0.0"]),
    ("a / b, b = 0", lambda a, b: a / b, 3.0, 0.0, ZeroDivisionError, ["div", "3.0 / 0.0"]),
    ("a / -0.0", lambda a, b: a / b, 3.0, -0.0, ZeroDivisionError, ["div", "3.0 / -0.0"]),
    ("(-2) ** 0.5", lambda a, b: a**0.5, -2.0, 1.0, ValueError, ["pow", "-2.0 ** 0.5"]),
    ("(-8) ** (1/3)", lambda a, b: a ** (1 / 3), -8.0, 1.0, ValueError, ["pow", "-8.0"]),
    ("0 ** -1", lambda a, b: a**-1, 0.0, 1.0, ZeroDivisionError, ["pow", "0.0 ** -1 "]),
    ("0 ** -0.5", lambda a, b: a**-0.5, 0.0, 1.0, ZeroDivisionError, ["pow", "0.0 ** -0.5"]),
    ("0 ** Value", lambda a, b: a**b, 0.0, 2.0, ValueError, ["pow", "0.0"]),
    ("(-1) ** Value", lambda a, b: a**b, -1.0, 2.0, ValueError, ["pow", "-1.0"]),
    ("-3 ** Value (number base)", lambda a, b: (-3) ** b, 1.0, 2.0, ValueError, ["pow", "-3.0"]),
    ("exp(1000)", lambda a, b: a.exp(), 1000.0, 1.0, OverflowError, ["exp", "1000.0"]),
    ("1e200 * 1e200", lambda a, b: a * b, 1e200, 1e200, OverflowError, ["mul", "1e+200"]),
    ("1e200 * -1e200", lambda a, b: a * b, 1e200, -1e200, OverflowError, ["mul", "1e+200"]),
    ("1e308 + 1e308", lambda a, b: a + b, 1e308, 1e308, OverflowError, ["add", "1e+308"]),
    ("-1e308 - 1e308", lambda a, b: a - b, -1e308, 1e308, OverflowError, ["sub", "1e+308"]),
    ("1e308 / 1e-10", lambda a, b: a / b, 1e308, 1e-10, OverflowError, ["div", "1e+308"]),
    ("1e200 ** 2", lambda a, b: a**2, 1e200, 1.0, OverflowError, ["pow", "1e+200"]),
    ("10 ** Value(400)", lambda a, b: a**b, 10.0, 400.0, OverflowError, ["pow", "400.0"]),
    ("1e-200 ** -2", lambda a, b: a**-2, 1e-200, 1.0, OverflowError, ["pow", "1e-200"]),
    ("3 * exp(709)", lambda a, b: a.exp() * 3, 709.0, 1.0, OverflowError, ["mul"]),
]


@pytest.mark.parametrize(
    ("what", "expr", "a0", "b0", "error", "words"), MATH_CASES, ids=[c[0] for c in MATH_CASES]
)
def test_bad_math_names_the_op_and_the_value_and_touches_nothing(
    what: str,
    expr: Callable[[Value, Value], object],
    a0: float,
    b0: float,
    error: type[Exception],
    words: list[str],
) -> None:
    a, b = Value(a0, "a"), Value(b0, "b")
    a.grad, b.grad = 0.25, -0.5  # gradients from earlier work must survive too
    before = (snapshot(a), snapshot(b))
    with pytest.raises(error) as caught:
        expr(a, b)
    assert type(caught.value) is error  # not a subclass standing in (ZeroDivisionError is an ArithmeticError)
    message = str(caught.value)
    for word in words:
        assert word in message, f"{what}: {message!r} should mention {word!r}"
    assert (snapshot(a), snapshot(b)) == before


def test_an_infinite_derivative_is_reported_at_backward_time() -> None:
    # sqrt(x) is fine at 0, its derivative is not: the error comes from backward and names the op
    x = Value(0.0, "x")
    y = x**0.5
    assert y.data == 0.0
    with pytest.raises(BackwardError, match=r"pow node x\*\*0\.5 .*d\(a\*\*0\.5\)/da = 0\.5·a\*\*\(-0\.5\)"):
        y.backward()
    assert x.grad == 0.0 and y.grad == 0.0  # all or nothing


def test_a_failed_op_leaves_no_half_built_graph() -> None:
    x = Value(-1.0, "x")
    y = x * 2
    with pytest.raises(ValueError):
        y.log()
    y.backward()  # the graph below y is intact and usable
    assert x.grad == 2.0


# --- property: every op either gives a finite float or raises a named error ------------------------------

FINITE = st.floats(allow_nan=False, allow_infinity=False)

OPS: dict[str, Callable[[Value, Value, float], Value]] = {
    "add": lambda a, b, c: a + b,
    "sub": lambda a, b, c: a - b,
    "mul": lambda a, b, c: a * b,
    "div": lambda a, b, c: a / b,
    "pow": lambda a, b, c: a**b,
    "pow number": lambda a, b, c: a**c,
    "number ** Value": lambda a, b, c: c**b,
    "number / Value": lambda a, b, c: c / a,
    "neg": lambda a, b, c: -a,
    "exp": lambda a, b, c: a.exp(),
    "log": lambda a, b, c: a.log(),
    "tanh": lambda a, b, c: a.tanh(),
    "sigmoid": lambda a, b, c: a.sigmoid(),
    "relu": lambda a, b, c: a.relu(),
}


@settings(max_examples=600, deadline=None)
@given(op=st.sampled_from(sorted(OPS)), a0=FINITE, b0=FINITE, c=FINITE)
def test_never_a_silent_inf_or_nan(op: str, a0: float, b0: float, c: float) -> None:
    a, b = Value(a0), Value(b0)
    before = (snapshot(a), snapshot(b))
    try:
        out = OPS[op](a, b, c)
    except (ArithmeticError, ValueError) as error:
        assert str(error), "errors must say what went wrong"
        assert (snapshot(a), snapshot(b)) == before
        return
    assert math.isfinite(out.data), f"{op}({a0!r}, {b0!r}, {c!r}) gave {out.data!r}"
    assert type(out.data) is float
