"""gradcheck when things go wrong: a tolerance of NaN (or a zero step) must not turn a wrong gradient
into a pass; inputs are checked and may be any iterable of numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from micrograd_like import GradcheckError, Value, gradcheck, rules
from micrograd_like.core.gradcheck import check_rule


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
