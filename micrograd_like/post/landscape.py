"""The post's two-parameter landscape J(θ1, θ2), and optimizers run on it.

    J(θ1, θ2) = 0.12·(θ1² + θ2²) + 1.4
                − 1.3·exp(−((θ1 + 0.8)² + (θ2 + 0.6)²) / 0.6)     the deep dip: global minimum
                − 0.7·exp(−((θ1 − 0.84)² + (θ2 − 0.84)²) / 0.25)  the shallow dip: local minimum

A wide bowl with two dips, as the post describes its lost figure: "there is the so-called local
minimum [...] One can be seen at θ1 and θ2 equals 0.8". Its stationary points, found with Newton's
method on `grad` and `hessian` (gradient below 1e-14 there, tested):

    global minimum  (−0.757833, −0.568375)   J = 0.213689   Hessian eigenvalues 4.51, 4.55
    local minimum   ( 0.804531,  0.804608)   J = 0.861690   Hessian eigenvalues 5.64, 5.79
    saddle          ( 0.251566,  0.294296)   J = 1.310461   Hessian eigenvalues −2.50, 0.85

`landscape` is written with engine ops, so `backward()`, `grad` and `hessian` differentiate it;
`FORMULA` is the same function in the expression language (`parse_expression`), op for op, so a
page can render it to JavaScript and get the same floats.

    >>> from micrograd_like import grad
    >>> J = landscape(0.8, 0.8)  # near the local minimum
    >>> round(J.data, 6)
    0.861807
    >>> t = [Value(x, kind="parameter") for x in LOCAL_MINIMUM]
    >>> [abs(d) < 1e-15 for d in grad(landscape(*t), t)]
    [True, True]

`landscape_run("Adam", (1.6, 1.9), 250, lr=0.05)` runs an optimizer of `optim` on it, as notebook 3
races them: [θ1, θ2, J] per step, the start first.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Sequence
from typing import Any

from ..core.engine import Value
from ..learn.optim import SGD, Adadelta, Adagrad, Adam, DivergenceError, Optimizer, RMSProp
from ..util import checks

Number = int | float

FORMULA = (
    "0.12*(t1**2 + t2**2) + 1.4"
    " - 1.3*exp(-((t1 + 0.8)**2 + (t2 + 0.6)**2)/0.6)"
    " - 0.7*exp(-((t1 - 0.84)**2 + (t2 - 0.84)**2)/0.25)"
)
GLOBAL_MINIMUM = (-0.7578328913085629, -0.5683746650834711)
LOCAL_MINIMUM = (0.8045311735356677, 0.8046077164961672)
SADDLE = (0.25156589127829804, 0.29429611866574246)

# The optimizers by their class names, as the page's script API names them; SGD's momentum and
# nesterov are its keyword arguments, as in Python.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.__name__: cls for cls in (SGD, Adagrad, Adadelta, RMSProp, Adam)
}
MAX_STEPS = 100_000  # a run for a picture; more is a typo
# The race notebook 3 runs, plus SGD with Nesterov momentum: (label, class name, keyword arguments).
# The page's landscape opens with these racers; the tests run them.
RACE: list[tuple[str, str, dict[str, Any]]] = [
    ("SGD", "SGD", {"lr": 0.3}),
    ("SGD + momentum", "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD + nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("Adagrad", "Adagrad", {"lr": 0.3}),
    ("Adadelta", "Adadelta", {"lr": 1.0}),
    ("RMSProp", "RMSProp", {"lr": 0.02}),
    ("Adam", "Adam", {"lr": 0.05}),
]
RACE_START = (1.6, 1.9)  # notebook 3's first start: the race splits between the two dips


def landscape(t1: Value | Number, t2: Value | Number) -> Value:
    """J(θ1, θ2), the module docstring's formula, as a graph of engine ops labelled "J".

    `t1`, `t2` are Values (differentiate with respect to them) or numbers (each becomes a leaf
    labelled θ1 or θ2). The op order is `FORMULA`'s, so both give the same float.
    """
    t1 = t1 if isinstance(t1, Value) else Value(t1, "θ1")
    t2 = t2 if isinstance(t2, Value) else Value(t2, "θ2")
    bowl = 0.12 * (t1**2 + t2**2) + 1.4
    deep = 1.3 * (-((t1 + 0.8) ** 2 + (t2 + 0.6) ** 2) / 0.6).exp()  # the global minimum's dip
    shallow = 0.7 * (-((t1 - 0.84) ** 2 + (t2 - 0.84) ** 2) / 0.25).exp()  # the local minimum's dip
    J = bowl - deep - shallow
    J.label = "J"
    return J


def optimizer_options(name: str) -> dict[str, Any]:
    """The keyword arguments of optimizer `name` (a key of `OPTIMIZERS`) and their defaults.

    >>> optimizer_options("SGD")
    {'lr': 0.001, 'momentum': 0.0, 'nesterov': False, 'weight_decay': 0.0, 'dampening': 0.0}
    """
    cls = _optimizer_class(name)
    parameters = list(inspect.signature(cls.__init__).parameters.values())[2:]  # after self, params
    return {p.name: p.default for p in parameters}


def landscape_run(
    optimizer: str, start: Sequence[Number], steps: int, **options: Any
) -> list[tuple[float, float, float]]:
    """Run `optimizer` (SGD, Adagrad, Adadelta, RMSProp or Adam) on `landscape` from `start`.

    `options` are the class's keyword arguments (`optimizer_options` lists them with their
    defaults: the classes keep PyTorch's). Each step is `zero_grad()`, J, `backward()`, `step()`,
    as in a training loop. Returns steps + 1 points (θ1, θ2, J), the start first.

        >>> run = landscape_run("SGD", (-1.9, -1.9), 80, lr=0.3)
        >>> len(run), run[0], [round(x, 4) for x in run[-1]]  # into the global minimum
        (81, (-1.9, -1.9, 2.2560520729966815), [-0.7578, -0.5684, 0.2137])
        >>> [round(x, 4) for x in landscape_run("SGD", (1.9, -0.2), 80, lr=0.3)[-1]]  # trapped
        [0.8045, 0.8046, 0.8617]

    ValueError for an unknown optimizer or option (the message lists the valid ones), a start that
    is not two finite numbers, steps not in [0, MAX_STEPS]; the class's own errors for bad option
    values. A run whose weights overflow raises the optimizer's `DivergenceError`, naming the step.
    """
    cls = _optimizer_class(optimizer)
    valid = optimizer_options(optimizer)
    unknown = [key for key in options if key not in valid]
    if unknown:
        raise ValueError(
            f"{optimizer} has no option {', '.join(map(repr, unknown))}; its options: {', '.join(valid)}"
        )
    if isinstance(start, (str, bytes)) or not isinstance(start, Sequence) or len(start) != 2:
        raise ValueError(f"start must be a pair (θ1, θ2), got {checks.show(start)}")
    first = (checks.real("start[0]", start[0]), checks.real("start[1]", start[1]))
    count = checks.integer("steps", steps, low=0, high=MAX_STEPS)
    t1 = Value(first[0], "θ1", kind="parameter")
    t2 = Value(first[1], "θ2", kind="parameter")
    opt = cls([t1, t2], **options)
    points: list[tuple[float, float, float]] = []
    for k in range(count + 1):
        opt.zero_grad()
        try:
            J = landscape(t1, t2)
        except ArithmeticError as error:  # θ so large that θ² overflows
            raise DivergenceError(f"{optimizer}: J at step {k} cannot be computed: {error}") from None
        points.append((t1.data, t2.data, J.data))
        if k == count:
            break
        J.backward()
        try:
            opt.step()
        except DivergenceError as error:
            raise DivergenceError(
                f"step {k + 1} of {optimizer}: {error}", error.reason, error.parameter, error.index
            ) from None
    return points


def _optimizer_class(name: object) -> type[Optimizer]:
    """The class `name` names, or a ValueError listing the names (and a near miss, if any)."""
    if isinstance(name, str) and name in OPTIMIZERS:
        return OPTIMIZERS[name]
    hint = ""
    if isinstance(name, str):
        folded = {n.casefold(): n for n in OPTIMIZERS}
        close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
        if name.casefold() in {"momentum", "nesterov"}:
            hint = f" ({name.casefold()} is an option of SGD: SGD with momentum=0.9"
            hint += ", nesterov=True)" if name.casefold() == "nesterov" else ")"
        elif close:
            hint = f" (did you mean {folded[close[0]]!r}?)"
    raise ValueError(f"unknown optimizer {checks.show(name)}{hint}; choose one of {', '.join(OPTIMIZERS)}")
