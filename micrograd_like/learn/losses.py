"""Loss functions built from engine ops, so `backward()` flows through them like any expression.

- `squared_error(ŷ, y)` = (ŷ - y)², the post's loss for one sample; `mse` averages it over many.
- `logistic_loss(ŷ, y)` = -(y·log ŷ + (1 - y)·log(1 - ŷ)) on a probability ŷ (the post's logistic
  regression loss); `cost(losses)` is J = (1/m)·Σ L, the mean over the training set.
- `bce_with_logits(s, y)`: the same loss on a logit s (ŷ = σ(s)), stable for any s.
- `softmax(logits)` and `softmax_cross_entropy(logits, k)`: several classes, stable for any logits.
- `hinge(score, y)` = max(0, 1 - y·score) for y in {-1, +1} (the max-margin loss).

    >>> from micrograd_like import Value
    >>> y_hat = Value(0.5)
    >>> loss = squared_error(y_hat, 1.0)
    >>> loss.backward()
    >>> loss.data, y_hat.grad  # (0.5 - 1)² and 2(ŷ - y)
    (0.25, -1.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..core.engine import Value
from ..util import checks

Scalar = Value | float


def _value(x: Scalar) -> Value:
    return x if isinstance(x, Value) else Value(x, kind="constant")


def _label(target: object) -> float:
    """A label for the binary losses: a number in [0, 1] (numpy scalars too)."""
    return checks.real("target", target, low=0.0, high=1.0)


def _check_pairs(what: str, preds: Sequence[object], targets: Sequence[object]) -> None:
    checks.sequence("preds", preds, "predictions")
    checks.sequence("targets", targets, "targets")
    if len(preds) != len(targets):
        raise ValueError(f"{what} needs as many predictions as targets, got {len(preds)} and {len(targets)}")
    if not preds:
        raise ValueError(f"{what} of no samples is undefined")


def squared_error(pred: Scalar, target: Scalar) -> Value:
    """L = (ŷ - y)²; dL/dŷ = 2(ŷ - y)."""
    return (_value(pred) - target) ** 2


def cost(losses: Sequence[Value]) -> Value:
    """J = (1/m)·Σ L over m per-sample losses: the cost the post minimises."""
    losses = [_value(loss) for loss in checks.sequence("losses", losses, "losses (Values or numbers)")]
    if not losses:
        raise ValueError("cost of no samples is undefined")
    total = losses[0]
    for loss in losses[1:]:
        total = total + loss
    return total / len(losses) if len(losses) > 1 else total


def mse(preds: Sequence[Scalar], targets: Sequence[Scalar]) -> Value:
    """Mean squared error: (1/m)·Σ (ŷᵢ - yᵢ)²."""
    _check_pairs("mse", preds, targets)
    return cost([squared_error(p, y) for p, y in zip(preds, targets)])


def logistic_loss(prob: Scalar, target: float) -> Value:
    """L(ŷ, y) = -(y·log ŷ + (1 - y)·log(1 - ŷ)) for a probability 0 < ŷ < 1 and a label y in [0, 1].

    A prediction outside [0, 1] is refused (its "loss" could be negative), as torch's BCELoss does.
    A prediction of exactly 0 or 1 has log(0) in it unless the label agrees: the engine raises.
    Score a logit with `bce_with_logits` instead, which never does.
    """
    target = _label(target)
    p = _value(prob)
    if not 0.0 <= p.data <= 1.0:
        raise ValueError(
            f"logistic_loss needs a probability ŷ in [0, 1], got {p.data!r}; for a raw score (a logit, "
            "e.g. a linear output) use bce_with_logits, which applies the sigmoid itself"
        )
    if target == 1.0:  # the other term is 0·log(1 - ŷ): leave it out, so ŷ → 1 stays finite
        return -p.log()
    if target == 0.0:
        return -(1.0 - p).log()
    return -(target * p.log() + (1.0 - target) * (1.0 - p).log())


def bce_with_logits(logit: Scalar, target: float) -> Value:
    """Binary cross-entropy of σ(s) against y, computed from the logit s without overflow.

    L = softplus(s) - y·s with softplus(s) = log(1 + e^s) written as s + log(1 + e^-s) for s > 0
    and log(1 + e^s) otherwise, so the exponent is never positive. dL/ds = σ(s) - y.
    """
    target = _label(target)
    s = _value(logit)
    softplus = s + (1.0 + (-s).exp()).log() if s.data > 0 else (1.0 + s.exp()).log()
    return softplus - target * s if target else softplus


def _logits(what: str, logits: Sequence[Scalar]) -> tuple[list[Value], float]:
    """The logits as Values and m = their largest value."""
    values = [_value(s) for s in checks.sequence("logits", logits, "logits (Values or numbers)")]
    if not values:
        raise ValueError(f"{what} of no logits is undefined")
    return values, max(v.data for v in values)


def _shifted_exp(v: Value, m: float) -> Value:
    """e^(v - m) for v <= m: at most 1, so it never overflows.

    v - m itself overflows when the logits span more than the largest float (1e308 and -1e308);
    then e^(v - m) is 0.0 anyway, and (e^(v/2 - m/2))² gives that 0.0, and its gradient 0, from
    halves that cannot overflow. Every other logit keeps the plain e^(v - m).
    """
    if math.isfinite(v.data - m):
        return (v - m).exp()
    return (0.5 * v - 0.5 * m).exp() ** 2


def softmax(logits: Sequence[Scalar]) -> list[Value]:
    """pᵢ = e^(sᵢ - m) / Σⱼ e^(sⱼ - m) with m = max s (a constant shift: no overflow, same result)."""
    values, m = _logits("softmax", logits)
    exps = [_shifted_exp(v, m) for v in values]
    total = exps[0]
    for e in exps[1:]:
        total = total + e
    return [e / total for e in exps]


def softmax_cross_entropy(logits: Sequence[Scalar], target: int) -> Value:
    """-log softmax(s)[k] = log Σⱼ e^(sⱼ - m) + m - s_k, stable for any logits; dL/dsᵢ = pᵢ - [i = k].

    The loss itself overflows only when it is larger than a float (m - s_k > 1.8e308).
    """
    values, m = _logits("softmax_cross_entropy", logits)
    k = checks.integer("target (the class index)", target, low=0, high=len(values) - 1)
    total = _shifted_exp(values[0], m)
    for v in values[1:]:
        total = total + _shifted_exp(v, m)
    return total.log() + m - values[k]


def hinge(score: Scalar, target: float) -> Value:
    """max(0, 1 - y·score) for a label y of -1 or +1: zero once the sample is on its side by a margin of 1."""
    y = checks.real("target", target)
    if y not in (-1.0, 1.0):
        raise ValueError(f"hinge needs a label of -1 or +1, got {checks.show(target)}")
    return (1.0 - y * _value(score)).relu()
