"""train: `fit` does the documented loop, reports history and accuracy; the `train` subcommand."""

from __future__ import annotations

import json
import math
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from micrograd_like import TrainingDivergedError
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


# --- when things go wrong --------------------------------------------------------------------------
# fit and Dataset when things go wrong: divergence is a named error at a named epoch; datasets, models,
# optimizers and options are checked before the first epoch.


def diverging_setup(lr: float = 10.0) -> tuple[MLP, Dataset, SGD]:
    data = regression(20, seed=0)
    model = MLP(1, [8, 1], output_activation="linear", seed=0)
    return model, data, SGD(model.parameters(), lr=lr)


def costs_by_hand(epochs: int) -> list[float]:
    """The same loop by hand, stopped only by an overflow: the cost J of each epoch before its step."""
    model, data, opt = diverging_setup()
    seen = []
    for _ in range(epochs):
        try:
            j = losses.cost([losses.squared_error(model(x), y) for x, y in zip(data.xs, data.ys)])  # type: ignore[arg-type]
        except OverflowError:
            break
        seen.append(j.data)
        opt.zero_grad()
        j.backward()
        if not all(math.isfinite(p.data - opt.lr * p.grad) for p in opt.params):
            break  # the step itself would overflow
        opt.step()
    return seen


def test_divergence_stops_when_the_cost_rises_a_thousandfold_long_before_overflow() -> None:
    costs = costs_by_hand(100)
    # the oracle: the first epoch whose cost is over MAX_RISE = 1000 times the first one's
    epoch = next(k for k, j in enumerate(costs, 1) if j > 1000 * costs[0])
    assert epoch < len(costs)  # left alone, the run would go on for more epochs, towards overflow
    model, data, opt = diverging_setup()
    before = model.state_dict()
    with pytest.raises(TrainingDivergedError) as caught:
        fit(model, data, opt, epochs=100, progress=False)
    error = caught.value
    assert isinstance(error, ArithmeticError)
    assert (error.epoch, error.epochs, error.stepped, error.lr) == (epoch, 100, True, 10.0)
    assert error.history.loss == pytest.approx(costs[:epoch], rel=1e-9)
    assert str(error) == (
        f"training diverged in epoch {epoch} of 100: the loss rose from {costs[0]:.3g} to "
        f"{costs[epoch - 1]:.3g}; try a smaller learning rate (this run used lr=10)"
    )
    assert "scale" not in str(error)  # one piece of advice, not two
    assert model.state_dict() == before  # put back as it was before fit


def test_a_diverged_run_leaves_the_model_and_the_optimizer_as_they_were() -> None:
    model, data, _ = diverging_setup()
    opt = Adam(model.parameters(), lr=0.01)
    fit(model, data, opt, epochs=2, progress=False)  # some state and steps to keep
    opt.zero_grad()
    before = (model.state_dict(), [dict(s) for s in opt.state], opt.steps)
    opt.lr = 1e3
    with pytest.raises(TrainingDivergedError):
        fit(model, data, opt, epochs=200, progress=False)
    assert (model.state_dict(), opt.state, opt.steps) == before
    assert all(p.grad == 0.0 for p in model.parameters())
    # ready for a second try with a smaller rate, from the same start
    opt.lr = 0.01
    history = fit(model, data, opt, epochs=20, progress=False)
    assert history.final_loss < history.loss[0]


def test_an_overflow_after_a_step_blames_the_learning_rate_only() -> None:
    model, data, opt = diverging_setup(lr=1e200)  # one step puts the weights near 1e200: J overflows
    before = model.state_dict()
    with pytest.raises(TrainingDivergedError) as caught:
        fit(model, data, opt, epochs=5, progress=False)
    error = caught.value
    assert isinstance(error.__cause__, OverflowError) and "scale the inputs" in str(error.__cause__)
    assert error.epoch == 2 and error.stepped
    assert "overflows a float; try a smaller learning rate (this run used lr=1e+200)" in str(error)
    assert "scale" not in str(error)
    assert model.state_dict() == before


def test_a_step_the_optimizer_refuses_is_a_divergence_too() -> None:
    data = Dataset("far", [[1.0], [2.0]], [100.0, 200.0], task="regression", nout=1)
    model = MLP(1, [2, 1], output_activation="linear", seed=0)
    before = model.state_dict()
    opt = SGD(model.parameters(), lr=1e308)  # gradients near -300: the first step would make a weight inf
    with pytest.raises(
        TrainingDivergedError, match=r"epoch 1 of 3: SGD.step: .* would become -?inf"
    ) as caught:
        fit(model, data, opt, epochs=3, progress=False)
    assert caught.value.stepped and "try a smaller learning rate (this run used lr=1e+308)" in str(
        caught.value
    )
    assert opt.steps == 0 and model.state_dict() == before


def test_data_too_large_for_the_model_fails_in_epoch_one() -> None:
    xs = [[1e200], [-1e200]]
    data = Dataset("huge", xs, [1e200, -1e200], task="regression", nout=1)
    model = MLP(1, [2, 1], output_activation="linear", seed=0)
    with pytest.raises(TrainingDivergedError, match="epoch 1 of 5") as caught:
        fit(model, data, Adam(model.parameters()), epochs=5, progress=False)
    assert caught.value.epoch == 1 and not caught.value.stepped
    # before any step no learning rate is to blame: the advice is about the data alone
    assert str(caught.value).endswith(
        "; scale the inputs and targets down (they overflow before any step was taken)"
    )
    assert "learning rate" not in str(caught.value)


def test_a_cost_already_zero_is_not_a_rise() -> None:
    data = Dataset("fitted", [[0.0], [1.0]], [0.0, 0.0], task="regression", nout=1)
    model = MLP(1, [1], activation="linear", seed=0)
    for p in model.parameters():
        p.data = 0.0  # predicts 0 everywhere: J = 0 and every gradient 0
    history = fit(model, data, SGD(model.parameters(), lr=0.1), epochs=3, progress=False)
    assert history.loss == [0.0, 0.0, 0.0] and history.final_loss == 0.0


def test_logistic_loss_needs_a_sigmoid_output() -> None:
    data = xor(20, seed=0)
    model = MLP(2, [4, 1], output_activation="linear", seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"'logistic'.*sigmoid.*'bce_logits'"):
        fit(model, data, Adam(model.parameters()), loss="logistic", progress=False)
    assert model.state_dict() == before
    sigmoid = MLP(2, [4, 1], activation="relu", output_activation="sigmoid", seed=0)
    fit(sigmoid, data, Adam(sigmoid.parameters()), loss="logistic", epochs=2, progress=False)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Dataset("empty", [], [], task="binary", nout=1), "no samples"),
        (lambda: Dataset("short", [[0.0], [1.0]], [0], task="binary", nout=1), "2 samples but 1 target"),
        (lambda: Dataset("t", [[0.0]], [0], task="ranking", nout=1), "task must be one of binary"),
        (lambda: Dataset("r", [[0.0], [1.0, 2.0]], [0, 1], task="binary", nout=1), "sample 1 has 2"),
        (lambda: Dataset("w", [[0.0], []], [0, 1], task="binary", nout=1), "sample 0 has 1"),
        (lambda: Dataset("n", [[0.0], [math.nan]], [0, 1], task="binary", nout=1), "xs[1][0]"),
        (lambda: Dataset("s", [[0.0], ["1"]], [0, 1], task="binary", nout=1), "xs[1][0]"),  # type: ignore[list-item]
        (lambda: Dataset("d", [{0: 1.0}], [0], task="binary", nout=1), "xs[0] must be a list"),  # type: ignore[list-item]
        (lambda: Dataset("b", [[0.0], [1.0]], [0, 2], task="binary", nout=1), "ys[1] must be 0 or 1"),
        (lambda: Dataset("m", [[0.0], [1.0]], [0, 3], task="multiclass", nout=3), "ys[1] must be a class"),
        (lambda: Dataset("m", [[0.0], [1.0]], [0, 0.5], task="multiclass", nout=3), "ys[1] must be a class"),
        (lambda: Dataset("k", [[0.0]], [0], task="multiclass", nout=1), "at least 2 classes"),
        (lambda: Dataset("o", [[0.0]], [0.0], task="regression", nout=2), "nout must be 1"),
        (lambda: Dataset("y", [[0.0]], [math.inf], task="regression", nout=1), "ys[0]"),
    ],
)
def test_a_dataset_is_checked_when_it_is_made(make: object, words: str) -> None:
    with pytest.raises((ValueError, TypeError)) as caught:
        make()  # type: ignore[operator]
    assert words in str(caught.value)


def test_numpy_datasets_are_datasets() -> None:
    xs = np.array([[0.0, 1.0], [1.0, 0.0]])
    data = Dataset("np", xs, np.array([0, 1]), task="binary", nout=1)  # type: ignore[arg-type]
    model = MLP(2, [2, 1], output_activation="linear", seed=0)
    assert len(fit(model, data, SGD(model.parameters(), lr=0.1), epochs=2, progress=False).loss) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"epochs": 2.0}, TypeError, "epochs must be an integer"),
        ({"epochs": True}, TypeError, "epochs must be an integer"),
        ({"batch_size": "8"}, TypeError, "batch_size must be an integer"),
        ({"seed": "x"}, TypeError, "seed must be an integer"),
        ({"progress": "yes"}, TypeError, "progress must be True, False or None"),
        ({"loss": 3}, TypeError, "loss must be a name"),
    ],
)
def test_fit_options_are_named(kwargs: dict[str, object], error: type[Exception], words: str) -> None:
    data = xor(8, seed=0)
    model = MLP(2, [2, 1], output_activation="linear", seed=0)
    with pytest.raises(error, match=words):
        fit(model, data, SGD(model.parameters(), lr=0.1), **kwargs)  # type: ignore[arg-type]


def test_fit_takes_numpy_integers() -> None:
    data = xor(8, seed=0)
    model = MLP(2, [2, 1], output_activation="linear", seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    history = fit(model, data, opt, epochs=np.int64(2), batch_size=np.int32(4), progress=False)
    assert len(history.loss) == 2 and opt.steps == 4


def test_fit_checks_what_it_is_given() -> None:
    data = xor(8, seed=0)
    model = MLP(2, [2, 1], output_activation="linear", seed=0)
    with pytest.raises(TypeError, match="optimizer must be an Optimizer"):
        fit(model, data, "adam", progress=False)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data must be a Dataset"):
        fit(model, (data.xs, data.ys), SGD(model.parameters()), progress=False)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="model must be an MLP"):
        fit(model.layers[0], data, SGD(model.parameters()), progress=False)  # type: ignore[arg-type]
    other = MLP(2, [2, 1], seed=1)
    with pytest.raises(ValueError, match="none of the model's parameters"):
        fit(model, data, SGD(other.parameters()), progress=False)


def test_evaluate_checks_what_it_is_given() -> None:
    from micrograd_like.training.fit import evaluate

    data = xor(8, seed=0)
    with pytest.raises(TypeError, match="model must be an MLP"):
        evaluate("model", data)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="takes 2 inputs and gives 3 outputs"):
        evaluate(MLP(2, [3]), data)
    with pytest.raises(TypeError, match="name must be a str"):
        Dataset(3, [[0.0]], [0], task="binary", nout=1)  # type: ignore[arg-type]
