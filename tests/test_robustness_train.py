"""fit and Dataset when things go wrong: divergence is a named error at a named epoch; datasets,
models, optimizers and options are checked before the first epoch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from micrograd_like import MLP, SGD, Adam, TrainingDivergedError, losses
from micrograd_like.learn.data import Dataset, regression, xor
from micrograd_like.training.fit import fit


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
    from micrograd_like.training.fit import evaluate

    data = xor(8, seed=0)
    with pytest.raises(TypeError, match="model must be an MLP"):
        evaluate("model", data)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="takes 2 inputs and gives 3 outputs"):
        evaluate(MLP(2, [3]), data)
    with pytest.raises(TypeError, match="name must be a str"):
        Dataset(3, [[0.0]], [0], task="binary", nout=1)  # type: ignore[arg-type]
