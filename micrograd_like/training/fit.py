"""Train a model on a dataset: `fit` runs gradient descent with a progress bar and returns the history.

Each epoch does forward → cost J = mean loss → `zero_grad()` → `backward()` → `optimizer.step()`,
over the whole set or over shuffled mini-batches. The progress bar is tqdm's (`tqdm.auto`: a widget
in notebooks, text in terminals); `progress=False` turns it off, `None` shows it only on a terminal.

    >>> from micrograd_like.data import xor
    >>> from micrograd_like.nn import MLP
    >>> from micrograd_like.optim import Adam
    >>> data = xor(40, seed=1)
    >>> model = MLP(2, [8, 1], output_activation="linear", seed=1)
    >>> history = fit(model, data, Adam(model.parameters(), lr=0.05), epochs=60, progress=False)
    >>> history.final_accuracy
    1.0

Losses by name (`LOSSES`): "bce_logits" (one logit, labels 0/1), "logistic" (one probability,
labels 0/1, so the model's last layer must be "sigmoid"), "hinge" (one score, labels 0/1 read as
-1/+1), "softmax_ce" (one logit per class), "mse" (regression). The default follows the dataset's
task: bce_logits, softmax_ce or mse.

When training blows up, `fit` stops long before the floats overflow: an epoch whose cost is
`MAX_RISE` (1000) times the first epoch's, or not finite, or a forward, backward or step that
overflows, raises `TrainingDivergedError` naming the epoch and the numbers. The model's weights (and
the optimizer's state) are then put back as they were before `fit`, ready for a run with a smaller
learning rate; the costs seen up to the failure are in the error's `history`.
"""

from __future__ import annotations

import math
import random
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.engine import Value, no_grad
from ..learn import losses
from ..learn.data import Dataset
from ..learn.modules import MLP
from ..learn.optim import DivergenceError, Optimizer
from ..util import checks

if TYPE_CHECKING:  # the compiler is imported when a fit compiles
    from ..compiler.batch import CompiledLoss, CompiledModel

# A cost this many times the first epoch's has left any valley it started in: a step that
# overshoots a minimum by a factor r multiplies the cost by about r² per epoch, so 1000 is reached
# in a few epochs, hundreds of orders of magnitude before a float overflows.
MAX_RISE = 1000.0

PerSample = Callable[[list[Value], float], Value]  # (model outputs, target) -> loss
Predict = Callable[[Sequence[float]], float]  # output values -> predicted class


@dataclass(frozen=True)
class Loss:
    """A per-sample loss and, for classifiers, how outputs become a predicted class."""

    name: str
    per_sample: PerSample
    predict: Predict | None  # None: a regression loss (no accuracy)
    tasks: tuple[str, ...]
    outputs: tuple[str, ...] | None = None  # the last-layer activations it is defined on (None: any)


class TrainingDivergedError(ArithmeticError):
    """Training blew up in epoch `epoch` of `epochs`; `reason` says how (the cost rose from what to
    what, or which number overflowed or was refused).

    `stepped` is False when it failed on the starting weights, before any step was tried: the
    numbers themselves are too large, and no learning rate would help. `fit` raises it after putting
    the model's weights and the optimizer's state back as they were; `history` holds the costs seen.
    """

    def __init__(
        self,
        epoch: int,
        epochs: int,
        reason: str,
        lr: float | None = None,
        *,
        stepped: bool = True,
        history: History | None = None,
    ) -> None:
        if not stepped:
            hint = "scale the inputs and targets down (they overflow before any step was taken)"
        elif lr is not None:
            hint = f"try a smaller learning rate (this run used lr={lr:g})"
        else:
            hint = "try a smaller learning rate"
        super().__init__(f"training diverged in epoch {epoch} of {epochs}: {reason}; {hint}")
        self.epoch, self.epochs, self.reason, self.lr = epoch, epochs, reason, lr
        self.stepped = stepped
        self.history = history if history is not None else History()


def _argmax(xs: Sequence[float]) -> float:
    return float(max(range(len(xs)), key=xs.__getitem__))


LOSSES: dict[str, Loss] = {
    "bce_logits": Loss(
        "bce_logits",
        losses.BCE_WITH_LOGITS,
        lambda out: 1.0 if out[0] > 0.0 else 0.0,  # σ(s) > 0.5 exactly when s > 0
        ("binary",),
    ),
    "logistic": Loss(
        "logistic",
        losses.LOGISTIC,
        lambda out: 1.0 if out[0] > 0.5 else 0.0,
        ("binary",),
        outputs=("sigmoid",),  # ŷ must be a probability
    ),
    "hinge": Loss(
        "hinge",
        losses.HINGE.with_target(lambda y: 1 if y > 0 else -1),
        lambda out: 1.0 if out[0] > 0.0 else 0.0,
        ("binary",),
    ),
    "softmax_ce": Loss(
        "softmax_ce",
        losses.SOFTMAX_CROSS_ENTROPY.with_target(int),
        _argmax,
        ("multiclass",),
    ),
    "mse": Loss("mse", losses.SQUARED_ERROR, None, ("regression",)),
}

DEFAULT_LOSS = {"binary": "bce_logits", "multiclass": "softmax_ce", "regression": "mse"}


@dataclass
class History:
    """What `fit` saw: the cost (and accuracy, for classifiers) of each epoch before its update,
    and both measured once more on the whole set after the last update."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    final_loss: float = float("nan")
    final_accuracy: float | None = None


def accuracy(predicted: Sequence[float], labels: Sequence[float]) -> float:
    """Fraction of predicted classes equal to the labels.

    >>> accuracy([1, 0, 1, 1], [1, 0, 0, 1])
    0.75
    """
    if len(predicted) != len(labels):
        raise ValueError(
            f"accuracy needs as many predictions as labels, got {len(predicted)} and {len(labels)}"
        )
    if len(labels) == 0:  # not `not labels`: a numpy array has no truth value
        raise ValueError("accuracy of no samples is undefined")
    return sum(p == y for p, y in zip(predicted, labels)) / len(labels)


def _loss_for(data: Dataset, loss: str | Loss | None) -> Loss:
    if loss is None:
        return LOSSES[DEFAULT_LOSS[data.task]]
    if isinstance(loss, Loss):
        return loss
    if not isinstance(loss, str):
        raise TypeError(f"loss must be a name ({', '.join(LOSSES)}), a Loss or None, got {checks.show(loss)}")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    chosen = LOSSES[loss]
    if data.task not in chosen.tasks:
        raise ValueError(f"loss {loss!r} does not fit a {data.task} dataset ({data.name})")
    return chosen


def evaluate(model: MLP, data: Dataset, loss: str | Loss | None = None) -> tuple[float, float | None]:
    """(cost J, accuracy or None) of the model on the whole set, without building a graph."""
    _check_model_and_data(model, data)
    chosen = _loss_for(data, loss)
    with no_grad():
        outs = [model.outputs(x) for x in data.xs]
        j = losses.cost([chosen.per_sample(o, y) for o, y in zip(outs, data.ys)]).data
    if chosen.predict is None:
        return j, None
    predict = chosen.predict
    return j, accuracy([predict([v.data for v in o]) for o in outs], data.ys)


def _show_progress(progress: bool | None) -> bool:
    """progress=None: show the bar on a terminal and in a notebook kernel, not when piped or logged."""
    if progress is not None:
        return progress
    # A notebook kernel: its stderr is not a tty, but a bar shows fine there. Ask IPython for a
    # running kernel; merely having ipykernel imported (nbclient in tests) is not one.
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        return True
    return hasattr(sys.stderr, "isatty") and sys.stderr.isatty()


def _progress_bar(total: int, progress: bool | None, desc: str) -> Any:
    with warnings.catch_warnings():
        # without ipywidgets, tqdm.auto warns once and falls back to the text bar, which is what we want
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="epoch", disable=not _show_progress(progress))


def fit(
    model: MLP,
    data: Dataset,
    optimizer: Optimizer,
    *,
    epochs: int = 100,
    loss: str | Loss | None = None,
    batch_size: int | None = None,
    progress: bool | None = None,
    seed: int | None = 0,
    compile: bool | None = None,
) -> History:
    """Train `model` on `data` for `epochs` passes; returns the `History`.

    `batch_size=None` uses the whole set per step (one step per epoch); otherwise each epoch
    shuffles the samples (with `random.Random(seed)`) and steps once per batch. Everything is
    checked before the first epoch; a run that blows up raises `TrainingDivergedError`.

    `compile` runs each step's model forward and backward as compiled Python (`compile_model`),
    and the loss too, one compiled function per shape of its graph (a `losses.Form`; any other
    loss is built on the engine sample by sample): the same numbers, many times faster. The
    default, None, compiles an `MLP` (whose graph's shape never depends on the numbers) and not a
    subclass of it, which may compute differently; True compiles any model, False never.
    """
    _check_parts(model, data, optimizer)
    epochs = checks.integer("epochs", epochs, low=1)
    batch_size = None if batch_size is None else checks.integer("batch_size", batch_size, low=1)
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {checks.show(progress)}")
    seed = checks.optional_integer("seed", seed)
    chosen = _loss_for(data, loss)
    _check_output(model, chosen)
    rng = random.Random(seed)
    order = list(range(len(data.xs)))
    size = batch_size or len(order)
    history = History()
    compiled = _compiled(model, data, chosen, compile)
    restore = _snapshot(optimizer)
    watch = _Watch(epochs, optimizer, history)
    bar = _progress_bar(epochs, progress, data.name)
    try:
        for epoch in range(1, epochs + 1):
            if batch_size is not None:
                rng.shuffle(order)
            with watch.diverging(epoch):
                epoch_loss, hits = _epoch(model, data, optimizer, chosen, order, size, compiled)
            history.loss.append(epoch_loss / len(order))
            watch.check(epoch, history.loss[-1])
            postfix = {"loss": f"{history.loss[-1]:.4f}"}
            if chosen.predict is not None:
                history.accuracy.append(hits / len(order))
                postfix["acc"] = f"{history.accuracy[-1]:.0%}"
            bar.set_postfix(postfix, refresh=False)
            bar.update(1)
        with watch.diverging(epochs):  # the weights after the last step may overflow too
            measured = _compiled_evaluate(compiled, data, chosen) if compiled else None
            history.final_loss, history.final_accuracy = measured or evaluate(model, data, chosen)
        watch.check(epochs, history.final_loss)
    except TrainingDivergedError:
        restore()  # nothing half-done: the weights and the optimizer as they were before fit
        raise
    finally:
        bar.close()
    return history


def _epoch(
    model: MLP,
    data: Dataset,
    optimizer: Optimizer,
    chosen: Loss,
    order: list[int],
    size: int,
    compiled: _Compiled | None = None,
) -> tuple[float, int]:
    """One pass over `order` in batches of `size`: (sum of per-sample losses, correct predictions)."""
    predict = chosen.predict
    epoch_loss, hits = 0.0, 0
    for start in range(0, len(order), size):
        batch = order[start : start + size]
        done = _compiled_step(compiled, data, batch, chosen, optimizer) if compiled else None
        if done is not None:  # None: not compiled, or the numbers went bad (the engine says where)
            epoch_loss += done[0] * len(batch)
            hits += done[1]
            continue
        outs = [model.outputs(data.xs[i]) for i in batch]
        j = losses.cost([chosen.per_sample(o, data.ys[i]) for o, i in zip(outs, batch)])
        optimizer.zero_grad()
        j.backward()
        optimizer.step()
        epoch_loss += j.data * len(batch)
        if predict is not None:
            hits += sum(predict([v.data for v in o]) == data.ys[i] for o, i in zip(outs, batch))
        del outs, j  # free this graph now, before the next one is built
    return epoch_loss, hits


_ENGINE_ADVICE = re.compile(r"; scale the inputs\b[^;]*")


class _Watch:
    """Sees training diverge: the cost rising MAX_RISE-fold above the first epoch's or not finite,
    the engine overflowing, or the optimizer refusing a step; raises TrainingDivergedError."""

    def __init__(self, epochs: int, optimizer: Optimizer, history: History) -> None:
        self.epochs, self.optimizer, self.history = epochs, optimizer, history
        self.steps_before = optimizer.steps

    def _error(self, epoch: int, reason: str, *, stepping: bool = False) -> TrainingDivergedError:
        """`stepping`: it failed in a step, so the learning rate is to blame even if it was the first."""
        stepped = stepping or self.optimizer.steps > self.steps_before
        lr = self.optimizer.lr
        return TrainingDivergedError(epoch, self.epochs, reason, lr, stepped=stepped, history=self.history)

    def check(self, epoch: int, loss: float) -> None:
        start = self.history.loss[0]
        if not math.isfinite(loss):
            raise self._error(epoch, f"the loss became {loss!r} (it started at {start:.3g})")
        if start > 0.0 and loss > MAX_RISE * start:
            raise self._error(epoch, f"the loss rose from {start:.3g} to {loss:.3g}")

    @contextmanager
    def diverging(self, epoch: int) -> Iterator[None]:
        """Turn the engine's overflow, or a step the optimizer refused, into TrainingDivergedError."""
        try:
            yield
        except ArithmeticError as error:
            if isinstance(error, DivergenceError):
                reason = f"{type(self.optimizer).__name__}.step: {error.reason}"
                raise self._error(epoch, reason, stepping=True) from error
            # without the engine's advice for one computation: ours fits a training run
            raise self._error(epoch, _ENGINE_ADVICE.sub("", str(error))) from error


def _snapshot(optimizer: Optimizer) -> Callable[[], None]:
    """A function that puts the optimizer's parameters (values and gradients), state and step count
    back as they are now: training changes nothing else."""
    params = list(optimizer.params)
    values = [(p.data, p.grad) for p in params]
    state = [dict(s) for s in optimizer.state]
    steps = optimizer.steps

    def restore() -> None:
        for p, (data, grad) in zip(params, values):
            p.data, p.grad = data, grad
        optimizer.state = [dict(s) for s in state]
        optimizer.steps = steps

    return restore


def _check_output(model: MLP, chosen: Loss) -> None:
    """A loss defined on probabilities needs a model whose last layer makes them."""
    last = model.layers[-1].activation
    if chosen.outputs is not None and last not in chosen.outputs:
        wanted = " or ".join(map(repr, chosen.outputs))
        raise ValueError(
            f"loss {chosen.name!r} needs a model whose last layer is {wanted}, not {last!r}; "
            "for a linear output (a logit) use loss='bce_logits'"
        )


def _check_model_and_data(model: MLP, data: Dataset) -> None:
    """An MLP and a Dataset whose inputs and outputs fit each other (the types are checked too:
    callers without type checking pass anything)."""
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a Dataset (see micrograd_like.data), got {type(data).__name__}")
    if data.nin != model.nin or data.nout != model.nouts[-1]:
        raise ValueError(
            f"{model!r} takes {model.nin} inputs and gives {model.nouts[-1]} outputs; "
            f"{data.name} has {data.nin} inputs and needs {data.nout} outputs"
        )


def _check_parts(model: MLP, data: Dataset, optimizer: Optimizer) -> None:
    """fit's model, data and optimizer: the right kinds, and made for each other."""
    _check_model_and_data(model, data)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be an Optimizer such as Adam(model.parameters()), got {checks.show(optimizer)}"
        )
    mine = {id(p) for p in model.parameters()}
    if not any(id(p) in mine for p in optimizer.params):
        raise ValueError(
            "the optimizer holds none of the model's parameters, so training would change nothing: "
            "make it with the model's own, e.g. Adam(model.parameters())"
        )


# --- the compiled step (compile=...) -------------------------------------------------------------


@dataclass
class _Compiled:
    """What fit's compiled steps run: the model, the loss (None: built on the engine, sample by
    sample, for a loss that is not a `losses.Form`), and the dataset's inputs as the code reads them."""

    model: CompiledModel
    loss: CompiledLoss | None
    rows: list[tuple[float, ...]]


def _compiled(model: MLP, data: Dataset, chosen: Loss, compile: bool | None) -> _Compiled | None:
    """The model and loss compiled for fit's steps, or None to build the graph every step."""
    if compile is not None and not isinstance(compile, bool):
        raise TypeError(f"compile must be True, False or None, got {compile!r}")
    if compile is None:
        compile = type(model) is MLP
    if not compile:
        return None
    from .. import compiler
    from ..compiler.batch import CompiledLoss, float_rows

    form = chosen.per_sample
    compiled = compiler.compile_model(model)
    loss = CompiledLoss(form) if isinstance(form, losses.Form) else None
    return _Compiled(compiled, loss, float_rows(data.xs, model.nin))


def _compiled_step(
    compiled: _Compiled, data: Dataset, batch: list[int], chosen: Loss, optimizer: Optimizer
) -> tuple[float, int] | None:
    """One step with the model compiled and the loss compiled shape by shape (`CompiledLoss`), or
    built on the engine sample by sample for a loss that is not a `losses.Form`: the numbers of
    the engine's step (the same operations in the same order). Returns (J, correct predictions),
    or None when the numbers go bad, the weights untouched: the caller then runs the step on the
    engine, whose error says which op failed.
    """
    m = len(batch)
    ys = iter([data.ys[i] for i in batch])
    sample_losses: list[float] = []
    add_loss = sample_losses.append
    hits = 0
    predict = chosen.predict
    loss = compiled.loss
    # J = (l1 + ... + lm) / m gives each sample's loss the upstream gradient 1/m (1 when m = 1)
    seed = 1.0 / m if m > 1 else 1.0

    def upstream(outputs: tuple[float, ...]) -> Sequence[float]:
        nonlocal hits
        y = next(ys)
        if predict is not None:
            hits += predict(outputs) == y
        if loss is not None:
            value, grads = loss(seed, outputs, y)
            add_loss(value)
            return grads
        leaves = [Value(o) for o in outputs]
        built = chosen.per_sample(leaves, y)
        (built / m if m > 1 else built).backward()
        add_loss(built.data)
        return [v.grad for v in leaves]

    optimizer.zero_grad()
    try:
        compiled.model.run([compiled.rows[i] for i in batch], upstream)
    except (ArithmeticError, ValueError, TypeError):
        return None  # no gradient was changed
    optimizer.step()
    return _mean(sample_losses), hits


def _mean(values: list[float]) -> float:
    """`losses.cost` of plain floats, in its operations: added in this order, then divided by m."""
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total / len(values) if len(values) > 1 else total


def _compiled_evaluate(compiled: _Compiled, data: Dataset, chosen: Loss) -> tuple[float, float | None] | None:
    """`evaluate`'s numbers from the compiled model and loss, the same float operations; None when
    the loss is not compiled or the numbers go bad (then `evaluate` on the engine says where)."""
    loss = compiled.loss
    if loss is None:
        return None
    ys = iter(data.ys)
    values: list[float] = []
    predicted: list[float] = []
    predict = chosen.predict

    def visit(outputs: tuple[float, ...]) -> None:
        values.append(loss(1.0, outputs, next(ys))[0])
        if predict is not None:
            predicted.append(predict(outputs))

    try:
        compiled.model.outputs_over(compiled.rows, visit)
    except (ArithmeticError, ValueError, TypeError):
        return None
    return _mean(values), (None if predict is None else accuracy(predicted, data.ys))
