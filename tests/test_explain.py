"""explain(): the chain rule as a sum over paths, checked against backward(), finite differences
and a brute-force path count, on hand-made graphs, random graphs and the worked example."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracles import post_numbers

from micrograd_like import Value, backward_order, rules
from micrograd_like.core.names import dname, graph_names
from micrograd_like.post.example import WEIGHT_NAMES, build
from micrograd_like.show.explain import MAX_PATHS, count_paths, explain


def test_a_value_used_twice_is_two_paths() -> None:
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    y.backward()
    e = explain(y, x)
    assert len(e.paths) == 2 and [p.value for p in e.paths] == [3.0, 3.0]
    assert e.total == 6.0 == x.grad
    assert str(e) == (
        "dy/dx = sum over 2 paths from y to x of the local derivatives multiplied along each path\n"
        "  path 1: dy/dx (operand 1) = (3.0) = 3.0\n"
        "  path 2: dy/dx (operand 2) = (3.0) = 3.0\n"
        "dy/dx = 3.0 + 3.0 = 6.0"
    )


def test_paths_of_a_small_graph_by_hand() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    out = d.tanh()
    out.label = "out"
    out.backward()
    t = 1 - math.tanh(-4.0) ** 2
    e = explain(out, a)
    assert [[f.name for f in p.factors] for p in e.paths] == [
        ["dout/dd", "dd/dc", "dc/da"],
        ["dout/dd", "dd/da"],
    ]
    assert [[f.value for f in p.factors] for p in e.paths] == [[t, 1.0, -3.0], [t, 1.0]]
    assert e.total == pytest.approx(t * -3.0 + t) and e.total == pytest.approx(a.grad, rel=1e-15)
    single = explain(out, b)
    assert str(single) == f"dout/db = dout/dd · dd/dc · dc/db = ({t!r}) · (1.0) · (2.0) = {2.0 * t!r}"
    assert single.total == b.grad  # one path: the same float as backward()


def test_factors_read_the_rules() -> None:
    z, y = Value(0.3, "z"), Value(1.0, "y")
    loss = (z - y) ** 2
    loss.label = "L"
    full = explain(loss, z)
    (path,) = full.paths
    assert [f.name for f in path.factors] == ["dL/d(z-y)", "d(z-y)/dz"]
    assert [f.formulas for f in path.factors] == [rules.power(2.0).formulas, (rules.SUB.formulas[0],)]
    short = explain(loss, z, skip_unlabelled=True)
    (path,) = short.paths
    (factor,) = path.factors
    assert factor.name == "dL/dz" and factor.locals == (2 * (0.3 - 1.0), 1.0)
    assert factor.value == 2 * (0.3 - 1.0) == short.total
    assert factor.top is loss and factor.bottom is z


def test_stand_in_names() -> None:
    a = Value(2.0, "a")
    b = Value(-3.0)  # unlabelled input
    out = (a * b + 1.5).tanh() * a
    named = graph_names(backward_order(out))
    names, legend = named.text, named.legend
    assert names[b] == "input1" and legend["input1"] == "-3.0, an unlabelled input"
    assert names[out.parents[0].parents[0].parents[0]] == "a·input1"
    long = names[out.parents[0]]  # the op nodes are numbered t1.. parents first; long names use it
    assert long == "t3" and legend["t3"] == "tanh(a·input1+1.5)"
    assert named.code[out.parents[0]] == "t3" and named.code[out] == "t4" and named.code[b] == "input1"
    text = str(explain(out, b))
    assert "d(t3·a)/dt3" in text and "where input1 = -3.0, an unlabelled input; t3 = tanh(" in text
    assert dname("L", "w[2]12") == "dL/dw[2]12" and dname("(a*b)", "-x") == "d(a*b)/d(-x)"


def test_stand_ins_are_numbered_as_the_post_computes_and_are_the_same_from_any_start() -> None:
    ex = build()
    expected = {
        "t1": "w[1]11·x1",
        "t2": "w[1]12·x2",
        "t3": "w[1]21·x1",
        "t4": "w[1]22·x2",
        "t5": "w[2]11·z[1]1",
        "t6": "w[2]12·z[1]2",
        "t7": "z[2]-y",
    }
    order = backward_order(ex.loss)
    for nodes in (order, order[::-1], sorted(order, key=lambda n: n.data)):
        named = graph_names(nodes)
        assert {named.code[n]: named.text[n] for n in nodes if named.code[n].startswith("t")} == expected
    a, b = Value(1.0), Value(2.0)  # unlabelled leaves too: numbered where a reader meets them
    named = graph_names(backward_order(a * 3.0 + b))
    assert named.text[a] == "input1" and named.text[b] == "input2"


def test_a_label_with_operators_in_it_is_parenthesised_inside_an_expression() -> None:
    upstream, z = Value(2.0, "dL/ds[2]"), Value(3.0, "z[1]2")
    product = z * upstream
    assert graph_names([product]).text[product] == "z[1]2·(dL/ds[2])"  # not (z[1]2·dL)/ds[2]
    square = z * z
    assert graph_names([square]).text[square] == "z[1]2·z[1]2"


def test_no_path_and_self() -> None:
    x, other = Value(1.0, "x"), Value(2.0, "other")
    y = x.exp()
    y.label = "y"
    none = explain(y, other)
    assert none.paths == () and none.total == 0.0
    assert str(none) == "dy/dother = 0.0: no path leads from y to other"
    itself = explain(y, y)
    assert itself.total == 1.0 and str(itself).startswith("dy/dy = 1.0")


def test_digits_round_the_text_only() -> None:
    ex = build()
    e = ex.chain("w[2]12", digits=4)
    assert (
        str(e)
        == "dL/dw[2]12 = dL/dz[2] · dz[2]/ds[2] · ds[2]/dw[2]12 = (-1.389) · (0.9066) · (0.6044) = -0.7609"
    )
    assert e.total == post_numbers(ex.params)["dL/dw[2]12"]


def test_worked_example_chain_text_is_exact() -> None:
    ex = build()
    n = post_numbers(ex.params)
    e = explain(ex.loss, ex.nodes["w[2]12"], skip_unlabelled=True)
    assert str(e) == (
        "dL/dw[2]12 = dL/dz[2] · dz[2]/ds[2] · ds[2]/dw[2]12 = "
        f"({n['dL/dz[2]']!r}) · ({n['dz[2]/ds[2]']!r}) · ({n['z[1]2']!r}) = {n['dL/dw[2]12']!r}"
    )
    ex.backward()
    for w in WEIGHT_NAMES:  # every weight: one path, the same float as backward()
        assert explain(ex.loss, ex.nodes[w]).total == ex.nodes[w].grad == n[f"dL/d{w}"]


# --- path counting and its limits -----------------------------------------------------------------


def test_exploding_path_counts_are_counted_then_refused() -> None:
    x = Value(1.0, "x")
    v = x
    for _ in range(100):
        v = v * v  # each level doubles the number of paths: 2**100
    assert count_paths(v, x) == 2**100
    with pytest.raises(ValueError) as info:
        explain(v, x)
    message = str(info.value)
    assert f"{2**100} paths" in message and f"limit of {MAX_PATHS}" in message


def test_path_limit_is_adjustable() -> None:
    x = Value(0.5, "x")
    v = x
    for _ in range(4):
        v = (v + v).tanh()  # 2**4 = 16 paths
    v.backward()
    with pytest.raises(ValueError, match=r"16 paths .* limit of 10"):
        explain(v, x, max_paths=10)
    e = explain(v, x, max_paths=16)
    assert len(e.paths) == 16 and e.total == pytest.approx(x.grad, rel=1e-12)


def test_long_chains_count_without_recursion_and_refuse_long_text() -> None:
    x = Value(0.1, "x")
    v = x
    for _ in range(200_000):
        v = v + 1.0
    assert count_paths(v, x) == 1
    with pytest.raises(ValueError, match="200000 local derivatives in all, more than the limit of 10000"):
        explain(v, x)


# --- random graphs ------------------------------------------------------------------------------

UNARY: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "neg": lambda v: -v,
    "square": lambda v: v**2,
}
BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
}
Program = list[tuple[str, int, int]]  # (op, index of first operand, index of second operand)

programs = st.lists(
    st.tuples(st.sampled_from(sorted(UNARY) + sorted(BINARY)), st.integers(0, 10**6), st.integers(0, 10**6)),
    min_size=1,
    max_size=12,
)
leaf_values = st.lists(st.floats(min_value=-1.5, max_value=1.5), min_size=3, max_size=3)


def run(program: Program, leaves: list[float], labelled: bool) -> list[Value]:
    """Replay a random program; node i may use any earlier node (so values get reused)."""
    nodes = [Value(v, f"x{i}" if labelled else "") for i, v in enumerate(leaves)]
    for op, i, j in program:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(UNARY[op](a) if op in UNARY else BINARY[op](a, b))
    return nodes


def brute_count(node: Value, param: Value) -> int:
    """Paths by plain recursion, no memo: an independent count for small graphs."""
    if node is param:
        return 1
    return sum(brute_count(p, param) for p in node.parents)


@settings(max_examples=200, deadline=None)
@given(programs, leaf_values, st.booleans(), st.integers(0, 2))
def test_random_graphs_sum_over_paths_is_the_gradient(
    program: Program, leaves: list[float], labelled: bool, which: int
) -> None:
    nodes = run(program, leaves, labelled)
    root, param = nodes[-1], nodes[which]
    assume(all(abs(n.data) < 50 for n in nodes))
    root.backward()
    n_paths = count_paths(root, param)
    assert n_paths == brute_count(root, param)
    assume(n_paths <= MAX_PATHS)
    e = explain(root, param)
    assert len(e.paths) == n_paths
    for path in e.paths:  # a chain of factors from the root down to param
        assert path.factors[0].top is root and path.factors[-1].bottom is param
        for upper, lower in zip(path.factors, path.factors[1:]):
            assert upper.bottom is lower.top
        assert path.value == pytest.approx(math.prod(f.value for f in path.factors), rel=1e-12)
    assert e.total == pytest.approx(param.grad, rel=1e-9, abs=1e-12)
    if n_paths == 1:
        assert e.total == param.grad  # same products in the same order as backward()

    def f(x: float) -> float:  # the same program with param moved: the finite-difference oracle
        moved = list(leaves)
        moved[which] = x
        return float(run(program, moved, labelled)[-1].data)

    h = 1e-5
    estimate = (f(leaves[which] + h) - f(leaves[which] - h)) / (2 * h)
    assert e.total == pytest.approx(estimate, rel=1e-4, abs=1e-6)
    collapsed = explain(root, param, skip_unlabelled=True)
    assert collapsed.total == pytest.approx(e.total, rel=1e-12, abs=1e-15)
    assert len(collapsed.paths) == len(e.paths)


# --- a node by its name, wherever one is asked for ------------------------------------------------


def test_explain_accepts_a_label_or_the_name_every_view_shows() -> None:
    ex = build()
    ex.backward()
    by_label = explain(ex.loss, "w[1]11")
    assert by_label.param is ex.nodes["w[1]11"] and by_label.total == ex.nodes["w[1]11"].grad
    assert str(by_label) == str(explain(ex.loss, ex.nodes["w[1]11"]))
    product = explain(ex.loss, "w[2]12·z[1]2")  # an unlabelled node, by its graph_names name
    (s2,) = [node for node in ex.nodes["s[2]"].parents if node.parents[0] is ex.nodes["w[2]12"]]
    assert product.param is s2 and product.total == s2.grad
    assert count_paths(ex.loss, "x1") == 2  # x1 feeds both hidden units


def test_unknown_and_shared_names_are_clear_errors() -> None:
    ex = build()
    with pytest.raises(
        ValueError, match=r"^explain: no node named 'w\[1\]13' in this graph; did you mean w\[1\]"
    ):
        explain(ex.loss, "w[1]13")
    with pytest.raises(ValueError, match="its names: x, y, x·y, x·y·x"):
        x, y = Value(1.0, "x"), Value(2.0, "y")
        explain(x * y * x, "nothing-like-these")
    a, b = Value(1.0, "w"), Value(2.0, "w")
    with pytest.raises(
        ValueError, match=r"2 nodes are labelled 'w' \(data 1.0, 2.0\); pass the Value itself"
    ):
        explain(a * b, "w")
    with pytest.raises(TypeError, match="name a node by its label"):
        explain(a * b, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="digits must be a whole number"):
        explain(a * b, a, digits=0)
