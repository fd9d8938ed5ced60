"""Higher-order derivatives: `grad` and `hessian` against finite differences and hand formulas.

Oracles: five-point finite differences of `grad` itself (second derivatives and mixed partials of
random graphs, every rule's second derivative), hand-derived formulas (polynomials to third
order, the worked example's d²L/dw[2]12², a 100,000-node tanh chain by a forward-mode
recurrence) and the engine's own `backward()` (first derivatives, to the bit).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from oracles import Program, post_numbers, programs, relu_inputs, run_engine, run_reference
from test_rules import CASE_IDS, CASES, Case

from micrograd_like import (
    BackwardError,
    Value,
    backward_order,
    backward_steps,
    draw_dot,
    explain,
    grad,
    hessian,
    no_grad,
)
from micrograd_like.post.example import DEFAULTS, WEIGHT_NAMES, build


def five_point(f: Callable[[float], float], x: float, h: float) -> float:
    """f'(x) by a five-point central difference: error O(h⁴) plus rounding O(eps·|f|/h)."""
    return (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)


def rounding_scale(root: Value) -> float:
    """How far rounding can move `root`: each node's size times d(root)/d(node), summed."""
    nodes = backward_order(root)
    derivatives = grad(root, nodes)
    return sum(abs(d) * max(abs(n.data), 1.0) for n, d in zip(nodes, derivatives))


# --- the API ------------------------------------------------------------------------------------------


def test_one_input_gives_one_result_and_a_list_gives_a_list() -> None:
    x, y = Value(2.0, "x"), Value(-3.0, "y")
    f = x * y + x
    assert grad(f, x) == -2.0 and isinstance(grad(f, x), float)
    assert grad(f, [x, y]) == [-2.0, 2.0]
    assert grad(f, (y,)) == [2.0]  # a tuple gives a list too
    assert grad(f, []) == []
    g = grad(f, x, create_graph=True)
    assert isinstance(g, Value) and g.data == -2.0
    both = grad(f, [x, y], create_graph=True)
    assert isinstance(both, list) and [d.data for d in both] == [-2.0, 2.0]


def test_first_derivatives_are_backwards_numbers_to_the_bit() -> None:
    ex = build()
    weights = [ex.nodes[w] for w in WEIGHT_NAMES]
    expected = ex.gradients()  # backward() from zero gradients
    assert grad(ex.loss, weights) == [expected[w] for w in WEIGHT_NAMES]
    with_graph = grad(ex.loss, weights, create_graph=True)
    assert [d.data for d in with_graph] == [expected[w] for w in WEIGHT_NAMES]
    assert with_graph[WEIGHT_NAMES.index("w[2]12")].data == -0.7608659278951793  # the post's gradient


@settings(max_examples=150, deadline=None)
@given(program=programs())
def test_grad_equals_backward_on_random_graphs_in_both_modes(program: Program) -> None:
    inputs = [Value(x, f"x{i}") for i, x in enumerate(program.inputs)]
    nodes = run_engine(program, inputs)
    root = nodes[-1]
    interior = nodes[len(inputs) :: 3]  # some interior nodes as inputs too
    floats = grad(root, [*inputs, *interior])
    values = grad(root, [*inputs, *interior], create_graph=True)
    root.backward()
    assert floats[: len(inputs)] == [x.grad for x in inputs]
    assert floats[len(inputs) :] == [n.grad for n in interior]
    assert [v.data for v in values] == floats  # the derivative graph computes the same floats


def test_no_grad_anywhere_changes() -> None:
    ex = build()
    nodes = backward_order(ex.loss)
    rng = random.Random(5)
    for node in nodes:
        node.grad = rng.uniform(-1, 1)  # whatever a learner left there
    before = [node.grad for node in nodes]
    weights = [ex.nodes[w] for w in WEIGHT_NAMES]
    grad(ex.loss, weights)
    first = grad(ex.loss, weights, create_graph=True)
    grad(first[0], weights)
    hessian(ex.loss, weights[:2])
    assert [node.grad for node in nodes] == before
    assert all(node.grad == 0.0 for d in first for node in backward_order(d) if node not in set(nodes))


def test_grad_in_the_middle_of_a_stepped_backward_leaves_it_undisturbed() -> None:
    ex = build()
    steps = backward_steps(ex.loss)
    for _ in range(5):
        next(steps)
    partial = {node: node.grad for node in backward_order(ex.loss)}
    w = ex.nodes["w[1]11"]
    assert grad(ex.loss, w) == pytest.approx(post_numbers(DEFAULTS)["dL/dw[1]11"], rel=1e-15)
    assert {node: node.grad for node in backward_order(ex.loss)} == partial
    for _ in steps:
        pass
    assert w.grad == grad(ex.loss, w)


def test_a_value_used_twice_contributes_along_both_uses() -> None:
    x = Value(3.0, "x")
    assert grad(x * x, x) == 6.0
    assert grad(grad(x * x, x, create_graph=True), x) == 2.0
    twice = grad(x + x, x, create_graph=True)
    assert twice.kind == "constant" and twice.data == 2.0 and grad(twice, x) == 0.0
    cube = x * x * x
    assert grad(grad(grad(cube, x, create_graph=True), x, create_graph=True), x) == 6.0


def test_an_input_outside_the_graph_gets_zero() -> None:
    x, y, unused = Value(2.0, "x"), Value(5.0, "y"), Value(7.0, "u")
    f = x * y
    assert grad(f, [unused, x]) == [0.0, 5.0]
    zero = grad(f, unused, create_graph=True)
    assert zero.kind == "constant" and zero.data == 0.0
    dx = grad(f, x, create_graph=True)  # = y itself: no path down to x any more
    assert dx is y
    assert grad(dx, [x, y]) == [0.0, 1.0]
    assert grad(x, x) == 1.0 and grad(x, x, create_graph=True).data == 1.0


def test_derivative_results_are_graphs_that_backward_and_explain_understand() -> None:
    x = Value(0.7, "x")
    y = (x * x).tanh() * x
    d = grad(y, x, create_graph=True)
    second = grad(d, x)
    d.backward()
    assert x.grad == second  # backward() through the derivative graph: the same pass
    e = explain(d, x)
    assert e.total == pytest.approx(second, rel=1e-14)


def test_nothing_of_the_original_graph_is_relabelled() -> None:
    a, b = Value(2.0, "a"), Value(3.0, "b")
    f = a * b
    f.label = "f"
    assert grad(f, a, create_graph=True) is b and b.label == "b"
    labels = [n.label for n in backward_order(f)]
    grad(f, [a, b], create_graph=True)
    assert [n.label for n in backward_order(f)] == labels


# --- the worked example -------------------------------------------------------------------------------


def test_second_derivative_of_the_posts_loss_by_hand() -> None:
    ex = build()
    w = ex.nodes["w[2]12"]
    first = grad(ex.loss, w, create_graph=True)
    second = grad(first, w)
    # L = (z − y)², z = tanh(s), s = w[2]11·z[1]1 + w·z[1]2:
    # dL/dw = 2(z − y)(1 − z²)·z[1]2, so d²L/dw² = z[1]2²·(2(1 − z²)² − 4(z − y)·z·(1 − z²))
    z, y, z12 = ex.nodes["z[2]"].data, ex.nodes["y"].data, ex.nodes["z[1]2"].data
    by_hand = z12 * z12 * (2 * (1 - z * z) ** 2 - 4 * (z - y) * z * (1 - z * z))
    assert second == pytest.approx(by_hand, rel=1e-14)
    assert second == pytest.approx(0.881505985167543, rel=1e-14)


def test_the_derivative_graph_reads_like_the_posts_chain() -> None:
    ex = build()
    g = grad(ex.loss, ex.nodes["w[2]12"], create_graph=True)
    assert g.label == "dL/dw[2]12"
    labels = {n.label for n in backward_order(g)}
    assert {"dL/dz[2]", "dL/ds[2]", "dL/dw[2]12", "z[1]2", "z[2]"} <= labels
    source = draw_dot(g).source
    for label in ("dL/dz[2]", "dL/ds[2]", "dL/dw[2]12"):
        assert f'label="{label}|' in source
    # dL/dw[2]12 = dL/ds[2] · z[1]2: a product of two named nodes, as in the post
    assert g.op == "mul" and {p.label for p in g.parents} == {"dL/ds[2]", "z[1]2"}


# --- second derivatives: finite differences of grad ----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(program=programs())
def test_hessians_of_random_graphs_match_finite_differences_of_grad(program: Program) -> None:
    inputs = [Value(x, f"x{i}") for i, x in enumerate(program.inputs)]
    root = run_engine(program, inputs)[-1]
    first = grad(root, inputs, create_graph=True)
    H = [grad(d, inputs) for d in first]
    assert hessian(root, inputs) == H
    kinks = relu_inputs(program, run_reference(program))

    def gradient_at(j: int, t: float) -> list[float]:
        xs = [Value(t if k == j else x) for k, x in enumerate(program.inputs)]
        if relu_inputs(program, run_reference(Program(tuple(v.data for v in xs), program.code))) != kinks:
            reject()  # the perturbation crossed relu's kink
        try:
            return grad(run_engine(program, xs)[-1], xs)
        except (ArithmeticError, ValueError):
            reject()  # a perturbed operand left its op's domain

    n = len(inputs)
    for j in range(n):
        x = program.inputs[j]
        h = 1e-4 * max(abs(x), 1.0)
        shifted = {t: gradient_at(j, t) for t in (x - 2 * h, x - h, x + h, x + 2 * h)}
        for i in range(n):

            def gradient_i(t: float, i: int = i, shifted: dict[float, list[float]] = shifted) -> float:
                return shifted[t][i]

            numeric = five_point(gradient_i, x, h)  # d/dx_j of d root/dx_i
            tolerance = 1e-6 * max(1.0, abs(numeric)) + 1e-14 * rounding_scale(first[i]) / h
            assert abs(H[i][j] - numeric) <= tolerance, (
                f"d²root/dx{i}dx{j}: grad twice gives {H[i][j]!r}, finite differences {numeric!r}\n"
                f"program: {program}"
            )
    for i in range(n):  # mixed partials agree up to rounding, whichever comes first
        for j in range(i):
            scale = rounding_scale(first[i]) + rounding_scale(first[j])
            assert abs(H[i][j] - H[j][i]) <= 1e-14 * (1.0 + scale), (i, j, H, program)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_rules_second_derivative_matches_finite_differences_of_its_first(
    case: Case, data: st.DataObject
) -> None:
    point = data.draw(case.inputs, label="inputs")
    p = data.draw(case.param, label="param")
    leaves = [Value(x) for x in point]
    first = grad(case.build(*leaves, p), leaves, create_graph=True)
    for k, derivative in enumerate(first):
        row = grad(derivative, leaves)
        for j, x in enumerate(point):

            def dk(t: float, j: int = j, k: int = k) -> float:
                shifted = [Value(t if i == j else v) for i, v in enumerate(point)]
                return grad(case.build(*shifted, p), shifted[k])

            h = 1e-4 * max(abs(x), 0.1)
            numeric = five_point(dk, x, h)
            tolerance = 1e-6 * max(1.0, abs(numeric)) + 1e-14 * rounding_scale(derivative) / h
            assert abs(row[j] - numeric) <= tolerance, (
                f"{case.name} at {point} (param {p}): d/dx{j} of d/dx{k} = {row[j]!r}, "
                f"finite differences {numeric!r}"
            )


def test_the_derivative_graph_is_made_of_the_rules_own_ops() -> None:
    # d tanh(s)/ds is the rule's `1 - out * out` with out = the tanh node itself, in engine ops
    s = Value(0.4, "s")
    z = s.tanh()
    d = grad(z, s, create_graph=True)
    assert d.op == "sub" and d.parents[0].data == 1.0
    square = d.parents[1]
    assert square.op == "mul" and square.parents == (z, z)
    # relu's local derivative is piecewise constant: its own derivative is 0
    for x0 in (-1.5, 2.5):
        x = Value(x0)
        dr = grad(x.relu() * x, x, create_graph=True)  # 2x for x > 0, else 0
        assert dr.data == (2 * x0 if x0 > 0 else 0.0) and grad(dr, x) == (2.0 if x0 > 0 else 0.0)


# --- third order: polynomials by hand ------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    coefficients=st.lists(st.floats(-3, 3), min_size=1, max_size=6),
    x0=st.floats(-2, 2),
    form=st.sampled_from(["powers", "products", "horner"]),
)
def test_third_derivatives_of_polynomials_match_the_formula(
    coefficients: list[float], x0: float, form: str
) -> None:
    x = Value(x0, "x")
    if form == "powers":  # c0 + c1·x + c2·x**2 + ...
        p = sum((c * x**k for k, c in enumerate(coefficients)), Value(0.0))
    elif form == "products":  # x**k written as x·x·...·x: each x used k times
        p = Value(0.0)
        for k, c in enumerate(coefficients):
            term: Value = Value(c)
            for _ in range(k):
                term = term * x
            p = p + term
    else:  # Horner: (((c5·x + c4)·x + c3)·x ...
        p = Value(coefficients[-1])
        for c in reversed(coefficients[:-1]):
            p = p * x + c

    def exact(order: int) -> float:  # d^order/dx^order of Σ c_k x^k
        return sum(
            c * math.perm(k, order) * x0 ** (k - order) for k, c in enumerate(coefficients) if k >= order
        )

    d: Value = p
    for order in (1, 2, 3):
        d = grad(d, x, create_graph=True)
        scale = sum(abs(c) * math.perm(k, order) * max(abs(x0), 1.0) ** k for k, c in enumerate(coefficients))
        assert abs(d.data - exact(order)) <= 1e-13 * (1.0 + scale), (order, form)
    assert grad(d, x) == pytest.approx(exact(4), abs=1e-12 * (1 + sum(map(abs, coefficients))) * 400)


def test_mixed_third_partials_of_a_monomial() -> None:
    x, y = Value(1.5, "x"), Value(-0.5, "y")
    f = x**2 * y**3
    fy = grad(f, y, create_graph=True)  # 3x²y²
    fyy = grad(fy, y, create_graph=True)  # 6x²y
    fyyx = grad(fyy, x)  # 12xy
    assert fy.data == pytest.approx(3 * 1.5**2 * 0.25, rel=1e-15)
    assert fyy.data == pytest.approx(6 * 1.5**2 * -0.5, rel=1e-15)
    assert fyyx == pytest.approx(12 * 1.5 * -0.5, rel=1e-15)
    fx = grad(f, x, create_graph=True)  # 2xy³: the other order gives the same
    assert grad(grad(fx, y, create_graph=True), y) == pytest.approx(fyyx, rel=1e-15)


# --- hessian ----------------------------------------------------------------------------------------------


def test_hessian_of_the_posts_loss_is_symmetric_and_matches_finite_differences() -> None:
    ex = build()
    weights = [ex.nodes[w] for w in WEIGHT_NAMES]
    H = hessian(ex.loss, weights)
    assert len(H) == 6 and all(len(row) == 6 for row in H)
    for i in range(6):
        for j in range(6):
            assert H[i][j] == pytest.approx(H[j][i], rel=1e-14, abs=1e-15)

            def gradient_i(t: float, i: int = i, j: int = j) -> float:
                shifted = build({WEIGHT_NAMES[j]: t})
                return grad(shifted.loss, shifted.nodes[WEIGHT_NAMES[i]])

            numeric = five_point(gradient_i, weights[j].data, 1e-4)
            assert H[i][j] == pytest.approx(numeric, abs=1e-9)
    # x1 = x2 = 1: w[1]11 and w[1]12 enter only through their sum, so their rows are equal
    assert H[0] == H[1]


def test_hessian_of_a_function_of_numbers() -> None:
    H = hessian(lambda a, b: a * b**3 + (a * b).exp(), [0.5, 2.0])
    # d²/da² = b²·e^ab; d²/dadb = 3b² + e^ab + ab·e^ab; d²/db² = 6ab + a²·e^ab; at ab = 1
    e = math.exp(1.0)
    expected = [[4 * e, 12 + 2 * e], [12 + 2 * e, 6 + 0.25 * e]]
    for row, expected_row in zip(H, expected):
        assert row == pytest.approx(expected_row, rel=1e-14)


def test_newtons_method_with_the_hessian_lands_on_a_quadratics_minimum_in_one_step() -> None:
    # J = (t1 - 1)² + 3(t2 + 2)² + t1·t2: H constant, so one Newton step is exact
    t = [Value(5.0, "t1"), Value(-7.0, "t2")]

    def J(a: Value, b: Value) -> Value:
        return (a - 1) ** 2 + 3 * (b + 2) ** 2 + a * b

    g = grad(J(*t), t)
    (a, b), (c, d) = hessian(J, t)
    det = a * d - b * c
    step = [(d * g[0] - b * g[1]) / det, (a * g[1] - c * g[0]) / det]  # H⁻¹·g for a 2×2 H
    for p, s in zip(t, step):
        p.data -= s
    assert grad(J(*t), t) == [pytest.approx(0.0, abs=1e-12)] * 2
    assert [p.data for p in t] == [pytest.approx(24 / 11), pytest.approx(-26 / 11)]


# --- no_grad -------------------------------------------------------------------------------------------


def test_no_grad_gives_numbers_but_refuses_to_record_a_derivative_graph() -> None:
    x = Value(0.3, "x")
    f = (x * x).exp()
    outside = grad(f, x)
    first = grad(f, x, create_graph=True)
    with no_grad():
        assert grad(f, x) == outside
        assert grad(first, x) == pytest.approx((2 + 4 * 0.09) * math.exp(0.09), rel=1e-15)
        with pytest.raises(RuntimeError, match=r"inside no_grad\(\).*create_graph=False"):
            grad(f, x, create_graph=True)
        with pytest.raises(RuntimeError, match="no_grad"):
            hessian(f, [x])
    assert grad(f, x, create_graph=True).data == outside  # recording is back after the block


# --- deep graphs ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_second_derivative_of_a_100000_node_chain() -> None:
    n, x0 = 100_000, 0.8
    x = Value(x0, "x")
    z = x
    for _ in range(n):
        z = z.tanh()
    first = grad(z, x, create_graph=True)
    second = grad(first, x)
    # forward mode by hand: z_k = tanh(z_{k-1}), t = 1 - z_k²;
    # z_k' = t·z_{k-1}', z_k'' = t·z_{k-1}'' - 2·z_k·t·z_{k-1}'²
    v, d1, d2 = x0, 1.0, 0.0
    for _ in range(n):
        v = math.tanh(v)
        t = 1.0 - v * v
        d1, d2 = t * d1, t * d2 - 2.0 * v * t * d1 * d1
    assert first.data == pytest.approx(d1, rel=1e-9)
    assert second == pytest.approx(d2, rel=1e-9)
    assert grad(z, x) == first.data


# --- errors ------------------------------------------------------------------------------------------------


def test_arguments_that_are_not_values_are_type_errors_naming_them() -> None:
    x = Value(1.0, "x")
    with pytest.raises(TypeError, match=r"grad: inputs\[1\] is a float \(2.0\), not a Value"):
        grad(x * 2, [x, 2.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="grad: the root must be a Value, got float"):
        grad(3.0, x)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="grad: inputs must be a Value or a list of Values, got str"):
        grad(x * 2, "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="hessian: inputs must be a list"):
        hessian(x * 2, x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="hessian: f must return a Value, got float"):
        hessian(lambda a: 2.0, [1.0])  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="hessian: f must be a Value or a function"):
        hessian(2.0, [1.0])  # type: ignore[arg-type]


def _grads(root: Value) -> list[float]:
    return [node.grad for node in backward_order(root)]


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_local_derivative_that_cannot_be_computed_names_the_node(create_graph: bool) -> None:
    z, x = Value(0.0, "z"), Value(2.0, "x")
    f = (z**0.5) * x
    before = _grads(f)
    with pytest.raises(BackwardError, match=r"pow node z\*\*0.5 \(data 0.0\) cannot be computed at a = 0.0"):
        grad(f, [z, x], create_graph=create_graph)
    assert _grads(f) == before


def test_a_derivative_too_large_for_a_float_names_where() -> None:
    x = Value(1e-200, "x")
    f = x**-1  # 1e200; its derivative -x⁻² = -1e400 is not a float
    with pytest.raises(
        BackwardError, match=r"pow node x⁻¹ \(data 1e\+200\) cannot be computed at a = 1e-200"
    ):
        grad(f, x, create_graph=True)
    # a·b·c = 1e100, but d/da = b·c = 1e400
    a, b, c = Value(1e-300, "a"), Value(1e200, "b"), Value(1e200, "c")
    g = a * b * c
    before = _grads(g)
    for create_graph in (False, True):
        with pytest.raises(BackwardError, match=r"derivative through the mul node a·b .* not a finite float"):
            grad(g, a, create_graph=create_graph)
    assert _grads(g) == before
    # backward() fails (dg/da is not a float), but the derivatives asked for are fine
    with pytest.raises(BackwardError):
        g.backward()
    assert grad(g, [c, b]) == [(a * b).data, (a * c).data]
    assert grad(g, c, create_graph=True).data == (a * b).data
