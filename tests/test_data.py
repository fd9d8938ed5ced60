"""data: deterministic generators, their geometry and labels, and clear errors."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from micrograd_like.learn.data import (
    DATASETS,
    MAX_NOISE,
    MAX_SAMPLES,
    SPIRAL_TURNS,
    blobs,
    circles,
    make_dataset,
    moons,
    regression,
    spiral,
    xor,
)


@pytest.mark.parametrize("name", list(DATASETS))
def test_same_seed_same_data_other_seed_other_data(name: str) -> None:
    a, b, c = make_dataset(name, 30, seed=1), make_dataset(name, 30, seed=1), make_dataset(name, 30, seed=2)
    assert (a.xs, a.ys) == (b.xs, b.ys)
    assert (a.xs, a.ys) != (c.xs, c.ys)
    assert len(a) == len(a.xs) == len(a.ys) == 30
    assert all(len(x) == a.nin for x in a.xs)
    assert all(type(v) is float for x in a.xs for v in x)


def test_moons_lie_on_their_arcs_without_noise() -> None:
    d = moons(50, noise=0.0, seed=0)
    assert (d.task, d.nin, d.nout) == ("binary", 2, 1)
    assert Counter(d.ys) == {0: 25, 1: 25}
    for (x, y), label in zip(d.xs, d.ys):
        if label == 0:  # upper arc: (cos t, sin t)
            assert math.hypot(x, y) == pytest.approx(1.0) and y >= -1e-12
        else:  # lower arc: (1 - cos t, 0.5 - sin t)
            assert math.hypot(x - 1.0, y - 0.5) == pytest.approx(1.0) and y <= 0.5 + 1e-12
    assert [0.0, 0.5] in [[round(v, 12) + 0.0 for v in p] for p in d.xs]  # t = 0 on the lower arc


def test_moons_noise_moves_points_off_the_arcs() -> None:
    d = moons(200, noise=0.1, seed=3)
    off = [abs(math.hypot(x, y) - 1.0) for (x, y), label in zip(d.xs, d.ys) if label == 0]
    assert 0.01 < sum(off) / len(off) < 0.2


def test_moons_odd_count() -> None:
    assert Counter(moons(7, seed=0).ys) == {0: 3, 1: 4}


def test_xor_labels_follow_the_quadrant() -> None:
    d = xor(80, noise=0.2, seed=0)
    assert (d.task, d.nout) == ("binary", 1)
    assert Counter(d.ys) == {0: 40, 1: 40}
    # noise 0.2 around (±1, ±1) keeps every point in its quadrant with overwhelming probability
    assert all((y == 1) == (x1 * x2 < 0) for (x1, x2), y in zip(d.xs, d.ys))


def test_blobs_are_clusters_around_their_centres() -> None:
    d = blobs(90, noise=0.1, seed=0, centers=3)
    assert (d.task, d.nout) == ("multiclass", 3)
    assert Counter(d.ys) == {0: 30, 1: 30, 2: 30}
    for (x, y), label in zip(d.xs, d.ys):
        angle = 2 * math.pi * label / 3
        assert math.hypot(x - 2 * math.cos(angle), y - 2 * math.sin(angle)) < 0.6


def test_circles_lie_on_two_circles_without_noise() -> None:
    d = circles(9, noise=0.0, seed=0)
    assert (d.task, d.nin, d.nout) == ("binary", 2, 1)
    assert Counter(d.ys) == {0: 4, 1: 5}
    for (x, y), label in zip(d.xs, d.ys):
        assert math.hypot(x, y) == pytest.approx(1.0 if label == 0 else 0.5)
    outer = sorted(round(math.atan2(y, x) % (2 * math.pi), 12) for (x, y), c in zip(d.xs, d.ys) if c == 0)
    assert outer == pytest.approx([0.0, math.pi / 2, math.pi, 3 * math.pi / 2])  # evenly spaced


def test_circles_noise_blurs_the_radius_but_keeps_the_classes_apart() -> None:
    d = circles(400, seed=1)  # default noise 0.1: the circles are 0.5 apart
    radii = {c: [math.hypot(x, y) for (x, y), label in zip(d.xs, d.ys) if label == c] for c in (0, 1)}
    assert 0.95 < sum(radii[0]) / 200 < 1.05 and 0.45 < sum(radii[1]) / 200 < 0.56
    assert sum(r < 0.75 for r in radii[0]) + sum(r > 0.75 for r in radii[1]) < 8


def test_spiral_arms_turn_out_from_the_centre_half_a_turn_apart() -> None:
    d = spiral(40, noise=0.0, seed=0)
    assert (d.task, d.nin, d.nout) == ("binary", 2, 1)
    assert Counter(d.ys) == {0: 20, 1: 20}
    for (x, y), label in zip(d.xs, d.ys):
        r = math.hypot(x, y)
        assert round(r * 20, 9) == round(r * 20) >= 1  # radii 1/20, 2/20, ..., 1
        t = 2 * math.pi * SPIRAL_TURNS * r + math.pi * label
        assert (x, y) == pytest.approx((r * math.cos(t), r * math.sin(t)), abs=1e-12)
    ends = sorted((math.hypot(*p), p, label) for p, label in zip(d.xs, d.ys))[-2:]
    (x0, y0), (x1, y1) = ends[0][1], ends[1][1]
    assert {ends[0][2], ends[1][2]} == {0, 1} and (x0, y0) == pytest.approx((-x1, -y1))  # π apart


def test_spiral_noise_moves_points_off_the_arms() -> None:
    clean, noisy = spiral(100, noise=0.0, seed=2), spiral(100, seed=2)
    assert clean.ys == noisy.ys  # the same shuffle: gauss draws come in pairs, before it
    moved = [math.dist(p, q) for p, q in zip(clean.xs, noisy.xs)]
    assert 0.03 < sum(moved) / len(moved) < 0.1  # noise 0.05 per coordinate: mean 0.05·√(π/2)


def test_regression_is_a_noisy_sine() -> None:
    d = regression(21, noise=0.0, seed=0)
    assert (d.task, d.nin, d.nout) == ("regression", 1, 1)
    assert d.xs[0] == [-1.0] and d.xs[-1] == [1.0] and d.xs[10] == [0.0]
    assert d.ys == pytest.approx([math.sin(math.pi * x[0]) for x in d.xs], abs=1e-15)
    noisy = regression(21, noise=0.1, seed=0)
    assert noisy.ys != d.ys


def test_make_dataset_keeps_the_default_noise_or_takes_one() -> None:
    assert make_dataset("moons", 20, seed=4).xs == moons(20, seed=4).xs
    assert make_dataset("moons", 20, noise=0.0, seed=4).xs == moons(20, 0.0, seed=4).xs


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: make_dataset("spirals"),
            "unknown dataset 'spirals'; choose one of moons, blobs, xor, circles, spiral, regression",
        ),
        (lambda: moons(1), r"n must be an integer in \[2, 100000\], got 1"),
        (lambda: circles(1), r"n must be an integer in \[2, 100000\], got 1"),
        (lambda: spiral(1), r"n must be an integer in \[2, 100000\], got 1"),
        (lambda: xor(0), r"n must be an integer in \[1, 100000\], got 0"),
        (lambda: moons(10, noise=-0.1), r"noise must be a finite number in \[0, 100\], got -0.1"),
        (lambda: blobs(10, noise=float("nan")), "noise must be"),
        (lambda: blobs(10, centers=1), r"centers must be an integer in \[2, 100\], got 1"),
    ],
)
def test_bad_arguments_are_clear_errors(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


# --- when things go wrong --------------------------------------------------------------------------
# data when things go wrong: sizes and noise levels past the documented limits, numbers too large for a
# float, numpy scalars, seeds that are not integers.


def test_the_limits_are_documented_numbers() -> None:
    assert MAX_SAMPLES == 100_000 and MAX_NOISE == 100.0


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("n", [MAX_SAMPLES + 1, 100_000_000_000, 10**400])
def test_too_many_samples_are_refused_up_front(name: str, n: int) -> None:
    with pytest.raises(ValueError, match=r"^n must be an integer in \[\d, 100000\], got"):
        make_dataset(name, n)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("noise", [MAX_NOISE * 1.01, 1e308, 10**400, math.inf, -1e-9])
def test_noise_outside_the_limit_is_refused(name: str, noise: float) -> None:
    with pytest.raises(ValueError, match=r"^noise must be a finite number in \[0, 100\], got"):
        make_dataset(name, 10, noise=noise)


@pytest.mark.parametrize("name", DATASETS)
def test_the_largest_noise_gives_finite_points(name: str) -> None:
    data = make_dataset(name, 200, noise=MAX_NOISE, seed=1)
    assert all(math.isfinite(v) for x in data.xs for v in x) and all(math.isfinite(y) for y in data.ys)


@pytest.mark.parametrize("name", DATASETS)
def test_numpy_scalars_give_the_same_data(name: str) -> None:
    plain = make_dataset(name, 12, noise=0.25, seed=3)
    numpy = make_dataset(name, np.int64(12), noise=np.float32(0.25), seed=np.int64(3))
    assert (numpy.xs, numpy.ys) == (plain.xs, plain.ys)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: moons(10, seed="abc"), TypeError, "seed must be an integer or None"),  # type: ignore[arg-type]
        (lambda: moons(10, seed=1.5), TypeError, "seed must be an integer or None"),  # type: ignore[arg-type]
        (lambda: moons(10.0), TypeError, "n must be an integer"),  # type: ignore[arg-type]
        (lambda: moons(True), TypeError, "n must be an integer"),
        (lambda: blobs(10, centers=True), TypeError, "centers must be an integer"),
        (lambda: blobs(10, centers=10**9), ValueError, r"centers must be an integer in [2, 100]"),
        (lambda: make_dataset(None), ValueError, "unknown dataset None"),  # type: ignore[arg-type]
    ],
)
def test_other_arguments_are_named(call: object, error: type[Exception], words: str) -> None:
    with pytest.raises(error) as caught:
        call()  # type: ignore[operator]
    assert words in str(caught.value)


def test_blobs_takes_numpy_centers() -> None:
    assert blobs(9, centers=np.int64(3)).ys == blobs(9, centers=3).ys
