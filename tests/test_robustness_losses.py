"""losses when things go wrong: probabilities outside [0, 1], numpy labels, logits near the float
limits, arguments that are not numbers, a cost of plain numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from micrograd_like import Value
from micrograd_like.learn.losses import (
    bce_with_logits,
    cost,
    hinge,
    logistic_loss,
    mse,
    softmax,
    softmax_cross_entropy,
)


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
        (lambda: logistic_loss(0.5, "1"), TypeError, "target must be a number"),
        (lambda: logistic_loss(0.5, Value(1.0)), TypeError, "target must be a number"),
        (lambda: logistic_loss(0.5, 10**400), ValueError, "target must be a finite number in [0, 1]"),
        (lambda: bce_with_logits(0.5, None), TypeError, "target must be a number"),
        (lambda: bce_with_logits(0.5, math.nan), ValueError, "target must be a finite number in [0, 1]"),
        (lambda: hinge(0.5, "1"), TypeError, "target must be a number"),
        (lambda: softmax_cross_entropy([0.0, 1.0], 1.0), TypeError, "target (the class index) must be"),
        (lambda: softmax_cross_entropy([0.0, 1.0], True), TypeError, "target (the class index) must be"),
        (lambda: softmax_cross_entropy([0.0, 1.0], 2), ValueError, "must be an integer in [0, 1], got 2"),
        (lambda: softmax_cross_entropy([], 0), ValueError, "no logits"),
        (lambda: softmax({0: 1.0}), TypeError, "logits must be a list or tuple"),
        (lambda: cost("ab"), TypeError, "losses must be a list or tuple"),
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
    j = cost([1.0, 2.0, np.float64(6.0)])
    assert isinstance(j, Value) and j.data == 3.0
    one = cost([Value(4.0)])
    assert one.data == 4.0


def test_mse_needs_sequences() -> None:
    with pytest.raises(TypeError, match="preds must be a list or tuple"):
        mse((p for p in [1.0]), [1.0])
    with pytest.raises(TypeError, match="targets must be a list or tuple"):
        mse([1.0], {1.0})
