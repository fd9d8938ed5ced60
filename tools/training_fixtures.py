"""Write tests/js/training_fixtures.json: what the page's training chapter must reproduce, from `fit`.

    python tools/training_fixtures.py           # write it
    python tools/training_fixtures.py --check   # exit 1 when the file is not what the code writes now

`part`: the chapter's data (`page.training.training_part`); `rules`: its MG_TRAINING_RULES script.
`runs`: per case the settings the
`train` command takes (dataset, samples, noise, seed, hidden, activation, optimizer, lr, loss,
epochs), the model `train` builds for them (`output_activation` "linear", or "sigmoid" for the
logistic loss), and what `fit` gives: the cost of every epoch and the weights after the last, or,
for a run that diverges, the epoch and the reason of its `TrainingDivergedError`.
`paths`: per case a small network (its architecture and weights) and one sample of a dataset, with
the sample's loss L built by the engine (`fit`'s per-sample loss on `MLP.outputs`): dL/dw of every
parameter after `L.backward()`, and d(L)/d(w) as `explain` sums it over the graph's paths; the
page's trainingpaths.js must give both.
tests/test_page_training.py checks that the committed file is current.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from micrograd_like.learn.data import make_dataset
from micrograd_like.learn.modules import MLP
from micrograd_like.learn.optim import PRESETS, make_optimizer
from micrograd_like.page.training import rules_script, training_part
from micrograd_like.show.explain import explain
from micrograd_like.training.fit import LOSSES, TrainingDivergedError, fit

TARGET = Path(__file__).resolve().parents[1] / "tests" / "js" / "training_fixtures.json"

CASES: list[dict[str, Any]] = [
    {"dataset": "moons", "samples": 60, "hidden": [4, 2], "activation": "tanh", "optimizer": "adam"},
    {"dataset": "xor", "samples": 40, "hidden": [5], "activation": "relu", "optimizer": "momentum"},
    {"dataset": "blobs", "samples": 45, "hidden": [6, 3], "activation": "tanh", "optimizer": "rmsprop"},
    {"dataset": "circles", "samples": 50, "hidden": [8], "activation": "sigmoid", "optimizer": "nesterov"},
    {"dataset": "spiral", "samples": 40, "hidden": [3, 3, 3], "activation": "tanh", "optimizer": "adagrad"},
    {"dataset": "regression", "samples": 30, "hidden": [4], "activation": "tanh", "optimizer": "adadelta"},
    {"dataset": "regression", "samples": 25, "hidden": [3, 2], "activation": "relu", "optimizer": "sgd"},
    {"dataset": "xor", "samples": 2, "hidden": [2], "activation": "tanh", "optimizer": "sgd"},
    {"dataset": "moons", "samples": 40, "hidden": [4], "activation": "tanh", "optimizer": "adam"}
    | {"loss": "logistic"},
    {"dataset": "regression", "samples": 30, "hidden": [8, 8], "activation": "relu", "optimizer": "sgd"}
    | {"lr": 3.0},  # diverges
]


def run_case(case: dict[str, Any], epochs: int = 30) -> dict[str, Any]:
    """`fit` on one case's settings, as the `train` command sets it up."""
    settings = {"noise": None, "seed": 0, "lr": None, "loss": None, **case, "epochs": epochs}
    seed = settings["seed"]
    data = make_dataset(settings["dataset"], settings["samples"], noise=settings["noise"], seed=seed)
    output = "sigmoid" if settings["loss"] == "logistic" else "linear"
    model = MLP(
        data.nin,
        [*settings["hidden"], data.nout],
        activation=settings["activation"],
        output_activation=output,
        seed=settings["seed"],
    )
    lr = settings["lr"] if settings["lr"] is not None else PRESETS[settings["optimizer"]].lr_for(data.task)
    settings["lr"] = lr
    optimizer = make_optimizer(settings["optimizer"], model.parameters(), lr=lr)
    result: dict[str, Any] = {"settings": settings, "architecture": model.architecture()}
    try:
        history = fit(model, data, optimizer, epochs=epochs, loss=settings["loss"], progress=False)
    except TrainingDivergedError as error:
        result["diverged"] = {"epoch": error.epoch, "reason": error.reason, "losses": error.history.loss}
        return result
    result["losses"] = history.loss
    result["state_dict"] = model.state_dict()
    return result


# (dataset, hidden, activation, loss, seed, sample index): each activation and loss, 1 to 3 hidden layers
PATH_CASES: list[tuple[str, list[int], str, str | None, int, int]] = [
    ("moons", [3, 2], "tanh", None, 1, 0),
    ("xor", [4], "relu", None, 3, 2),
    ("blobs", [2, 3], "sigmoid", None, 3, 5),
    ("moons", [3], "tanh", "logistic", 4, 2),
    ("regression", [2, 2, 2], "tanh", None, 5, 1),
    ("regression", [3, 2], "relu", None, 6, 4),
]


def path_case(case: tuple[str, list[int], str, str | None, int, int]) -> dict[str, Any]:
    """One sample's loss on a fresh MLP, with dL/dw by backward and by `explain`'s sum over paths."""
    dataset, hidden, activation, loss_name, seed, index = case
    data = make_dataset(dataset, 8, seed=seed)
    loss_name = loss_name or {"binary": "bce_logits", "multiclass": "softmax_ce"}.get(data.task, "mse")
    output = "sigmoid" if loss_name == "logistic" else "linear"
    model = MLP(data.nin, [*hidden, data.nout], activation=activation, output_activation=output, seed=seed)
    x, y = data.xs[index], data.ys[index]
    loss = LOSSES[loss_name].per_sample(model.outputs(x), y)
    loss.backward()
    named = model.named_parameters()
    return {
        "architecture": model.architecture(),
        "loss": loss_name,
        "x": list(x),
        "y": y,
        "state_dict": model.state_dict(),
        "gradient": {name: p.grad for name, p in named.items()},
        "explained": {name: explain(loss, p).total for name, p in named.items()},
    }


def fixtures() -> dict[str, Any]:
    return {
        "part": training_part(),
        "rules": rules_script(),
        "runs": [run_case(case) for case in CASES],
        "paths": [path_case(case) for case in PATH_CASES],
    }


def text() -> str:
    return json.dumps(fixtures(), indent=1, allow_nan=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args()
    wanted = text()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != wanted:
            print(f"{TARGET} is out of date: run python tools/training_fixtures.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
