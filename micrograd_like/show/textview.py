"""A computation graph as text, for terminals and REPLs without pictures.

`text_graph(root)` gives an indented tree: the root first, under each op node the inputs of its
op, each with the local derivative d(node above)/d(input) that `backward()` multiplies along that
edge. A node used more than once is spelled out the first time and referred to after ("shown
above"), so every node appears once. `style="table"` gives one row per node instead (name, op,
data, grad, inputs), in backward order. Both print with `print()` and show as themselves in a REPL;
names are the ones every view uses (`names.graph_names`).

    >>> from micrograd_like import Value
    >>> x, w = Value(2.0, "x"), Value(-0.5, "w", kind="parameter")
    >>> y = (w * x + x).tanh()
    >>> y.label = "y"
    >>> y.backward()
    >>> print(text_graph(y))
    y = 0.7616  grad 1  (tanh)
    └─ w·x+x = 1  grad 0.42  (+)  local 0.42
       ├─ w·x = -1  grad 0.42  (*)  local 1
       │  ├─ w = -0.5  grad 0.8399  parameter  local 2
       │  └─ x = 2  grad 0.21  input  local -0.5
       └─ x  (shown above)  local 1
    grad = dy/d(node); local = d(the line above)/d(this line), from the op's rule
    >>> print(text_graph(y, style="table", digits=3))
    node   op     data   grad  inputs
    y      tanh   0.762  1     w·x+x
    w·x+x  +      1      0.42  w·x, x
    w·x    *      -1     0.42  w, x
    w      param  -0.5   0.84
    x      input  2      0.21
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..core.engine import Value
from ..core.names import dname, graph_names
from ..core.order import backward_order
from ..util.numbers import format_number

DEFAULT_MAX_NODES = 300  # the same limit as pictures: past it, text is a wall too
_KIND = {"input": "input", "parameter": "param", "constant": "const"}


@dataclass(frozen=True)
class TextGraph:
    """The text of a graph; `str()` (and the REPL) show it."""

    text: str

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def text_graph(
    root: Value,
    *,
    style: Literal["tree", "table"] = "tree",
    digits: int | None = 4,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> TextGraph:
    """The graph below `root` as text: an indented tree (default) or a table of nodes.

    digits: significant digits (None: every float exactly, as repr). A ValueError for a graph of
    more than `max_nodes` values, an unknown style or bad digits; a TypeError if root is not a Value.
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"text_graph needs a Value (the root of a graph), got {type(root).__name__}: {root!r}"
        )
    if style not in ("tree", "table"):
        raise ValueError(f"style must be 'tree' or 'table', got {style!r}")
    if digits is not None and (
        isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17
    ):
        raise ValueError(
            f"digits must be a whole number from 1 to 17, or None for exact floats; got {digits!r}"
        )
    order = backward_order(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"the graph has {len(order)} nodes, more than max_nodes={max_nodes}: show a part of it "
            f"(an intermediate Value) or raise the limit, e.g. max_nodes={len(order)}"
        )
    names = graph_names(order).text
    lines = _tree(root, names, digits) if style == "tree" else _table(order, names, digits)
    return TextGraph("\n".join(lines))


def _what(node: Value) -> str:
    rule = node.rule
    return f"({rule.symbol})" if rule is not None else node.kind


def _tree(root: Value, names: dict[Value, str], digits: int | None) -> list[str]:
    lines: list[str] = []
    shown: set[Value] = set()
    # (node, the prefix of its line, the prefix of its children's lines, the local derivative)
    stack: list[tuple[Value, str, str, float | None]] = [(root, "", "", None)]
    while stack:  # depth first, first input first; iterative, so depth is no limit
        node, head, indent, local = stack.pop()
        tail = "" if local is None else f"  local {format_number(local, digits)}"
        if node in shown:
            lines.append(f"{head}{names[node]}  (shown above){tail}")
            continue
        shown.add(node)
        data, grad = format_number(node.data, digits), format_number(node.grad, digits)
        lines.append(f"{head}{names[node]} = {data}  grad {grad}  {_what(node)}{tail}")
        parents = node.parents
        if not parents:
            continue
        try:
            locals_: tuple[float | None, ...] = node.local_grads()
        except (ArithmeticError, ValueError):  # e.g. d(x**0.5)/dx at 0: no finite derivative
            locals_ = (float("nan"),) * len(parents)
        children = []
        for k, parent in enumerate(parents):
            last = k == len(parents) - 1
            children.append(
                (parent, indent + ("└─ " if last else "├─ "), indent + ("   " if last else "│  "), locals_[k])
            )
        stack.extend(reversed(children))
    top = names[root]
    grad = f"d{top}/d(node)" if dname(top, "x") == f"d{top}/dx" else "d(root)/d(node)"
    lines.append(f"grad = {grad}; local = d(the line above)/d(this line), from the op's rule")
    return lines


def _table(order: list[Value], names: dict[Value, str], digits: int | None) -> list[str]:
    rows = [("node", "op", "data", "grad", "inputs")]
    for node in order:
        op = node.rule.symbol if node.rule is not None else _KIND[node.kind]
        inputs = ", ".join(names[p] for p in node.parents)
        rows.append(
            (names[node], op, format_number(node.data, digits), format_number(node.grad, digits), inputs)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
