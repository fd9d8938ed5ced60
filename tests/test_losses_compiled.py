"""Each loss compiled one shape at a time (`loss_code`): the engine's numbers, bit for bit, on many inputs.

The oracle is the engine itself: the loss built on `Value` leaves, multiplied by 1/m as the mean J
does, and `backward()`; the compiled code must give the same loss and output gradients to the
last bit (compared as `float.hex`, so even the sign of a zero counts), and fail where it fails.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from micrograd_like import Value
from micrograd_like.compiler import batch, compile_model
from micrograd_like.compiler.batch import loss_code
from micrograd_like.data import Dataset, blobs, xor
from micrograd_like.learn import losses
from micrograd_like.learn.losses import Form
from micrograd_like.nn import MLP
from micrograd_like.optim import make_optimizer
from micrograd_like.training.fit import LOSSES, History, Loss, evaluate, fit

SIZES = [1, 2, 3, 7, 100]  # batch sizes m: the seed 1/m (1 when m = 1)


def engine(form: Form, outputs: Sequence[float], target: Any, m: int) -> list[str]:
    leaves = [Value(o) for o in outputs]
    loss = form(leaves, target)
    (loss / m if m > 1 else loss).backward()
    return [x.hex() for x in (loss.data, *(v.grad for v in leaves))]


def compiled(form: Form, outputs: Sequence[float], target: Any, m: int) -> list[str]:
    key, numbers = form.shape(outputs, target)
    value, grads = loss_code(form, key, outputs, numbers)(1.0 / m if m > 1 else 1.0, *outputs, *numbers)
    return [x.hex() for x in (value, *grads)]


def logit(rng: random.Random) -> float:
    """A number of any size a model gives: 0, tiny, ordinary, or past where exp overflows."""
    kind = rng.random()
    if kind < 0.05:
        return 0.0
    return rng.choice((-1.0, 1.0)) * 10.0 ** rng.uniform(-8.0, 3.0 if kind < 0.9 else 308.0)


def probability(rng: random.Random) -> float:
    return rng.choice((rng.random(), 1.0 - 10.0 ** -rng.uniform(1, 16), 10.0 ** -rng.uniform(1, 300)))


Case = Callable[[random.Random], tuple[list[float], Any]]  # -> (outputs, target)

CASES: list[tuple[Form, Case]] = [
    (losses.BCE_WITH_LOGITS, lambda r: ([logit(r)], r.choice((0.0, 1.0, r.random())))),
    (LOSSES["bce_logits"].per_sample, lambda r: ([logit(r)], r.choice((0, 1)))),  # type: ignore[list-item]
    (losses.LOGISTIC, lambda r: ([probability(r)], r.choice((0.0, 1.0, r.random())))),
    (losses.HINGE, lambda r: ([logit(r)], r.choice((-1, 1)))),
    (LOSSES["hinge"].per_sample, lambda r: ([logit(r)], r.choice((0.0, 1.0)))),  # type: ignore[list-item]
    (losses.SQUARED_ERROR, lambda r: ([logit(r) / 1e150], logit(r) / 1e150)),
    (
        LOSSES["softmax_ce"].per_sample,  # type: ignore[list-item]
        lambda r: (lambda n: ([logit(r) for _ in range(n)], float(r.randrange(n))))(r.randint(1, 5)),
    ),
]


@pytest.mark.parametrize(("form", "case"), CASES, ids=[form.name for form, _ in CASES])
def test_loss_code_gives_the_engines_numbers_bit_for_bit(form: Form, case: Case) -> None:
    rng = random.Random(form.name)
    compared = failed = 0
    for _ in range(600):
        outputs, target = case(rng)
        m = rng.choice(SIZES)
        try:
            expected = engine(form, outputs, target, m)
        except (ArithmeticError, ValueError) as error:  # the engine refuses: so must the code
            with pytest.raises(type(error)):
                compiled(form, outputs, target, m)
            failed += 1
            continue
        assert compiled(form, outputs, target, m) == expected, (outputs, target, m)
        compared += 1
    assert compared > 400  # most inputs are fine numbers: the comparison is the point


def test_softmax_across_the_whole_float_range_takes_its_other_shape() -> None:
    # logits 1e308 apart: s - m overflows, softmax takes (e^(s/2 - m/2))², a shape of its own
    form = LOSSES["softmax_ce"].per_sample
    assert isinstance(form, Form)
    extremes = [
        ([1e308, -1e308], 0.0, (0, (True, False))),
        ([-1e308, 1e308], 1.0, (1, (False, True))),
        ([1e308, -1e308, 1e308], 2.0, (2, (True, False, True))),
    ]
    for outputs, k, shape in extremes:
        assert form.shape(outputs, k) == (shape, (1e308,))
        for m in SIZES:
            assert compiled(form, outputs, k, m) == engine(form, outputs, k, m)


def code_for(form: Form, outputs: list[float], target: Any) -> batch.LossCode:
    key, numbers = form.shape(outputs, target)
    return loss_code(form, key, outputs, numbers)


def test_each_shape_is_compiled_once_and_branches_get_their_own() -> None:
    form = losses.BCE_WITH_LOGITS
    positive = [code_for(form, [s], 1.0) for s in (0.5, 3.0, 1e-9)]
    assert positive[0] is positive[1] is positive[2]
    assert code_for(form, [-0.5], 1.0) is not positive[0]  # s <= 0: softplus's other form
    assert len({id(code_for(form, [s], y)) for s in (-1.0, 1.0) for y in (0.0, 1.0, 0.25, 0.75)}) == 4


def test_a_shape_that_fails_on_its_first_numbers_raises_the_engines_error() -> None:
    # ŷ = 1 with the label 0: log(1 - 1) = log(0), met while building the graph to compile
    form = losses.LOGISTIC
    with pytest.raises(ValueError) as on_engine:
        form([Value(1.0)], 0.0)
    batch._LOSS_CODES.clear()
    with pytest.raises(ValueError) as while_compiling:
        code_for(form, [1.0], 0.0)
    assert str(while_compiling.value) == str(on_engine.value)
    # compiled on good numbers first, the code itself refuses them (plain math's words)
    code = code_for(form, [0.5], 0.0)
    with pytest.raises(ValueError):
        code(1.0, 1.0, 0.0)
    squared = code_for(losses.SQUARED_ERROR, [0.5], 0.0)
    with pytest.raises(OverflowError):  # (ŷ - y)² past the floats: Python's float power says so
        squared(1.0, 1e200, 0.0)
    with pytest.raises(ArithmeticError, match="inf or nan"):  # ŷ - y is inf, silently: the check sees it
        squared(1.0, 1.7e308, -1.7e308)


def test_a_shape_check_refuses_before_any_code_runs() -> None:
    with pytest.raises(ValueError, match="logistic_loss needs a probability"):
        losses.LOGISTIC.shape([1.5], 1.0)
    with pytest.raises(ValueError, match="hinge needs a label of -1 or \\+1"):
        losses.HINGE.shape([0.5], 0.0)
    with pytest.raises(ValueError, match="target"):
        losses.BCE_WITH_LOGITS.shape([0.5], 2.0)


def counting(form: Form) -> tuple[Form, list[int]]:
    """The same loss, counting how often its graph is built."""
    built = [0]

    def graph(outputs: Sequence[Value], numbers: Sequence[Any], key: Any) -> Value:
        built[0] += 1
        return form.graph(outputs, numbers, key)

    return Form(form.name, form.shape, graph), built


def run(data: Dataset, nouts: list[int], loss: Loss, compile: bool, **options: Any) -> tuple[MLP, History]:
    model = MLP(data.nin, nouts, output_activation="linear", seed=3)
    optimizer = make_optimizer("adam", model.parameters(), lr=0.05)
    return model, fit(model, data, optimizer, epochs=5, loss=loss, progress=False, compile=compile, **options)


@pytest.mark.parametrize("batch_size", [None, 4])
def test_fit_compiles_the_loss_once_per_shape_with_the_engines_numbers(batch_size: int | None) -> None:
    data = xor(24, seed=2)
    base = LOSSES["bce_logits"]
    form, built = counting(base.per_sample)  # type: ignore[arg-type]
    loss = Loss("counted", form, base.predict, base.tasks)
    batch._LOSS_CODES.clear()
    compiled_model, compiled_history = run(data, [4, 1], loss, True, batch_size=batch_size)
    # 24 samples × 5 epochs and the final evaluation: at most 4 graphs (the sign of s by the label)
    assert 1 <= built[0] <= 4
    built[0] = 0
    engine_model, engine_history = run(data, [4, 1], loss, False, batch_size=batch_size)
    assert built[0] == 24 * 6  # the engine builds one per sample per epoch, and once more to evaluate
    assert compiled_model.state_dict() == engine_model.state_dict()
    assert compiled_history == engine_history


def test_fit_compiled_with_a_loss_that_is_not_a_form_builds_it_on_the_engine() -> None:
    data = blobs(30, seed=4)
    plain = Loss("plain", lambda out, y: losses.softmax_cross_entropy(out, int(y)), None, ("multiclass",))
    compiled_model, compiled_history = run(data, [5, 3], plain, True)
    former = Loss("form", LOSSES["softmax_ce"].per_sample, None, ("multiclass",))
    form_model, form_history = run(data, [5, 3], former, True)
    assert compiled_model.state_dict() == form_model.state_dict() and compiled_history == form_history


@pytest.mark.parametrize(
    ("make", "nouts", "name"),
    [(lambda: xor(30, seed=1), [5, 1], "bce_logits"), (lambda: blobs(30, seed=2), [5, 3], "softmax_ce")],
)
def test_fits_final_loss_and_accuracy_are_evaluates_bit_for_bit(
    make: Callable[[], Dataset], nouts: list[int], name: str
) -> None:
    # the final evaluation runs compiled: the same numbers as evaluate() on the engine, same weights
    data = make()
    model, history = run(data, nouts, LOSSES[name], True)
    assert (history.final_loss, history.final_accuracy) == evaluate(model, data, name)


def test_mlps_of_one_architecture_share_their_code_and_each_shows_its_own_weights() -> None:
    first, second = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    one, two = compile_model(first), compile_model(second)
    assert two.function is one.function
    assert compile_model(MLP(2, [4, 1], seed=1)).function is not one.function
    assert compile_model(MLP(2, [3, 1], activation="relu", seed=1)).function is not one.function
    for model, compiled in ((first, one), (second, two)):
        weight = model.parameters()[0].data
        assert f"w_1_11={weight!r}," in compiled.source  # the defaults: this model's weights

    class Custom(MLP):
        pass

    custom = Custom(2, [3, 1], seed=1)
    assert compile_model(custom).function is not one.function  # a subclass may compute differently
    # the shared code gives the engine's gradients, as a code compiled afresh for this model does
    rows = [(0.5, -1.0), (2.0, 0.25)]
    batch._MODEL_CODES.clear()
    fresh = compile_model(second)
    assert fresh.function is not two.function
    grads = []
    for compiled in (two, fresh):
        second.zero_grad()
        compiled.step(rows, lambda outs: (1.0,))
        grads.append([p.grad for p in second.parameters()])
    second.zero_grad()
    for x in rows:
        second(list(x)).backward()  # type: ignore[union-attr]
    assert grads[0] == grads[1] == [p.grad for p in second.parameters()]


LABELS = ['"""\nraise SystemExit("ran")\n"""', "x\n    import os  #", "\u2028\x00 ŷ\\"]


@pytest.mark.parametrize("label", LABELS)
def test_a_forms_labels_are_data_in_its_compiled_code(label: str) -> None:
    def graph(outputs: Sequence[Value], numbers: Sequence[Any], key: Any) -> Value:
        inner = outputs[0] * numbers[0]
        inner.label = label
        out = inner.tanh()
        out.label = label
        return out

    form = Form(label, lambda outputs, target: ((), (float(target),)), graph)
    for x, y in [(0.5, 2.0), (-1.5, 0.25)]:
        assert compiled(form, [x], y, 3) == engine(form, [x], y, 3)


def test_a_label_is_the_same_shape_however_it_is_written() -> None:
    import numpy as np

    for one in (1, 1.0, np.float64(1.0), np.int64(1)):
        assert losses.BCE_WITH_LOGITS.shape([0.5], one) == ((True, True), (1.0,))
        assert losses.HINGE.shape([0.5], -one) == (-1.0, ())
    for k in (1, np.int64(1)):  # a class index is an integer (1.0 is refused, as ever)
        assert losses.SOFTMAX_CROSS_ENTROPY.shape([0.5, 2.0], k) == ((1, (True, True)), (2.0,))
    for bad, error in [(True, TypeError), (2, ValueError), (-0.5, ValueError), (float("nan"), ValueError)]:
        with pytest.raises(error, match="target"):
            losses.BCE_WITH_LOGITS.shape([0.5], bad)
    with pytest.raises(ValueError, match="hinge needs a label of -1 or \\+1, got 0"):
        losses.HINGE.shape([0.5], 0)
    with pytest.raises(ValueError, match="class index"):
        losses.SOFTMAX_CROSS_ENTROPY.shape([0.5, 2.0], 2)
    with pytest.raises(TypeError, match="class index"):
        losses.SOFTMAX_CROSS_ENTROPY.shape([0.5, 2.0], 1.0)
