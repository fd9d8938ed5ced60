"""A made-up name (`t3` for an unlabelled op, `input1` for an unlabelled leaf) never takes a name a
label or the expression already uses: otherwise `t2` would mean two nodes, and a view would show
`t2 = 0.25` where the user set t2 = 1.
"""

from __future__ import annotations

import re

import pytest

from micrograd_like import Value, compile_graph, explain, text_graph
from micrograd_like.cli import main
from micrograd_like.core.names import graph_names

EXPR = "tanh(t2*abcdefghij + abcdefghij*abcdefghij)"
SETS = ["--set", "t2=1", "--set", "abcdefghij=0.5"]


def graph_with_a_label_like_a_stand_in() -> tuple[Value, Value, Value]:
    """tanh(t2·a + a·a) with a leaf labelled t2, the name a stand-in for the first op would take."""
    t2, a = Value(1.0, "t2"), Value(0.5, "abcdefghij")
    return (t2 * a + a * a).tanh(), t2, a


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_explain_never_calls_a_stand_in_by_the_users_name(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "explain", "--expr", EXPR, *SETS, "--wrt", "t2")
    assert "where t3 = abcdefghij·abcdefghij" in out  # the stand-in skips t2, and is explained
    assert not re.search(r"\bt2 = ", out)  # t2 is only the user's: never defined as something else
    assert "stored t2.grad = 0.2982929041406657" in out


def test_the_text_graph_shows_the_users_t2_as_they_set_it(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "graph", "--expr", EXPR, *SETS, "--format", "text")
    t2_lines = [line for line in out.splitlines() if re.search(r"[─ ]t2 = ", line)]
    assert len(t2_lines) == 1 and "t2 = 1 " in t2_lines[0] and "parameter" in t2_lines[0]
    assert re.search(r"t3 = 0\.25 .*\(\*\)", out)
    assert "t2·abcdefghij+t3" in out


def test_names_api_stand_ins_and_made_up_leaves_skip_labels() -> None:
    # labels that look like stand-ins, as text (t1, t3) or as code (`t4!` is the identifier t4)
    a, b = Value(1.0, "t1"), Value(2.0, "t3")
    c, d = Value(3.0, "t4!"), Value(4.0, "input1")
    loose = Value(5.0)  # an unlabelled input: `input1` is a label here, so it is input2
    root = ((a * b).exp() * (c * d).exp() + loose * a).tanh() * (b * c + d * a)
    names = graph_names([root, *_below(root)])
    labels = {n.label for n in names.text if n.label}
    made_up = {n: t for n, t in names.text.items() if not n.label and n.kind != "constant"}
    assert made_up[loose] == "input2"
    stand_ins = [names.code[n] for n in names.text if n.rule is not None and not n.label]
    numbers = [int(code[1:]) for code in stand_ins if re.fullmatch(r"t\d+", code)]
    assert len(numbers) == len(stand_ins) and numbers == sorted(set(numbers))  # t<k>, each once, in order
    assert numbers[:2] == [2, 5]  # t1, t3 (labels) and t4 (a label's identifier) skipped
    assert not set(stand_ins) & (labels | {"t4"})
    assert not set(names.legend) & labels
    explained = explain(root, a)
    assert all(not line.startswith(("t1 =", "t3 =")) for line in explained.legend)


def _below(root: Value) -> list[Value]:
    seen, todo = [], [root]
    while todo:
        node = todo.pop()
        for p in node.parents:
            if p not in seen:
                seen.append(p)
                todo.append(p)
    return seen


def test_text_graph_api_shows_the_users_value() -> None:
    root, _, _ = graph_with_a_label_like_a_stand_in()
    root.backward()
    shown = str(text_graph(root))
    assert re.search(r"t2 = 1 ", shown) and not re.search(r"t2 = 0\.25", shown)


def test_compiled_code_keeps_the_users_t2_and_the_engines_numbers() -> None:
    root, t2, a = graph_with_a_label_like_a_stand_in()
    f = compile_graph(root)
    assert "    t2=1.0," in f.source  # the user's t2 is an argument ...
    assert re.search(r"^\s*t3 = abcdefghij \* abcdefghij ", f.source, re.M)  # ... the stand-in is t3
    assert not re.search(r"^\s*t2 = ", f.source, re.M)  # nothing assigns the user's t2
    value = f()
    twin, twin_t2, twin_a = graph_with_a_label_like_a_stand_in()
    twin.backward()
    assert (value, t2.grad, a.grad) == (twin.data, twin_t2.grad, twin_a.grad)
