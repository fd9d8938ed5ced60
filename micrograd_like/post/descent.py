"""Gradient descent along one weight of the worked example: the curve J(w), its slope and curvature
from the engine, the step w ← w − α·dL/dw, and what each step did, in words.

Vary one parameter of a `WorkedExample` (say w[2]12), the others fixed: L becomes a curve J(w).
`slope` is dL/dw by backpropagation, `curvature` d²L/dw² by backpropagating through the backward
pass (`grad(..., create_graph=True)`); neither changes any `.grad`.

Why too large an α overshoots, on the parabola the slope g and the curvature c > 0 draw at w,
J(w + d) ≈ J(w) + g·d + ½·c·d². A step d = −α·g leaves the new slope g' = g·(1 − α·c):

- α < 1/c: g' has g's sign, the step stays on its side of the parabola's bottom;
- 1/c < α < 2/c: the sign flips, the step passes the bottom but lands lower (|g'| < |g|);
- α > 2/c: |g'| > |g|, the step lands higher than it started; repeated, the steps swing out: they
  diverge. `threshold` is this α* = 2/J''(w); α = 1/J'' is Newton's step, onto the bottom.

The real curve is a parabola only near w, so α* predicts what the curve does where it is close to
its parabola (near a minimum); `step_kind` says what a step actually did. With the post's target
y = 1, which tanh never reaches, L falls all the way along every single weight: there is no
minimum to pass, and every step goes downhill whatever α. A target the network can reach (e.g.
`build({"y": 0.5})`) gives each curve a minimum to overshoot.

    >>> from micrograd_like.example import build
    >>> ex = build({"y": 0.5, "w[2]12": 0.7})  # near the minimum of J(w[2]12), at w ≈ 0.74
    >>> round(slope(ex, "w[2]12"), 6), round(curvature(ex, "w[2]12"), 6), round(threshold(ex, "w[2]12"), 4)
    (-0.015474, 0.438152, 4.5646)
    >>> for lr in (2.0, 4.0, 5.0):  # below 1/J'', between 1/J'' and 2/J'', above 2/J''
    ...     print(lr, [step.kind for step in descend(ex, "w[2]12", lr, steps=3)])
    2.0 ['start', 'converges', 'converges', 'converges']
    4.0 ['start', 'overshot', 'oscillates', 'oscillates']
    5.0 ['start', 'diverges', 'diverges', 'diverges']
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.engine import Value
from ..core.higher import grad
from ..learn.optim import DivergenceError
from ..util import checks
from .example import WorkedExample

# What a step did, keyed by `step_kind`'s answer: the words the Python text and the page both show.
STEP_WORDS: dict[str, str] = {
    "start": "start: where the descent begins",
    "converges": "converges: downhill, and the slope kept its sign",
    "overshot": "overshot: the slope changed sign (the step passed the minimum; J still went down)",
    "oscillates": "oscillates: the slope changed sign again (J still went down)",
    "diverges": "diverges: J went up (the step was too large for the curvature)",
    "still": "still: the slope is 0, so the step is 0",
}


@dataclass(frozen=True)
class Step:
    """One point of a descent along a weight: the weight w, J = L there, the slope dL/dw there,
    and `kind`, what the step that arrived here did (a key of `STEP_WORDS`; "start" for the first)."""

    w: float
    J: float
    slope: float
    kind: str = "start"

    @property
    def text(self) -> str:
        """`kind` in words."""
        return STEP_WORDS[self.kind]


def _weight(ex: WorkedExample, name: str) -> Value:
    ex._check_param(name)  # the example's own message, listing its parameters
    return ex.nodes[name]


def loss_along(ex: WorkedExample, name: str, ws: Iterable[float]) -> list[float]:
    """L with parameter `name` set to each w in `ws`, every other number as in `ex`.

        >>> from micrograd_like.example import build
        >>> loss_along(build(), "w[2]12", [0.35])  # the example's own L
        [0.4821116197434396]

    ValueError for an unknown parameter, a w that is not a finite number, or one at which the
    forward pass fails.
    """
    _weight(ex, name)
    out: list[float] = []
    for i, w in enumerate(ws):
        w = checks.real(f"ws[{i}]", w)
        try:
            out.append(ex.with_params({name: w}).loss.data)
        except ArithmeticError as error:
            raise ValueError(f"the forward pass fails with {name} = {w!r}: {error}") from None
    return out


def slope(ex: WorkedExample, name: str) -> float:
    """dL/dw for parameter `name`, by backpropagation; no `.grad` changes.

    >>> from micrograd_like.example import build
    >>> slope(build(), "w[2]12")  # 2(ŷ − y) · (1 − ŷ²) · z[1]2
    -0.7608659278951793
    """
    return grad(ex.loss, _weight(ex, name))


def curvature(ex: WorkedExample, name: str) -> float:
    """d²L/dw² for parameter `name`: the backward pass's graph (`create_graph=True`) differentiated
    again; no `.grad` changes."""
    w = _weight(ex, name)
    return grad(grad(ex.loss, w, create_graph=True), w)


def threshold(ex: WorkedExample, name: str) -> float | None:
    """α* = 2 / J''(w): the learning rate above which a step lands higher on the curve's local
    parabola than it started (see the module docstring). None where J''(w) <= 0: there the
    parabola opens downwards (or is a line) and no α makes a downhill step swing back up on it."""
    c = curvature(ex, name)
    return 2.0 / c if c > 0 else None


def step_kind(before: Step, after: Step, earlier: Step | None = None) -> str:
    """What the step from `before` to `after` did (`earlier`: the point before `before`, if any).

    "still" if the slope at `before` is 0; else "diverges" if J went up; else, if the slope
    changed sign, "oscillates" when it also did on the step before, otherwise "overshot"; else
    "converges". A key of `STEP_WORDS`.
    """
    if before.slope == 0:
        return "still"
    if after.J > before.J:
        return "diverges"
    if before.slope * after.slope < 0:
        flipped_before = earlier is not None and earlier.slope * before.slope < 0
        return "oscillates" if flipped_before else "overshot"
    return "converges"


def descent_step(ex: WorkedExample, name: str, lr: float | None = None) -> tuple[float, float, float]:
    """One step w ← w − α·dL/dw on parameter `name` (α = `lr`, or the example's lr): the new w,
    and L and dL/dw there.

        >>> from micrograd_like.example import build
        >>> w, J, g = descent_step(build(), "w[2]12")  # the post's step, α = 0.1
        >>> w  # 0.35 − 0.1 · (−0.7608659278951793), as build().update() has it
        0.4260865927895179
    """
    w, J, g, _ = _step(ex, name, ex.lr if lr is None else lr)
    return w, J, g


def _step(ex: WorkedExample, name: str, lr: float) -> tuple[float, float, float, WorkedExample]:
    rate = checks.real("lr", lr, low=0.0, low_open=True)
    g = slope(ex, name)  # checks the name
    w = ex.params[name]
    new = w - rate * g
    if not math.isfinite(new):
        raise DivergenceError(
            f"{name} would become {new!r} (it is {w!r}, dL/dw = {g!r}): "
            f"lower the learning rate (lr={rate:g})",
            parameter=name,
        )
    after = ex.with_params({name: new})
    return new, after.loss.data, slope(after, name), after


def descend(ex: WorkedExample, name: str, lr: float | None = None, steps: int = 10) -> list[Step]:
    """`steps` steps of gradient descent on parameter `name` alone (α = `lr`, or the example's lr):
    steps + 1 points, the start first, each with what the step that reached it did."""
    rate = checks.real("lr", ex.lr if lr is None else lr, low=0.0, low_open=True)
    count = checks.integer("steps", steps, low=0, high=100_000)
    g = slope(ex, name)  # checks the name
    history = [Step(ex.params[name], ex.loss.data, g)]
    for _ in range(count):
        w, J, g, ex = _step(ex, name, rate)
        point = Step(w, J, g)
        earlier = history[-2] if len(history) > 1 else None
        history.append(Step(w, J, g, step_kind(history[-1], point, earlier)))
    return history


def describe(history: list[Step], name: str = "w") -> str:
    """The history as text, one line per point: step number, w, J, slope and what the step did."""
    return "\n".join(
        f"{k:>3}  {name} = {p.w:.6g}  J = {p.J:.6g}  dJ/d{name} = {p.slope:+.6g}  {p.text}"
        for k, p in enumerate(history)
    )
