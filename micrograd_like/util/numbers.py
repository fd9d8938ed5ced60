"""Numbers as text: the one formatter for a measured value, and the one NAME=VALUE reader.

>>> format_number(0.1 + 0.2), format_number(0.1 + 0.2, 4)
('0.30000000000000004', '0.3')
>>> parse_name_values(["a=2", " b = -3.5"], str, hint="e.g. a=2")
{'a': 2.0, 'b': -3.5}
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from .messages import clip, some


def format_number(x: float, digits: int | None = None) -> str:
    """`repr(x)` (round-trip exact) or, given `digits`, that many significant digits (format g)."""
    return repr(float(x)) if digits is None else f"{x:.{digits}g}"


def parse_name_values(
    items: Iterable[str],
    read_name: Callable[[str], str],
    *,
    hint: str,
    error: type[ValueError] = ValueError,
) -> dict[str, float]:
    """NAME=VALUE texts (as `--set` gives them) as {name: number}; later items win.

    `read_name(name)` gives the name as the caller keys it, or raises the caller's own error (an
    unknown name). An `error` names an item that is not NAME=VALUE and a value that is not a
    finite number, with `hint` (what a good item looks like) where the item's form is wrong.
    """
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise error(f"{clip(item)} is not NAME=VALUE ({hint})")
        key = read_name(name)
        try:
            number = float(text)
        except ValueError:
            raise error(f"{clip(item)}: {clip(text.strip())} is not a number ({hint})") from None
        if not math.isfinite(number):
            raise error(f"{clip(item)}: {some([name])} must be a finite number, got {number!r}")
        values[key] = number
    return values
