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
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from .engine import Value


def _number(
    name: str, value: object, *, low: float = 0.0, high: float | None = None, open_high: bool = False
) -> float:
    """A finite float in [low, high] (or [low, high) when open_high), else a ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    x = float(value)
    bad = not math.isfinite(x) or x < low
    if high is not None:
        bad = bad or (x >= high if open_high else x > high)
    if bad:
        where = f">= {low:g}" if high is None else f"in [{low:g}, {high:g}{')' if open_high else ']'}"
        raise ValueError(f"{name} must be {where}, got {value!r}")
    return x


class Optimizer:
    """Holds the parameters and per-parameter state; subclasses define `_update(i, p, g)`."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params: list[Value] = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        seen: set[int] = set()
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"{type(self).__name__} optimizes Values, got {type(p).__name__}: {p!r}")
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: parameter {p!r} appears more than once")
            seen.add(id(p))
        self.lr = _number("lr", lr)
        self.weight_decay = 0.0  # λ; subclasses that take weight_decay set it
        self.steps = 0  # t in the documented formulas: how many times step() has run
        self.state: list[dict[str, float]] = [{} for _ in self.params]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 before the next backward()."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Move every parameter once, from its current `.grad`."""
        self.steps += 1
        decay = self.weight_decay
        for i, p in enumerate(self.params):
            # weight decay as PyTorch does it for every optimizer here: L2, g ← g + λθ, before the update
            self._update(i, p, p.grad + decay * p.data if decay else p.grad)

    def _update(self, i: int, p: Value, g: float) -> None:
        raise NotImplementedError

    def _hyper(self) -> dict[str, Any]:
        return {"lr": self.lr}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Gradient descent, optionally with momentum (PyTorch's form) and Nesterov momentum.

    g ← g + λθ;  b ← g on the first step, else μb + (1 - τ)g;  g ← g + μb (Nesterov) or b;  θ ← θ - γg.
    With momentum=0 this is the post's rule w ← w - α·dL/dw.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        dampening: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _number("momentum", momentum)
        self.dampening = _number("dampening", dampening, high=1.0)
        self.weight_decay = _number("weight_decay", weight_decay)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0")

    def _update(self, i: int, p: Value, g: float) -> None:
        mu = self.momentum
        if mu:
            state = self.state[i]
            b = g if "b" not in state else mu * state["b"] + (1.0 - self.dampening) * g
            state["b"] = b
            g = g + mu * b if self.nesterov else b
        p.data -= self.lr * g

    def _hyper(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
        }


class Adagrad(Optimizer):
    """Per-parameter step sizes shrinking with the sum of squared gradients.

    γ̃ = γ / (1 + (t - 1)η);  g ← g + λθ;  S ← S + g²;  θ ← θ - γ̃ g / (√S + ε).  S starts at
    `initial_accumulator_value`.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        super().__init__(params, lr)
        self.lr_decay = _number("lr_decay", lr_decay)
        self.weight_decay = _number("weight_decay", weight_decay)
        self.initial_accumulator_value = _number("initial_accumulator_value", initial_accumulator_value)
        self.eps = _number("eps", eps)

    def _update(self, i: int, p: Value, g: float) -> None:
        lr = self.lr / (1.0 + (self.steps - 1) * self.lr_decay)
        state = self.state[i]
        s = state.get("sum", self.initial_accumulator_value) + g * g
        state["sum"] = s
        p.data -= lr * g / (math.sqrt(s) + self.eps)

    def _hyper(self) -> dict[str, Any]:
        return {"lr": self.lr, "lr_decay": self.lr_decay, "weight_decay": self.weight_decay, "eps": self.eps}


class RMSProp(Optimizer):
    """Divide the step by a running root-mean-square of recent gradients.

    g ← g + λθ;  v ← αv + (1 - α)g²;  ṽ = v, or v - ḡ² with ḡ ← αḡ + (1 - α)g when centered;
    with momentum μ > 0: b ← μb + g / (√ṽ + ε), θ ← θ - γb;  else θ ← θ - γ g / (√ṽ + ε).
    """

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
        super().__init__(params, lr)
        self.alpha = _number("alpha", alpha, high=1.0)
        self.eps = _number("eps", eps)
        self.weight_decay = _number("weight_decay", weight_decay)
        self.momentum = _number("momentum", momentum)
        self.centered = bool(centered)

    def _update(self, i: int, p: Value, g: float) -> None:
        state, a = self.state[i], self.alpha
        v = a * state.get("v", 0.0) + (1.0 - a) * g * g
        state["v"] = v
        v_tilde = v
        if self.centered:
            g_ave = a * state.get("g_ave", 0.0) + (1.0 - a) * g
            state["g_ave"] = g_ave
            v_tilde = v - g_ave * g_ave
        # v - ḡ² is a variance; rounding can push it a hair below 0 (PyTorch would give NaN there)
        scaled = g / (math.sqrt(max(v_tilde, 0.0)) + self.eps)
        if self.momentum > 0:
            b = self.momentum * state.get("b", 0.0) + scaled
            state["b"] = b
            p.data -= self.lr * b
        else:
            p.data -= self.lr * scaled

    def _hyper(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "alpha": self.alpha,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            "momentum": self.momentum,
            "centered": self.centered,
        }


RMSprop = RMSProp  # PyTorch's spelling


class Adadelta(Optimizer):
    """Step sizes from the ratio of running RMS of past updates to running RMS of gradients.

    g ← g + λθ;  v ← ρv + (1 - ρ)g²;  Δ = √(u + ε) / √(v + ε) · g;  u ← ρu + (1 - ρ)Δ²;  θ ← θ - γΔ.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.rho = _number("rho", rho, high=1.0)
        self.eps = _number("eps", eps)
        self.weight_decay = _number("weight_decay", weight_decay)

    def _update(self, i: int, p: Value, g: float) -> None:
        state, rho, eps = self.state[i], self.rho, self.eps
        v = rho * state.get("v", 0.0) + (1.0 - rho) * g * g
        u = state.get("u", 0.0)
        delta = math.sqrt(u + eps) / math.sqrt(v + eps) * g
        state["v"] = v
        state["u"] = rho * u + (1.0 - rho) * delta * delta
        p.data -= self.lr * delta

    def _hyper(self) -> dict[str, Any]:
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps, "weight_decay": self.weight_decay}


class Adam(Optimizer):
    """Momentum on the gradient and on its square, with bias correction.

    g ← g + λθ;  m ← β1·m + (1 - β1)g;  v ← β2·v + (1 - β2)g²;  m̂ = m / (1 - β1^t);
    v̂ = v / (1 - β2^t) (amsgrad: of the running max of v);  θ ← θ - γ m̂ / (√v̂ + ε).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _number("betas[0]", betas[0], high=1.0, open_high=True),
            _number("betas[1]", betas[1], high=1.0, open_high=True),
        )
        self.eps = _number("eps", eps)
        self.weight_decay = _number("weight_decay", weight_decay)
        self.amsgrad = bool(amsgrad)

    def _update(self, i: int, p: Value, g: float) -> None:
        state, (b1, b2), t = self.state[i], self.betas, self.steps
        m = b1 * state.get("m", 0.0) + (1.0 - b1) * g
        v = b2 * state.get("v", 0.0) + (1.0 - b2) * g * g
        state["m"], state["v"] = m, v
        if self.amsgrad:
            v = state["v_max"] = max(state.get("v_max", 0.0), v)
        m_hat = m / (1.0 - b1**t)
        v_hat = v / (1.0 - b2**t)
        p.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)

    def _hyper(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "betas": self.betas,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            "amsgrad": self.amsgrad,
        }


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adagrad": Adagrad,
    "rmsprop": RMSProp,
    "adadelta": Adadelta,
    "adam": Adam,
}


def make_optimizer(name: str, params: Iterable[Value], lr: float | None = None, **options: Any) -> Optimizer:
    """An optimizer by lower-case name ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta",
    "adam"); `lr=None` keeps its default. "momentum" and "nesterov" are SGD with momentum 0.9."""
    if name in ("momentum", "nesterov"):
        options = {"momentum": 0.9, "nesterov": name == "nesterov", **options}
        name = "sgd"
    if name not in OPTIMIZERS:
        known = ", ".join([*OPTIMIZERS, "momentum", "nesterov"])
        raise ValueError(f"unknown optimizer {name!r}; choose one of {known}")
    if lr is not None:
        options["lr"] = lr
    return OPTIMIZERS[name](params, **options)
