"""landscape(t1, t2) against its formula in plain floats and finite differences; its stationary
points; landscape_run against hand-written optimizer updates (the oracle the page is tested with)."""

from __future__ import annotations

import math
import random

import pytest

from micrograd_like import Value, grad, hessian, landscape, no_grad, parse_expression
from micrograd_like.learn.optim import DivergenceError
from micrograd_like.post.landscape import (
    FORMULA,
    GLOBAL_MINIMUM,
    LOCAL_MINIMUM,
    MAX_STEPS,
    OPTIMIZERS,
    RACE,
    SADDLE,
    landscape_run,
    optimizer_options,
)


def J_float(t1: float, t2: float) -> float:
    """The landscape in plain floats, in the notebooks' op order."""
    bowl = 0.12 * (t1**2 + t2**2) + 1.4
    deep = 1.3 * math.exp(-((t1 + 0.8) ** 2 + (t2 + 0.6) ** 2) / 0.6)
    shallow = 0.7 * math.exp(-((t1 - 0.84) ** 2 + (t2 - 0.84) ** 2) / 0.25)
    return bowl - deep - shallow


def gradient_by_hand(t1: float, t2: float) -> tuple[float, float]:
    """∂J/∂θ derived by hand: 0.24θ + 1.3·e₁·2(θ − c₁)/0.6 + 0.7·e₂·2(θ − c₂)/0.25."""
    e1 = math.exp(-((t1 + 0.8) ** 2 + (t2 + 0.6) ** 2) / 0.6)
    e2 = math.exp(-((t1 - 0.84) ** 2 + (t2 - 0.84) ** 2) / 0.25)
    d1 = 0.24 * t1 + 1.3 * e1 * 2 * (t1 + 0.8) / 0.6 + 0.7 * e2 * 2 * (t1 - 0.84) / 0.25
    d2 = 0.24 * t2 + 1.3 * e1 * 2 * (t2 + 0.6) / 0.6 + 0.7 * e2 * 2 * (t2 - 0.84) / 0.25
    return d1, d2


def points(n: int, seed: int = 0) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(rng.uniform(-2.5, 2.5), rng.uniform(-2.5, 2.5)) for _ in range(n)]


def fd_gradient(t1: float, t2: float, h: float = 1e-6) -> tuple[float, float]:
    return (
        (J_float(t1 + h, t2) - J_float(t1 - h, t2)) / (2 * h),
        (J_float(t1, t2 + h) - J_float(t1, t2 - h)) / (2 * h),
    )


# --- the function -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("t1", "t2"), [(0.8, 0.8), (0.0, 0.0), (-1.9, 1.0), *points(20)])
def test_value_is_the_formula_to_the_bit(t1: float, t2: float) -> None:
    assert landscape(t1, t2).data == J_float(t1, t2)


def test_formula_text_is_the_same_function_op_for_op() -> None:
    # the page renders FORMULA; it must give the same floats and gradients as landscape()
    for t1, t2 in points(20, seed=1):
        parsed = parse_expression(FORMULA, {"t1": t1, "t2": t2})
        leaves = [parsed.leaves["t1"], parsed.leaves["t2"]]
        mine = [Value(t1), Value(t2)]
        assert parsed.root.data == landscape(*mine).data
        assert grad(parsed.root, leaves) == grad(landscape(*mine), mine)


@pytest.mark.parametrize(("t1", "t2"), points(25, seed=2))
def test_gradient_matches_hand_formula_and_finite_differences(t1: float, t2: float) -> None:
    t = [Value(t1, kind="parameter"), Value(t2, kind="parameter")]
    J = landscape(*t)
    J.backward()
    by_hand = gradient_by_hand(t1, t2)
    fd = fd_gradient(t1, t2)
    for got, exact, estimate in zip([t[0].grad, t[1].grad], by_hand, fd):
        assert got == pytest.approx(exact, rel=1e-12, abs=1e-14)
        assert got == pytest.approx(estimate, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize(("t1", "t2"), points(10, seed=3))
def test_hessian_matches_finite_differences_of_the_gradient(t1: float, t2: float) -> None:
    H = hessian(landscape, [t1, t2])
    h = 1e-5
    for j, (dt1, dt2) in enumerate([(h, 0.0), (0.0, h)]):
        plus = gradient_by_hand(t1 + dt1, t2 + dt2)
        minus = gradient_by_hand(t1 - dt1, t2 - dt2)
        for i in range(2):
            assert H[i][j] == pytest.approx((plus[i] - minus[i]) / (2 * h), rel=1e-6, abs=1e-7)
    assert H[0][1] == pytest.approx(H[1][0], rel=1e-12, abs=1e-15)


def test_accepts_numbers_and_values_and_labels_its_leaves() -> None:
    from_ints = landscape(1, -1)
    assert from_ints.data == J_float(1.0, -1.0)
    assert from_ints.label == "J"
    leaves = {v.label for v in _leaves(from_ints)}
    assert leaves == {"θ1", "θ2"}
    a, b = Value(0.3, "a"), Value(-0.2, "b")
    J = landscape(a, b)
    assert {v.label for v in _leaves(J)} == {"a", "b"}
    mixed = landscape(a, 0.5)
    assert mixed.data == J_float(0.3, 0.5)
    with no_grad():  # values only, as the notebooks draw the surface
        assert landscape(0.25, 0.5).data == J_float(0.25, 0.5)


def _leaves(root: Value) -> list[Value]:
    seen, stack, out = set(), [root], []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.is_leaf:
            out.append(node)
        stack.extend(node.parents)
    return [leaf for leaf in out if leaf.label]


@pytest.mark.parametrize("bad", ["0.5", None, [0.5], True])
def test_rejects_what_is_not_a_number(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        landscape(bad, 0.0)  # type: ignore[arg-type]


# --- its stationary points ----------------------------------------------------------------------


def _eigen_signs(H: list[list[float]]) -> tuple[float, float]:
    """(det, trace) of a 2×2 matrix: both > 0 exactly when it is positive definite."""
    return H[0][0] * H[1][1] - H[0][1] * H[1][0], H[0][0] + H[1][1]


@pytest.mark.parametrize("point", [GLOBAL_MINIMUM, LOCAL_MINIMUM, SADDLE])
def test_stationary_points_have_zero_gradient(point: tuple[float, float]) -> None:
    t = [Value(point[0]), Value(point[1])]
    assert all(abs(g) < 1e-14 for g in grad(landscape(*t), t))
    assert all(abs(g) < 1e-14 for g in gradient_by_hand(*point))


@pytest.mark.parametrize("point", [GLOBAL_MINIMUM, LOCAL_MINIMUM])
def test_minima_have_positive_definite_hessian(point: tuple[float, float]) -> None:
    det, trace = _eigen_signs(hessian(landscape, list(point)))
    assert det > 0 and trace > 0


def test_saddle_has_indefinite_hessian() -> None:
    det, _ = _eigen_signs(hessian(landscape, list(SADDLE)))
    assert det < 0


def test_the_documented_numbers() -> None:
    assert [round(x, 6) for x in GLOBAL_MINIMUM] == [-0.757833, -0.568375]
    assert [round(x, 6) for x in LOCAL_MINIMUM] == [0.804531, 0.804608]
    assert round(J_float(*GLOBAL_MINIMUM), 6) == 0.213689
    assert round(J_float(*LOCAL_MINIMUM), 6) == 0.86169
    assert round(J_float(*SADDLE), 6) == 1.310461
    # the post's "at θ1 and θ2 equals 0.8"
    assert math.dist(LOCAL_MINIMUM, (0.8, 0.8)) < 0.01


def test_global_minimum_is_lowest_on_a_grid() -> None:
    grid = [-2.5 + 5 * i / 100 for i in range(101)]
    lowest = min(J_float(a, b) for a in grid for b in grid)
    assert J_float(*GLOBAL_MINIMUM) <= lowest
    assert J_float(*GLOBAL_MINIMUM) < J_float(*LOCAL_MINIMUM)


@pytest.mark.parametrize(("start", "target"), [((-1.0, -0.9), GLOBAL_MINIMUM), ((1.0, 0.7), LOCAL_MINIMUM)])
def test_newton_from_inside_a_dip_finds_the_stated_minimum(
    start: tuple[float, float], target: tuple[float, float]
) -> None:
    t1, t2 = start
    for _ in range(20):  # Newton: solve H·step = ∇J
        g1, g2 = gradient_by_hand(t1, t2)
        (a, b), (c, d) = hessian(landscape, [t1, t2])
        det = a * d - b * c
        t1, t2 = t1 - (d * g1 - b * g2) / det, t2 - (a * g2 - c * g1) / det
    assert math.dist((t1, t2), target) < 1e-12


# --- landscape_run ----------------------------------------------------------------------------------


def test_sgd_run_is_the_hand_written_update() -> None:
    run = landscape_run("SGD", (1.6, 1.9), 12, lr=0.3)
    t1, t2 = 1.6, 1.9
    expected = [(t1, t2, J_float(t1, t2))]
    for _ in range(12):
        g1, g2 = gradient_by_hand(t1, t2)
        t1, t2 = t1 - 0.3 * g1, t2 - 0.3 * g2  # θ ← θ − α·∂J/∂θ
        expected.append((t1, t2, J_float(t1, t2)))
    assert len(run) == 13
    for got, want in zip(run, expected):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-13)


def test_momentum_and_nesterov_runs_are_the_hand_written_update() -> None:
    for nesterov in (False, True):
        run = landscape_run("SGD", (-1.9, 1.0), 10, lr=0.1, momentum=0.9, nesterov=nesterov)
        theta = [-1.9, 1.0]
        buffer: list[float] | None = None
        for k in range(10):
            assert run[k][:2] == pytest.approx(tuple(theta), rel=1e-12, abs=1e-13)
            g = list(gradient_by_hand(*theta))
            buffer = g if buffer is None else [0.9 * b + gi for b, gi in zip(buffer, g)]
            step = [gi + 0.9 * b for gi, b in zip(g, buffer)] if nesterov else buffer
            theta = [t - 0.1 * s for t, s in zip(theta, step)]
        assert run[10][:2] == pytest.approx(tuple(theta), rel=1e-12, abs=1e-13)


def test_adam_run_is_the_hand_written_update() -> None:
    lr, b1, b2, eps = 0.05, 0.8, 0.95, 1e-7
    run = landscape_run("Adam", (1.6, 1.9), 8, lr=lr, betas=(b1, b2), eps=eps)
    theta, m, v = [1.6, 1.9], [0.0, 0.0], [0.0, 0.0]
    for t in range(1, 9):
        g = gradient_by_hand(*theta)
        for i in range(2):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            m_hat, v_hat = m[i] / (1 - b1**t), v[i] / (1 - b2**t)
            theta[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)
        assert run[t] == pytest.approx((*theta, J_float(*theta)), rel=1e-12, abs=1e-13)


def test_every_point_holds_its_own_J_and_the_start_comes_first() -> None:
    run = landscape_run("RMSProp", (0.2, 0.4), 30, lr=0.02)
    assert run[0] == (0.2, 0.4, J_float(0.2, 0.4))
    assert all(landscape(t1, t2).data == J for t1, t2, J in run)
    assert landscape_run("Adagrad", (0.5, 0.5), 0) == [(0.5, 0.5, J_float(0.5, 0.5))]


# the notebook's race: each optimizer, defaults and the notebook's settings, stays finite and lands
NOTEBOOK_SETTINGS = [
    *[(name, options) for _, name, options in RACE],
    *[(name, {}) for name in OPTIMIZERS],
]


@pytest.mark.parametrize(("name", "options"), NOTEBOOK_SETTINGS)
def test_runs_are_finite_and_deterministic(name: str, options: dict[str, object]) -> None:
    run = landscape_run(name, (1.6, 1.9), 250, **options)
    assert len(run) == 251
    assert all(math.isfinite(x) for point in run for x in point)
    assert landscape_run(name, (1.6, 1.9), 250, **options) == run


def test_runs_equal_the_optimizer_classes_driven_by_hand() -> None:
    # what the page's JavaScript is compared with: the class itself, its options passed through
    rng = random.Random(5)
    for name, cls in OPTIMIZERS.items():
        options: dict[str, object] = {"lr": rng.uniform(0.01, 0.3), "weight_decay": rng.uniform(0, 0.1)}
        start = (rng.uniform(-2, 2), rng.uniform(-2, 2))
        t = [Value(start[0], kind="parameter"), Value(start[1], kind="parameter")]
        opt = cls(t, **options)  # type: ignore[arg-type]
        expected = []
        for _ in range(20):
            expected.append((t[0].data, t[1].data))
            opt.zero_grad()
            landscape(*t).backward()
            opt.step()
        expected.append((t[0].data, t[1].data))
        assert [p[:2] for p in landscape_run(name, start, 20, **options)] == expected


def test_optimizer_options_are_each_class_hyperparameters() -> None:
    for name, cls in OPTIMIZERS.items():
        assert set(optimizer_options(name)) == set(cls.hyperparameters)
    assert optimizer_options("Adam")["betas"] == (0.9, 0.999)
    assert list(OPTIMIZERS) == ["SGD", "Adagrad", "Adadelta", "RMSProp", "Adam"]


# --- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "hint"),
    [("sgd", "did you mean 'SGD'"), ("adam", "did you mean 'Adam'"), ("Momentum", "option of SGD"),
     ("nesterov", "nesterov=True"), ("LBFGS", ""), (3, "")],
)  # fmt: skip
def test_unknown_optimizer_lists_the_names(name: object, hint: str) -> None:
    with pytest.raises(ValueError, match="choose one of SGD, Adagrad, Adadelta, RMSProp, Adam") as info:
        landscape_run(name, (0.0, 0.0), 3)  # type: ignore[arg-type]
    assert hint in str(info.value)


def test_unknown_option_lists_the_class_options() -> None:
    with pytest.raises(ValueError, match=r"Adam has no option 'momentum'; its options: lr, betas, eps"):
        landscape_run("Adam", (0.0, 0.0), 3, momentum=0.9)
    with pytest.raises(ValueError, match="no option 'params'"):
        landscape_run("SGD", (0.0, 0.0), 3, params=[])


@pytest.mark.parametrize(
    ("start", "steps", "error"),
    [((0.0,), 3, ValueError), ("ab", 3, ValueError), ((0.0, math.nan), 3, ValueError),
     ((0.0, "1"), 3, TypeError), ((0.0, 0.0), -1, ValueError), ((0.0, 0.0), 2.5, TypeError),
     ((0.0, 0.0), True, TypeError), ((0.0, 0.0), MAX_STEPS + 1, ValueError)],
)  # fmt: skip
def test_bad_start_or_steps(start: object, steps: object, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"start|steps"):
        landscape_run("SGD", start, steps, lr=0.1)  # type: ignore[arg-type]


def test_bad_option_values_are_the_class_errors() -> None:
    with pytest.raises(ValueError, match="lr must be a finite number >= 0"):
        landscape_run("SGD", (0.0, 0.0), 3, lr=-1.0)
    with pytest.raises(ValueError, match="betas"):
        landscape_run("Adam", (0.0, 0.0), 3, betas=(0.9,))


def test_a_run_that_blows_up_names_the_step() -> None:
    with pytest.raises(DivergenceError, match=r"step \d+") as info:
        landscape_run("SGD", (1.0, 1.0), 1000, lr=1e6)
    assert "SGD" in str(info.value)
