"""Argument checks shared by the library and the CLI, so every module words a bad argument the same way.

Each check returns the value in its plain Python form (a float, an int, a bool) or raises a
TypeError (wrong kind of thing) or a ValueError (right kind, wrong value) whose message starts with
the argument's name and shows what was given:

    >>> real("lr", 0.1, low=0.0, low_open=True)
    0.1
    >>> real("lr", float("inf"), low=0.0, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a finite number > 0, got inf
    >>> integer("n", 10**400, low=1, high=100_000)
    Traceback (most recent call last):
    ...
    ValueError: n must be an integer in [1, 100000], got an integer of 401 digits

numpy scalars count as the numbers they are (`numbers.Real`, `numbers.Integral`); bools do not.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence, Set
from typing import Any

_SHOWN = 60  # characters of a bad value's repr that an error message shows


def show(value: object) -> str:
    """A short repr for error messages (a 401-digit integer is not printed digit by digit)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        digits = len(str(abs(int(value)))) if int(value).bit_length() < 10_000 else None
        if digits is None or digits > 30:
            about = digits if digits is not None else int(int(value).bit_length() * math.log10(2)) + 1
            return f"an integer of {about} digits"
    text = repr(value)
    return text if len(text) <= _SHOWN else f"{text[: _SHOWN - 3]}..."


def _interval(low: float | None, high: float | None, low_open: bool = False, high_open: bool = False) -> str:
    """' >= 0', ' > 0', ' <= 1', ' in [0, 1)' or '' (no bounds)."""
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""


def real(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """`value` as a finite float within the bounds (open bounds exclude the end).

    Fast for a plain float or int (a per-sample label in training is checked this way): the
    abstract-class test and the message are reached only for other types and for errors."""
    kind = type(value)
    if (
        kind is not float
        and kind is not int
        and (isinstance(value, bool) or not isinstance(value, numbers.Real))
    ):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {show(value)}")
    try:
        x = float(value)  # type: ignore[arg-type]  # a numbers.Real, checked above
    except OverflowError:  # an int (or Fraction) beyond the largest float
        x = math.inf
    too_low = low is not None and (x <= low if low_open else x < low)
    too_high = high is not None and (x >= high if high_open else x > high)
    if too_low or too_high or not math.isfinite(x):
        where = _interval(low, high, low_open, high_open)
        raise ValueError(f"{name} must be a finite number{where}, got {show(value)}")
    return x


def integer(name: str, value: object, *, low: int | None = None, high: int | None = None) -> int:
    """`value` as a Python int within [low, high] (fast for a plain int, as `real` for a float)."""
    if type(value) is not int and (isinstance(value, bool) or not isinstance(value, numbers.Integral)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {show(value)}")
    n = int(value)
    if (low is not None and n < low) or (high is not None and n > high):
        where = f" in [{low}, {high}]" if low is not None and high is not None else _interval(low, high)
        raise ValueError(f"{name} must be an integer{where}, got {show(value)}")
    return n


def optional_integer(name: str, value: object) -> int | None:
    """None, or `value` as a Python int (seeds)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer or None, got {type(value).__name__} {show(value)}")
    return int(value)


def flag(name: str, value: object) -> bool:
    """`value` if it is True or False; "no", 0 or None are not switches."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {show(value)}")
    return value


def sequence(name: str, value: object, what: str = "numbers") -> Sequence[Any]:
    """`value` if it is an ordered, sized collection: a list, a tuple, a numpy array.

    Dicts, sets, strings and one-shot iterators are refused: their order or their elements are
    not what the caller meant.
    """
    is_array = getattr(value, "ndim", 0) >= 1  # numpy arrays are not registered as Sequences
    if isinstance(value, (str, bytes, Mapping, Set)) or not (isinstance(value, Sequence) or is_array):
        raise TypeError(f"{name} must be a list or tuple of {what}, got {type(value).__name__} {show(value)}")
    return value  # type: ignore[return-value]
