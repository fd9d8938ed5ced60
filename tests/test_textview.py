"""text_graph: the graph as an indented tree or a table, every number read back against backward()."""

from __future__ import annotations

import math
import re

import pytest

from micrograd_like import MLP, Value, backward_order, text_graph
from micrograd_like.core.names import graph_names
from micrograd_like.post.example import build


def _graph() -> tuple[Value, Value, Value]:
    x, w = Value(2.0, "x"), Value(-0.5, "w", kind="parameter")
    y = (w * x + x).tanh()
    y.label = "y"
    y.backward()
    return y, x, w


def test_tree_shows_each_node_once_with_its_local_derivative() -> None:
    y, x, w = _graph()
    lines = str(text_graph(y, digits=None)).splitlines()
    t = math.tanh(-0.5 * 2.0 + 2.0)
    assert lines[0] == f"y = {t!r}  grad 1.0  (tanh)"
    assert lines[1] == f"└─ w·x+x = 1.0  grad {1 - t * t!r}  (+)  local {1 - t * t!r}"
    assert lines[3] == f"   │  ├─ w = -0.5  grad {w.grad!r}  parameter  local 2.0"  # d(w·x)/dw = x
    assert lines[4] == f"   │  └─ x = 2.0  grad {x.grad!r}  input  local -0.5"  # d(w·x)/dx = w
    assert lines[5] == "   └─ x  (shown above)  local 1.0"  # the second use of x: not spelled out again
    assert sum(1 for line in lines if re.search(r"─ x = ", line)) == 1
    assert lines[-1].startswith("grad = dy/d(node)")


def test_table_has_one_row_per_node_in_backward_order() -> None:
    ex = build()
    ex.backward()
    order = backward_order(ex.loss)
    names = graph_names(order).text
    lines = str(text_graph(ex.loss, style="table", digits=None)).splitlines()
    assert lines[0].split() == ["node", "op", "data", "grad", "inputs"]
    rows = [line.split(None, 4) for line in lines[1:]]
    assert [row[0] for row in rows] == [names[node] for node in order]
    for row, node in zip(rows, order):
        assert float(row[2]) == node.data and float(row[3]) == node.grad  # exact: repr round-trips
        assert (row[4] if len(row) > 4 else "") == ", ".join(names[p] for p in node.parents)
    assert rows[0][:2] == ["L", "**2"] and rows[[r[0] for r in rows].index("w[2]12")][:2] == [
        "w[2]12",
        "param",
    ]


def test_repr_is_the_text_and_prints_in_a_repl() -> None:
    y, _, _ = _graph()
    view = text_graph(y)
    assert repr(view) == str(view) == view.text


def test_any_network() -> None:
    model = MLP(3, [3, 2, 1], seed=1)
    out = model([0.1, 0.2, 0.3])
    assert isinstance(out, Value)
    out.backward()
    text = str(text_graph(out, style="table"))
    assert len(text.splitlines()) == 1 + len(backward_order(out))
    assert "w[1]32" in text and "z[2]1" in text


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"style": "dag"}, ValueError, "style must be 'tree' or 'table'"),
        ({"digits": 0}, ValueError, "digits must be a whole number from 1 to 17"),
        ({"digits": 2.5}, ValueError, "digits must be a whole number"),
        ({"max_nodes": 2}, ValueError, "more than max_nodes=2"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    y, _, _ = _graph()
    with pytest.raises(error, match=message):
        text_graph(y, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="text_graph needs a Value"):
        text_graph(3.0)  # type: ignore[arg-type]


def test_deep_chains_need_no_recursion() -> None:
    x = Value(0.5, "x")
    v = x
    for _ in range(250):
        v = v + 1.0
    lines = str(text_graph(v, max_nodes=1000)).splitlines()
    assert len(lines) == 1 + 2 * 250 + 1  # each sum and its constant, x, and the key
