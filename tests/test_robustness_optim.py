"""optim when things go wrong: a step that would put inf or NaN anywhere raises before changing
anything; hyperparameters are checked (eps > 0, numbers too large for a float, numpy scalars, real
bools); the hyperparameter and preset registries that repr and the CLI read.
"""

from __future__ import annotations

import copy
import inspect
import math
from collections.abc import Callable
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
    make_optimizer,
)

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
        make([Value(0.0, kind="parameter")], eps=eps)


HUGE = 10**400  # a Python int no float can hold

HYPER_CASES: list[tuple[type[Optimizer], dict[str, object], str]] = [
    *[(make, {"lr": HUGE}, "lr") for make in (SGD, Adagrad, RMSProp, Adadelta, Adam)],
    *[(make, {"weight_decay": HUGE}, "weight_decay") for make in (SGD, Adagrad, RMSProp, Adadelta, Adam)],
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
        make([Value(0.0, kind="parameter")], **hyper)


def trajectory(opt_of: Callable[[list[Value]], Optimizer]) -> list[float]:
    p = Value(1.0, kind="parameter")
    opt = opt_of([p])
    out = []
    for g in (2.0, -1.0, 0.5):
        p.grad = g
        opt.step()
        out.append(p.data)
    return out


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
        make([Value(0.0, kind="parameter")], **hyper)


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
    assert make_optimizer("momentum", p, momentum=0.5).momentum == 0.5  # options override the preset


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
    b.grad = np.float32(0.5)  # type: ignore[assignment]
    opt.step()
    assert (a.data, b.data) == (1.0 - 0.1 * 1, 2.0 - 0.1 * 0.5)
