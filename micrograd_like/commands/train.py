"""`micrograd-like train`: train an MLP on a small built-in dataset, show progress, report accuracy.

    micrograd-like train --dataset moons --epochs 100 --save moons.json

Classification sets (moons, blobs, xor, circles, spiral) report training accuracy; `regression`
reports the final mean squared error. `--save PATH` writes the trained model with `MLP.save` (load
it with `MLP.load`).

Every argument is checked before any work starts. Limits: --samples 2..100,000, --epochs
1..100,000, --noise 0..100, hidden widths 1..1,000, and samples × parameters at most 2,000,000
(one full-batch epoch builds a graph of about two nodes per sample per parameter, ~140 bytes each,
so the largest run allowed needs well under a gigabyte). Training that diverges (the loss 1000
times where it started, or overflowing) stops with a one-line error naming the epoch and the loss,
exit code 2. The default learning rate is the optimizer preset's for the dataset's task.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ..util import checks
from . import UsageError

MAX_EPOCHS = 100_000
MAX_WIDTH = 1_000
MAX_GRAPH = 2_000_000  # samples × parameters: the full-batch graph has about twice as many nodes

T = TypeVar("T")


def register(subparsers: Any) -> None:
    """Add the `train` subcommand to the CLI's subparsers."""
    from ..learn.data import DATASETS
    from ..learn.optim import PRESETS

    rates = ", ".join(
        f"{name} {preset.train_lr:g}"
        + (f" ({preset.regression_lr:g} on regression)" if preset.regression_lr is not None else "")
        for name, preset in PRESETS.items()
    )
    parser = subparsers.add_parser(
        "train",
        help="train an MLP on a small dataset (moons, blobs, xor, circles, spiral, regression)",
        description="Train an MLP on a small deterministic dataset, with a progress bar.",
    )
    parser.add_argument("--dataset", default="moons", help=f"one of {', '.join(DATASETS)} (default: moons)")
    parser.add_argument(
        "--samples", type=int, default=100, help="number of samples, 2..100000 (default: 100)"
    )
    parser.add_argument(
        "--noise", type=float, default=None, help="dataset noise, 0..100 (default: the dataset's)"
    )
    parser.add_argument("--epochs", type=int, default=100, help="full-batch training steps (default: 100)")
    parser.add_argument("--lr", type=float, default=None, help=f"learning rate (default: {rates})")
    parser.add_argument("--optimizer", default="adam", help=f"one of {', '.join(PRESETS)} (default: adam)")
    parser.add_argument(
        "--hidden", default="16", help="hidden layer widths, comma-separated, e.g. 16,16 (default: 16)"
    )
    parser.add_argument("--activation", default="tanh", help="hidden activation (default: tanh)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights (default: 0)")
    parser.add_argument("--save", metavar="PATH", default=None, help="save the trained model as JSON")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (default: only when stderr is a terminal)",
    )
    parser.add_argument(
        "--compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the model's forward and backward as compiled Python, the same numbers many times "
        "faster (default: on; --no-compile builds the graph every step)",
    )
    parser.set_defaults(run=run)


def _usage(check: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one of the library's checks; its TypeError/ValueError becomes a UsageError."""
    try:
        return check(*args, **kwargs)
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None


def _hidden(text: str) -> list[int]:
    parts = [part.strip() for part in text.split(",")]
    if parts == [""]:
        raise UsageError("--hidden needs at least one width, e.g. --hidden 16 or --hidden 16,16")
    try:
        widths = [int(part) for part in parts]
    except ValueError:
        raise UsageError(
            f"--hidden must be comma-separated positive integers like 16,16; got {text!r}"
        ) from None
    for width in widths:
        if not 1 <= width <= MAX_WIDTH:
            raise UsageError(f"--hidden widths must be integers in [1, {MAX_WIDTH}]; got {width}")
    return widths


def _check_save_path(path: str) -> Path:
    """Fail before training, not after, when the model could not be written."""
    if not path:
        raise UsageError("--save needs a file name, e.g. --save model.json")
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UsageError(f"--save {path}: is a directory")
    if target.exists() and not target.is_file():
        raise UsageError(f"--save {path}: not a regular file (it would be replaced, not written to)")
    if not folder.exists():
        raise UsageError(f"--save {path}: folder {folder} does not exist")
    if not folder.is_dir():
        raise UsageError(f"--save {path}: {folder} is not a folder")
    try:  # the real test: can a file be created there (catches read-only mounts, even for root)?
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".probe", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise UsageError(f"--save {path}: cannot write in {folder}: {error.strerror or error}") from None
    if target.exists() and not os.access(target, os.W_OK):
        raise UsageError(f"--save {path}: file is not writable")
    return target


def _check_names(args: argparse.Namespace) -> None:
    from ..learn.data import DATASETS
    from ..learn.modules import ACTIVATIONS
    from ..learn.optim import PRESETS

    for flag, value, known in (
        ("dataset", args.dataset, DATASETS),
        ("optimizer", args.optimizer, PRESETS),
        ("activation", args.activation, ACTIVATIONS),
    ):
        if value not in known:
            raise UsageError(f"unknown {flag} {value!r}; choose one of {', '.join(known)}")


def _check_graph_size(samples: int, sizes: list[int]) -> None:
    """Refuse a full-batch graph too large to build (it would allocate until MemoryError)."""
    from ..learn.modules import parameter_count

    parameters = parameter_count(sizes[0], sizes[1:])
    if samples * parameters > MAX_GRAPH:
        raise UsageError(
            f"one epoch would build a graph of about {2 * samples * parameters:,} nodes "
            f"({samples} samples × {parameters} parameters = {samples * parameters:,}; "
            f"the limit is {MAX_GRAPH:,}): use fewer --samples or narrower --hidden layers"
        )


class _Settings(NamedTuple):
    """The run's arguments after every check: nothing is built until all of them pass."""

    epochs: int
    samples: int
    lr: float | None  # None: the optimizer preset's rate for the dataset's task
    hidden: list[int]
    save: Path | None


def _settings(args: argparse.Namespace) -> _Settings:
    from ..learn.data import MAX_NOISE, MAX_SAMPLES

    _check_names(args)
    epochs = _usage(checks.integer, "--epochs", args.epochs, low=1, high=MAX_EPOCHS)
    samples = _usage(checks.integer, "--samples", args.samples, low=2, high=MAX_SAMPLES)
    if args.noise is not None:
        _usage(checks.real, "--noise", args.noise, low=0.0, high=MAX_NOISE)
    lr = None if args.lr is None else _usage(checks.real, "--lr", args.lr, low=0.0, low_open=True)
    hidden = _hidden(args.hidden)
    save = _check_save_path(args.save) if args.save is not None else None
    return _Settings(epochs, samples, lr, hidden, save)


def run(args: argparse.Namespace) -> int:
    from ..learn.data import make_dataset
    from ..learn.modules import MLP
    from ..learn.optim import PRESETS, make_optimizer
    from ..training.fit import TrainingDivergedError, fit

    epochs, samples, lr, hidden, save = _settings(args)
    data = _usage(make_dataset, args.dataset, samples, noise=args.noise, seed=args.seed)
    if lr is None:
        lr = PRESETS[args.optimizer].lr_for(data.task)
    _check_graph_size(samples, [data.nin, *hidden, data.nout])
    model = MLP(
        data.nin, [*hidden, data.nout], activation=args.activation, output_activation="linear", seed=args.seed
    )
    optimizer = make_optimizer(args.optimizer, model.parameters(), lr=lr)

    print(
        f"training {model!r} on {args.dataset} ({len(data.xs)} samples, {data.task}) "
        f"with {optimizer!r} for {epochs} epochs",
        file=sys.stderr,
    )
    start = time.perf_counter()
    try:
        history = fit(model, data, optimizer, epochs=epochs, progress=args.progress, compile=args.compile)
    except TrainingDivergedError as error:
        hint = (
            f"try a smaller --lr (this run used {lr:g})"
            if error.stepped
            else "the data overflow before any step: try a smaller --noise"
        )
        raise UsageError(
            f"training diverged in epoch {error.epoch} of {error.epochs}: {error.reason}; {hint}"
        ) from None
    seconds = time.perf_counter() - start

    summary = f"final loss {history.final_loss:.6f} (from {history.loss[0]:.6f})"
    if history.final_accuracy is not None:
        summary = f"training accuracy {history.final_accuracy:.1%}, {summary}"
    if save is not None:  # before any output: with stdout closed or gone, the model is still kept
        try:
            model.save(save)
        except OSError as error:
            raise UsageError(f"--save {args.save}: {error.strerror or error}") from None
    print(f"{summary} after {epochs} epochs in {seconds:.1f} s")
    if save is not None:
        print(f"saved model to {save}")
    return 0
