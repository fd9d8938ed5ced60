"""gradcheck: passes on correct functions, and on a deliberately broken rule fails with a readable table.

A rule is broken by swapping it in `rules` (the engine looks rules up there each time it makes a
node), so the forward value stays right and only the derivative is wrong, the bug gradcheck exists
to find.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_like import RULES, GradcheckError, Value, apply, gradcheck, rules
from micrograd_like.core.gradcheck import check_rule, find_bad_rule


def smooth(a: Value, b: Value) -> Value:
    """Every smooth op at once, defined for all real a, b."""
    q = b * b + 1.0  # > 0: safe to divide by and take the log of
    return (a * b + a.exp()).tanh() + q.log() - a / q + a.sigmoid() ** b + q**-0.5 - (-a) * 2 + (a - b) ** 2


@settings(max_examples=100, deadline=None)
@given(
    a=st.floats(-3, 3, allow_nan=False),
    b=st.floats(-3, 3, allow_nan=False),
)
def test_gradcheck_passes_on_correct_functions_everywhere(a: float, b: float) -> None:
    assert gradcheck(smooth, [a, b]) is True


@pytest.mark.parametrize(
    ("f", "point"),
    [
        (lambda a, b: (a * b + a.exp()).tanh(), [0.3, -1.2]),
        (lambda a, b: a**b, [1.7, -0.4]),
        (lambda a, b: (a / b).relu() + (a - b).relu(), [2.0, 0.5]),
        (lambda a: a.log() * a, [0.2]),
        (lambda a, b, c: a * b * c + a * a, [1.5, -2.0, 0.25]),
    ],
)
def test_gradcheck_passes_on_ops_and_reuse(f: Callable[..., Value], point: list[float]) -> None:
    assert gradcheck(f, point) is True


@pytest.mark.parametrize(
    ("name", "point"),
    [
        ("add", [1.0, 2.0]),
        ("sub", [1.0, 2.0]),
        ("mul", [0.5, -3.0]),
        ("div", [0.5, -3.0]),
        ("pow", [1.5, 2.5]),
        ("neg", [0.3]),
        ("exp", [1.2]),
        ("log", [0.4]),
        ("tanh", [0.7]),
        ("sigmoid", [-1.1]),
        ("relu", [0.9]),
    ],
)
def test_check_rule_accepts_every_shipped_rule(name: str, point: list[float]) -> None:
    assert check_rule(RULES[name], point) is None


def test_gradcheck_leaves_the_callers_values_alone() -> None:
    a = Value(0.3, "a")
    assert gradcheck(lambda x: x * x, [a]) is True
    assert a.grad == 0.0 and a.data == 0.3  # gradcheck works on its own copies


def broken_tanh() -> rules.Rule:
    """tanh whose derivative forgot to square: 1 - tanh(a) instead of 1 - tanh²(a)."""
    return rules.Rule("tanh", "tanh", forward="tanh(a)", local=("1 - out",))


def test_a_broken_rule_fails_with_a_table_that_names_the_op() -> None:
    tanh = broken_tanh()
    assert apply(tanh, Value(0.5)).rule is tanh  # the node really uses the broken rule

    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a, b: apply(tanh, a * b) + b, [Value(0.3, "a"), 0.7])
    message = str(caught.value)
    assert isinstance(caught.value, AssertionError)  # so a bare `assert`-style check reads naturally

    lines = message.splitlines()
    header = next(line for line in lines if "analytic" in line)
    assert header.split() == ["input", "analytic", "numeric", "error"]
    rows = {line.split()[0]: line.split() for line in lines[lines.index(header) + 1 :] if "mismatch" in line}
    assert set(rows) == {"a", "x1"}  # the labelled input keeps its label; the number is x1

    # the numbers in the table: analytic from the broken rule, numeric from the true derivative
    s = 0.3 * 0.7
    true_da = (1 - math.tanh(s) ** 2) * 0.7
    broken_da = (1 - math.tanh(s)) * 0.7
    _, analytic, numeric, error, *_ = rows["a"]
    assert float(analytic) == pytest.approx(broken_da, rel=1e-7)
    assert float(numeric) == pytest.approx(true_da, rel=1e-6)
    assert float(error) == pytest.approx(abs(broken_da - true_da), rel=1e-2)

    assert "'tanh'" in message and "= 1 - tanh(a)" in message  # the culprit op and the formula it claims


def test_only_the_wrong_input_is_marked() -> None:
    # d(a*b)/db should be a; this rule says b
    mul = rules.Rule("mul", "*", forward="a * b", local=("b", "b"))
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a, b: apply(mul, a, b), [2.0, -3.0])
    lines = str(caught.value).splitlines()
    x0 = next(line for line in lines if line.split()[:1] == ["x0"])
    x1 = next(line for line in lines if line.split()[:1] == ["x1"])
    assert "mismatch" not in x0 and "mismatch" in x1
    assert [float(v) for v in x1.split()[1:3]] == pytest.approx([-3.0, 2.0], rel=1e-6)
    assert "'mul'" in str(caught.value) and "d(a·b)/db = b" in str(caught.value)


def test_a_small_error_passes_only_with_a_looser_tolerance() -> None:
    slightly_off = rules.Rule("exp", "exp", forward="exp(a)", local=("out * 1.001",))
    with pytest.raises(GradcheckError, match="'exp'"):
        gradcheck(lambda a: apply(slightly_off, a), [0.5])
    assert gradcheck(lambda a: apply(slightly_off, a), [0.5], rtol=1e-2) is True


def test_a_detached_value_is_caught_without_blaming_an_op() -> None:
    # a classic user bug: rebuilding a Value from .data cuts the graph, so the gradient is lost
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a: Value(a.data * 2.0) + a * 0.0, [2.0])
    message = str(caught.value)
    row = next(line for line in message.splitlines() if line.split()[:1] == ["x0"])
    assert [float(v) for v in row.split()[1:3]] == pytest.approx([0.0, 2.0], abs=1e-6)
    assert "disagrees with its own forward" not in message  # every rule is right; the graph is not


def test_check_rule_and_find_bad_rule_name_the_broken_op() -> None:
    problem = check_rule(broken_tanh(), [0.4])
    assert problem is not None and "'tanh'" in problem and "(0.4,)" in problem
    good = Value(0.4).tanh() * 2
    assert find_bad_rule(good) is None
    bad = apply(broken_tanh(), Value(0.4)) * 2
    found = find_bad_rule(bad)
    assert found is not None and "'tanh'" in found


def test_gradcheck_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="at least one input"):
        gradcheck(lambda: Value(1.0), [])
    with pytest.raises(TypeError, match="must return a Value, got float"):
        gradcheck(lambda a: a.data * 2, [1.0])


# --- when things go wrong --------------------------------------------------------------------------
# gradcheck when things go wrong: a tolerance of NaN (or a zero step) must not turn a wrong gradient into a
# pass; inputs are checked and may be any iterable of numbers.


def wrong(a: Value) -> Value:
    return a * Value(a.data)  # the second factor is cut from the graph: analytic a, numeric 2a


def test_the_wrong_gradient_is_caught_with_the_default_tolerances() -> None:
    with pytest.raises(GradcheckError):
        gradcheck(wrong, [1.5])


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("atol", math.nan, "atol must be a finite number >= 0, got nan"),
        ("rtol", math.nan, "rtol must be a finite number >= 0, got nan"),
        ("atol", math.inf, "atol must be a finite number >= 0, got inf"),
        ("rtol", -1e-4, "rtol must be a finite number >= 0, got -0.0001"),
        ("eps", 0.0, "eps must be a finite number > 0, got 0.0"),
        ("eps", -1e-6, "eps must be a finite number > 0"),
        ("eps", math.nan, "eps must be a finite number > 0"),
        ("eps", 10**400, "eps must be a finite number > 0"),
    ],
)
def test_bad_tolerances_are_refused_not_passed(option: str, value: float, words: str) -> None:
    with pytest.raises(ValueError) as caught:
        gradcheck(wrong, [1.5], **{option: value})
    assert words in str(caught.value)
    with pytest.raises(ValueError):
        check_rule(rules.MUL, [1.0, 2.0], **{option: value})


def test_numpy_tolerances_are_numbers() -> None:
    assert gradcheck(lambda a: a * a, [1.5], eps=np.float64(1e-6), atol=np.float32(1e-5), rtol=np.int64(0))


def test_inputs_may_be_any_iterable_of_numbers() -> None:
    assert gradcheck(lambda a, b: a * b, (x for x in (1.5, -2.0)))
    assert gradcheck(lambda a, b: a * b, [np.float32(1.5), np.int64(-2)])


@pytest.mark.parametrize(
    ("inputs", "error", "words"),
    [
        (["1.5"], TypeError, "inputs[0] must be a number"),
        ([1.0, math.nan], ValueError, "inputs[1] must be a finite number"),
        ([10**400], ValueError, "inputs[0] must be a finite number"),
        (1.5, TypeError, "inputs must be a list or tuple"),
    ],
)
def test_bad_inputs_are_named(inputs: object, error: type[Exception], words: str) -> None:
    with pytest.raises(error) as caught:
        gradcheck(lambda a, b=None: a, inputs)  # type: ignore[arg-type]
    assert words in str(caught.value)


def test_f_must_be_callable() -> None:
    with pytest.raises(TypeError, match="f must be a function"):
        gradcheck(Value(1.0), [1.0])  # type: ignore[arg-type]


def test_central_difference_needs_a_step() -> None:
    from micrograd_like.core.gradcheck import central_difference

    assert central_difference(lambda x: x * x, 3.0, 1e-3) == pytest.approx(6.0)
    with pytest.raises(ValueError, match="eps must be a finite number > 0, got 0"):
        central_difference(lambda x: x * x, 3.0, 0)
