"""optim: multi-step trajectories against PyTorch's documented update rules, written out by hand.

Each test feeds a fixed gradient sequence (g = 2, -1, 0.5 unless stated) to one parameter starting
at θ0 = 1 and compares every step with the documented formulas evaluated in plain floats, step by
step, with the simple numbers worked out in the comments.
"""

from __future__ import annotations

import copy
import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from micrograd_like import MLP, Value
from micrograd_like.cli import main
from micrograd_like.learn import optim as optim_module
from micrograd_like.learn.optim import (
    PRESETS,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    DivergenceError,
    Optimizer,
    Preset,
    RMSProp,
    RMSprop,
    make_optimizer,
)

GRADS = (2.0, -1.0, 0.5)


def trajectory(
    make: Callable[..., Optimizer], grads: Sequence[float] = GRADS, theta0: float = 1.0, **hyper: Any
) -> list[float]:
    """θ after each step when the gradient at step t is grads[t-1]."""
    p = Value(theta0, "θ", kind="parameter")
    opt = make([p], **hyper)
    out = []
    for g in grads:
        p.grad = g
        opt.step()
        out.append(p.data)
    return out


def close(values: Sequence[float]) -> object:
    return pytest.approx(list(values), rel=1e-12, abs=1e-15)


# --- SGD ----------------------------------------------------------------------------------------


def test_sgd_is_the_posts_rule() -> None:
    # θ ← θ - γg: 1 - 0.2 = 0.8; 0.8 + 0.1 = 0.9; 0.9 - 0.05 = 0.85
    assert trajectory(SGD, lr=0.1) == close([0.8, 0.9, 0.85])


def test_sgd_momentum() -> None:
    # b1 = g1 = 2; b2 = 0.9·2 - 1 = 0.8; b3 = 0.9·0.8 + 0.5 = 1.22; θ ← θ - 0.1·b
    assert trajectory(SGD, lr=0.1, momentum=0.9) == close([0.8, 0.72, 0.598])


def test_sgd_nesterov() -> None:
    # same b as above; the step uses g + μb: 2 + 1.8 = 3.8; -1 + 0.72 = -0.28; 0.5 + 1.098 = 1.598
    assert trajectory(SGD, lr=0.1, momentum=0.9, nesterov=True) == close([0.62, 0.648, 0.4882])


def test_sgd_dampening_skips_the_first_step() -> None:
    # b1 = g1 = 2 (no dampening on step 1); b2 = 0.9·2 + 0.5·(-1) = 1.3; b3 = 0.9·1.3 + 0.5·0.5 = 1.42
    assert trajectory(SGD, lr=0.1, momentum=0.9, dampening=0.5) == close([0.8, 0.67, 0.528])


def test_sgd_weight_decay_adds_lambda_theta_to_the_gradient() -> None:
    # g1 = 2 + 0.5·1 = 2.5 → 0.75; g2 = -1 + 0.5·0.75 = -0.625 → 0.8125; g3 = 0.5 + 0.40625 → 0.721875
    assert trajectory(SGD, lr=0.1, weight_decay=0.5) == close([0.75, 0.8125, 0.721875])


def test_sgd_momentum_with_weight_decay() -> None:
    # g1 = 2.5, b1 = 2.5 → 0.75; g2 = -0.625, b2 = 2.25 - 0.625 = 1.625 → 0.5875
    # g3 = 0.5 + 0.29375 = 0.79375, b3 = 1.4625 + 0.79375 = 2.25625 → 0.5875 - 0.225625 = 0.361875
    assert trajectory(SGD, lr=0.1, momentum=0.9, weight_decay=0.5) == close([0.75, 0.5875, 0.361875])


# --- Adagrad ------------------------------------------------------------------------------------


def test_adagrad() -> None:
    eps = 1e-10
    # state_sum: 4, 5, 5.25; θ ← θ - γ g / (√sum + ε)
    t1 = 1.0 - 0.1 * 2.0 / (2.0 + eps)
    t2 = t1 - 0.1 * -1.0 / (math.sqrt(5.0) + eps)
    t3 = t2 - 0.1 * 0.5 / (math.sqrt(5.25) + eps)
    assert trajectory(Adagrad, lr=0.1) == close([t1, t2, t3])
    assert [t1, t2, t3] == pytest.approx([0.9, 0.9447214, 0.9228996], abs=1e-7)


def test_adagrad_lr_decay_and_initial_accumulator() -> None:
    eps = 1e-10
    # γ̃ = γ / (1 + (t - 1)η) with η = 1: 0.1, 0.05, 0.1/3; sums start at 1: 5, 6, 6.25
    t1 = 1.0 - 0.1 * 2.0 / (math.sqrt(5.0) + eps)
    t2 = t1 - 0.05 * -1.0 / (math.sqrt(6.0) + eps)
    t3 = t2 - (0.1 / 3.0) * 0.5 / (2.5 + eps)
    got = trajectory(Adagrad, lr=0.1, lr_decay=1.0, initial_accumulator_value=1.0)
    assert got == close([t1, t2, t3])


# --- RMSProp ------------------------------------------------------------------------------------


def test_rmsprop() -> None:
    eps = 1e-8
    # v = αv + (1 - α)g² with α = 0.9: 0.4, 0.36 + 0.1 = 0.46, 0.414 + 0.025 = 0.439
    t1 = 1.0 - 0.01 * 2.0 / (math.sqrt(0.4) + eps)
    t2 = t1 - 0.01 * -1.0 / (math.sqrt(0.46) + eps)
    t3 = t2 - 0.01 * 0.5 / (math.sqrt(0.439) + eps)
    assert trajectory(RMSProp, lr=0.01, alpha=0.9) == close([t1, t2, t3])


def test_rmsprop_centered() -> None:
    eps = 1e-8
    # ḡ = αḡ + (1 - α)g: 0.2, 0.18 - 0.1 = 0.08, 0.072 + 0.05 = 0.122; ṽ = v - ḡ²
    t1 = 1.0 - 0.01 * 2.0 / (math.sqrt(0.4 - 0.04) + eps)
    t2 = t1 - 0.01 * -1.0 / (math.sqrt(0.46 - 0.0064) + eps)
    t3 = t2 - 0.01 * 0.5 / (math.sqrt(0.439 - 0.014884) + eps)
    assert trajectory(RMSProp, lr=0.01, alpha=0.9, centered=True) == close([t1, t2, t3])


def test_rmsprop_momentum() -> None:
    eps = 1e-8
    # b = μb + g / (√v + ε); θ ← θ - γb, with μ = 0.5
    b1 = 2.0 / (math.sqrt(0.4) + eps)
    b2 = 0.5 * b1 + -1.0 / (math.sqrt(0.46) + eps)
    b3 = 0.5 * b2 + 0.5 / (math.sqrt(0.439) + eps)
    t1 = 1.0 - 0.01 * b1
    t2 = t1 - 0.01 * b2
    t3 = t2 - 0.01 * b3
    assert trajectory(RMSProp, lr=0.01, alpha=0.9, momentum=0.5) == close([t1, t2, t3])


def test_rmsprop_has_pytorchs_spelling_too() -> None:
    assert RMSprop is RMSProp


# --- Adadelta -----------------------------------------------------------------------------------


def test_adadelta() -> None:
    eps, rho = 1e-6, 0.9
    # v = ρv + (1 - ρ)g²: 0.4, 0.46, 0.439; Δ = √(u + ε)/√(v + ε)·g; u = ρu + (1 - ρ)Δ²; θ ← θ - γΔ
    d1 = math.sqrt(0.0 + eps) / math.sqrt(0.4 + eps) * 2.0
    u1 = (1 - rho) * d1 * d1
    d2 = math.sqrt(u1 + eps) / math.sqrt(0.46 + eps) * -1.0
    u2 = rho * u1 + (1 - rho) * d2 * d2
    d3 = math.sqrt(u2 + eps) / math.sqrt(0.439 + eps) * 0.5
    assert trajectory(Adadelta) == close([1.0 - d1, 1.0 - d1 - d2, 1.0 - d1 - d2 - d3])
    assert trajectory(Adadelta, lr=0.5) == close(
        [1.0 - 0.5 * d1, 1.0 - 0.5 * d1 - 0.5 * d2, 1.0 - 0.5 * (d1 + d2 + d3)]
    )


# --- Adam ---------------------------------------------------------------------------------------


def test_adam() -> None:
    eps = 1e-8
    # m = 0.9m + 0.1g: 0.2, 0.08, 0.122; v = 0.999v + 0.001g²: 0.004, 0.004996, 0.005241004
    # m̂ = m/(1 - 0.9^t), v̂ = v/(1 - 0.999^t); θ ← θ - γ m̂/(√v̂ + ε)
    t1 = 1.0 - 0.1 * (0.2 / 0.1) / (math.sqrt(0.004 / 0.001) + eps)
    t2 = t1 - 0.1 * (0.08 / 0.19) / (math.sqrt(0.004996 / 0.001999) + eps)
    t3 = t2 - 0.1 * (0.122 / 0.271) / (math.sqrt(0.005241004 / 0.002997001) + eps)
    assert trajectory(Adam, lr=0.1) == pytest.approx([t1, t2, t3], rel=1e-10)
    assert t1 == pytest.approx(0.9)  # Adam's first step is lr·sign(g)


def test_adam_amsgrad_keeps_the_largest_second_moment() -> None:
    eps = 1e-8
    grads = (3.0, 0.01, 0.01)
    # v: 0.009, 0.008991 + 1e-7 = 0.0089911 (smaller: v_max stays 0.009), then 0.0089821089 + 1e-7
    # m: 0.3, 0.271, 0.2449
    t1 = 1.0 - 0.1 * (0.3 / 0.1) / (math.sqrt(0.009 / 0.001) + eps)
    t2 = t1 - 0.1 * (0.271 / 0.19) / (math.sqrt(0.009 / 0.001999) + eps)
    t3 = t2 - 0.1 * (0.2449 / 0.271) / (math.sqrt(0.009 / 0.002997001) + eps)
    assert trajectory(Adam, grads, lr=0.1, amsgrad=True) == pytest.approx([t1, t2, t3], rel=1e-10)
    plain = trajectory(Adam, grads, lr=0.1)
    assert plain[1] != pytest.approx(t2, rel=1e-10)  # without amsgrad, v2 = 0.0089911 is used


@pytest.mark.parametrize(
    ("make", "hyper"),
    [
        (Adam, {"lr": 0.1}),
        (RMSProp, {"lr": 0.01}),
        (Adagrad, {"lr": 0.1}),
        (Adadelta, {}),
        (SGD, {"lr": 0.1, "momentum": 0.9}),
    ],
)
def test_weight_decay_is_l2_added_to_the_gradient(make: type[Optimizer], hyper: dict[str, float]) -> None:
    # with λ = 0.5, the first gradient seen is g1 + λθ0 = 2.5: the same first step as without λ and g1 = 2.5
    with_decay = trajectory(make, GRADS[:1], weight_decay=0.5, **hyper)
    shifted = trajectory(make, (2.5,), **hyper)
    assert with_decay == close(shifted)


# --- defaults, state, errors --------------------------------------------------------------------


def test_defaults_are_pytorchs() -> None:
    p = [Value(0.0, kind="parameter")]
    sgd = SGD(p)
    assert (sgd.lr, sgd.momentum, sgd.dampening, sgd.weight_decay, sgd.nesterov) == (
        1e-3,
        0.0,
        0.0,
        0.0,
        False,
    )
    ada = Adagrad(p)
    assert (ada.lr, ada.lr_decay, ada.weight_decay, ada.initial_accumulator_value, ada.eps) == (
        1e-2,
        0,
        0,
        0,
        1e-10,
    )
    rms = RMSProp(p)
    assert (rms.lr, rms.alpha, rms.eps, rms.weight_decay, rms.momentum, rms.centered) == (
        1e-2,
        0.99,
        1e-8,
        0,
        0,
        False,
    )
    delta = Adadelta(p)
    assert (delta.lr, delta.rho, delta.eps, delta.weight_decay) == (1.0, 0.9, 1e-6, 0.0)
    adam = Adam(p)
    assert (adam.lr, adam.betas, adam.eps, adam.weight_decay, adam.amsgrad) == (
        1e-3,
        (0.9, 0.999),
        1e-8,
        0,
        False,
    )


def test_state_is_per_parameter() -> None:
    a, b = Value(1.0, kind="parameter"), Value(1.0, kind="parameter")
    opt = Adam([a, b], lr=0.1)
    a.grad, b.grad = 100.0, -0.001
    opt.step()
    # Adam's first step is ±lr whatever the gradient's size, so the two moments are kept apart
    assert a.data == pytest.approx(0.9) and b.data == pytest.approx(1.1)
    assert opt.state[0]["m"] == pytest.approx(10.0) and opt.state[1]["m"] == pytest.approx(-0.0001)
    assert opt.steps == 1


def test_zero_grad_clears_the_optimizers_parameters() -> None:
    ps = [Value(1.0, kind="parameter"), Value(2.0, kind="parameter")]
    loss = ps[0] * ps[1]
    loss.backward()
    opt = SGD(ps, lr=0.1)
    assert [p.grad for p in ps] == [2.0, 1.0]
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


def test_training_loop_with_backward_follows_gradient_descent() -> None:
    # L = (w - 1)², dL/dw = 2(w - 1): w ← w - 0.1·2(w - 1), i.e. w - 1 shrinks by 0.8 each step
    w = Value(3.0, "w", kind="parameter")
    opt = SGD([w], lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        ((w - 1.0) ** 2).backward()
        opt.step()
    assert w.data == pytest.approx(1.0 + 2.0 * 0.8**3)


@pytest.mark.parametrize(
    ("make", "hyper", "message"),
    [
        (SGD, {"lr": -0.1}, r"lr must be a finite number >= 0, got -0.1"),
        (SGD, {"lr": float("nan")}, "lr must be"),
        (SGD, {"lr": "fast"}, "lr must be a number"),
        (SGD, {"momentum": -0.5}, "momentum must be a finite number >= 0"),
        (SGD, {"nesterov": True}, "Nesterov momentum needs momentum > 0"),
        (SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "dampening = 0"),
        (SGD, {"weight_decay": -1}, "weight_decay must be a finite number >= 0"),
        (Adam, {"betas": (1.0, 0.999)}, r"betas\[0\] must be a finite number in \[0, 1\)"),
        (Adam, {"betas": (0.9, -0.1)}, r"betas\[1\] must be a finite number in \[0, 1\)"),
        (Adam, {"betas": (0.9,)}, "betas must be a pair"),
        (Adam, {"eps": -1e-8}, "eps must be a finite number > 0"),
        (RMSProp, {"alpha": 1.5}, r"alpha must be a finite number in \[0, 1\]"),
        (Adadelta, {"rho": -0.1}, r"rho must be a finite number in \[0, 1\]"),
        (Adagrad, {"lr_decay": -1.0}, "lr_decay must be a finite number >= 0"),
    ],
)
def test_bad_hyperparameters_are_clear_errors(
    make: type[Optimizer], hyper: dict[str, Any], message: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        make([Value(0.0, kind="parameter")], **hyper)


def test_bad_parameter_lists() -> None:
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="optimizes Values, got float"):
        SGD([1.0], lr=0.1)  # type: ignore[list-item]
    p = Value(0.0)
    with pytest.raises(ValueError, match="more than once"):
        Adam([p, p])


def test_make_optimizer_by_name() -> None:
    p = [Value(0.0, kind="parameter")]
    assert repr(make_optimizer("adam", p, lr=0.05)) == (
        "Adam(lr=0.05, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, amsgrad=False)"
    )
    nesterov = make_optimizer("nesterov", p, lr=0.1)
    assert isinstance(nesterov, SGD) and nesterov.nesterov and nesterov.momentum == 0.9
    momentum = make_optimizer("momentum", p)
    assert isinstance(momentum, SGD) and not momentum.nesterov and momentum.lr == 1e-3
    assert isinstance(make_optimizer("rmsprop", p), RMSProp)
    with pytest.raises(
        ValueError, match="unknown optimizer 'lbfgs'; choose one of sgd, momentum, nesterov, adagrad"
    ):
        make_optimizer("lbfgs", p)


# --- when things go wrong --------------------------------------------------------------------------
# optim when things go wrong: a step that would put inf or NaN anywhere raises before changing anything;
# hyperparameters are checked (eps > 0, numbers too large for a float, numpy scalars, real bools); the
# hyperparameter and preset registries that repr and the CLI read.


# every update rule, with settings that use all of its state
RULES: dict[str, Callable[..., Optimizer]] = {
    "sgd": lambda ps, **kw: SGD(ps, **{"lr": 0.1, **kw}),
    "momentum": lambda ps, **kw: SGD(ps, **{"lr": 0.1, "momentum": 0.9, **kw}),
    "nesterov": lambda ps, **kw: SGD(ps, **{"lr": 0.1, "momentum": 0.9, "nesterov": True, **kw}),
    "adagrad": lambda ps, **kw: Adagrad(ps, **{"lr": 0.1, **kw}),
    "rmsprop": lambda ps, **kw: RMSProp(ps, **{"lr": 0.01, "momentum": 0.5, "centered": True, **kw}),
    "adadelta": lambda ps, **kw: Adadelta(ps, **kw),
    "adam": lambda ps, **kw: Adam(ps, **{"lr": 0.1, "amsgrad": True, **kw}),
}


def warmed_up(name: str, **hyper: Any) -> tuple[Optimizer, Value, Value]:
    """An optimizer over a ('a') and b ('b') after two ordinary steps, so it has state to lose."""
    a, b = Value(1.0, "a", kind="parameter"), Value(-2.0, "b", kind="parameter")
    opt = RULES[name]([a, b], **hyper)
    for g in (0.5, -0.25):
        a.grad, b.grad = g, -g
        opt.step()
    return opt, a, b


def snapshot(opt: Optimizer) -> tuple[object, ...]:
    return ([p.data for p in opt.params], copy.deepcopy(opt.state), opt.steps)


@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_a_non_finite_gradient_changes_nothing_and_names_the_parameter(name: str, bad: float) -> None:
    opt, a, b = warmed_up(name)
    before = snapshot(opt)
    a.grad, b.grad = 0.5, bad  # a alone would step fine; b comes second
    with pytest.raises(DivergenceError) as caught:
        opt.step()
    message = str(caught.value)
    assert "'b'" in message and type(opt).__name__ in message and repr(bad) in message
    assert isinstance(caught.value, ArithmeticError)
    assert snapshot(opt) == before  # not a, not the state, not the step counter


@pytest.mark.parametrize("name", RULES)
def test_a_step_that_would_overflow_a_weight_changes_nothing(name: str) -> None:
    # every rule's step is at least lr·0.003 here (Adadelta's ≈ lr·√ε/√0.1); lr = 1e308 pushes
    # -1.7976e308 past the largest float, -1.7977e308
    a, b = Value(1.0, "a", kind="parameter"), Value(-1.7976e308, "b", kind="parameter")
    opt = RULES[name]([a, b], lr=1e308)
    a.grad, b.grad = 0.0, 1e10
    before = snapshot(opt)
    with pytest.raises(DivergenceError, match=r"'b' would become -?inf") as caught:
        opt.step()
    assert type(opt).__name__ in str(caught.value) and "lr" in str(caught.value)
    assert snapshot(opt) == before


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adadelta", "adam"])
def test_a_running_average_that_would_overflow_changes_nothing(name: str) -> None:
    # g² = 1e400 is inf: the weight itself may stay finite (g/√inf = 0), but the state would be ruined
    opt, a, b = warmed_up(name)
    before = snapshot(opt)
    a.grad, b.grad = 0.5, 1e200
    with pytest.raises(DivergenceError, match="'b'"):
        opt.step()
    assert snapshot(opt) == before


def test_an_unlabelled_parameter_is_named_by_its_position() -> None:
    ps = [Value(0.0, kind="parameter") for _ in range(3)]
    opt = SGD(ps, lr=0.1)
    ps[2].grad = math.nan
    with pytest.raises(DivergenceError, match="parameter 2"):
        opt.step()


def test_weight_decay_that_overflows_the_gradient_changes_nothing() -> None:
    a, b = Value(1.0, "a", kind="parameter"), Value(1e308, "b", kind="parameter")
    opt = SGD([a, b], lr=0.1, weight_decay=10.0)  # g + λθ = 1e309
    a.grad = b.grad = 1.0
    with pytest.raises(DivergenceError, match="'b'"):
        opt.step()
    assert (a.data, b.data, opt.steps) == (1.0, 1e308, 0)


def test_after_a_refused_step_the_optimizer_carries_on_exactly() -> None:
    opt, a, b = warmed_up("adam")
    twin, c, d = warmed_up("adam")
    a.grad, b.grad = 0.5, math.inf
    with pytest.raises(DivergenceError):
        opt.step()
    a.grad, b.grad = c.grad, d.grad = 0.125, 0.25
    opt.step()
    twin.step()
    assert snapshot(opt) == snapshot(twin)


# --- hyperparameters ----------------------------------------------------------------------------


@pytest.mark.parametrize("make", [Adagrad, RMSProp, Adadelta, Adam])
@pytest.mark.parametrize("eps", [0, 0.0, -1e-8, math.nan, math.inf])
def test_eps_must_be_positive_and_finite(make: type[Optimizer], eps: float) -> None:
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0, got"):
        make([Value(0.0, kind="parameter")], eps=eps)  # type: ignore[call-arg]


HUGE = 10**400  # a Python int no float can hold

HYPER_CASES: list[tuple[type[Optimizer], dict[str, object], str]] = [
    *[(make, {"lr": HUGE}, "lr") for make in (SGD, Adagrad, RMSProp, Adadelta, Adam)],  # type: ignore[list-item]
    *[(make, {"weight_decay": HUGE}, "weight_decay") for make in (SGD, Adagrad, RMSProp, Adadelta, Adam)],  # type: ignore[list-item]
    (SGD, {"momentum": HUGE}, "momentum"),
    (SGD, {"dampening": HUGE}, "dampening"),
    (Adagrad, {"lr_decay": HUGE}, "lr_decay"),
    (Adagrad, {"initial_accumulator_value": HUGE}, "initial_accumulator_value"),
    (Adagrad, {"eps": HUGE}, "eps"),
    (RMSProp, {"alpha": HUGE}, "alpha"),
    (RMSProp, {"momentum": HUGE}, "momentum"),
    (Adadelta, {"rho": HUGE}, "rho"),
    (Adam, {"betas": (HUGE, 0.999)}, r"betas\[0\]"),
    (Adam, {"betas": (0.9, -HUGE)}, r"betas\[1\]"),
]


@pytest.mark.parametrize(("make", "hyper", "name"), HYPER_CASES)
def test_numbers_too_large_for_a_float_are_named_value_errors(
    make: type[Optimizer], hyper: dict[str, object], name: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{name} must be a finite number.*401 digits"):
        make([Value(0.0, kind="parameter")], **hyper)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("numpy_kind", "python_kind"),
    [
        (lambda ps: SGD(ps, lr=np.float32(0.5)), lambda ps: SGD(ps, lr=float(np.float32(0.5)))),
        (
            lambda ps: SGD(ps, lr=np.float64(0.1), momentum=np.float32(0.5), dampening=np.int64(0)),
            lambda ps: SGD(ps, lr=0.1, momentum=0.5, dampening=0),
        ),
        (
            lambda ps: Adam(ps, lr=np.float64(0.1), betas=(np.float32(0.5), np.float64(0.9))),
            lambda ps: Adam(ps, lr=0.1, betas=(0.5, 0.9)),
        ),
        (
            lambda ps: Adagrad(ps, lr=np.int64(1), eps=np.float64(1e-3)),
            lambda ps: Adagrad(ps, lr=1, eps=1e-3),
        ),
        (lambda ps: RMSProp(ps, alpha=np.float64(0.9)), lambda ps: RMSProp(ps, alpha=0.9)),
        (lambda ps: Adadelta(ps, rho=np.float64(0.5)), lambda ps: Adadelta(ps, rho=0.5)),
    ],
)
def test_numpy_scalars_are_numbers_like_any_other(
    numpy_kind: Callable[[list[Value]], Optimizer], python_kind: Callable[[list[Value]], Optimizer]
) -> None:
    assert trajectory(numpy_kind) == trajectory(python_kind)


@pytest.mark.parametrize(
    ("make", "hyper", "name"),
    [
        (SGD, {"nesterov": "yes", "momentum": 0.9}, "nesterov"),
        (RMSProp, {"centered": 1}, "centered"),
        (Adam, {"amsgrad": "False"}, "amsgrad"),
    ],
)
def test_switches_must_be_real_bools(make: type[Optimizer], hyper: dict[str, object], name: str) -> None:
    with pytest.raises(TypeError, match=rf"{name} must be True or False"):
        make([Value(0.0, kind="parameter")], **hyper)  # type: ignore[arg-type]


@pytest.mark.parametrize("params", [Value(1.0), MLP(2, [1], seed=0), 3.0], ids=["Value", "MLP", "float"])
def test_params_must_be_an_iterable_of_values(params: object) -> None:
    with pytest.raises(TypeError, match=r"params must be an iterable of Values.*model\.parameters\(\)"):
        SGD(params, lr=0.1)  # type: ignore[arg-type]


# --- registries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [SGD, Adagrad, RMSProp, Adadelta, Adam])
def test_declared_hyperparameters_are_exactly_the_constructors_options(make: type[Optimizer]) -> None:
    options = [name for name in inspect.signature(make.__init__).parameters if name not in ("self", "params")]
    assert sorted(make.hyperparameters) == sorted(options)


def test_repr_shows_every_hyperparameter() -> None:
    p = [Value(0.0, kind="parameter")]
    assert repr(SGD(p, lr=0.1, momentum=0.9, dampening=0.5)) == (
        "SGD(lr=0.1, momentum=0.9, dampening=0.5, nesterov=False, weight_decay=0.0)"
    )
    assert repr(Adagrad(p, initial_accumulator_value=0.5)) == (
        "Adagrad(lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.5, eps=1e-10)"
    )


def test_weight_decay_is_set_up_by_the_base_class() -> None:
    class Plain(Optimizer):
        hyperparameters = ("lr", "weight_decay")

        def _update(
            self, theta: float, g: float, state: dict[str, float], t: int
        ) -> tuple[float, dict[str, float]]:
            return theta - self.lr * g, state

    w = Value(1.0, "w", kind="parameter")
    opt = Plain([w], lr=0.1, weight_decay=0.5)
    w.grad = 2.0
    opt.step()  # g + λθ = 2.5
    assert w.data == 1.0 - 0.1 * 2.5 and repr(opt) == "Plain(lr=0.1, weight_decay=0.5)"
    with pytest.raises(ValueError, match="weight_decay must be a finite number >= 0"):
        Plain([w], lr=0.1, weight_decay=-1.0)


def test_presets_name_every_optimizer_the_library_makes() -> None:
    assert list(PRESETS) == ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam"]
    p = [Value(0.0, kind="parameter")]
    for name, preset in PRESETS.items():
        opt = make_optimizer(name, p)
        assert type(opt) is preset.optimizer
        assert all(getattr(opt, key) == value for key, value in preset.options.items())
        assert preset.train_lr > 0
    assert make_optimizer("momentum", p, momentum=0.5).momentum == 0.5  # type: ignore[attr-defined]  # options override the preset


def test_the_train_command_reads_the_library_presets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(optim_module.PRESETS, "heavyball", Preset(SGD, {"momentum": 0.99}, train_lr=0.02))
    argv = ["train", "--optimizer", "heavyball", "--samples", "10", "--epochs", "1", "--no-progress"]
    assert main(argv) == 0
    assert "SGD(lr=0.02, momentum=0.99, dampening=0.0" in capsys.readouterr().err
    assert main(["train", "--optimizer", "nope"]) == 2
    assert "heavyball" in capsys.readouterr().err


def test_a_gradient_that_is_not_a_number_is_named() -> None:
    a, b = Value(1.0, "a", kind="parameter"), Value(2.0, "b", kind="parameter")
    opt = SGD([a, b], lr=0.1)
    a.grad, b.grad = 1, "0.5"  # type: ignore[assignment]
    with pytest.raises(TypeError, match="the gradient of 'b' must be a number"):
        opt.step()
    assert (a.data, b.data, opt.steps) == (1.0, 2.0, 0)
    b.grad = np.float32(0.5)
    opt.step()
    assert (a.data, b.data) == (1.0 - 0.1 * 1, 2.0 - 0.1 * 0.5)
