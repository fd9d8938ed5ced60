"""train: `fit` does the documented loop, reports history and accuracy; the `train` subcommand."""

from __future__ import annotations

import json
import math
import re
import sys
import types
from pathlib import Path

import pytest

from micrograd_like.cli import main
from micrograd_like.learn import losses
from micrograd_like.learn.data import DATASETS, Dataset, blobs, make_dataset, moons, regression, xor
from micrograd_like.learn.modules import MLP
from micrograd_like.learn.optim import PRESETS, SGD, Adam, make_optimizer
from micrograd_like.training.fit import LOSSES, accuracy, evaluate, fit


def small_xor() -> Dataset:
    return xor(24, seed=2)


def test_fit_is_the_documented_loop() -> None:
    # forward → J = mean loss → zero_grad → backward → step, once per epoch on the whole set
    data = small_xor()
    model, twin = (
        MLP(2, [4, 1], output_activation="linear", seed=3),
        MLP(2, [4, 1], output_activation="linear", seed=3),
    )
    history = fit(model, data, SGD(model.parameters(), lr=0.3), epochs=4, progress=False)
    opt = SGD(twin.parameters(), lr=0.3)
    expected = []
    for _ in range(4):
        outs = [twin(x) for x in data.xs]
        j = losses.cost([losses.bce_with_logits(o, y) for o, y in zip(outs, data.ys)])  # type: ignore[arg-type]
        opt.zero_grad()
        j.backward()
        opt.step()
        expected.append(j.data)
    assert history.loss == pytest.approx(expected, rel=1e-12)
    assert model.state_dict() == twin.state_dict()
    assert history.final_loss == pytest.approx(evaluate(twin, data)[0], rel=1e-12)


def test_fit_learns_xor_to_full_accuracy() -> None:
    data = xor(40, seed=1)
    model = MLP(2, [8, 1], output_activation="linear", seed=1)
    history = fit(model, data, Adam(model.parameters(), lr=0.05), epochs=60, progress=False)
    assert len(history.loss) == len(history.accuracy) == 60
    assert history.loss[-1] < history.loss[0] / 5
    assert history.final_accuracy == 1.0
    assert all(0.0 <= a <= 1.0 for a in history.accuracy)


def test_accuracy_history_counts_the_predictions_of_each_epoch() -> None:
    data = small_xor()
    model = MLP(2, [3, 1], output_activation="linear", seed=0)
    before_loss, before_acc = evaluate(model, data)
    history = fit(model, data, SGD(model.parameters(), lr=0.1), epochs=1, progress=False)
    # epoch 1 is measured before its update: the same numbers as evaluating the untrained model
    assert history.loss == [pytest.approx(before_loss, rel=1e-12)]
    assert history.accuracy == [before_acc]


def test_minibatches_step_once_per_batch() -> None:
    data = xor(40, seed=0)
    model = MLP(2, [4, 1], output_activation="linear", seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    history = fit(model, data, opt, epochs=3, batch_size=16, progress=False)
    assert opt.steps == 3 * 3  # batches of 16, 16, 8
    assert len(history.loss) == 3


def test_regression_has_no_accuracy() -> None:
    data = regression(30, seed=0)
    model = MLP(1, [8, 1], output_activation="linear", seed=0)
    history = fit(model, data, Adam(model.parameters(), lr=0.1), epochs=60, progress=False)
    assert history.accuracy == [] and history.final_accuracy is None
    assert history.final_loss < history.loss[0] / 5  # 0.37 → 0.036; the noise floor is 0.01


def test_multiclass_blobs_with_softmax_cross_entropy() -> None:
    data = blobs(30, seed=0)
    model = MLP(2, [6, 3], output_activation="linear", seed=0)
    history = fit(model, data, Adam(model.parameters(), lr=0.05), epochs=30, progress=False)
    assert history.final_accuracy == 1.0


@pytest.mark.parametrize(
    ("loss", "output"), [("hinge", "linear"), ("logistic", "sigmoid"), ("bce_logits", "linear")]
)
def test_other_binary_losses(loss: str, output: str) -> None:
    data = xor(40, seed=1)
    model = MLP(2, [8, 1], output_activation=output, seed=1)
    history = fit(model, data, Adam(model.parameters(), lr=0.05), epochs=60, loss=loss, progress=False)
    assert history.final_accuracy == 1.0


def test_progress_bar_shows_on_request_and_stays_off_otherwise(capsys: pytest.CaptureFixture[str]) -> None:
    data = small_xor()
    model = MLP(2, [2, 1], output_activation="linear", seed=0)
    fit(model, data, SGD(model.parameters(), lr=0.1), epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "epoch" in err and "loss=" in err and "acc=" in err
    fit(model, data, SGD(model.parameters(), lr=0.1), epochs=3, progress=False)
    fit(model, data, SGD(model.parameters(), lr=0.1), epochs=3, progress=None)  # not a terminal: off
    assert capsys.readouterr().err == ""


def test_progress_auto_shows_in_a_notebook_kernel(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a notebook's stderr is no terminal, yet the bar belongs there: fake IPython with a running kernel
    fake_ipython = types.ModuleType("IPython")
    shell = types.SimpleNamespace(kernel=object())
    fake_ipython.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    data = small_xor()
    model = MLP(2, [2, 1], output_activation="linear", seed=0)
    fit(model, data, SGD(model.parameters(), lr=0.1), epochs=2, progress=None)
    assert "2/2" in capsys.readouterr().err


def test_fit_errors() -> None:
    data = small_xor()
    model = MLP(2, [3, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="takes 2 inputs and gives 2 outputs; xor has 2 inputs and needs 1"):
        fit(MLP(2, [3, 2], seed=0), data, opt, progress=False)
    with pytest.raises(ValueError, match="unknown loss 'l1'; choose one of bce_logits"):
        fit(model, data, opt, loss="l1", progress=False)
    with pytest.raises(ValueError, match="loss 'mse' does not fit a binary dataset"):
        fit(model, data, opt, loss="mse", progress=False)
    with pytest.raises(ValueError, match="epochs must be an integer >= 1, got 0"):
        fit(model, data, opt, epochs=0, progress=False)
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        fit(model, data, opt, batch_size=0, progress=False)


def test_accuracy_helper() -> None:
    assert accuracy([1, 0, 1, 1], [1, 0, 0, 1]) == 0.75
    with pytest.raises(ValueError, match="as many predictions as labels"):
        accuracy([1], [1, 0])
    with pytest.raises(ValueError, match="no samples"):
        accuracy([], [])


def test_predictions_by_loss() -> None:
    assert LOSSES["bce_logits"].predict is not None and LOSSES["bce_logits"].predict([0.1]) == 1.0
    assert LOSSES["logistic"].predict is not None and LOSSES["logistic"].predict([0.4]) == 0.0
    assert LOSSES["softmax_ce"].predict is not None and LOSSES["softmax_ce"].predict([0.1, 2.0, -1.0]) == 1.0
    assert LOSSES["mse"].predict is None


def test_evaluate_leaves_gradients_alone() -> None:
    data = small_xor()
    model = MLP(2, [3, 1], output_activation="linear", seed=0)
    evaluate(model, data)
    assert all(p.grad == 0.0 for p in model.parameters())


# --- the train subcommand -----------------------------------------------------------------------


@pytest.mark.slow
def test_cli_default_moons_reaches_full_training_accuracy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "moons.json"
    assert main(["train", "--dataset", "moons", "--save", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "training accuracy 100.0%" in out and f"saved model to {path}" in out
    assert "training MLP(2, [16, 1]" in err and "Adam(lr=0.1" in err
    model = MLP.load(path)
    assert evaluate(model, moons(100, seed=0))[1] == 1.0
    assert json.loads(path.read_text())["architecture"]["nouts"] == [16, 1]


def test_cli_flags(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["train", "--dataset", "blobs", "--samples", "30", "--epochs", "5", "--hidden", "4,4"]
    assert main([*argv, "--optimizer", "rmsprop", "--lr", "0.02", "--seed", "3", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert "MLP(2, [4, 4, 3]" in err and "RMSProp(lr=0.02" in err and "30 samples, multiclass" in err
    assert out.startswith("training accuracy ") and "after 5 epochs" in out
    assert main(["train", "--dataset", "regression", "--samples", "10", "--epochs", "2", "--noise", "0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("final loss ") and "accuracy" not in out


# --- the defaults train: every dataset × optimizer ends lower than it started -----------------------

DEFAULT_RUNS = [(d, o) for d in DATASETS for o in PRESETS]
EPOCHS = [10, pytest.param(100, marks=pytest.mark.slow)]  # 100: the CLI's and fit's default


@pytest.mark.parametrize("epochs", EPOCHS)
@pytest.mark.parametrize(("dataset", "optimizer"), DEFAULT_RUNS)
def test_cli_defaults_train_every_dataset_with_every_optimizer(
    dataset: str, optimizer: str, epochs: int, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["train", "--dataset", dataset, "--optimizer", optimizer, "--no-progress"]
    assert main(argv if epochs == 100 else [*argv, "--epochs", str(epochs)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    found = re.search(r"final loss (\S+) \(from (\S+)\) after", out)
    assert found, out
    final, start = float(found[1]), float(found[2])
    assert math.isfinite(start) and final < start


@pytest.mark.parametrize("epochs", EPOCHS)
@pytest.mark.parametrize(("dataset", "optimizer"), DEFAULT_RUNS)
def test_fit_defaults_train_every_dataset_with_every_optimizer(
    dataset: str, optimizer: str, epochs: int
) -> None:
    data = make_dataset(dataset)
    model = MLP(data.nin, [16, data.nout], output_activation="linear", seed=0)
    # the optimizer's own defaults (PyTorch's: SGD lr=1e-3, ...); fit's loss, batch and compile defaults
    opt = make_optimizer(optimizer, model.parameters())
    history = (
        fit(model, data, opt, progress=False)
        if epochs == 100
        else fit(model, data, opt, epochs=epochs, progress=False)
    )
    assert history.final_loss < history.loss[0]


def test_default_regression_with_sgd_no_longer_blows_up(capsys: pytest.CaptureFixture[str]) -> None:
    # 0.5, moons' rate, multiplied the cost by 1000 in 5 epochs and ended at 1e230 with exit code 0
    assert (
        main(["train", "--dataset", "regression", "--optimizer", "sgd", "--no-progress", "--epochs", "20"])
        == 0
    )
    out, err = capsys.readouterr()
    assert "SGD(lr=0.1," in err
    assert re.fullmatch(r"final loss 0\.\d{6} \(from 1\.039326\) after 20 epochs in \d+\.\d s\n", out), out


def test_a_learning_rate_too_large_is_one_line_naming_the_epoch_and_the_rise(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["train", "--dataset", "regression", "--optimizer", "sgd", "--no-progress", "--lr", "0.5"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line = err.splitlines()[-1]
    # the costs of the first epochs at lr 0.5: 1.04, 1.52, 15.2, 29.3, 98.4, 2011.9 (> 1000 × 1.04)
    assert line == (
        "micrograd-like train: error: training diverged in epoch 6 of 100: the loss rose from 1.04 to "
        "2.01e+03; try a smaller --lr (this run used 0.5)"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--dataset", "spirals"],
            "unknown dataset 'spirals'; choose one of moons, blobs, xor, circles, spiral, regression",
        ),
        (["--optimizer", "lbfgs"], "unknown optimizer 'lbfgs'; choose one of sgd, momentum, nesterov"),
        (["--activation", "gelu"], "unknown activation 'gelu'; choose one of tanh, relu, sigmoid, linear"),
        (["--hidden", "16,x"], "--hidden must be comma-separated positive integers"),
        (["--hidden", "16,0"], "--hidden widths must be integers in [1, 1000]; got 0"),
        (["--epochs", "0"], "--epochs must be an integer in [1, 100000], got 0"),
        (["--samples", "1"], "--samples must be an integer in [2, 100000], got 1"),
        (["--lr", "-0.1"], "--lr must be a finite number > 0, got -0.1"),
        (["--noise", "-1"], "--noise must be a finite number in [0, 100], got -1.0"),
        (["--save", "/nonexistent-folder/model.json"], "folder /nonexistent-folder does not exist"),
        (["--save", "/proc/model.json"], "cannot write in /proc"),  # no file can be made there, even by root
    ],
)
def test_cli_bad_arguments_are_one_line_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("micrograd-like train: error: ") and message in err
    assert err.count("\n") == 1


def test_cli_refuses_unwritable_save_paths_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", "--save", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    assert main(["train", "--save", str(a_file / "model.json")]) == 2
    assert f"{a_file} is not a folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
