"""compile_batch and fit(compile=...): one sample's graph run over a dataset, the engine's trajectory.

The oracle is the engine building the whole set's graph, `cost(...)` and `backward()`; and, for
fit, the same training run with compile=False: the same weights after every epoch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pytest

from micrograd_like import Value, compile_batch, losses
from micrograd_like.cli import main
from micrograd_like.compiler import compile_model
from micrograd_like.learn.data import Dataset, blobs, moons, regression, xor
from micrograd_like.learn.modules import MLP
from micrograd_like.learn.optim import make_optimizer
from micrograd_like.training.fit import fit

Rows = list[tuple[float, ...]]


def network(model: MLP, inputs: Sequence[Value | float], y: Value | float) -> Value:
    """One sample's loss: the model's output against y, squared, plus a relu hinge term."""
    out = model(list(inputs))
    assert isinstance(out, Value)
    return (out - y) ** 2 + (0.5 - out * y).relu()


def engine_cost(model: MLP, rows: Rows, mean: bool = True) -> float:
    """The whole set's graph on the engine, as fit builds it; fills the parameters' gradients."""
    per_row = [network(model, row[:-1], row[-1]) for row in rows]
    j = losses.cost(per_row) if mean else sum(per_row[1:], per_row[0])
    j.backward()
    return j.data


def rows_of(n: int, seed: int = 0) -> Rows:
    data = moons(n, seed=seed)
    return [(*x, 2.0 * y - 1.0) for x, y in zip(data.xs, data.ys)]


@pytest.mark.parametrize("mean", [True, False])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_batch_gives_the_whole_sets_numbers_bit_for_bit(mean: bool, activation: str) -> None:
    model, twin = (
        MLP(2, [4, 3, 1], activation=activation, seed=1),
        MLP(2, [4, 3, 1], activation=activation, seed=1),
    )
    x1, x2, y = Value(0.0, "x1"), Value(0.0, "x2"), Value(0.0, "y")
    batch = compile_batch(network(model, [x1, x2], y), rows=[x1, x2, y], wrt=model.parameters())
    rows = rows_of(30)
    for _ in range(3):  # and again after an update: the compiled code reads the new weights
        model.zero_grad()
        twin.zero_grad()
        assert batch(rows, mean=mean) == engine_cost(twin, rows, mean)
        assert [p.grad for p in model.parameters()] == [p.grad for p in twin.parameters()]
        for p, q in zip(model.parameters(), twin.parameters()):
            p.data -= 0.5 * p.grad
            q.data -= 0.5 * q.grad


def test_one_row_and_gradients_that_accumulate() -> None:
    w = Value(0.5, "w", kind="parameter")
    x = Value(0.0, "x")
    batch = compile_batch((w * x).tanh(), rows=[x])
    assert batch([(2.0,)]) == math.tanh(1.0)
    first = w.grad
    batch([(2.0,)])
    assert w.grad == 2 * first  # like two backward() calls
    assert batch([(1,), (2,)], mean=False) == math.tanh(0.5) + math.tanh(1.0)  # ints are numbers too


def test_bad_rows_are_clear_errors() -> None:
    x, y = Value(0.0, "x"), Value(0.0, "y")
    w = Value(1.0, "w", kind="parameter")
    batch = compile_batch((w * x - y) ** 2, rows=[x, y])
    with pytest.raises(ValueError, match="row 1 has 3 values; each row needs 2"):
        batch([(1.0, 2.0), (1.0, 2.0, 3.0)])
    with pytest.raises(TypeError, match=r"row 0 needs a real number.*str"):
        batch([("1", 2.0)])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="no rows"):
        batch([])
    with pytest.raises(ValueError, match=r"rows: .* is not in the graph"):
        compile_batch((w * x) ** 2, rows=[x, y])
    with pytest.raises(ValueError, match="needs the leaves each row"):
        compile_batch((w * x) ** 2, rows=[])
    with pytest.raises(ValueError, match="the same leaf is listed twice"):
        compile_batch((w * x) ** 2, rows=[x, x])
    assert w.grad == 0.0


def test_a_domain_error_in_one_row_is_the_engines_and_changes_nothing() -> None:
    x = Value(1.0, "x")
    w = Value(2.0, "w", kind="parameter")
    batch = compile_batch((w * x).log(), rows=[x])
    batch([(1.0,), (2.0,)])
    before = w.grad
    with pytest.raises(ValueError, match=r"log\(-2\.0\) is undefined"):
        batch([(1.0,), (-1.0,), (3.0,)])
    assert w.grad == before


def test_batch_source_runs_on_its_own() -> None:
    x, y = Value(0.0, "x"), Value(0.0, "y")
    w = Value(0.5, "w", kind="parameter")
    batch = compile_batch((w * x - y) ** 2, rows=[x, y])
    namespace: dict[str, object] = {}
    exec(batch.source, namespace)  # nothing but the text: it imports math itself
    fn: Callable[..., tuple[float, tuple[float, ...]]] = namespace["forward_backward_batch"]  # type: ignore[assignment]
    assert fn([(1.0, 2.0), (3.0, 0.0)]) == ((0.5 - 2) ** 2 + 1.5**2, (2 * (0.5 - 2) * 1 + 2 * 1.5 * 3,))
    assert "for x, y in data:" in batch.source


# --- fit(compile=...) -------------------------------------------------------------------------------

OPTIMIZERS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam"]


def train(
    data: Dataset, nouts: list[int], optimizer: str, compiled: bool, **options: object
) -> tuple[MLP, object]:
    model = MLP(data.nin, nouts, output_activation=options.pop("output", "linear"), seed=7)  # type: ignore[arg-type]
    opt = make_optimizer(optimizer, model.parameters(), lr=0.05)
    history = fit(model, data, opt, epochs=4, progress=False, compile=compiled, **options)  # type: ignore[arg-type]
    return model, history


def close(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        abs(a[k] - b[k]) <= 1e-12 * max(abs(a[k]), abs(b[k]), 1e-300) for k in a
    )


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 7])
def test_fit_compiled_follows_the_engines_trajectory(optimizer: str, batch_size: int | None) -> None:
    data = xor(30, seed=3)
    engine, h1 = train(data, [5, 1], optimizer, False, batch_size=batch_size)
    compiled, h2 = train(data, [5, 1], optimizer, True, batch_size=batch_size)
    assert close(compiled.state_dict(), engine.state_dict())
    assert compiled.state_dict() == engine.state_dict()  # one output: bit for bit, in fact
    assert h1 == h2


@pytest.mark.parametrize(
    ("make", "nouts", "options"),
    [
        (lambda: blobs(40, seed=1), [6, 3], {}),  # softmax cross-entropy over three logits
        (lambda: regression(30, seed=2), [6, 1], {}),  # mse
        (lambda: xor(30, seed=4), [6, 1], {"loss": "hinge"}),
        (lambda: xor(30, seed=5), [6, 1], {"loss": "logistic", "output": "sigmoid"}),
    ],
)
@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_fit_compiled_with_every_loss(
    make: Callable[[], Dataset], nouts: list[int], options: dict[str, object], optimizer: str
) -> None:
    data = make()
    engine, _ = train(data, nouts, optimizer, False, **dict(options))
    compiled, _ = train(data, nouts, optimizer, True, **dict(options))
    assert close(compiled.state_dict(), engine.state_dict())


def test_fit_compiles_an_mlp_by_default_and_not_a_subclass(monkeypatch: pytest.MonkeyPatch) -> None:
    import micrograd_like.compiler as compiler

    made: list[object] = []

    def spy(model: MLP) -> object:
        made.append(model)
        return compile_model(model)

    monkeypatch.setattr(compiler, "compile_model", spy)
    data = xor(20, seed=1)
    model = MLP(2, [3, 1], output_activation="linear", seed=1)
    fit(model, data, make_optimizer("sgd", model.parameters(), lr=0.1), epochs=1, progress=False)
    assert made == [model]

    class Custom(MLP):
        pass

    custom = Custom(2, [3, 1], output_activation="linear", seed=1)
    fit(custom, data, make_optimizer("sgd", custom.parameters(), lr=0.1), epochs=1, progress=False)
    assert made == [model]
    fit(
        custom,
        data,
        make_optimizer("sgd", custom.parameters(), lr=0.1),
        epochs=1,
        progress=False,
        compile=True,
    )
    assert made == [model, custom]


def test_fit_compiled_falls_back_to_the_engines_error() -> None:
    # a saturated sigmoid output: the logistic loss needs log(1 - 1.0) = log(0)
    def run(compiled: bool) -> str:
        model = MLP(2, [1], activation="sigmoid", seed=0)
        model.load_state_dict({"w[1]11": 800.0, "w[1]12": 800.0, "b[1]1": 800.0})
        data = Dataset("one", [[1.0, 1.0]], [0.0], "binary", 1)
        with pytest.raises((ValueError, ArithmeticError)) as caught:
            fit(
                model,
                data,
                make_optimizer("sgd", model.parameters()),
                epochs=1,
                loss="logistic",
                progress=False,
                compile=compiled,
            )
        assert model.state_dict()["w[1]11"] == 800.0
        return f"{type(caught.value).__name__}: {caught.value}"

    assert run(True) == run(False)


def test_fit_compile_must_be_a_bool_or_none() -> None:
    model = MLP(2, [2, 1], output_activation="linear", seed=0)
    with pytest.raises(TypeError, match="compile must be True, False or None"):
        fit(model, xor(8), make_optimizer("sgd", model.parameters()), epochs=1, compile="yes")  # type: ignore[arg-type]


def test_compiled_model_refuses_replaced_parameters() -> None:
    model = MLP(2, [2, 1], seed=0)
    compiled = compile_model(model)
    compiled.step([[0.5, 0.5]], lambda outs: [1.0])
    model.layers[0].neurons[0].w[0] = Value(0.1, "w[1]11", kind="parameter")
    with pytest.raises(ValueError, match="parameters were replaced"):
        compiled.step([[0.5, 0.5]], lambda outs: [1.0])


def test_compiled_model_source_reads_the_models_names() -> None:
    source = compile_model(MLP(2, [2, 1], output_activation="linear", seed=0)).source
    assert '"""A graph compiled by micrograd_like.compile_model' in source
    assert "\n# the graph of the outputs s[2] of an MLP\n" in source  # a name from the graph: in a comment
    assert "for x1, x2 in data:" in source
    assert "(g_s_2,) = upstream((s_2,))" in source  # a linear output unit: s[2] is the output
    assert "z_1_1 = math.tanh(s_1_1)  # z[1]1 = tanh(s[1]1)" in source


def test_cli_train_compile_and_no_compile_agree(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for flag in ("--compile", "--no-compile"):
        assert main(["train", "--epochs", "5", "--samples", "30", "--hidden", "4", flag]) == 0
        summary = capsys.readouterr().out.splitlines()[0]
        outputs.append(summary.split(" after ")[0])  # the time differs
    assert outputs[0] == outputs[1]
