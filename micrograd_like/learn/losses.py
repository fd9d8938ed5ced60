"""Loss functions built from engine ops, so `backward()` flows through them like any expression.

- `squared_error(ŷ, y)` = (ŷ - y)², the post's loss for one sample; `mse` averages it over many.
- `logistic_loss(ŷ, y)` = -(y·log ŷ + (1 - y)·log(1 - ŷ)) on a probability ŷ (the post's logistic
  regression loss); `cost(losses)` is J = (1/m)·Σ L, the mean over the training set.
- `bce_with_logits(s, y)`: the same loss on a logit s (ŷ = σ(s)), stable for any s.
- `softmax(logits)` and `softmax_cross_entropy(logits, k)`: several classes, stable for any logits.
- `hinge(score, y)` = max(0, 1 - y·score) for y in {-1, +1} (the max-margin loss).

Each per-sample loss is a `Form`: the point where the numbers choose its graph (bce_with_logits's
branch on the sign of s, softmax's shift by the largest logit) is its `shape`, stated once, and
the graph is built from that. Calling the form builds the loss on the engine; the compiler reads
the split to compile each shape once and run it on any numbers (fit's compiled steps).

    >>> from micrograd_like import Value
    >>> y_hat = Value(0.5)
    >>> loss = squared_error(y_hat, 1.0)
    >>> loss.backward()
    >>> loss.data, y_hat.grad  # (0.5 - 1)² and 2(ŷ - y)
    (0.25, -1.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.engine import Value, as_float
from ..util import checks

Scalar = Value | float
Shape = Callable[[Sequence[float], Any], tuple[Hashable, tuple[float, ...]]]
Graph = Callable[[Sequence[Value], Sequence[Any], Any], Value]


@dataclass(frozen=True, eq=False)
class Form:
    """A per-sample loss split where the numbers choose its graph.

    `shape(outputs, target)` takes the outputs' values and the target (checking it) and gives
    (key, numbers): the key fixes every op and every constant of the graph, and `numbers` are the
    floats that vary within one shape (a regression target, softmax's shift). `graph(outputs,
    numbers, key)` builds the loss from the outputs (Values) and the numbers: plain floats on the
    engine (so they are constants, as if written in), leaves when compiled, with the same float
    operations either way. `form(outputs, target)` is the loss on the engine.

    The compiler builds `graph` once per key and reuses it for every sample of that key, so the
    graph must depend on the numbers only through the key and `numbers` (whose count the key fixes):
    a branch on a value belongs in `shape`.
    """

    name: str
    shape: Shape
    graph: Graph

    def __call__(self, outputs: Sequence[Value], target: Any) -> Value:
        key, numbers = self.shape([o.data for o in outputs], target)
        return self.graph(outputs, numbers, key)

    def with_target(self, convert: Callable[[Any], Any]) -> Form:
        """The same loss reading its target through `convert` (fit's hinge reads a 0/1 label as ∓1)."""
        shape = self.shape
        return Form(self.name, lambda outputs, target: shape(outputs, convert(target)), self.graph)


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


# the first output against a number: one shape, the target a number of it
SQUARED_ERROR = Form(
    "squared_error",
    lambda outputs, target: ((), (as_float(target, "target"),)),
    lambda outputs, numbers, key: squared_error(outputs[0], numbers[0]),
)


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
    return LOGISTIC([_value(prob)], target)


def _logistic_shape(outputs: Sequence[float], target: object) -> tuple[Hashable, tuple[float, ...]]:
    y = _label(target)
    p = outputs[0]
    if not 0.0 <= p <= 1.0:
        raise ValueError(
            f"logistic_loss needs a probability ŷ in [0, 1], got {p!r}; for a raw score (a logit, "
            "e.g. a linear output) use bce_with_logits, which applies the sigmoid itself"
        )
    # a label of 1 or 0 leaves the other term, 0·log(...), out, so ŷ → 1 (or 0) stays finite
    return ("one" if y == 1.0 else "zero" if y == 0.0 else "both"), (y,)


def _logistic_graph(outputs: Sequence[Value], numbers: Sequence[Any], key: object) -> Value:
    p, y = outputs[0], numbers[0]
    if key == "one":
        return -p.log()
    if key == "zero":
        return -(1.0 - p).log()
    return -(y * p.log() + (1.0 - y) * (1.0 - p).log())


LOGISTIC = Form("logistic_loss", _logistic_shape, _logistic_graph)


def bce_with_logits(logit: Scalar, target: float) -> Value:
    """Binary cross-entropy of σ(s) against y, computed from the logit s without overflow.

    L = softplus(s) - y·s with softplus(s) = log(1 + e^s) written as s + log(1 + e^-s) for s > 0
    and log(1 + e^s) otherwise, so the exponent is never positive. dL/ds = σ(s) - y.
    """
    return BCE_WITH_LOGITS([_value(logit)], target)


def _bce_shape(outputs: Sequence[float], target: object) -> tuple[Hashable, tuple[float, ...]]:
    y = _label(target)
    return (outputs[0] > 0, y != 0.0), (y,)  # the sign of s picks softplus's form; y = 0 drops y·s


def _bce_graph(outputs: Sequence[Value], numbers: Sequence[Any], key: tuple[bool, bool]) -> Value:
    s, y = outputs[0], numbers[0]
    positive, labelled = key
    softplus = s + (1.0 + (-s).exp()).log() if positive else (1.0 + s.exp()).log()
    return softplus - y * s if labelled else softplus


BCE_WITH_LOGITS = Form("bce_with_logits", _bce_shape, _bce_graph)


def _logits(what: str, logits: Sequence[Scalar]) -> tuple[list[Value], float]:
    """The logits as Values and m = their largest value."""
    values = [_value(s) for s in checks.sequence("logits", logits, "logits (Values or numbers)")]
    if not values:
        raise ValueError(f"{what} of no logits is undefined")
    return values, max(v.data for v in values)


def _finite_shifts(data: Sequence[float], m: float) -> tuple[bool, ...]:
    """Whether each v - m is a float (it is not when the logits span more than the largest float)."""
    if math.isfinite(min(data) - m):  # the widest shift is a float, so every other one is too
        return (True,) * len(data)
    return tuple(math.isfinite(v - m) for v in data)


def _shifted_exp(v: Value, m: Scalar, finite: bool) -> Value:
    """e^(v - m) for v <= m: at most 1, so it never overflows.

    v - m itself overflows when the logits span more than the largest float (1e308 and -1e308),
    `finite` False; then e^(v - m) is 0.0 anyway, and (e^(v/2 - m/2))² gives that 0.0, and its
    gradient 0, from halves that cannot overflow. Every other logit keeps the plain e^(v - m).
    """
    if finite:
        return (v - m).exp()
    return (0.5 * v - 0.5 * m).exp() ** 2


def softmax(logits: Sequence[Scalar]) -> list[Value]:
    """pᵢ = e^(sᵢ - m) / Σⱼ e^(sⱼ - m) with m = max s (a constant shift: no overflow, same result)."""
    values, m = _logits("softmax", logits)
    finite = _finite_shifts([v.data for v in values], m)
    exps = [_shifted_exp(v, m, f) for v, f in zip(values, finite)]
    total = exps[0]
    for e in exps[1:]:
        total = total + e
    return [e / total for e in exps]


def softmax_cross_entropy(logits: Sequence[Scalar], target: int) -> Value:
    """-log softmax(s)[k] = log Σⱼ e^(sⱼ - m) + m - s_k, stable for any logits; dL/dsᵢ = pᵢ - [i = k].

    The loss itself overflows only when it is larger than a float (m - s_k > 1.8e308).
    """
    values, _ = _logits("softmax_cross_entropy", logits)
    return SOFTMAX_CROSS_ENTROPY(values, target)


def _softmax_ce_shape(outputs: Sequence[float], target: object) -> tuple[Hashable, tuple[float, ...]]:
    k = checks.integer("target (the class index)", target, low=0, high=len(outputs) - 1)
    m = max(outputs)
    return (k, _finite_shifts(outputs, m)), (m,)


def _softmax_ce_graph(
    outputs: Sequence[Value], numbers: Sequence[Any], key: tuple[int, tuple[bool, ...]]
) -> Value:
    (m,), (k, finite) = numbers, key
    total = _shifted_exp(outputs[0], m, finite[0])
    for v, f in zip(outputs[1:], finite[1:]):
        total = total + _shifted_exp(v, m, f)
    return total.log() + m - outputs[k]


SOFTMAX_CROSS_ENTROPY = Form("softmax_cross_entropy", _softmax_ce_shape, _softmax_ce_graph)


def hinge(score: Scalar, target: float) -> Value:
    """max(0, 1 - y·score) for a label y of -1 or +1: zero once the sample is on its side by a margin of 1."""
    return HINGE([_value(score)], target)


def _hinge_shape(outputs: Sequence[float], target: object) -> tuple[Hashable, tuple[float, ...]]:
    y = checks.real("target", target)
    if y not in (-1.0, 1.0):
        raise ValueError(f"hinge needs a label of -1 or +1, got {checks.show(target)}")
    return y, ()  # the label is the shape: two of them


HINGE = Form("hinge", _hinge_shape, lambda outputs, numbers, y: (1.0 - y * outputs[0]).relu())
