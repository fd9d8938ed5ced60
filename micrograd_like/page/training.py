"""The data of the page's "Training" chapter: what `micrograd-like train` and `fit` decide, in one
JSON-ready dict, so the page's JavaScript repeats none of it.

- `datasets`: per dataset of `data.DATASETS` its task, inputs, outputs and default noise;
- `presets`: per name of `optim.PRESETS` its class, options and the `train` command's learning rates;
- `optimizers`: per optimizer class its keyword arguments and their defaults;
- `losses`: per loss of `train.LOSSES` the tasks it fits and the last-layer activations it needs,
  with `default_loss` per task (`train.DEFAULT_LOSS`);
- `activations`: the hidden activations of `nn.ACTIVATIONS` ("linear" is the output's);
- `max_rise`: `train.MAX_RISE`, the divergence rule's factor;
- `limits` and `defaults`: the page's form.

`rules_script()` defines MG_TRAINING_RULES: the forward and local derivative of the ops training
uses (tanh, relu, sigmoid, exp, log), rendered to JavaScript from the rule table (`Rule.js_forward`,
`Rule.js_local`), so the page's training loop writes no op's math of its own.

    >>> part = training_part()
    >>> part["max_rise"], part["datasets"]["moons"]["task"], part["presets"]["adam"]["lr"]
    (1000.0, 'binary', 0.1)
"""

from __future__ import annotations

import inspect
from typing import Any

from ..core.rules import RULES
from ..learn.data import DATASETS, make_dataset
from ..learn.modules import ACTIVATIONS
from ..learn.optim import PRESETS
from ..post.landscape import optimizer_options
from ..training.fit import DEFAULT_LOSS, LOSSES, MAX_RISE

TRAINING_OPS = ("tanh", "relu", "sigmoid", "exp", "log")
MAX_LAYERS = 6  # hidden layers
MAX_WIDTH = 8  # units per hidden layer
MAX_SAMPLES = 1000  # the page trains full-batch, live: more points only slow the picture
DEFAULTS: dict[str, Any] = {
    "dataset": "moons",
    "samples": 100,
    "noise": None,  # the dataset's own
    "hidden": [8, 4],
    "activation": "tanh",
    "optimizer": "adam",
    "lr": None,  # the preset's rate for the dataset's task
    "seed": 0,
    "loss": None,  # the task's default, as fit chooses it
}


def _dataset_entry(name: str) -> dict[str, Any]:
    sample = make_dataset(name, 8, seed=0)
    noise = inspect.signature(DATASETS[name]).parameters["noise"].default
    return {"task": sample.task, "nin": sample.nin, "nout": sample.nout, "noise": noise}


def _json_ready(options: dict[str, Any]) -> dict[str, Any]:
    """Tuples (Adam's betas) as the lists JSON gives back."""
    return {key: list(value) if isinstance(value, tuple) else value for key, value in options.items()}


def training_part() -> dict[str, Any]:
    """The chapter's data (see the module docstring)."""
    classes = sorted({preset.optimizer.__name__ for preset in PRESETS.values()})
    return {
        "datasets": {name: _dataset_entry(name) for name in DATASETS},
        "presets": {
            name: {
                "optimizer": preset.optimizer.__name__,
                "options": dict(preset.options),
                "lr": preset.train_lr,
                "regression_lr": preset.regression_lr,
            }
            for name, preset in PRESETS.items()
        },
        "optimizers": {name: _json_ready(optimizer_options(name)) for name in classes},
        "losses": {
            name: {"tasks": list(loss.tasks), "outputs": list(loss.outputs) if loss.outputs else None}
            for name, loss in LOSSES.items()
            if name != "hinge"  # the page offers cross-entropy and squared error
        },
        "default_loss": dict(DEFAULT_LOSS),
        "activations": [name for name in ACTIVATIONS if name != "linear"],
        "max_rise": MAX_RISE,
        "limits": {"layers": MAX_LAYERS, "width": MAX_WIDTH, "samples": MAX_SAMPLES},
        "defaults": dict(DEFAULTS),
    }


def rules_script() -> str:
    """`var MG_TRAINING_RULES = {tanh: {forward(a), local(a, out)}, ...};` from the rule table."""
    entries = []
    for name in TRAINING_OPS:
        rule = RULES[name]
        forward = rule.js_forward(a="a")
        local = rule.js_local(0, out="out", a="a")
        entries.append(
            f"  {name}: {{ forward: function (a) {{ return {forward}; }}, "
            f"local: function (a, out) {{ return {local}; }} }}"
        )
    return "var MG_TRAINING_RULES = {\n" + ",\n".join(entries) + "\n};\n"
