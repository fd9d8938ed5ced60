"""Tiny deterministic datasets in pure Python: two moons, blobs, xor, circles, a spiral, a 1-D regression.

Each generator takes a sample count, a noise level and a seed (`random.Random(seed)`), so the same
call gives the same points everywhere, with no numpy or scikit-learn needed. The walkthrough page
draws the same points for the same arguments: its datasets.js reproduces `random.Random` and these
generators step by step (tests/js checks them point for point), so change both together.

    >>> d = moons(4, noise=0.0, seed=0)
    >>> d.task, d.nin, d.nout, len(d.xs), sorted(set(d.ys))
    ('binary', 2, 1, 4, [0, 1])

Labels: `binary` sets use 0/1 (a model's one output is the logit of class 1), `multiclass` sets
use 0..k-1 (one output per class), `regression` sets hold the target numbers.

Limits: at most `MAX_SAMPLES` (100,000) samples, far more than a scalar engine trains on in
reasonable time, and a noise level of at most `MAX_NOISE` (100): the sets have unit size, so at
noise 100 every pattern is gone already, and the points stay well inside the float range.
A `Dataset` you build yourself is checked when it is made (shapes, finite numbers, labels).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..util import checks

MAX_SAMPLES = 100_000
MAX_NOISE = 100.0
MAX_CENTERS = 100  # blobs: classes around one circle
TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class Dataset:
    """Samples `xs` (each a list of `nin` floats) with targets `ys`, and what kind of task they pose.

    Checked when made: at least one sample, every sample the same number (>= 1) of finite numbers,
    one finite target per sample; labels 0/1 for "binary", class indices 0..nout-1 for "multiclass".
    """

    name: str
    xs: list[list[float]]
    ys: list[float] = field(repr=False)
    task: str  # "binary", "multiclass" or "regression"
    nout: int  # model outputs the task needs: 1, the number of classes, or 1

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {type(self.name).__name__}")
        _check_task(self.task, self.nout)
        _check_samples(self.name, self.xs, self.ys)
        _check_labels(self.ys, self.task, self.nout)

    @property
    def nin(self) -> int:
        return len(self.xs[0])

    def __len__(self) -> int:
        return len(self.xs)


def _check_task(task: object, nout: object) -> None:
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}, got {checks.show(task)}")
    outputs = checks.integer("nout", nout, low=1)
    if task == "multiclass" and outputs < 2:
        raise ValueError(f"a multiclass task needs at least 2 classes (nout), got {outputs}")
    if task != "multiclass" and outputs != 1:
        raise ValueError(f"nout must be 1 for a {task} task, got {outputs}")


def _check_samples(name: str, xs: object, ys: object) -> None:
    rows = checks.sequence("xs", xs, "samples")
    targets = checks.sequence("ys", ys, "targets")
    if len(rows) == 0:
        raise ValueError(f"a Dataset needs at least one sample; {name!r} has no samples")
    if len(targets) != len(rows):
        plural = "" if len(targets) == 1 else "s"
        raise ValueError(f"{name!r} has {len(rows)} samples but {len(targets)} target{plural}")
    nin = len(checks.sequence("xs[0]", rows[0]))
    if nin == 0:
        raise ValueError("every sample needs at least one input; xs[0] is empty")
    for i, row in enumerate(rows):
        if len(checks.sequence(f"xs[{i}]", row)) != nin:
            raise ValueError(
                f"every sample needs the same inputs: sample {i} has {len(row)}, sample 0 has {nin}"
            )
        for k, x in enumerate(row):
            checks.real(f"xs[{i}][{k}]", x)
    for i, y in enumerate(targets):
        checks.real(f"ys[{i}]", y)


def _check_labels(ys: Sequence[float], task: str, nout: int) -> None:
    for i, y in enumerate(ys):
        if task == "binary" and y not in (0, 1):
            raise ValueError(f"ys[{i}] must be 0 or 1 for a binary task, got {checks.show(y)}")
        if task == "multiclass" and (y != int(y) or not 0 <= y < nout):
            raise ValueError(
                f"ys[{i}] must be a class index in 0..{nout - 1} for a multiclass task "
                f"with {nout} classes, got {checks.show(y)}"
            )


def _check(n: object, noise: object, seed: object, minimum: int = 1) -> tuple[int, float, int | None]:
    """The generators' common arguments as (int, float, int or None), or a named error."""
    return (
        checks.integer("n", n, low=minimum, high=MAX_SAMPLES),
        checks.real("noise", noise, low=0.0, high=MAX_NOISE),
        checks.optional_integer("seed", seed),
    )


def _shuffled(
    rng: random.Random, xs: list[list[float]], ys: list[float]
) -> tuple[list[list[float]], list[float]]:
    order = list(range(len(xs)))
    rng.shuffle(order)
    return [xs[i] for i in order], [ys[i] for i in order]


def moons(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles (class 0 on top, class 1 below), with Gaussian noise.

    Half the points (rounded down) lie on the upper arc (cos t, sin t), t in [0, π]; the rest on
    the lower arc (1 - cos t, 0.5 - sin t); then each coordinate gets N(0, noise²) added.
    """
    n, noise, seed = _check(n, noise, seed, minimum=2)
    rng = random.Random(seed)
    n_top = n // 2
    n_bottom = n - n_top
    xs: list[list[float]] = []
    ys: list[float] = []
    for count, label in ((n_top, 0), (n_bottom, 1)):
        for i in range(count):
            t = math.pi * i / (count - 1) if count > 1 else 0.0
            x, y = (math.cos(t), math.sin(t)) if label == 0 else (1.0 - math.cos(t), 0.5 - math.sin(t))
            xs.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
            ys.append(label)
    xs, ys = _shuffled(rng, xs, ys)
    return Dataset("moons", xs, ys, task="binary", nout=1)


def blobs(n: int = 100, noise: float = 0.5, seed: int | None = 0, *, centers: int = 3) -> Dataset:
    """`centers` round clusters (classes 0..centers-1) at radius 2 around the origin, std `noise`."""
    n, noise, seed = _check(n, noise, seed)
    centers = checks.integer("centers", centers, low=2, high=MAX_CENTERS)
    rng = random.Random(seed)
    xs: list[list[float]] = []
    ys: list[float] = []
    for i in range(n):
        label = i % centers  # classes as balanced as n allows
        angle = 2.0 * math.pi * label / centers
        xs.append(
            [2.0 * math.cos(angle) + rng.gauss(0.0, noise), 2.0 * math.sin(angle) + rng.gauss(0.0, noise)]
        )
        ys.append(label)
    xs, ys = _shuffled(rng, xs, ys)
    return Dataset("blobs", xs, ys, task="multiclass", nout=centers)


def xor(n: int = 100, noise: float = 0.2, seed: int | None = 0) -> Dataset:
    """Four clusters at (±1, ±1): class 1 where exactly one coordinate is negative (x1·x2 < 0)."""
    n, noise, seed = _check(n, noise, seed)
    rng = random.Random(seed)
    corners = ((1.0, 1.0), (-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0))  # the first two are class 0
    xs: list[list[float]] = []
    ys: list[float] = []
    for i in range(n):
        cx, cy = corners[i % 4]
        xs.append([cx + rng.gauss(0.0, noise), cy + rng.gauss(0.0, noise)])
        ys.append(0 if i % 4 < 2 else 1)
    xs, ys = _shuffled(rng, xs, ys)
    return Dataset("xor", xs, ys, task="binary", nout=1)


def circles(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> Dataset:
    """Two concentric circles: class 0 on the outer one (radius 1), class 1 on the inner (radius 0.5).

    Half the points (rounded down) sit evenly around the outer circle at angles t = 2π·i/count, the
    rest around the inner one; then each coordinate gets N(0, noise²) added, as in `moons`.
    """
    n, noise, seed = _check(n, noise, seed, minimum=2)
    rng = random.Random(seed)
    n_outer = n // 2
    xs: list[list[float]] = []
    ys: list[float] = []
    for count, radius, label in ((n_outer, 1.0, 0), (n - n_outer, 0.5, 1)):
        for i in range(count):
            t = 2.0 * math.pi * i / count
            x, y = radius * math.cos(t), radius * math.sin(t)
            xs.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
            ys.append(label)
    xs, ys = _shuffled(rng, xs, ys)
    return Dataset("circles", xs, ys, task="binary", nout=1)


SPIRAL_TURNS = 1.75  # each arm's turns from the centre out to radius 1


def spiral(n: int = 100, noise: float = 0.05, seed: int | None = 0) -> Dataset:
    """Two interleaved spiral arms, class 1's turned half a turn from class 0's, with Gaussian noise.

    Point i of an arm of `count` points lies at radius r = (i + 1)/count and angle
    t = 2π·SPIRAL_TURNS·r (+ π for class 1): (r cos t, r sin t), then N(0, noise²) per coordinate.
    Half the points (rounded down) are class 0. Neighbouring turns of the two arms are about 0.29
    apart, so the default noise 0.05 keeps them apart and 0.15 already blurs them.
    """
    n, noise, seed = _check(n, noise, seed, minimum=2)
    rng = random.Random(seed)
    n_first = n // 2
    xs: list[list[float]] = []
    ys: list[float] = []
    for count, label in ((n_first, 0), (n - n_first, 1)):
        for i in range(count):
            r = (i + 1) / count
            t = 2.0 * math.pi * SPIRAL_TURNS * r + math.pi * label
            x, y = r * math.cos(t), r * math.sin(t)
            xs.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
            ys.append(label)
    xs, ys = _shuffled(rng, xs, ys)
    return Dataset("spiral", xs, ys, task="binary", nout=1)


def regression(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> Dataset:
    """y = sin(πx) + N(0, noise²) at n evenly spaced x in [-1, 1] (one input, one target)."""
    n, noise, seed = _check(n, noise, seed, minimum=2)
    rng = random.Random(seed)
    xs = [[-1.0 + 2.0 * i / (n - 1)] for i in range(n)]
    ys = [math.sin(math.pi * x[0]) + rng.gauss(0.0, noise) for x in xs]
    return Dataset("regression", xs, ys, task="regression", nout=1)


DATASETS: dict[str, Callable[..., Dataset]] = {
    "moons": moons,
    "blobs": blobs,
    "xor": xor,
    "circles": circles,
    "spiral": spiral,
    "regression": regression,
}


def make_dataset(name: str, n: int = 100, *, noise: float | None = None, seed: int | None = 0) -> Dataset:
    """A dataset by name (one of DATASETS); `noise=None` keeps that generator's default."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    make = DATASETS[name]
    return make(n, seed=seed) if noise is None else make(n, noise, seed)
