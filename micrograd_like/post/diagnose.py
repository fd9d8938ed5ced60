"""What one gradient-descent step did, in plain words: downhill, overshot, saturated or stuck.

A step that lowers the loss is not always a good step. `judge_step(before, after)` compares two
`WorkedExample`s (one step apart) and says what a teacher would: the loss went up (the step
overshot); ŷ jumped past the target (the step passed the minimum); a tanh or sigmoid unit
saturated (|s| so large that its slope dz/ds is almost 0, so gradients through it vanish); the
gradients vanished altogether (further steps cannot move). `judged_steps(ex, n)` runs n steps and judges
each, for `micrograd-like example --train N`.

    >>> from micrograd_like.example import build
    >>> ex = build({"lr": 100.0})
    >>> report = judge_step(ex, ex.after_update())
    >>> report.lower, [unit.name for unit in report.saturated]
    (True, ['z[1]1', 'z[1]2', 'z[2]'])
    >>> print(report.verdict(lambda x: f"{x:.4g}"))  # doctest: +NORMALIZE_WHITESPACE
    lower, but the step was far too big: tanh saturated in z[1]1, z[1]2, z[2] (|s| up to 172.5,
    slope dz/ds below 0.01), so the gradients through them have vanished (the largest |dL/dw| is
    now 0) and further steps cannot move those weights; try a smaller α
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .example import WorkedExample

SATURATED = 0.01  # a unit whose slope dz/ds is below this share of its largest slope is saturated
VANISHED = 1e-3  # gradients this many times smaller than before the step have vanished

Format = Callable[[float], str]


@dataclass(frozen=True)
class Saturation:
    """A unit whose activation is flat where it sits: z = f(s) with slope dz/ds ≈ 0."""

    name: str  # z[1]1
    op: str  # tanh
    s: float
    z: float
    slope: float  # dz/ds, from the op's rule


def saturated(ex: WorkedExample, share: float = SATURATED) -> list[Saturation]:
    """The activation nodes of `ex` whose slope is below `share` of the activation's slope at 0.

    Read from the graph: every one-input op node whose rule has a positive slope at 0 (tanh:
    1, sigmoid: 1/4; relu's is 0 there, so it is not judged this way).
    """
    found = []
    for name in ex.forward_names:
        node = ex.nodes[name]
        rule = node.rule
        if rule is None or len(node.parents) != 1:
            continue
        (at_zero,) = rule.local(rule.forward(0.0), 0.0)
        if at_zero <= 0.0:
            continue
        (slope,) = node.local_grads()
        if abs(slope) < share * at_zero:
            found.append(Saturation(name, node.op, node.parents[0].data, node.data, slope))
    return found


def _largest(grads: dict[str, float]) -> float:
    return max((abs(g) for g in grads.values()), default=0.0)


@dataclass(frozen=True)
class StepReport:
    """One gradient-descent step judged: before → after."""

    loss_before: float
    loss_after: float
    output_before: float  # ŷ
    output_after: float
    target: float
    saturated: tuple[Saturation, ...]  # after the step
    largest_before: float  # the largest |dL/dp| before the step
    largest_after: float  # ... and after it

    @property
    def lower(self) -> bool:
        return self.loss_after < self.loss_before

    @property
    def rose(self) -> bool:
        return self.loss_after > self.loss_before

    @property
    def passed_target(self) -> bool:
        """ŷ jumped from one side of y to the other: the step passed the minimum ŷ = y."""
        return (self.output_before - self.target) * (self.output_after - self.target) < 0

    @property
    def vanished(self) -> bool:
        """The gradients shrank a thousandfold (or more) while the loss is not 0."""
        return self.loss_after > 0.0 and self.largest_after < VANISHED * self.largest_before

    def warnings(self, f: Format) -> list[str]:
        """Short notes for a table row: what went wrong in this step, if anything."""
        notes = []
        if self.passed_target:
            notes.append(f"ŷ passed y = {f(self.target)}")
        if self.rose:
            notes.append("L rose: overshot")
        if self.saturated:
            notes.append(f"saturated: {', '.join(unit.name for unit in self.saturated)}")
        if self.vanished or (self.saturated and self.largest_after < VANISHED):
            notes.append("gradients vanished")
        return notes

    def verdict(self, f: Format) -> str:
        """The step in one sentence (no trailing period)."""
        head = "lower" if self.lower else "higher" if self.rose else "unchanged"
        if self.saturated:
            op = ", ".join(sorted({unit.op for unit in self.saturated}))
            names = ", ".join(unit.name for unit in self.saturated)
            biggest = max(abs(unit.s) for unit in self.saturated)
            return (
                f"{head}, but the step was far too big: {op} saturated in {names} (|s| up to "
                f"{f(biggest)}, slope dz/ds below {SATURATED:g}), so the gradients through them have "
                f"vanished (the largest |dL/dw| is now {f(self.largest_after)}) and further steps "
                "cannot move those weights; try a smaller α"
            )
        passed = (
            f"ŷ jumped from {f(self.output_before)} past the target y = {f(self.target)} to "
            f"{f(self.output_after)}, so the step passed the minimum"
        )
        if self.rose:
            why = passed if self.passed_target else "it went past the lowest point along its direction"
            return f"higher: the step overshot ({why}); a learning rate this big diverges, try a smaller α"
        if self.lower and self.passed_target:
            return f"lower, but {passed}; a somewhat bigger α would overshoot so far that L rises"
        text = "lower: the step went downhill" if self.lower else "unchanged"
        if self.vanished:
            text += f"; but the gradients have vanished (the largest |dL/dw| is now {f(self.largest_after)})"
        return text


def judge_step(before: WorkedExample, after: WorkedExample) -> StepReport:
    """Compare two examples one gradient-descent step apart (no `.grad` changes in either)."""
    return StepReport(
        before.loss.data,
        after.loss.data,
        before.output.data,
        after.output.data,
        before.target.data,
        tuple(saturated(after)),
        _largest(before.gradients()),
        _largest(after.gradients()),
    )


@dataclass(frozen=True)
class TrainStep:
    """One row of `judged_steps`: the example after `index` steps, and how the step that led here went."""

    index: int
    example: WorkedExample
    report: StepReport | None  # None for step 0, the starting point


def judged_steps(ex: WorkedExample, steps: int) -> Iterator[TrainStep]:
    """Step 0 (ex itself), then `steps` steps of gradient descent, each judged by `judge_step`.

    Stops early (with a ValueError from `after_update`) if the numbers leave float range.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"the number of training steps must be a whole number >= 0, got {steps!r}")
    yield TrainStep(0, ex, None)
    for index in range(1, steps + 1):
        after = ex.after_update()
        yield TrainStep(index, after, judge_step(ex, after))
        ex = after
