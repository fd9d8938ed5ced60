"""Find a node of a graph by its name, wherever a function asks for one (`explain`, `draw_dot`, ...).

A node can be given as the `Value` itself or as a name: its label (`"w[2]12"`) or, for an
unlabelled node, the name every view shows for it (`names.graph_names`: `"w[2]12·z[1]2"`, `"t3"`,
`"input1"`). An unknown name is a `ValueError` that lists the closest names in the graph; a name
several nodes share is one too, unless the caller accepts several.

    >>> from micrograd_like import Value
    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> f = a * b + a
    >>> find_node(f, "a") is a, find_node(f, "a·b").data
    (True, -6.0)
    >>> find_node(f, "c")
    Traceback (most recent call last):
    ...
    ValueError: no node named 'c' in this graph; its names: a, b, a·b, a·b+a
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from ..core.engine import Value
from ..core.names import graph_names
from ..core.order import backward_order, reading_order
from ..util.messages import some


def find_nodes(root: Value, key: Value | str, *, what: str = "") -> list[Value]:
    """Every node below `root` that `key` names (one unless several share a label); never empty.

    `what` prefixes the error message ("explain: ..."); a `key` that is neither a Value nor a
    str is a TypeError.
    """
    prefix = f"{what}: " if what else ""
    if not isinstance(root, Value):
        raise TypeError(f"{prefix}the graph's root must be a Value, got {type(root).__name__}: {root!r}")
    order = backward_order(root)
    if isinstance(key, Value):
        if key not in set(order):
            raise ValueError(f"{prefix}{key!r} is not part of this graph (it is not below {_root(order)})")
        return [key]
    if not isinstance(key, str):
        raise TypeError(f"{prefix}name a node by its label (a str) or pass the Value, got {key!r}")
    reading = reading_order([root])  # as written: x1 before x2, a before b in a·b
    found = [node for node in reading if node.label == key]
    if found:
        return found
    names = graph_names(order).text
    found = [node for node in reading if names[node] == key]
    if found:
        return found
    raise ValueError(f"{prefix}no node named {key!r} in this graph; {_suggest(key, reading, names)}")


def find_node(root: Value, key: Value | str, *, what: str = "") -> Value:
    """The one node below `root` that `key` names; a ValueError if none or several do."""
    found = find_nodes(root, key, what=what)
    if len(found) > 1:
        prefix = f"{what}: " if what else ""
        raise ValueError(
            f"{prefix}{len(found)} nodes are labelled {key!r} "
            f"(data {some(repr(node.data) for node in found)}); "
            "pass the Value itself, or give the nodes different labels"
        )
    return found[0]


def _root(order: Sequence[Value]) -> str:
    return repr(order[0].label) if order[0].label else "the root"


def _suggest(key: str, reading: list[Value], names: dict[Value, str]) -> str:
    # as written, once each; constants are left out (their name is just their number)
    every = list(dict.fromkeys(names[node] for node in reading if node.kind != "constant"))
    close = difflib.get_close_matches(key, every, n=5, cutoff=0.6)
    if close:
        return f"did you mean {some(close)}?"
    return f"its names: {some(every)}"
