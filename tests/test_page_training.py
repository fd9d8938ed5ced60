"""The page's "Training" chapter in Chromium, against `micrograd-like train` and `fit`.

- Parity: N epochs of walkthrough.training give the weights `train --save` writes (the CLI) and
  `fit` gives, to 1e-9, over datasets, optimizers, activations and architectures; its model loads.
- Play runs epochs until Pause; Step runs one; a diverging run says so in words and shows no NaN.
- The settings live in the hash; the Download model button gives the file MLP.load reads.
- Clicking a weight lists one sample's dL/dw as a sum over paths, equal to the backward pass's and
  to the engine's dL/dw for that sample.
- tests/js/training_fixtures.json (the node tests' oracle) is what tools/training_fixtures.py writes.

The browser and the checks for network requests and console errors are test_page_browser's fixtures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_page_browser import Opened, OpenPage, open_page, pages, shoot_to_keep  # noqa: F401  (pytest fixtures)

from micrograd_like.cli import main
from micrograd_like.learn.data import make_dataset
from micrograd_like.learn.modules import MLP
from micrograd_like.training.fit import LOSSES

ROOT = Path(__file__).resolve().parents[1]
Open = OpenPage

CASES: list[dict[str, Any]] = [
    {
        "dataset": "moons",
        "samples": 80,
        "hidden": [4, 2],
        "activation": "tanh",
        "optimizer": "adam",
        "seed": 0,
    },
    {
        "dataset": "xor",
        "samples": 60,
        "hidden": [6],
        "activation": "relu",
        "optimizer": "nesterov",
        "seed": 3,
    },
    {
        "dataset": "blobs",
        "samples": 60,
        "hidden": [5, 4],
        "activation": "sigmoid",
        "optimizer": "rmsprop",
        "seed": 1,
    },
    {
        "dataset": "spiral",
        "samples": 50,
        "hidden": [8, 8, 8],
        "activation": "tanh",
        "optimizer": "adagrad",
        "seed": 2,
    },
    {
        "dataset": "regression",
        "samples": 40,
        "hidden": [3],
        "activation": "tanh",
        "optimizer": "sgd",
        "seed": 5,
    },
    {
        "dataset": "circles",
        "samples": 50,
        "hidden": [4],
        "activation": "tanh",
        "optimizer": "adadelta",
        "seed": 4,
    }
    | {"lr": 0.5, "noise": 0.2},
]
EPOCHS = 40


def training(view: Opened) -> None:
    view.page.evaluate("walkthrough.chapters.show('training')")


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['dataset']}-{c['optimizer']}")
def test_epochs_give_the_weights_train_saves(
    open_page: Open,  # noqa: F811
    pages: dict[str, Path],  # noqa: F811
    tmp_path: Path,
    case: dict[str, Any],
) -> None:
    saved = tmp_path / "model.json"
    args = ["train", "--dataset", case["dataset"], "--samples", str(case["samples"])]
    args += ["--hidden", ",".join(map(str, case["hidden"])), "--activation", case["activation"]]
    args += ["--optimizer", case["optimizer"], "--seed", str(case["seed"]), "--epochs", str(EPOCHS)]
    args += ["--no-progress", "--save", str(saved)]
    if "lr" in case:
        args += ["--lr", str(case["lr"])]
    if "noise" in case:
        args += ["--noise", str(case["noise"])]
    assert main(args) == 0
    python = json.loads(saved.read_text(encoding="utf-8"))

    view = open_page(pages["worked"])
    training(view)
    view.page.evaluate("(s) => walkthrough.training.set(s)", case)
    done = view.page.evaluate(f"walkthrough.training.epochs({EPOCHS})")
    assert done["epoch"] == EPOCHS and done["diverged"] == ""
    page = view.page.evaluate("walkthrough.training.model()")

    assert page["architecture"] == python["architecture"]
    assert list(page["state_dict"]) == list(python["state_dict"])
    worst = max(abs(page["state_dict"][k] - v) for k, v in python["state_dict"].items())
    assert worst <= 1e-9, worst
    page_file = tmp_path / "page_model.json"
    page_file.write_text(json.dumps(page), encoding="utf-8")
    assert MLP.load(page_file).state_dict() == page["state_dict"]


def test_play_runs_until_pause_and_step_runs_one(open_page: Open, pages: dict[str, Path]) -> None:  # noqa: F811
    view = open_page(pages["worked"])
    page = view.page
    page.click("#mg-tab-training")
    assert page.is_visible("#mg-chapter-training")
    page.click("#mg-t-step")
    assert page.evaluate("walkthrough.training.state().epoch") == 1
    page.click("#mg-t-play")
    page.wait_for_function("() => walkthrough.training.state().epoch > 20")
    assert page.evaluate("walkthrough.training.state().playing") is True
    assert page.is_disabled("#mg-t-step") and page.is_disabled("#mg-t-play")
    page.click("#mg-t-pause")
    stopped = page.evaluate("walkthrough.training.state()")
    assert stopped["playing"] is False
    page.wait_for_timeout(300)
    assert page.evaluate("walkthrough.training.state().epoch") == stopped["epoch"]
    status = page.inner_text("#mg-t-status")
    assert f"epoch {stopped['epoch']}" in status and "loss J = " in status
    # a clicked weight shows its gradient at the current weights, the same number the API gives
    page.locator('#mg-t-net [data-name="w[2]11"]').dispatch_event("click")
    text = page.inner_text("#mg-t-grad")
    grad = page.evaluate("walkthrough.training.gradient('w[2]11')")
    assert "dJ/dw[2]11 = " in text and page.evaluate(f"walkthrough.format({grad}, 6)") in text


def test_a_diverging_run_says_so_and_shows_no_nan(
    open_page: Open,  # noqa: F811
    pages: dict[str, Path],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    view = open_page(pages["worked"])
    page = view.page
    training(view)
    settings = {
        "dataset": "regression",
        "samples": 30,
        "hidden": [8, 8],
        "activation": "relu",
        "optimizer": "sgd",
    }
    page.evaluate("(s) => walkthrough.training.set(s)", settings | {"lr": 3.0})
    page.click("#mg-t-play")
    page.wait_for_function("() => walkthrough.training.state().diverged !== ''")
    state = page.evaluate("walkthrough.training.state()")
    assert state["playing"] is False and state["epoch"] == 3  # fit: "in epoch 4"; the page keeps epoch 3
    message = page.inner_text("#mg-t-msg")
    assert message == "diverged at epoch 4: the loss rose from 0.766 to 7.28e+03; try a smaller α"
    assert page.is_visible("#mg-t-msg") and page.is_disabled("#mg-t-play")
    body = page.inner_text("#mg-chapter-training")
    assert "NaN" not in body and "Infinity" not in body
    assert all(abs(w) < 1e6 for w in page.evaluate("walkthrough.training.model()")["state_dict"].values())
    # the CLI says the same about the same run
    args = ["train", "--dataset", "regression", "--samples", "30", "--hidden", "8,8", "--activation", "relu"]
    assert main([*args, "--optimizer", "sgd", "--lr", "3", "--epochs", "20", "--no-progress"]) == 2
    assert "the loss rose from 0.766 to 7.28e+03" in capsys.readouterr().err


def test_settings_live_in_the_hash(open_page: Open, pages: dict[str, Path]) -> None:  # noqa: F811
    view = open_page(pages["worked"])
    page = view.page
    training(view)
    page.evaluate(
        "walkthrough.training.set({dataset: 'xor', hidden: [4, 2], optimizer: 'momentum', lr: 0.05})"
    )
    url = page.url
    assert "chapter=training" in url and "t.dataset=xor" in url and "t.hidden=4%2C2" in url
    again = open_page(pages["worked"], hash="#" + url.split("#", 1)[1])  # a new document at that address
    assert again.page.is_visible("#mg-chapter-training")
    settings = again.page.evaluate("walkthrough.training.state().settings")
    assert settings["dataset"] == "xor" and settings["hidden"] == [4, 2]
    assert settings["optimizer"] == "momentum" and settings["lr"] == 0.05
    assert again.page.input_value("#mg-t-hidden") == "4,2"
    # a bad width in the form is refused in words, the run kept
    again.page.fill("#mg-t-hidden", "4,12")
    again.page.dispatch_event("#mg-t-hidden", "change")
    assert "hidden[1] must be an integer in [1, 8]" in again.page.inner_text("#mg-t-msg")
    assert again.page.evaluate("walkthrough.training.state().settings.hidden") == [4, 2]


def test_download_model_is_the_file_mlp_load_reads(
    open_page: Open,  # noqa: F811
    pages: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    view = open_page(pages["worked"])
    page = view.page
    training(view)
    page.evaluate("walkthrough.training.epochs(10)")
    with page.expect_download() as info:
        page.click("#mg-t-download")
    target = tmp_path / "model.json"
    info.value.save_as(target)
    model = MLP.load(target)
    assert model.state_dict() == page.evaluate("walkthrough.training.model()")["state_dict"]


def test_clicking_a_weight_shows_one_samples_sum_over_paths(
    open_page: Open,  # noqa: F811
    pages: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    view = open_page(pages["worked"])
    page = view.page
    page.click("#mg-tab-training")
    settings = {"dataset": "moons", "samples": 40, "hidden": [4, 4, 4], "activation": "tanh", "seed": 0}
    page.evaluate("(s) => walkthrough.training.set(s)", settings)
    page.evaluate("walkthrough.training.epochs(5)")
    assert page.is_hidden("#mg-t-paths")
    page.click('line[data-name="w[1]21"]', force=True)
    text = page.inner_text("#mg-t-paths")
    assert "sample #1 " in text and "the sum over the 16 paths from L down to w[1]21" in text
    page.fill("#mg-t-sample", "3")
    page.dispatch_event("#mg-t-sample", "change")
    text = page.inner_text("#mg-t-paths")
    shown = page.evaluate("walkthrough.training.paths('w[1]21', 3)")
    assert shown["count"] == len(shown["paths"]) == 16  # 4 · 4 · 1 paths above layer 1
    assert sum(abs(p["product"]) for p in shown["paths"]) == pytest.approx(shown["scale"], rel=1e-12)
    assert abs(shown["total"] - shown["gradient"]) <= 1e-12 * shown["scale"]
    assert shown["gradient"] != 0

    # the engine's dL/dw for sample #3 on the page's weights
    model_file = tmp_path / "model.json"
    model_file.write_text(json.dumps(page.evaluate("walkthrough.training.model()")), encoding="utf-8")
    model = MLP.load(model_file)
    data = make_dataset("moons", 40, seed=0)
    assert shown["x"] == list(data.xs[2]) and shown["y"] == data.ys[2]
    LOSSES["bce_logits"].per_sample(model.outputs(data.xs[2]), data.ys[2]).backward()
    assert shown["total"] == pytest.approx(model.named_parameters()["w[1]21"].grad, rel=1e-12, abs=1e-15)

    # on screen: sample #3, the 8 largest paths with their factors, the rest, both numbers
    assert "sample #3 " in text and "(the 8 largest listed)" in text
    items = page.locator("#mg-t-paths li").all_inner_texts()
    assert len(items) == 8
    assert all(i.startswith("dL/dŷ · dŷ/ds[4]1 · ds[4]1/dz[3]") for i in items)
    assert all(" · dz[1]2/ds[1]2 · ds[1]2/dw[1]21 = (" in i for i in items)
    assert "and 8 more paths adding up to " in text
    assert f"Sum over the 16 paths: {shown['total']!r}." in text
    assert (
        f"The backward pass gives this sample's dL/dw[1]21 = {shown['gradient']!r}: the same number" in text
    )
    shoot_to_keep(view, tmp_path, "page_training_paths.png", full_page=True)

    page.fill("#mg-t-sample", "41")
    page.dispatch_event("#mg-t-sample", "change")
    assert "sample # must be a whole number from 1 to 40, got 41" in page.inner_text("#mg-t-msg")
    assert page.input_value("#mg-t-sample") == "3"
    bias = page.evaluate("walkthrough.training.paths('b[4]1')")  # the output's bias: one path
    assert bias["count"] == 1 and bias["total"] == bias["gradient"]


def test_training_fixtures_are_current() -> None:
    tool = ROOT / "tools" / "training_fixtures.py"
    done = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
