"""losses: values against the formulas, gradients against finite differences, stability at extremes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from micrograd_like import Value, gradcheck
from micrograd_like.learn.losses import (
    bce_with_logits,
    cost,
    hinge,
    logistic_loss,
    mse,
    softmax,
    softmax_cross_entropy,
    squared_error,
)


def sigmoid(s: float) -> float:
    return 1.0 / (1.0 + math.exp(-s))


def grads(loss: Value, *inputs: Value) -> list[float]:
    loss.backward()
    return [x.grad for x in inputs]


# --- squared error and MSE ----------------------------------------------------------------------


def test_squared_error_value_and_gradient() -> None:
    y_hat = Value(0.305657)
    loss = squared_error(y_hat, 1.0)
    assert loss.data == (0.305657 - 1.0) ** 2
    assert grads(loss, y_hat) == [pytest.approx(2 * (0.305657 - 1.0))]
    assert gradcheck(lambda p, y: squared_error(p, y), [0.3, -1.2])


def test_mse_is_the_mean_of_squared_errors() -> None:
    preds = [Value(0.5), Value(-1.0), Value(2.0)]
    targets = [1.0, -1.0, 0.0]
    loss = mse(preds, targets)
    assert loss.data == pytest.approx((0.25 + 0.0 + 4.0) / 3)
    # dMSE/dŷᵢ = 2(ŷᵢ - yᵢ)/m
    assert grads(loss, *preds) == pytest.approx([2 * -0.5 / 3, 0.0, 2 * 2.0 / 3])
    assert gradcheck(lambda a, b, c: mse([a, b, c], [0.1, 0.2, -0.3]), [0.4, -0.7, 1.1])


def test_mse_of_one_sample_is_its_squared_error() -> None:
    assert mse([Value(3.0)], [1.0]).data == 4.0


def test_mse_checks_lengths() -> None:
    with pytest.raises(ValueError, match="as many predictions as targets, got 2 and 1"):
        mse([Value(1.0), Value(2.0)], [1.0])
    with pytest.raises(ValueError, match="no samples"):
        mse([], [])


def test_cost_is_the_mean_over_the_training_set() -> None:
    ls = [Value(1.0), Value(2.0), Value(6.0)]
    j = cost(ls)
    assert j.data == 3.0
    assert grads(j, *ls) == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    with pytest.raises(ValueError, match="no samples"):
        cost([])


# --- logistic loss ------------------------------------------------------------------------------


@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
def test_logistic_loss_matches_the_posts_formula(y: float) -> None:
    p = Value(0.8)
    loss = logistic_loss(p, y)
    assert loss.data == pytest.approx(-(y * math.log(0.8) + (1 - y) * math.log(0.2)), rel=1e-15)
    # dL/dŷ = -y/ŷ + (1 - y)/(1 - ŷ)
    assert grads(loss, p) == [pytest.approx(-y / 0.8 + (1 - y) / 0.2, rel=1e-12)]
    assert gradcheck(lambda q: logistic_loss(q, y), [0.35])


def test_logistic_cost_through_a_sigmoid_has_gradient_p_minus_y() -> None:
    s = [Value(0.4), Value(-1.1)]
    ys = [1.0, 0.0]
    j = cost([logistic_loss(si.sigmoid(), y) for si, y in zip(s, ys)])
    assert grads(j, *s) == pytest.approx([(sigmoid(0.4) - 1) / 2, (sigmoid(-1.1) - 0) / 2], rel=1e-9)


def test_logistic_loss_at_a_certain_prediction() -> None:
    assert logistic_loss(Value(1.0), 1.0).data == 0.0  # the (1 - y)·log(1 - ŷ) term is absent
    with pytest.raises(ValueError, match=r"log\(0.0\)"):
        logistic_loss(Value(0.0), 1.0)
    with pytest.raises(ValueError, match=r"target must be a finite number in \[0, 1\], got 2.0"):
        logistic_loss(Value(0.5), 2.0)


# --- binary cross-entropy from logits ------------------------------------------------------------


@pytest.mark.parametrize("s", [-3.0, -0.5, 0.0, 0.7, 4.0])
@pytest.mark.parametrize("y", [0.0, 1.0, 0.25])
def test_bce_with_logits_equals_logistic_loss_of_sigmoid(s: float, y: float) -> None:
    logit = Value(s)
    loss = bce_with_logits(logit, y)
    p = sigmoid(s)
    assert loss.data == pytest.approx(-(y * math.log(p) + (1 - y) * math.log(1 - p)), rel=1e-12)
    assert grads(loss, logit) == [pytest.approx(p - y, abs=1e-15)]  # dL/ds = σ(s) - y
    assert gradcheck(lambda v: bce_with_logits(v, y), [s + 0.01])


@pytest.mark.parametrize("s", [-1e6, -1000.0, -40.0, 40.0, 1000.0, 1e6])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_bce_with_logits_is_finite_at_extreme_logits(s: float, y: float) -> None:
    logit = Value(s)
    loss = bce_with_logits(logit, y)
    loss.backward()
    assert math.isfinite(loss.data) and math.isfinite(logit.grad)
    wrong = (s > 0) != (y == 1.0)  # confidently wrong: loss ≈ |s|, gradient ≈ ±1
    if wrong:
        assert loss.data == pytest.approx(abs(s), rel=1e-12)
        assert logit.grad == pytest.approx(1.0 if s > 0 else -1.0)
    else:
        assert 0.0 <= loss.data < 1e-16
        assert abs(logit.grad) < 1e-16


def test_bce_with_logits_rejects_bad_targets() -> None:
    with pytest.raises(ValueError, match=r"target must be a finite number in \[0, 1\], got -1.0"):
        bce_with_logits(Value(0.0), -1.0)


# --- softmax and cross-entropy ------------------------------------------------------------------


def test_softmax_matches_the_formula_and_sums_to_one() -> None:
    logits = [1.0, -2.0, 0.5]
    total = sum(math.exp(s) for s in logits)
    probs = softmax([Value(s) for s in logits])
    assert [p.data for p in probs] == pytest.approx([math.exp(s) / total for s in logits], rel=1e-14)
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert gradcheck(lambda a, b, c: softmax([a, b, c])[1], logits)


@pytest.mark.parametrize("k", [0, 1, 2])
def test_softmax_cross_entropy_value_and_gradient(k: int) -> None:
    raw = [0.3, -1.2, 2.0]
    logits = [Value(s) for s in raw]
    loss = softmax_cross_entropy(logits, k)
    total = sum(math.exp(s) for s in raw)
    assert loss.data == pytest.approx(-math.log(math.exp(raw[k]) / total), rel=1e-14)
    # dL/dsᵢ = pᵢ - [i = k]
    expected = [math.exp(s) / total - (1.0 if i == k else 0.0) for i, s in enumerate(raw)]
    assert grads(loss, *logits) == pytest.approx(expected, abs=1e-14)
    assert gradcheck(lambda a, b, c: softmax_cross_entropy([a, b, c], k), raw)


def test_softmax_and_cross_entropy_are_finite_at_extreme_logits() -> None:
    raw = [1000.0, 0.0, -1000.0]
    probs = softmax([Value(s) for s in raw])
    assert [p.data for p in probs] == [1.0, 0.0, 0.0]
    for k, expected_loss in [(0, 0.0), (1, 1000.0), (2, 2000.0)]:
        logits = [Value(s) for s in raw]
        loss = softmax_cross_entropy(logits, k)
        loss.backward()
        assert loss.data == pytest.approx(expected_loss)
        assert all(math.isfinite(v.grad) for v in logits)
        assert [v.grad for v in logits] == pytest.approx([1.0 - (k == 0), -(k == 1), -(k == 2)], abs=1e-12)


def test_softmax_cross_entropy_checks_the_class() -> None:
    with pytest.raises(ValueError, match=r"class index\) must be an integer in \[0, 1\], got 2"):
        softmax_cross_entropy([Value(0.0), Value(1.0)], 2)
    with pytest.raises(ValueError, match="softmax of no logits"):
        softmax([])


# --- hinge --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "y", "loss", "grad"),
    [
        (0.3, 1, 0.7, -1.0),  # inside the margin: max(0, 1 - y·s), d/ds = -y
        (0.3, -1, 1.3, 1.0),
        (2.0, 1, 0.0, 0.0),  # beyond the margin: no loss, no gradient
        (-2.0, -1, 0.0, 0.0),
    ],
)
def test_hinge(score: float, y: int, loss: float, grad: float) -> None:
    s = Value(score)
    out = hinge(s, y)
    assert out.data == pytest.approx(loss)
    assert grads(out, s) == [grad]


def test_hinge_gradcheck_away_from_the_kink_and_bad_labels() -> None:
    assert gradcheck(lambda s: hinge(s, 1), [0.2])
    assert gradcheck(lambda s: hinge(s, -1), [0.4])
    with pytest.raises(ValueError, match="label of -1 or"):
        hinge(Value(0.0), 0)


def test_losses_accept_plain_numbers() -> None:
    assert squared_error(3.0, 1.0).data == 4.0
    assert bce_with_logits(0.0, 1.0).data == pytest.approx(math.log(2))
    assert hinge(0.5, 1).data == 0.5


# --- when things go wrong --------------------------------------------------------------------------
# losses when things go wrong: probabilities outside [0, 1], numpy labels, logits near the float limits,
# arguments that are not numbers, a cost of plain numbers.


@pytest.mark.parametrize("prob", [1.5, -0.2, 1.0000000000000002, Value(2.0)], ids=repr)
@pytest.mark.parametrize("y", [0.0, 1.0, 0.5])
def test_logistic_loss_refuses_a_prediction_outside_0_1(prob: object, y: float) -> None:
    # -log(1.5) = -0.405 would be a negative loss; torch's BCELoss refuses it too
    shown = repr(prob.data if isinstance(prob, Value) else prob)
    with pytest.raises(ValueError, match="bce_with_logits") as caught:
        logistic_loss(prob, y)  # type: ignore[arg-type]
    assert shown in str(caught.value) and "[0, 1]" in str(caught.value)


def test_logistic_loss_still_takes_the_edges_where_they_are_finite() -> None:
    assert logistic_loss(1.0, 1.0).data == 0.0 and logistic_loss(0.0, 0.0).data == 0.0


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: logistic_loss(0.5, "1"), TypeError, "target must be a number"),  # type: ignore[arg-type]
        (lambda: logistic_loss(0.5, Value(1.0)), TypeError, "target must be a number"),  # type: ignore[arg-type]
        (lambda: logistic_loss(0.5, 10**400), ValueError, "target must be a finite number in [0, 1]"),
        (lambda: bce_with_logits(0.5, None), TypeError, "target must be a number"),  # type: ignore[arg-type]
        (lambda: bce_with_logits(0.5, math.nan), ValueError, "target must be a finite number in [0, 1]"),
        (lambda: hinge(0.5, "1"), TypeError, "target must be a number"),  # type: ignore[arg-type]
        (lambda: softmax_cross_entropy([0.0, 1.0], 1.0), TypeError, "target (the class index) must be"),  # type: ignore[arg-type]
        (lambda: softmax_cross_entropy([0.0, 1.0], True), TypeError, "target (the class index) must be"),
        (lambda: softmax_cross_entropy([0.0, 1.0], 2), ValueError, "must be an integer in [0, 1], got 2"),
        (lambda: softmax_cross_entropy([], 0), ValueError, "no logits"),
        (lambda: softmax({0: 1.0}), TypeError, "logits must be a list or tuple"),  # type: ignore[arg-type]
        (lambda: cost("ab"), TypeError, "losses must be a list or tuple"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_are_named(call: object, error: type[Exception], words: str) -> None:
    with pytest.raises(error) as caught:
        call()  # type: ignore[operator]
    assert words in str(caught.value)


def test_numpy_labels_are_labels() -> None:
    logits = [1.0, 2.0]
    assert softmax_cross_entropy(logits, np.int64(1)).data == softmax_cross_entropy(logits, 1).data
    assert softmax_cross_entropy(logits, np.uint8(0)).data == softmax_cross_entropy(logits, 0).data
    assert bce_with_logits(0.3, np.float32(1.0)).data == bce_with_logits(0.3, 1.0).data
    assert logistic_loss(0.3, np.int64(0)).data == logistic_loss(0.3, 0).data
    assert hinge(0.3, np.int64(-1)).data == hinge(0.3, -1).data


def test_softmax_at_the_float_limits() -> None:
    # s0 - s1 = 2e308 is not a float, but every probability is: e^(s1 - s0) is exactly 0.0
    s = [Value(1e308), Value(-1e308), Value(0.0)]
    p = softmax(s)
    assert [q.data for q in p] == [1.0, 0.0, 0.0]
    p[0].backward()  # dp0/dsj = p0(δ0j - pj) = 0 for every j
    assert [v.grad for v in s] == [0.0, 0.0, 0.0]
    s = [Value(-1e308), Value(1e308)]
    p = softmax(s)
    (p[0] + 2 * p[1]).backward()  # d/dsj of p0 + 2·p1: still 0 for both
    assert [q.data for q in p] == [0.0, 1.0] and [v.grad for v in s] == [0.0, 0.0]


@pytest.mark.parametrize(("k", "loss", "grads"), [(0, 0.0, [0.0, 0.0, 0.0]), (2, 1e308, [1.0, 0.0, -1.0])])
def test_softmax_cross_entropy_at_the_float_limits(k: int, loss: float, grads: list[float]) -> None:
    # -log p_k = log Σ e^(sj - m) + m - s_k; dL/dsj = pj - [j = k] with p = (1, 0, 0)
    s = [Value(1e308), Value(-1e308), Value(0.0)]
    out = softmax_cross_entropy(s, k)
    out.backward()
    assert out.data == loss and [v.grad for v in s] == grads


def test_softmax_keeps_its_exact_floats_for_ordinary_logits() -> None:
    raw = [0.3, -1.2, 2.0]
    m = max(raw)
    total = math.exp(raw[0] - m) + math.exp(raw[1] - m) + math.exp(raw[2] - m)
    assert [p.data for p in softmax(raw)] == [math.exp(s - m) / total for s in raw]


def test_cost_of_plain_numbers_is_a_value() -> None:
    j = cost([1.0, 2.0, np.float64(6.0)])  # type: ignore[list-item]
    assert isinstance(j, Value) and j.data == 3.0
    one = cost([Value(4.0)])
    assert one.data == 4.0


def test_mse_needs_sequences() -> None:
    with pytest.raises(TypeError, match="preds must be a list or tuple"):
        mse((p for p in [1.0]), [1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="targets must be a list or tuple"):
        mse([1.0], {1.0})  # type: ignore[arg-type]
