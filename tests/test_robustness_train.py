"""fit and Dataset when things go wrong: divergence is a named error at a named epoch; datasets,
models, optimizers and options are checked before the first epoch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from micrograd_like import MLP, SGD, Adam, TrainingDivergedError, losses
from micrograd_like.data import Dataset, regression, xor
from micrograd_like.train import fit


def diverging_setup() -> tuple[MLP, Dataset, SGD]:
    data = regression(20, seed=0)
    model = MLP(1, [8, 1], output_activation="linear", seed=0)
    return model, data, SGD(model.parameters(), lr=10.0)


def first_failing_epoch() -> int:
    """The same loop by hand: the first epoch whose forward, backward or step fails."""
    model, data, opt = diverging_setup()
    for epoch in range(1, 101):
        try:
            j = losses.cost([losses.squared_error(model(x), y) for x, y in zip(data.xs, data.ys)])  # type: ignore[arg-type]
            opt.zero_grad()
            j.backward()
            if not all(math.isfinite(p.data - opt.lr * p.grad) for p in opt.params):
                return epoch  # the step itself would overflow
            opt.step()
        except OverflowError:
            return epoch
    raise AssertionError("expected this setup to diverge")


def test_divergence_is_a_named_error_at_the_epoch_it_happens() -> None:
    model, data, opt = diverging_setup()
    with pytest.raises(TrainingDivergedError) as caught:
        fit(model, data, opt, epochs=100, progress=False)
    error = caught.value
    assert isinstance(error, ArithmeticError)
    assert error.epoch == first_failing_epoch() and error.epochs == 100
    message = str(error)
    assert f"epoch {error.epoch} of 100" in message and "smaller learning rate" in message
    assert all(math.isfinite(w) for w in model.state_dict().values())  # the last good weights


def test_data_too_large_for_the_model_fails_in_epoch_one() -> None:
    xs = [[1e200], [-1e200]]
    data = Dataset("huge", xs, [1e200, -1e200], task="regression", nout=1)
    model = MLP(1, [2, 1], output_activation="linear", seed=0)
    with pytest.raises(TrainingDivergedError, match="epoch 1 of 5") as caught:
        fit(model, data, Adam(model.parameters()), epochs=5, progress=False)
    assert caught.value.epoch == 1


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
        (lambda: Dataset("s", [[0.0], ["1"]], [0, 1], task="binary", nout=1), "xs[1][0]"),
        (lambda: Dataset("d", [{0: 1.0}], [0], task="binary", nout=1), "xs[0] must be a list"),
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
    history = fit(model, data, opt, epochs=np.int64(2), batch_size=np.int32(4), progress=False)  # type: ignore[arg-type]
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
    from micrograd_like.train import evaluate

    data = xor(8, seed=0)
    with pytest.raises(TypeError, match="model must be an MLP"):
        evaluate("model", data)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="takes 2 inputs and gives 3 outputs"):
        evaluate(MLP(2, [3]), data)
    with pytest.raises(TypeError, match="name must be a str"):
        Dataset(3, [[0.0]], [0], task="binary", nout=1)  # type: ignore[arg-type]
