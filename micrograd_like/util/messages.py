"""Error messages stay one readable line whatever the user gave: a list names a few items and
counts the rest, and one item is cut short when it is long.

    >>> some([f"x{k}" for k in range(20_000)], limit=3)
    'x0, x1, x2, ... (19997 more)'
    >>> clip("a" * 100, limit=10)
    "'aaaaaaa...' (100 characters)"
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_LISTED = 8  # items named in a message: enough to see the pattern, short enough to read
MAX_ITEM = 40  # characters of one item in a message


def clip(text: str, limit: int = MAX_ITEM) -> str:
    """`text` quoted (repr), or its start and its length when it is longer than `limit`."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[: limit - 3] + '...'!r} ({len(text)} characters)"


def some(items: Iterable[str], limit: int = MAX_LISTED) -> str:
    """'a, b, c', or for a long list 'a, b, c, ... (19997 more)'; each item cut short if long."""
    listed = list(items)
    shown = ", ".join(text if len(text) <= MAX_ITEM else clip(text) for text in listed[:limit])
    return shown if len(listed) <= limit else f"{shown}, ... ({len(listed) - limit} more)"
