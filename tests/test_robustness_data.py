"""data when things go wrong: sizes and noise levels past the documented limits, numbers too large
for a float, numpy scalars, seeds that are not integers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from micrograd_like.learn.data import DATASETS, MAX_NOISE, MAX_SAMPLES, blobs, make_dataset, moons


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
    numpy = make_dataset(name, np.int64(12), noise=np.float32(0.25), seed=np.int64(3))  # type: ignore[arg-type]
    assert (numpy.xs, numpy.ys) == (plain.xs, plain.ys)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: moons(10, seed="abc"), TypeError, "seed must be an integer or None"),
        (lambda: moons(10, seed=1.5), TypeError, "seed must be an integer or None"),
        (lambda: moons(10.0), TypeError, "n must be an integer"),
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
