"""The batched form: one sample's graph compiled once and run over a whole dataset in the generated code.

`compile_batch(loss, rows=[x1, x2, y])` compiles the graph of one sample's loss; the leaves in
`rows` take their values from each row of a dataset, every other leaf (the weights) is shared.
`batch(data)` returns the mean loss J over the rows and adds dJ/dw into each weight's `.grad`,
exactly what building the whole set's graph, `cost(...)` and `backward()` would give.

    >>> from micrograd_like import Value
    >>> x, y = Value(0.0, "x"), Value(0.0, "y")
    >>> w = Value(0.5, "w", kind="parameter")
    >>> loss = (w * x - y) ** 2
    >>> batch = compile_batch(loss, rows=[x, y])
    >>> batch([(1.0, 2.0), (3.0, 0.0)])   # J = ((0.5 - 2)² + (1.5 - 0)²) / 2
    2.25
    >>> w.grad                            # dJ/dw = ((0.5 - 2)·1 + (1.5 - 0)·3) / 2 · 2
    3.0

`compile_model(model)` is the form `fit` uses: an MLP's forward and backward compiled, the loss
called once per sample from inside the loop. A loss is Python that may choose its graph from the
numbers (as `bce_with_logits` does), so `loss_code` compiles it once per shape of its
`losses.Form`: the sample's loss and its gradients for the outputs, the engine's numbers.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from ..core.backprop import backward
from ..core.engine import Value, as_float
from ..core.names import dname
from ..core.order import parents_first
from ..learn.losses import Form, cost
from . import codegen
from .codegen import Plan
from .graph import CHECK_COMMENT, FAILURES, fell_back, replay, unless_finite

Rows = Sequence[Sequence[float]]
Upstream = Callable[[tuple[float, ...]], Sequence[float]]
# (seed, *outputs, *numbers) -> (the loss, seed × its gradient with respect to each output)
LossCode = Callable[..., tuple[float, tuple[float, ...]]]


class CompiledBatch:
    """One sample's graph compiled to run over many rows: `batch(data)` -> the mean of the root.

    Each row of `data` gives the values of the `rows` leaves, in order; the other leaves (`wrt`
    by default: every one that is not a constant) keep their current `.data` and get the gradient
    of the mean (or, with `mean=False`, of the sum) added into `.grad`. Interior nodes are not
    updated. The shape is frozen as in `compile_graph`; a failure reruns the rows on the engine,
    for its own error naming the op and the node (no gradient is changed), or for its numbers, with
    a RuntimeWarning (once) if the engine succeeds where the code failed.
    """

    def __init__(self, plan: Plan) -> None:
        self.root = plan.roots[0]
        self.rows: list[Value] = plan.rows
        self.leaves: list[Value] = plan.args
        self.wrt: list[Value] = plan.wrt
        self._order = codegen.evaluation_order(plan.roots)  # for the engine fallback
        self.source = batch_source(plan)
        what = f"batch of {plan.names.text[self.root]}"
        self.function = codegen.load(self.source, "forward_backward_batch", what)
        self._warned = False  # whether a call has said it ran on the engine instead

    def __call__(self, data: Rows, *, mean: bool = True) -> float:
        rows = float_rows(data, len(self.rows))
        m = len(rows)
        # the engine's J = (l1 + ... + lm) / m hands each l its upstream gradient d(J)/d(l) = 1/m
        seed = 1.0 / m if mean and m > 1 else 1.0
        failure: Exception | None = None
        try:
            total, grads = self.function(rows, seed, *map(operator.attrgetter("data"), self.leaves))
        except FAILURES as error:
            failure = error
        if failure is not None:  # outside the except block: the engine's error is not "during handling"
            return self._on_engine(rows, mean, failure)
        for leaf, g in zip(self.wrt, grads):
            leaf.grad += g
        return float(total / m if mean and m > 1 else total)

    def _on_engine(self, rows: list[tuple[float, ...]], mean: bool, failure: Exception) -> float:
        """The whole set's graph on the engine, as `fit` builds it: its errors, or its numbers (said once)."""
        shared = replay([node for node in self._order if node.is_leaf and node not in self.rows])
        losses = [replay(self._order, shared, dict(zip(self.rows, row)))[self.root] for row in rows]
        if mean:
            j = cost(losses)
        else:
            j = losses[0]
            for loss in losses[1:]:
                j = j + loss
        backward(j)
        self._warned = fell_back(self, failure, self._warned)
        for leaf in self.wrt:
            leaf.grad = shared[leaf].grad
        return j.data

    def __repr__(self) -> str:
        names = ", ".join(repr(leaf.label or leaf.kind) for leaf in self.rows)
        return f"<CompiledBatch of {self.root!r} over rows ({names}): {len(self.wrt)} gradients>"


def compile_batch(root: Value, rows: Sequence[Value], *, wrt: Sequence[Value] | None = None) -> CompiledBatch:
    """Compile one sample's graph below `root`, the leaves `rows` read from each row of a dataset.

    ValueError if `rows` is empty or names a leaf the graph does not reach (or a constant).
    """
    if not isinstance(root, Value):
        raise TypeError(f"compile_batch needs a Value, got {type(root).__name__}: {root!r}")
    if not rows:
        raise ValueError("compile_batch needs the leaves each row of data sets (rows=[x1, x2, ...])")
    return CompiledBatch(codegen.make_plan([root], wrt, rows))


def float_rows(data: Rows, width: int) -> list[tuple[float, ...]]:
    """The rows as tuples of floats, or a clear error naming the row that is not `width` numbers."""
    rows = [tuple(row) for row in data]
    if not rows:
        raise ValueError("no rows of data: a batch needs at least one")
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"row {i} has {len(row)} values; each row needs {width}")
    if all(type(x) is float for row in rows for x in row):
        return rows
    return [tuple(as_float(x, f"row {i}") for x in row) for i, row in enumerate(rows)]


def batch_source(plan: Plan) -> str:
    """The module text of a batched function: a loop over the rows around one sample's lines."""
    text, code, grad = plan.names.text, plan.names.code, plan.grad
    root = plan.roots[0]
    top = text[root]
    data, seed, total, check = (plan.fresh(name) for name in ("data", "seed", "result", "check"))
    params = [grad[leaf] for leaf in plan.wrt]
    derivatives = [dname(top, text[leaf]) for leaf in plan.wrt]
    loop = [
        "# forward pass: each node from its parents",
        *codegen.forward_lines(plan),
        f"{total} += {code[root]}",
        "",
        "# backward pass, one line per edge; the parameters' gradients add up over the rows",
        *codegen.backward_lines(plan, {root: (seed, f"{dname('J', top)}: 1/m for the mean J")}, plan.wrt),
        f"# {CHECK_COMMENT}",
        *codegen.check_lines([code[n] for n in codegen.watched(plan) if n is not root], check, add=True),
    ]
    body = [
        f'"""Σ root over the rows ({", ".join(code[n] for n in plan.rows)}) of {data}, and its gradient',
        f"with respect to each shared leaf, each row's backward pass started at {seed}.",
        '"""',
        codegen.comment(f"Σ {top}, and {codegen.listing(derivatives)}" if derivatives else f"Σ {top}"),
        f"{total} = 0.0",
        f"{check} = 0.0",
        *(f"{g} = 0.0" for g in params),
        f"for {_targets(plan)} in {data}:",
        *codegen.indent(loop),
        f"{check} += {total} + sum({codegen.tuple_text(params)})  # the loss and the gradients",
        *unless_finite(check),
        f"return {total}, {codegen.tuple_text(params)}",
    ]
    return _module(plan, "forward_backward_batch", [data, f"{seed}=1.0"], body, "compile_batch", top)


def _targets(plan: Plan) -> str:
    """The loop's targets: `x1, x2, y` (or `(x,)` for a one-value row)."""
    names = [plan.names.code[n] for n in plan.rows]
    return ", ".join(names) if len(names) > 1 else f"({names[0]},)"


def _module(
    plan: Plan,
    name: str,
    first: list[str],
    body: list[str],
    by: str,
    what: str,
    where: str = ", in a loop over the rows of data",
) -> str:
    """The module text around `body`: `by` names the compiler, `what` the graph (a comment)."""
    lines = [
        f'"""A graph compiled by micrograd_like.{by}: one sample\'s forward pass',
        f"one line per node and its backpropagation one line per edge{where}.",
        "It needs only `math`. Names from the graph appear only in comments.",
        '"""',
        "",
        codegen.comment(f"the graph of {what}"),
        "import math",
        "",
        "",
        *codegen.signature(name, first, plan),
        *codegen.indent(body),
    ]
    return "\n".join(lines) + "\n"


# --- the MLP step fit uses ---------------------------------------------------------------------


class CompiledModel:
    """An MLP's forward and backward pass compiled to run over a batch; the loss is a callback.

    `step(xs, upstream)` runs, for each sample x of `xs`: the model's outputs forward, then
    `upstream(outputs)` (a tuple of floats) for d(cost)/d(outputs), then backpropagation into
    the parameters, whose `.grad` get the gradients summed over the samples. On bad numbers it
    raises the plain math's error (or the callback's) and changes no gradient: run the step on
    the engine for the engine's words, as `fit` does. The model's parameters must stay the same
    `Value` objects (their `.data` may change): a ValueError says when they were replaced.

    An `MLP` (the class itself) reuses the code of one compiled before with the same layers and
    parameter names (`_architecture`): the code reads every weight as an argument, so only its
    shape matters. `source` is written when read, with this model's weights as the defaults.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self.parameters: list[Value] = model.parameters()
        self._source: str | None = None
        key = _architecture(model)
        self.function = (
            self._compile() if key is None else _kept(_MODEL_CODES, key, MAX_MODEL_CODES, self._compile)
        )

    def _compile(self) -> Callable[..., Any]:
        self._source = model_source(self._plan())
        return codegen.load(self._source, "forward_backward_batch", repr(self.model))

    def _plan(self) -> Plan:
        inputs = [Value(0.0, f"x{k}") for k in range(1, self.model.nin + 1)]
        plan = codegen.make_plan(list(self.model.outputs(inputs)), self.parameters, inputs)
        if set(plan.args) == set(self.parameters):
            plan.args = list(self.parameters)  # the model's own order: w[1]11, ..., b[1]1, ...
        return plan

    @property
    def source(self) -> str:
        """The generated module (its defaults: the weights when it was first read)."""
        if self._source is None:
            self._source = model_source(self._plan())
        return self._source

    def step(self, xs: Rows, upstream: Upstream) -> None:
        """Forward and backward over the samples `xs`; adds the summed gradients into the parameters."""
        self.check_parameters()
        self.run(float_rows(xs, self.model.nin), upstream)

    def check_parameters(self) -> None:
        """A ValueError if the model's parameters are no longer the `Value`s it was compiled with."""
        params = self.parameters
        current = self.model.parameters()
        if len(current) != len(params) or not all(map(operator.is_, current, params)):
            raise ValueError(
                f"{self.model!r}: its parameters were replaced since it was compiled; compile it again"
            )

    def run(self, rows: list[tuple[float, ...]], upstream: Upstream) -> None:
        """`step` on rows already made by `float_rows`, the parameters known to be the same (fit
        checks both once, not every step)."""
        params = self.parameters
        grads = self.function(rows, upstream, *map(operator.attrgetter("data"), params))
        for p, g in zip(params, grads):
            p.grad += g

    def outputs_over(self, rows: list[tuple[float, ...]], visit: Callable[[tuple[float, ...]], None]) -> None:
        """Each sample's outputs, in order, handed to `visit`; no gradient is changed (the backward
        pass runs from zero upstream gradients, its sums thrown away). The same errors as `run`."""

        def upstream(outputs: tuple[float, ...]) -> tuple[float, ...]:
            visit(outputs)
            return (0.0,) * len(outputs)

        self.function(rows, upstream, *map(operator.attrgetter("data"), self.parameters))

    def __repr__(self) -> str:
        return f"<CompiledModel of {self.model!r}>"


K = TypeVar("K")
V = TypeVar("V")


def _kept(cache: dict[K, V], key: K, limit: int, make: Callable[[], V]) -> V:
    """`cache[key]`, made by `make()` the first time; past `limit` entries the cache starts again
    (compiled code is kept for the architectures and loss shapes a session uses, not without end)."""
    found = cache.get(key)
    if found is None:
        if len(cache) >= limit:
            cache.clear()
        found = cache[key] = make()
    return found


_MODEL_CODES: dict[tuple[object, ...], Callable[..., Any]] = {}
MAX_MODEL_CODES = 64  # architectures kept (_kept)


def _architecture(model: Any) -> tuple[object, ...] | None:
    """What fixes an `MLP`'s compiled code: every layer's size, activation and bias, and the
    parameters' names in order (None for any other model, whose graph may depend on more)."""
    from ..learn.modules import MLP

    if type(model) is not MLP:
        return None
    return (repr(model), tuple(map(repr, model.layers)), tuple(model.named_parameters()))


def compile_model(model: Any) -> CompiledModel:
    """Compile an `MLP` (anything with `nin`, `outputs(x)` and `parameters()` whose graph's shape
    does not depend on the numbers) for `fit`'s compiled steps."""
    return CompiledModel(model)


def model_source(plan: Plan) -> str:
    text, code, grad = plan.names.text, plan.names.code, plan.grad
    data, upstream, check = (plan.fresh(name) for name in ("data", "upstream", "check"))
    outputs = [code[root] for root in plan.roots]
    params = [grad[leaf] for leaf in plan.wrt]
    loop = [
        "# forward pass: each node from its parents",
        *codegen.forward_lines(plan),
        "",
        f"# d(cost)/d(outputs) for this sample, from the loss ({upstream} computes it)",
        f"{codegen.tuple_text([grad[r] for r in plan.roots])} = {upstream}({codegen.tuple_text(outputs)})",
        "# backward pass, one line per edge; the parameters' gradients add up over the samples",
        *codegen.backward_lines(plan, {}, plan.wrt, preset=plan.roots),
        f"# {CHECK_COMMENT}",
        *codegen.check_lines([code[n] for n in codegen.watched(plan)], check, add=True),
    ]
    body = [
        f'"""For each sample ({", ".join(code[n] for n in plan.rows)}) of {data}: the outputs '
        f"({', '.join(outputs)}), their gradient from {upstream}, and backpropagation;",
        "returns the parameters' gradients summed over the samples.",
        '"""',
        f"{check} = 0.0",
        *(f"{g} = 0.0" for g in params),
        f"for {_targets(plan)} in {data}:",
        *codegen.indent(loop),
        f"{check} += sum({codegen.tuple_text(params)})  # the gradients",
        *unless_finite(check),
        f"return {codegen.tuple_text(params)}",
    ]
    what = f"the outputs {', '.join(text[r] for r in plan.roots)} of an MLP"
    return _module(plan, "forward_backward_batch", [data, upstream], body, "compile_model", what)


# --- a loss, one shape at a time, for the same step --------------------------------------------

_LOSS_CODES: dict[tuple[Form, Hashable, int, int], LossCode] = {}
MAX_LOSS_CODES = 1024  # shapes kept (a few per loss in practice; _kept)


def loss_code(form: Form, key: Hashable, outputs: Sequence[float], numbers: Sequence[float]) -> LossCode:
    """`form`'s graph of shape `key` (from `form.shape`) compiled: `code(seed, *outputs, *numbers)`
    returns the loss and seed × d(loss)/d(output) for each output, the numbers of building
    `form(...)` on the engine, multiplying it by `seed` (as the mean J's 1/m does) and calling
    `backward()`. Made the first time a shape is met, by building the graph once on these values
    (so an engine error for them is raised here), then kept for every form, shape and size.

    The code raises the plain math's error (ValueError, ZeroDivisionError) or ArithmeticError when
    a value or gradient is not finite: build the loss on the engine for its own words.
    """
    ident = (form, key, len(outputs), len(numbers))
    return _kept(_LOSS_CODES, ident, MAX_LOSS_CODES, lambda: _compile_loss(form, key, outputs, numbers))


class CompiledLoss:
    """A `losses.Form` compiled shape by shape (`loss_code`), for outputs of one width (one model):
    `f(seed, outputs, target)` -> (the loss, seed × its gradient with respect to each output), or
    the errors `loss_code`'s code raises. The shapes it has met are kept here, looked up by key alone.
    """

    def __init__(self, form: Form) -> None:
        self.form = form
        self._codes: dict[Hashable, LossCode] = {}

    def __call__(
        self, seed: float, outputs: Sequence[float], target: object
    ) -> tuple[float, tuple[float, ...]]:
        key, numbers = self.form.shape(outputs, target)
        code = self._codes.get(key)
        if code is None:
            code = self._codes[key] = loss_code(self.form, key, outputs, numbers)
        return code(seed, *outputs, *numbers)

    def __repr__(self) -> str:
        return f"<CompiledLoss of {self.form.name}: {len(self._codes)} shapes>"


def _compile_loss(form: Form, key: Hashable, outputs: Sequence[float], numbers: Sequence[float]) -> LossCode:
    outs = [Value(o, f"ŷ{k}") for k, o in enumerate(outputs, 1)]
    nums = [Value(n, f"c{k}") for k, n in enumerate(numbers, 1)]
    root = form.graph(outs, nums, key)
    root.label = "L"  # a node of this copy only: the code's comments call the loss L
    reached = set(parents_first([root]))
    plan = codegen.make_plan([root], [o for o in outs if o in reached])
    plan.args = [*outs, *nums]  # the call's order; one the graph does not read is an unused argument
    for leaf in plan.args:
        if leaf not in reached:
            plan.names.code[leaf] = plan.fresh("unused")
    what = f"{form.name} of shape {key!r}"
    return codegen.load(loss_source(plan, outs, what), "loss_forward_backward", what)


def loss_source(plan: Plan, outputs: Sequence[Value], what: str) -> str:
    """The module text of one loss shape: forward, backward from `seed`, the outputs' gradients."""
    text, code, grad = plan.names.text, plan.names.code, plan.grad
    root = plan.roots[0]
    top = text[root]
    seed, check = plan.fresh("seed"), plan.fresh("check")
    gradients = [f"0.0 + {grad[o]}" if o in grad else "0.0" for o in outputs]
    body = [
        f'"""The loss {code[root]} at these outputs and numbers, and {seed} × its gradient for each."""',
        "# forward pass: each node from its parents",
        *codegen.forward_lines(plan),
        "",
        f"# backward pass, one line per edge, from {seed} (the mean J's 1/m)",
        *codegen.backward_lines(plan, {root: (seed, f"{dname('J', top)}: 1/m for the mean J")}),
        f"# {CHECK_COMMENT}",
        *codegen.check_lines(
            [*(code[n] for n in codegen.watched(plan)), *(grad[leaf] for leaf in plan.wrt)], check
        ),
        *unless_finite(check),
        "# each output's gradient as backward() leaves it: added to its 0.0",
        f"return {code[root]}, {codegen.tuple_text(gradients)}",
    ]
    return _module(plan, "loss_forward_backward", [f"{seed}=1.0"], body, "loss_code", what, where="")
