"""Optimizers that update `Value` parameters from their gradients: SGD, Adagrad, RMSProp, Adadelta, Adam.

Each follows the update rule, default hyperparameters and places for eps that PyTorch's
`torch.optim` documents under the same name, so the same gradients give the same trajectory (up
to float rounding). Weight decay is PyTorch's L2 form, g ← g + λθ, applied before anything else.
State (momentum buffers, running averages) is kept per parameter, in the order given.

    >>> from micrograd_like import Value
    >>> w = Value(1.0, "w", kind="parameter")
    >>> opt = SGD([w], lr=0.1)
    >>> loss = w * w
    >>> loss.backward()  # dL/dw = 2w = 2
    >>> opt.step()
    >>> w.data
    0.8
    >>> opt.zero_grad(); w.grad
    0.0

A step is all or nothing: if any new weight or state entry would be inf or NaN, `step()` raises
`DivergenceError` naming the parameter, and no weight, state or step count has changed.
`PRESETS` names the optimizers (and SGD's momentum variants) for `make_optimizer` and the CLI.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..core.engine import Value
from ..util import checks

State = dict[str, float]


class DivergenceError(ArithmeticError):
    """A step would have made a weight or the optimizer's state inf or NaN; nothing was changed.

    `reason` is what would have happened, `parameter` the parameter's label ("" if it has none)
    and `index` its position.
    """

    def __init__(self, message: str, reason: str = "", parameter: str = "", index: int = -1) -> None:
        super().__init__(message)
        self.reason = reason or message
        self.parameter = parameter
        self.index = index


def _parameters(who: str, params: object) -> list[Value]:
    hint = "e.g. model.parameters()"
    if isinstance(params, Value) or not isinstance(params, Iterable):
        raise TypeError(f"params must be an iterable of Values ({hint}), got {type(params).__name__}")
    found: list[Value] = list(params)
    if not found:
        raise ValueError(f"{who} got an empty parameter list")
    seen: set[int] = set()
    for p in found:
        if not isinstance(p, Value):
            raise TypeError(f"{who} optimizes Values, got {type(p).__name__}: {p!r}")
        if id(p) in seen:
            raise ValueError(f"{who}: parameter {p!r} appears more than once")
        seen.add(id(p))
    return found


def _unit(name: str, value: object, *, open_high: bool = False) -> float:
    """A coefficient in [0, 1] (or [0, 1))."""
    return checks.real(name, value, low=0.0, high=1.0, high_open=open_high)


def _rate(name: str, value: object) -> float:
    """A finite number >= 0."""
    return checks.real(name, value, low=0.0)


def _eps(value: object) -> float:
    """eps > 0: it keeps the denominators of the adaptive rules away from zero."""
    return checks.real("eps", value, low=0.0, low_open=True)


def _name(i: int, p: Value) -> str:
    """Parameter i as a message names it: its label, or its place in the list."""
    return repr(p.label) if p.label else f"parameter {i}"


class Optimizer:
    """Holds the parameters and per-parameter state; subclasses define the pure `_update`.

    `hyperparameters` names the constructor's options, in order; `repr` shows them.
    """

    hyperparameters: ClassVar[tuple[str, ...]] = ("lr", "weight_decay")

    def __init__(self, params: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        self.params: list[Value] = _parameters(type(self).__name__, params)
        self.lr = _rate("lr", lr)
        self.weight_decay = _rate("weight_decay", weight_decay)  # λ of the L2 term
        self.steps = 0  # t in the documented formulas: how many times step() has run
        self.state: list[State] = [{} for _ in self.params]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 before the next backward()."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Move every parameter once, from its current `.grad`: all of them, or none.

        Every new weight and state is computed first and checked; only then is anything written.
        """
        t = self.steps + 1
        updates = [self._next(i, p, t) for i, p in enumerate(self.params)]
        for i, (p, (theta, state)) in enumerate(zip(self.params, updates)):
            p.data = theta
            self.state[i] = state
        self.steps = t

    def _next(self, i: int, p: Value, t: int) -> tuple[float, State]:
        """The new weight and state of parameter i at step t, or a DivergenceError; changes nothing.
        (The messages are written only when one is raised: this runs for every weight every step.)"""
        g = p.grad
        if type(g) is not float and (isinstance(g, bool) or not isinstance(g, numbers.Real)):
            raise TypeError(
                f"{self._who}: the gradient of {_name(i, p)} must be a number, got {checks.show(g)}"
            )
        if not math.isfinite(g):
            raise self._diverged(i, p, f"the gradient of {_name(i, p)} is {g!r}")
        if self.weight_decay:  # PyTorch's L2 for every optimizer here: g ← g + λθ, before the update
            g = g + self.weight_decay * p.data
            if not math.isfinite(g):
                raise self._diverged(i, p, f"the gradient of {_name(i, p)} plus weight decay λθ is {g!r}")
        try:
            theta, state = self._update(p.data, g, self.state[i], t)
        except (ArithmeticError, ValueError) as error:  # a float op that has no finite answer
            raise self._diverged(i, p, f"updating {_name(i, p)} (gradient {g!r}) failed: {error}") from None
        if not math.isfinite(theta):
            what = f"{_name(i, p)} would become {theta!r} (it is {p.data!r}, its gradient {g!r})"
            raise self._diverged(i, p, what)
        for key, value in state.items():
            if not math.isfinite(value):
                what = f"the running {key!r} of {_name(i, p)} would become {value!r} (gradient {g!r})"
                raise self._diverged(i, p, what)
        return theta, state

    @property
    def _who(self) -> str:
        return f"{type(self).__name__}.step"

    def _diverged(self, i: int, p: Value, what: str) -> DivergenceError:
        advice = f"lower the learning rate (lr={self.lr:g}) or check the loss for values that blow up"
        return DivergenceError(f"{self._who}: {what}; no weight was changed: {advice}", what, p.label, i)

    def _update(self, theta: float, g: float, state: State, t: int) -> tuple[float, State]:
        """(new θ, new state) from θ, the gradient g (weight decay included), the old state and t.

        Must not change `state`: `step` commits the result only once every parameter is done.
        """
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.hyperparameters)
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Gradient descent, optionally with momentum (PyTorch's form) and Nesterov momentum.

    g ← g + λθ;  b ← g on the first step, else μb + (1 - τ)g;  g ← g + μb (Nesterov) or b;  θ ← θ - γg.
    With momentum=0 this is the post's rule w ← w - α·dL/dw.
    """

    hyperparameters = ("lr", "momentum", "dampening", "nesterov", "weight_decay")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        dampening: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = _rate("momentum", momentum)
        self.dampening = _unit("dampening", dampening)
        self.nesterov = checks.flag("nesterov", nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0")

    def _update(self, theta: float, g: float, state: State, t: int) -> tuple[float, State]:
        mu = self.momentum
        if mu:
            b = g if "b" not in state else mu * state["b"] + (1.0 - self.dampening) * g
            state = {"b": b}
            g = g + mu * b if self.nesterov else b
        return theta - self.lr * g, state


class Adagrad(Optimizer):
    """Per-parameter step sizes shrinking with the sum of squared gradients.

    γ̃ = γ / (1 + (t - 1)η);  g ← g + λθ;  S ← S + g²;  θ ← θ - γ̃ g / (√S + ε).  S starts at
    `initial_accumulator_value`.
    """

    hyperparameters = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.lr_decay = _rate("lr_decay", lr_decay)
        self.initial_accumulator_value = _rate("initial_accumulator_value", initial_accumulator_value)
        self.eps = _eps(eps)

    def _update(self, theta: float, g: float, state: State, t: int) -> tuple[float, State]:
        lr = self.lr / (1.0 + (t - 1) * self.lr_decay)
        s = state.get("sum", self.initial_accumulator_value) + g * g
        return theta - lr * g / (math.sqrt(s) + self.eps), {"sum": s}


class RMSProp(Optimizer):
    """Divide the step by a running root-mean-square of recent gradients.

    g ← g + λθ;  v ← αv + (1 - α)g²;  ṽ = v, or v - ḡ² with ḡ ← αḡ + (1 - α)g when centered;
    with momentum μ > 0: b ← μb + g / (√ṽ + ε), θ ← θ - γb;  else θ ← θ - γ g / (√ṽ + ε).
    """

    hyperparameters = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.alpha = _unit("alpha", alpha)
        self.eps = _eps(eps)
        self.momentum = _rate("momentum", momentum)
        self.centered = checks.flag("centered", centered)

    def _update(self, theta: float, g: float, state: State, t: int) -> tuple[float, State]:
        a = self.alpha
        v = a * state.get("v", 0.0) + (1.0 - a) * g * g
        new = {"v": v}
        v_tilde = v
        if self.centered:
            g_ave = a * state.get("g_ave", 0.0) + (1.0 - a) * g
            new["g_ave"] = g_ave
            v_tilde = v - g_ave * g_ave
        # v - ḡ² is a variance; rounding can push it a hair below 0 (PyTorch would give NaN there)
        scaled = g / (math.sqrt(max(v_tilde, 0.0)) + self.eps)
        if self.momentum > 0:
            b = self.momentum * state.get("b", 0.0) + scaled
            new["b"] = b
            return theta - self.lr * b, new
        return theta - self.lr * scaled, new


RMSprop = RMSProp  # PyTorch's spelling


class Adadelta(Optimizer):
    """Step sizes from the ratio of running RMS of past updates to running RMS of gradients.

    g ← g + λθ;  v ← ρv + (1 - ρ)g²;  Δ = √(u + ε) / √(v + ε) · g;  u ← ρu + (1 - ρ)Δ²;  θ ← θ - γΔ.
    """

    hyperparameters = ("lr", "rho", "eps", "weight_decay")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.rho = _unit("rho", rho)
        self.eps = _eps(eps)

    def _update(self, theta: float, g: float, state: State, t: int) -> tuple[float, State]:
        rho, eps = self.rho, self.eps
        v = rho * state.get("v", 0.0) + (1.0 - rho) * g * g
        u = state.get("u", 0.0)
        delta = math.sqrt(u + eps) / math.sqrt(v + eps) * g
        return theta - self.lr * delta, {"v": v, "u": rho * u + (1.0 - rho) * delta * delta}


class Adam(Optimizer):
    """Momentum on the gradient and on its square, with bias correction.

    g ← g + λθ;  m ← β1·m + (1 - β1)g;  v ← β2·v + (1 - β2)g²;  m̂ = m / (1 - β1^t);
    v̂ = v / (1 - β2^t) (amsgrad: of the running max of v);  θ ← θ - γ m̂ / (√v̂ + ε).
    """

    hyperparameters = ("lr", "betas", "eps", "weight_decay", "amsgrad")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {checks.show(betas)}")
        self.betas = (
            _unit("betas[0]", betas[0], open_high=True),
            _unit("betas[1]", betas[1], open_high=True),
        )
        self.eps = _eps(eps)
        self.amsgrad = checks.flag("amsgrad", amsgrad)

    def _update(self, theta: float, g: float, state: State, t: int) -> tuple[float, State]:
        b1, b2 = self.betas
        m = b1 * state.get("m", 0.0) + (1.0 - b1) * g
        v = b2 * state.get("v", 0.0) + (1.0 - b2) * g * g
        new = {"m": m, "v": v}
        if self.amsgrad:
            v = new["v_max"] = max(state.get("v_max", 0.0), v)
        m_hat = m / (1.0 - b1**t)
        v_hat = v / (1.0 - b2**t)
        return theta - self.lr * m_hat / (math.sqrt(v_hat) + self.eps), new


@dataclass(frozen=True)
class Preset:
    """A named optimizer: its class, the options that make it what its name says, and `train_lr`,
    a learning rate that trains the `train` command's default MLP well in 100 full-batch epochs
    (the classes themselves keep PyTorch's defaults). `regression_lr`, when set, replaces it on the
    regression set: squared error curves up to 8 times more sharply than cross-entropy
    (d²/dŷ² (ŷ − y)² = 2, against σ'(s) ≤ 1/4), so plain SGD needs a smaller step there."""

    optimizer: type[Optimizer]
    options: Mapping[str, Any] = field(default_factory=dict)
    train_lr: float = 0.1
    regression_lr: float | None = None

    def lr_for(self, task: str) -> float:
        """The `train` command's default learning rate for a dataset of this task."""
        if task == "regression" and self.regression_lr is not None:
            return self.regression_lr
        return self.train_lr


PRESETS: dict[str, Preset] = {
    "sgd": Preset(SGD, train_lr=0.5, regression_lr=0.1),  # 0.5 on regression: the loss ×1000 by epoch 6
    "momentum": Preset(SGD, {"momentum": 0.9}, train_lr=0.1),
    "nesterov": Preset(SGD, {"momentum": 0.9, "nesterov": True}, train_lr=0.1),
    "adagrad": Preset(Adagrad, train_lr=0.1),
    "rmsprop": Preset(RMSProp, train_lr=0.01),
    "adadelta": Preset(Adadelta, train_lr=1.0),
    "adam": Preset(Adam, train_lr=0.1),
}


def make_optimizer(name: str, params: Iterable[Value], lr: float | None = None, **options: Any) -> Optimizer:
    """An optimizer by its name in `PRESETS` ("sgd", "momentum", "nesterov", "adagrad", "rmsprop",
    "adadelta", "adam"); `lr=None` keeps the class default; `options` override the preset's."""
    if not isinstance(name, str) or name not in PRESETS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(PRESETS)}")
    preset = PRESETS[name]
    options = {**preset.options, **options}
    if lr is not None:
        options["lr"] = lr
    return preset.optimizer(params, **options)
