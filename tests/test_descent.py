"""J along one weight of the worked example: slope, curvature and threshold against hand formulas
and finite differences; descent steps against w − α·dL/dw; what α does against 1/J'' and 2/J''."""

from __future__ import annotations

import itertools
import math

import pytest

from micrograd_like.core.engine import Value
from micrograd_like.learn.modules import MLP
from micrograd_like.learn.optim import DivergenceError
from micrograd_like.post.descent import (
    STEP_WORDS,
    Step,
    curvature,
    descend,
    descent_step,
    describe,
    loss_along,
    slope,
    step_kind,
    threshold,
)
from micrograd_like.post.example import WEIGHT_NAMES, WorkedExample, build

W = "w[2]12"


def hand_w212(y: float = 1.0, w: float = 0.35) -> tuple[float, float, float]:
    """L, dL/dw[2]12 and d²L/dw[2]12² of the post's network in plain floats.

    t = tanh(s), s = w[2]11·z1 + w·z2:  L = (t − y)²,  L' = 2(t − y)(1 − t²)·z2,
    L'' = 2·z2²·(1 − t²)·((1 − t²) − 2t(t − y)).
    """
    z1, z2 = math.tanh(0.25 - 0.40), math.tanh(0.60 + 0.10)
    t = math.tanh(-0.70 * z1 + w * z2)
    return (
        (t - y) ** 2,
        2 * (t - y) * (1 - t * t) * z2,
        2 * z2 * z2 * (1 - t * t) * ((1 - t * t) - 2 * t * (t - y)),
    )


def second_difference(ex: WorkedExample, name: str, h: float = 1e-4) -> float:
    w = ex.params[name]
    minus, mid, plus = loss_along(ex, name, [w - h, w, w + h])
    return (plus - 2 * mid + minus) / (h * h)


def all_grads(ex: WorkedExample) -> list[float]:
    seen: set[int] = set()
    stack: list[Value] = [ex.loss]
    grads = []
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            grads.append(node.grad)
            stack.extend(node.parents)
    return grads


# --- the curve, its slope and curvature -------------------------------------------------------


def test_loss_along_is_the_example_rebuilt() -> None:
    ex = build()
    ws = [-1.0, 0.0, 0.35, 2.5]
    assert loss_along(ex, W, ws) == [build({W: w}).loss.data for w in ws]
    assert loss_along(ex, W, [0.35]) == [ex.loss.data]
    assert loss_along(ex, W, [0.7]) == [hand_w212(w=0.7)[0]]
    assert loss_along(ex, W, []) == []


def test_slope_is_the_post_chain_rule_to_the_last_bit() -> None:
    ex = build()
    assert slope(ex, W) == hand_w212()[1] == -0.7608659278951793
    assert slope(ex, W) == pytest.approx(ex.finite_difference(W).estimate, rel=1e-8)


@pytest.mark.parametrize(("y", "w"), [(1.0, 0.35), (0.5, 0.35), (0.5, 0.7), (1.0, -2.0), (-0.3, 1.2)])
def test_curvature_is_the_hand_formula(y: float, w: float) -> None:
    ex = build({"y": y, W: w})
    L, d1, d2 = hand_w212(y, w)
    assert ex.loss.data == pytest.approx(L, rel=1e-14)
    assert slope(ex, W) == pytest.approx(d1, rel=1e-13, abs=1e-15)
    assert curvature(ex, W) == pytest.approx(d2, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", WEIGHT_NAMES)
@pytest.mark.parametrize("overrides", [{}, {"y": 0.5}, {"y": -0.2, "x1": 0.5}])
def test_curvature_and_threshold_match_finite_differences(name: str, overrides: dict[str, float]) -> None:
    ex = build(overrides)
    fd = second_difference(ex, name)
    assert curvature(ex, name) == pytest.approx(fd, rel=1e-5, abs=1e-7)
    if fd > 1e-3:
        assert threshold(ex, name) == pytest.approx(2 / fd, rel=1e-5)


def test_threshold_is_none_where_the_curve_bends_down() -> None:
    ex = build({"w[1]11": 1.0})
    assert curvature(ex, "w[1]11") < 0  # L curves downwards along w[1]11 there
    assert second_difference(ex, "w[1]11") < 0
    assert threshold(ex, "w[1]11") is None


def test_threshold_is_two_over_the_curvature() -> None:
    ex = build()
    assert threshold(ex, W) == 2 / curvature(ex, W)
    assert threshold(ex, W) == pytest.approx(2 / hand_w212()[2], rel=1e-12)


def test_any_mlp_and_biases_work() -> None:
    ex = WorkedExample.of(MLP(3, [3, 2, 1], seed=4), [0.5, -1.0, 2.0], 0.3)
    name = ex.parameter_names[5]
    assert curvature(ex, name) == pytest.approx(second_difference(ex, name), rel=1e-5, abs=1e-7)
    biased = build({"b[2]1": 0.2}, bias=True)
    assert slope(biased, "b[2]1") == pytest.approx(biased.finite_difference("b[2]1").estimate, rel=1e-8)


def test_nothing_changes_any_grad_or_the_example() -> None:
    ex = build()
    ex.backward()  # .grad now holds dL/d(node) everywhere: it must stay
    before, params, L = all_grads(ex), dict(ex.params), ex.loss.data
    slope(ex, W), curvature(ex, W), threshold(ex, W), loss_along(ex, W, [0.0, 1.0])
    descent_step(ex, W, 0.5), descend(ex, W, 0.5, 3)
    assert all_grads(ex) == before
    assert ex.params == params and ex.loss.data == L


# --- steps --------------------------------------------------------------------------------------


def test_the_post_step() -> None:
    ex = build()
    w, J, g = descent_step(ex, W)  # α = the example's 0.1
    assert w == ex.update()[W] == 0.35 - 0.1 * -0.7608659278951793
    assert J == build({W: w}).loss.data == hand_w212(w=w)[0]
    assert g == hand_w212(w=w)[1]


def test_descend_is_repeated_steps() -> None:
    ex = build({"y": 0.5})
    history = descend(ex, W, lr=0.7, steps=6)
    assert len(history) == 7
    assert history[0] == Step(0.35, ex.loss.data, slope(ex, W), "start")
    for a, b in itertools.pairwise(history):
        assert b.w == a.w - 0.7 * a.slope
        assert (b.J, b.slope) == (hand_w212(0.5, b.w)[0], pytest.approx(hand_w212(0.5, b.w)[1], rel=1e-13))
        assert (b.w, b.J, b.slope) == descent_step(build({"y": 0.5, W: a.w}), W, 0.7)
    assert descend(ex, W, steps=0) == history[:1]
    assert descend(ex, W, lr=0.7, steps=6) == history  # deterministic


# --- what a step does, and the threshold --------------------------------------------------------


def first_kind(ex: WorkedExample, name: str, lr: float) -> str:
    return descend(ex, name, lr, steps=1)[1].kind


def test_near_a_minimum_the_parabola_predicts_each_step() -> None:
    # y = 0.5 is reachable: J(w[2]12) has its minimum near 0.74; at 0.7 the curve is nearly its parabola
    ex = build({"y": 0.5, W: 0.7})
    c = curvature(ex, W)
    before = descend(ex, W, steps=0)[0]
    for fraction, kind in [(0.3, "converges"), (0.45, "converges"), (0.55, "overshot"), (0.95, "overshot"),
                           (1.05, "diverges"), (1.5, "diverges")]:  # fmt: skip
        lr = fraction * threshold(ex, W)  # type: ignore[operator]
        after = descend(ex, W, lr, steps=1)[1]
        assert after.kind == kind, (fraction, after)
        # the parabola's new slope g·(1 − α·c) is off by the curve's cubic term, ~ step²
        assert abs(after.slope - before.slope * (1 - lr * c)) < 0.2 * fraction**2 * abs(before.slope)
    above = descend(ex, W, 1.2 * threshold(ex, W), steps=1)[1]  # type: ignore[operator]
    assert above.slope * before.slope < 0 and above.J > before.J  # passed the minimum and climbed


def test_above_the_threshold_the_step_overshoots_below_it_does_not() -> None:
    # at the default weights with a target tanh can reach (y = 0.5)
    ex = build({"y": 0.5})
    alpha = threshold(ex, W)
    assert alpha is not None
    assert first_kind(ex, W, 1.6 * alpha) == "diverges"
    assert first_kind(ex, W, 2.0 * alpha) == "diverges"
    assert first_kind(ex, W, 1.1 * alpha) == "overshot"  # the slope changed sign
    assert first_kind(ex, W, 0.4 * alpha) == "converges"
    assert first_kind(ex, W, 0.6 * alpha) == "converges"


def test_with_the_post_target_no_step_overshoots() -> None:
    # y = 1 is never reached by tanh: L falls all the way along every weight, whatever α
    ex = build()
    for name in WEIGHT_NAMES:
        ws = [-6 + 12 * i / 300 for i in range(301)]
        L = loss_along(ex, name, ws)
        assert all(a >= b for a, b in itertools.pairwise(L)) or all(
            a <= b for a, b in itertools.pairwise(L)
        ), name
        alpha = threshold(ex, name)
        assert alpha is not None
        for factor in (0.5, 1.5, 5.0):
            assert {s.kind for s in descend(ex, name, factor * alpha, steps=4)[1:]} == {"converges"}


def test_long_run_above_the_threshold_swings_out() -> None:
    history = descend(build({"y": 0.5}), W, lr=5.0, steps=12)
    late = history[4:]
    assert all(step.kind == "diverges" for step in late)
    assert all(a.slope * b.slope < 0 for a, b in itertools.pairwise(late))  # back and forth
    assert all(abs(b.w - 0.737) > abs(a.w - 0.737) for a, b in itertools.pairwise(late))


def test_step_kind_rule() -> None:
    start = Step(1.0, 2.0, -1.0)
    assert step_kind(start, Step(1.5, 1.0, -0.5)) == "converges"
    assert step_kind(start, Step(1.5, 1.0, 0.0)) == "converges"  # landed on the minimum
    assert step_kind(start, Step(2.5, 1.0, 0.5)) == "overshot"
    assert step_kind(start, Step(2.5, 1.0, 0.5), earlier=Step(0.0, 3.0, 2.0)) == "oscillates"
    assert step_kind(start, Step(2.5, 1.0, 0.5), earlier=Step(0.0, 3.0, -2.0)) == "overshot"
    assert step_kind(start, Step(3.5, 2.5, 1.5)) == "diverges"
    assert step_kind(start, Step(1.2, 2.5, -3.0)) == "diverges"  # uphill without crossing
    assert step_kind(Step(1.0, 2.0, 0.0), Step(1.0, 2.0, 0.0)) == "still"
    assert set(STEP_WORDS) == {"start", "converges", "overshot", "oscillates", "diverges", "still"}
    assert STEP_WORDS["overshot"].startswith("overshot: the slope changed sign")
    assert all(text.startswith(key + ":") for key, text in STEP_WORDS.items())


def test_describe_lists_each_point_in_words() -> None:
    history = descend(build({"y": 0.5, W: 0.7}), W, lr=5.0, steps=2)
    text = describe(history, W)
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("  0  w[2]12 = 0.7  J = ")
    assert lines[1].endswith(STEP_WORDS["diverges"])


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [slope, curvature, threshold, descent_step, descend])
def test_unknown_weight_lists_the_weights(call: object) -> None:
    with pytest.raises(ValueError, match=r"unknown weight 'w\[3\]11'; valid weights: w\[1\]11, w\[1\]12"):
        call(build(), "w[3]11")  # type: ignore[operator]
    with pytest.raises(ValueError, match="unknown weight 'x1'"):
        loss_along(build(), "x1", [0.0])


@pytest.mark.parametrize(
    ("ws", "error"), [([math.inf], ValueError), ([0.1, "a"], TypeError), ([None], TypeError)]
)
def test_bad_weights(ws: list[object], error: type[Exception]) -> None:
    with pytest.raises(error, match=r"ws\[\d\]"):
        loss_along(build(), W, ws)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lr", "error"), [(0.0, ValueError), (-0.1, ValueError), (math.nan, ValueError), ("0.1", TypeError)]
)
def test_bad_learning_rate(lr: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="lr must be"):
        descent_step(build(), W, lr)  # type: ignore[arg-type]
    with pytest.raises(error, match="lr must be"):
        descend(build(), W, lr, steps=2)  # type: ignore[arg-type]


def test_bad_step_count() -> None:
    with pytest.raises(ValueError, match="steps must be"):
        descend(build(), W, 0.1, steps=-1)
    with pytest.raises(TypeError, match="steps must be"):
        descend(build(), W, 0.1, steps=1.5)  # type: ignore[arg-type]


def test_a_step_to_infinity_is_a_divergence_error() -> None:
    ex = build({"y": -50.0})  # slope ≈ 2·50·0.9·0.6: large
    with pytest.raises(DivergenceError, match=r"w\[2\]12 would become -inf .* lower the learning rate"):
        descent_step(ex, W, 1e307)
