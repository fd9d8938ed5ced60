"""Check analytic gradients against central finite differences.

    >>> from micrograd_like import gradcheck
    >>> gradcheck(lambda a, b: (a * b + a.exp()).tanh(), [0.3, -1.2])
    True

On a mismatch `GradcheckError` shows a table (input, analytic, numeric, error) and, when one op's
rule disagrees with its own forward function, names that op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from ..util import checks
from .engine import Value, no_grad
from .order import backward_order
from .rules import Rule


class GradcheckError(AssertionError):
    """Analytic and numeric gradients disagree; the message holds the comparison table."""


@dataclass(frozen=True)
class GradRow:
    name: str
    analytic: float
    numeric: float

    @property
    def error(self) -> float:
        return abs(self.analytic - self.numeric)


def central_difference(f: Callable[[float], float], x: float, eps: float) -> float:
    """(f(x + eps) - f(x - eps)) / 2eps: error O(eps²) for smooth f."""
    eps = checks.real("eps", eps, low=0.0, low_open=True)
    return (f(x + eps) - f(x - eps)) / (2.0 * eps)


def _tolerances(eps: object, atol: object, rtol: object) -> tuple[float, float, float]:
    """eps > 0 and atol, rtol >= 0, all finite: a NaN tolerance would let any mismatch pass."""
    return (
        checks.real("eps", eps, low=0.0, low_open=True),
        checks.real("atol", atol, low=0.0),
        checks.real("rtol", rtol, low=0.0),
    )


def _points(inputs: Iterable[float | Value]) -> list[float | Value]:
    if isinstance(inputs, (str, bytes, Mapping, Set)) or not isinstance(inputs, Iterable):
        raise TypeError(f"inputs must be a list or tuple of numbers or Values, got {type(inputs).__name__}")
    given = list(inputs)
    if not given:
        raise ValueError("gradcheck needs at least one input")
    return [x if isinstance(x, Value) else checks.real(f"inputs[{i}]", x) for i, x in enumerate(given)]


def gradcheck(
    f: Callable[..., Value],
    inputs: Iterable[float | Value],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """True if d f / d input matches finite differences for every input; else GradcheckError.

    `f` takes one `Value` per input and returns a `Value`. Inputs may be numbers or Values (their
    labels name the rows). Each input is compared with |analytic - numeric| <= atol + rtol·|numeric|.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of Values, got {type(f).__name__}")
    eps, atol, rtol = _tolerances(eps, atol, rtol)
    inputs = _points(inputs)
    points = [x.data if isinstance(x, Value) else x for x in inputs]
    names = [(x.label if isinstance(x, Value) and x.label else f"x{i}") for i, x in enumerate(inputs)]

    leaves = [Value(x, name) for x, name in zip(points, names)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    out.backward()

    def f_at(i: int) -> Callable[[float], float]:
        def value(x: float) -> float:
            shifted = [Value(x if j == i else p) for j, p in enumerate(points)]
            with no_grad():
                return f(*shifted).data

        return value

    rows = [
        GradRow(names[i], leaves[i].grad, central_difference(f_at(i), points[i], eps))
        for i in range(len(points))
    ]
    bad = [r for r in rows if r.error > atol + rtol * abs(r.numeric)]
    if not bad:
        return True
    lines = [f"{'input':>10} {'analytic':>14} {'numeric':>14} {'error':>10}"]
    for r in rows:
        mark = "  <-- mismatch" if r in bad else ""
        lines.append(f"{r.name:>10} {r.analytic:>14.8g} {r.numeric:>14.8g} {r.error:>10.3g}{mark}")
    culprit = find_bad_rule(out, eps=eps, atol=atol, rtol=rtol)
    if culprit:
        lines.append(culprit)
    raise GradcheckError("gradients disagree with finite differences:\n" + "\n".join(lines))


def check_rule(
    rule: Rule, inputs: Sequence[float], *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-4
) -> str | None:
    """None if `rule.local` matches finite differences of `rule.forward` at `inputs`, else why not."""
    eps, atol, rtol = _tolerances(eps, atol, rtol)
    out = rule.forward(*inputs)
    analytic = rule.local(out, *inputs)
    for k, (x, local) in enumerate(zip(inputs, analytic)):

        def along_k(t: float, k: int = k) -> float:
            return rule.forward(*[t if j == k else v for j, v in enumerate(inputs)])

        numeric = central_difference(along_k, x, eps)
        if abs(local - numeric) > atol + rtol * abs(numeric):
            return (
                f"op {rule.name!r} disagrees with its own forward at inputs {tuple(inputs)}: "
                f"{rule.formulas[k]} gives {local:.8g}, finite differences give {numeric:.8g}"
            )
    return None


def find_bad_rule(root: Value, **tolerances: float) -> str | None:
    """The first op node below `root` whose rule fails `check_rule` at its recorded inputs."""
    for node in backward_order(root):
        rule = node.rule
        if rule is None:
            continue
        try:
            problem = check_rule(rule, [p.data for p in node.parents], **tolerances)
        except (ArithmeticError, ValueError):
            continue  # too close to a domain edge to probe numerically
        if problem:
            return problem
    return None
