"""`micrograd-like train`: train an MLP on a small built-in dataset, show progress, report accuracy.

    micrograd-like train --dataset moons --epochs 100 --save moons.json

Classification sets (moons, blobs, xor) report training accuracy; `regression` reports the final
mean squared error. `--save PATH` writes the trained model with `MLP.save` (load it with `MLP.load`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import UsageError

# learning rates that train the default moons MLP well in 100 full-batch epochs (--lr overrides);
# the optimizer classes themselves keep PyTorch's defaults
DEFAULT_LR = {
    "sgd": 0.5,
    "momentum": 0.1,
    "nesterov": 0.1,
    "adagrad": 0.1,
    "rmsprop": 0.01,
    "adadelta": 1.0,
    "adam": 0.1,
}
OPTIMIZERS = tuple(DEFAULT_LR)


def register(subparsers: Any) -> None:
    """Add the `train` subcommand to the CLI's subparsers."""
    from ..data import DATASETS

    parser = subparsers.add_parser(
        "train",
        help="train an MLP on a small dataset (moons, blobs, xor, regression)",
        description="Train an MLP on a small deterministic dataset, with a progress bar.",
    )
    parser.add_argument("--dataset", default="moons", help=f"one of {', '.join(DATASETS)} (default: moons)")
    parser.add_argument("--samples", type=int, default=100, help="number of samples (default: 100)")
    parser.add_argument("--noise", type=float, default=None, help="dataset noise (default: the dataset's)")
    parser.add_argument("--epochs", type=int, default=100, help="full-batch training steps (default: 100)")
    parser.add_argument(
        "--lr", type=float, default=None, help="learning rate (default: adam 0.1, sgd 0.5, rmsprop 0.01, ...)"
    )
    parser.add_argument("--optimizer", default="adam", help=f"one of {', '.join(OPTIMIZERS)} (default: adam)")
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


def _hidden(text: str) -> list[int]:
    try:
        widths = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise UsageError(
            f"--hidden must be comma-separated positive integers like 16,16; got {text!r}"
        ) from None
    if any(w < 1 for w in widths):
        raise UsageError(f"--hidden widths must be positive; got {text!r}")
    return widths


def _check_save_path(path: str) -> Path:
    """Fail before training, not after, when the model could not be written."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UsageError(f"--save {path}: is a directory")
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


def run(args: argparse.Namespace) -> int:
    from ..data import DATASETS, make_dataset
    from ..nn import ACTIVATIONS, MLP
    from ..optim import make_optimizer
    from ..train import fit

    if args.dataset not in DATASETS:
        raise UsageError(f"unknown dataset {args.dataset!r}; choose one of {', '.join(DATASETS)}")
    if args.optimizer not in OPTIMIZERS:
        raise UsageError(f"unknown optimizer {args.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if args.activation not in ACTIVATIONS:
        raise UsageError(f"unknown activation {args.activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    if args.epochs < 1:
        raise UsageError(f"--epochs must be at least 1; got {args.epochs}")
    if args.samples < 2:
        raise UsageError(f"--samples must be at least 2; got {args.samples}")
    if args.lr is not None and not args.lr > 0:
        raise UsageError(f"--lr must be positive; got {args.lr}")
    hidden = _hidden(args.hidden)
    save = _check_save_path(args.save) if args.save else None

    try:
        data = make_dataset(args.dataset, args.samples, noise=args.noise, seed=args.seed)
        lr = args.lr if args.lr is not None else DEFAULT_LR[args.optimizer]
        model = MLP(
            data.nin,
            [*hidden, data.nout],
            activation=args.activation,
            output_activation="linear",
            seed=args.seed,
        )
        optimizer = make_optimizer(args.optimizer, model.parameters(), lr=lr)
    except ValueError as error:
        raise UsageError(str(error)) from None

    print(
        f"training {model!r} on {args.dataset} ({len(data.xs)} samples, {data.task}) "
        f"with {optimizer!r} for {args.epochs} epochs",
        file=sys.stderr,
    )
    start = time.perf_counter()
    history = fit(model, data, optimizer, epochs=args.epochs, progress=args.progress, compile=args.compile)
    seconds = time.perf_counter() - start

    summary = f"final loss {history.final_loss:.6f}"
    if history.final_accuracy is not None:
        summary = f"training accuracy {history.final_accuracy:.1%}, {summary}"
    print(f"{summary} after {args.epochs} epochs in {seconds:.1f} s")
    if save is not None:
        try:
            model.save(save)
        except OSError as error:
            raise UsageError(f"--save {args.save}: {error.strerror or error}") from None
        print(f"saved model to {save}")
    return 0
