"""Derivatives of derivatives: `grad(root, inputs)` and `hessian(f, inputs)`.

`grad` is a reverse pass like `backward()` (the same chain rule, edge by edge, a value used twice
contributing twice) that returns d(root)/d(input) instead of writing `.grad`: no `.grad` in the
graph changes. With `create_graph=True` each result is a `Value` whose graph computes that
derivative, built with engine ops from the same rule table, so it can be differentiated again,
to any order, drawn with `draw_dot` and explained with `explain`.

    >>> from micrograd_like import Value, grad
    >>> x = Value(3.0, "x")
    >>> f = x ** 3
    >>> grad(f, x)  # 3·x², a float
    27.0
    >>> df = grad(f, x, create_graph=True)  # the same number, as a Value with a graph
    >>> d2f = grad(df, x, create_graph=True)  # 6·x
    >>> df.data, d2f.data, grad(d2f, x), grad(grad(d2f, x, create_graph=True), x)
    (27.0, 18.0, 6.0, 0.0)
    >>> x.grad  # untouched
    0.0

Newton's method is one line: step by f'/f'' instead of a learning rate times f'. Minimising
f(x) = e^x - 2x (its minimum is at x = log 2):

    >>> x = Value(0.0, "x")
    >>> for _ in range(6):
    ...     f = x.exp() - 2 * x
    ...     x.data -= grad(f, x) / grad(grad(f, x, create_graph=True), x)  # x ← x − f'(x)/f''(x)
    >>> import math; abs(x.data - math.log(2)) < 1e-15
    True

How the derivative graph is made: for each edge the op's local derivative d(out)/d(input) is
evaluated from its rule's text (`Rule.local_evaluator`, made once per rule) with engine ops on
the graph's own Values (`1 - out*out` for tanh becomes `1 - z·z` with z the tanh node), then
multiplied by the upstream derivative. Multiplying by the constants 1 and -1 is folded (`x` and
`-x`, the same floats), and a local derivative that is the constant 0 (relu's off branch) adds
nothing. A conditional in a rule (relu's `1 if a > 0 else 0`) picks its branch by the current
numbers: the derivative of a piecewise-constant local derivative is 0. When the root and a node
carry labels, the node's derivative is labelled as the post writes it (`dL/ds[2]`), so pictures
read like the chain rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal, overload

from . import mathexpr
from .backprop import BackwardError, gradients, local_error
from .engine import Value, is_recording
from .names import dname, node_names
from .order import backward_order
from .rules import Rule

Adjoint = float | Value  # a derivative while the pass runs: a plain number or a node


# --- grad -------------------------------------------------------------------------------------------


@overload
def grad(root: Value, inputs: Value, create_graph: Literal[False] = False) -> float: ...
@overload
def grad(root: Value, inputs: Sequence[Value], create_graph: Literal[False] = False) -> list[float]: ...
@overload
def grad(root: Value, inputs: Value, create_graph: Literal[True]) -> Value: ...
@overload
def grad(root: Value, inputs: Sequence[Value], create_graph: Literal[True]) -> list[Value]: ...
@overload
def grad(
    root: Value, inputs: Value | Sequence[Value], create_graph: bool = False
) -> float | Value | list[float] | list[Value]: ...


def grad(
    root: Value, inputs: Value | Sequence[Value], create_graph: bool = False
) -> float | Value | list[float] | list[Value]:
    """d(root)/d(input) for each input: one result for one `Value`, a list for a list (or tuple).

    No `.grad` changes, anywhere. An input the root does not depend on (not in its graph) gets 0,
    as in JAX, so a Hessian's row can be taken of a derivative that no longer contains an input
    (and a root computed inside `no_grad()`, a plain leaf, has derivative 0 with respect to
    anything but itself). A value used twice contributes along both uses, as in `backward()`.

    create_graph=False: plain floats, from `backward()`'s chain-rule loop run from zero with the
    gradients kept in a dict of its own (`backprop.gradients`): the same numbers `backward()`
    leaves in the inputs' `.grad`, while no `.grad` is read or written, so threads may call it
    at once on one graph and a `backward_steps` in progress is not disturbed. It fails
    exactly where `backward()` fails: `BackwardError` naming the op and node whose local derivative
    cannot be computed (d√x/dx at 0) or where a gradient stops being a finite float.

    create_graph=True: `Value`s, each the root of a graph that computes the derivative with engine
    ops on the original graph's nodes, to be differentiated again (with `grad` or `backward()`),
    drawn with `draw_dot` or explained with `explain`. Only the part of the graph that leads to
    the inputs is differentiated; a derivative that is a constant comes back as a constant leaf.
    A failure is a `BackwardError` naming the node, as above. Inside `no_grad()` nothing can be
    recorded, so there create_graph=True is a RuntimeError (create_graph=False works anywhere).

    TypeError for a root or an input that is not a `Value`.
    """
    single = isinstance(inputs, Value)
    wanted = _check_inputs(root, inputs, "grad")
    if create_graph and not is_recording():
        raise RuntimeError(
            "grad(..., create_graph=True) inside no_grad(): no graph can be recorded there, so the "
            "derivative could not be differentiated again; call it outside the no_grad() block "
            "(or use create_graph=False, which gives the numbers anywhere)"
        )
    results: list[Any]
    if create_graph:
        order = backward_order(root)  # root first, every node before its parents
        adjoint = _graph_pass(order, _leading_to(order, wanted))
        results = [_as_value(adjoint.get(x, 0.0)) for x in wanted]
        _name_derivatives(root, order, adjoint, results, wanted)
    else:
        try:
            results = gradients(root, wanted)
        except BackwardError:  # somewhere in the graph: maybe where no input's derivative goes
            order = backward_order(root)
            adjoint = _graph_pass(order, _leading_to(order, wanted))  # raises if it matters
            results = [_as_value(adjoint.get(x, 0.0)).data for x in wanted]
    return results[0] if single else results


def _check_inputs(root: object, inputs: object, who: str) -> list[Value]:
    if not isinstance(root, Value):
        raise TypeError(f"{who}: the root must be a Value, got {type(root).__name__}: {root!r}")
    if isinstance(inputs, Value):
        return [inputs]
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(
            f"{who}: inputs must be a Value or a list of Values, got {type(inputs).__name__}: {inputs!r}"
        )
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(
                f"{who}: inputs[{i}] is a {type(x).__name__} ({x!r}), not a Value: derivatives are "
                "taken with respect to Values in the root's graph"
            )
    return list(inputs)


def _leading_to(order: list[Value], wanted: list[Value]) -> set[Value]:
    """The nodes with a path down to some wanted input (the inputs included): only their
    derivatives are needed, so nothing else is computed."""
    needed = set(wanted)
    add = needed.add
    for node in reversed(order):  # parents first
        a = node._a
        if a is not None and (a in needed or node._b in needed):
            add(node)
    return needed


def _graph_pass(order: list[Value], needed: set[Value]) -> dict[Value, Adjoint]:
    """`backprop._chain_rule` with engine ops: every local derivative and product becomes a node,
    so the result is a graph that can be differentiated again (a loop of its own for that reason)."""
    root = order[0]
    adjoint: dict[Value, Adjoint] = {root: 1.0}  # d(root)/d(root): a plain 1 until it multiplies something
    node = root
    try:
        for node in order:
            rule = node.rule
            if rule is None or node not in needed:
                continue
            upstream = adjoint.get(node)
            if upstream is None:  # every edge into it carried a constant 0: so does every edge out
                continue
            env = {"out": node, "a": node._a, "b": node._b}
            for k, parent in enumerate(node.parents):
                if parent not in needed:
                    continue
                local = _local(rule, k)(env)
                contribution = _times(local, upstream)
                if contribution is None:
                    continue
                previous = adjoint.get(parent)
                adjoint[parent] = contribution if previous is None else previous + contribution
    except (ArithmeticError, ValueError) as error:
        raise _graph_error(order, needed, node, error) from None
    return adjoint


def _times(local: Adjoint, upstream: Adjoint) -> Adjoint | None:
    """local · upstream, with the constants 1, -1 and 0 folded (None: nothing to add)."""
    if isinstance(local, float):
        if local == 1.0:
            return upstream
        if local == -1.0:
            return -upstream
        if local == 0.0:
            return None  # a constant 0: the edge carries nothing, and its derivative is 0 too
    elif isinstance(upstream, float):
        if upstream == 1.0:
            return local
        if upstream == -1.0:
            return -local
    return local * upstream


def _call(name: str) -> Callable[[Any], Any]:
    """The rule language's function `name` on a Value (an engine op) or on a plain number."""
    number = getattr(math, name)

    def call(x: Any) -> Any:
        return getattr(x, name)() if isinstance(x, Value) else number(x)

    return call


_FUNCTIONS: Mapping[str, Callable[[Any], Any]] = {name: _call(name) for name in mathexpr.FUNCTIONS}


def _truth(x: Adjoint) -> float:
    return x.data if isinstance(x, Value) else x


@lru_cache(maxsize=1024)  # rules are few, but every constant exponent (x**2.5) is a rule of its own
def _local(rule: Rule, k: int) -> mathexpr.Evaluator:
    """The rule's k-th local derivative as a function of {out, a, b}, with engine ops (made once)."""
    return rule.local_evaluator(k, _FUNCTIONS, float, _truth)


def _as_value(x: Adjoint) -> Value:
    return x if isinstance(x, Value) else Value(x, kind="constant")


def _name_derivatives(
    root: Value, order: list[Value], adjoint: dict[Value, Adjoint], results: list[Value], wanted: list[Value]
) -> None:
    """Label each new derivative node of a labelled node `d<root>/d<node>` (the root labelled too).

    Only nodes this pass made are labelled (a derivative may be a node of the original graph, e.g.
    d(a·b)/da is b itself), each once, by the labelled node nearest the root.
    """
    if not root.label:
        return
    original = set(order)
    pairs = [(node, adjoint.get(node)) for node in order if node.label]
    pairs += [(x, r) for x, r in zip(wanted, results) if x.label]
    for node, derivative in pairs:
        if isinstance(derivative, Value) and not derivative.label and derivative not in original:
            derivative.label = dname(root.label, node.label)


# --- when it fails: say where ------------------------------------------------------------------------


def _on_paths(order: list[Value], needed: set[Value]) -> list[Value]:
    return [node for node in order if node in needed]


def _graph_error(order: list[Value], needed: set[Value], node: Value, error: Exception) -> BackwardError:
    try:
        node.local_grads()
    except (ArithmeticError, ValueError):  # the local derivative itself cannot be computed: say which
        return local_error(_on_paths(order, needed))
    names = node_names(order)
    return BackwardError(
        f"grad: the derivative through the {node.op} node {names[node]} (data {node.data!r}) is not "
        f"a finite float: {error}. No gradient was changed; scale the inputs so the values stay "
        "within float range."
    )


# --- hessian ----------------------------------------------------------------------------------------


def hessian(f: Value | Callable[..., Value], inputs: Sequence[Value | float]) -> list[list[float]]:
    """The matrix of second derivatives d²f/(d input_i d input_j), as a list of rows.

    `f` is either the root `Value` of a graph over `inputs` (Values), as for `grad`, or a function
    taking one `Value` per input and returning the root (then inputs may be plain numbers). Row i
    is one reverse pass over the graph of d f/d input_i (made by `grad(..., create_graph=True)`),
    so it costs n passes: for small cases. Symmetric up to rounding (rows are separate passes).
    No `.grad` changes. It records a derivative graph, so inside `no_grad()` it is a RuntimeError.

        >>> from micrograd_like import Value
        >>> x, y = Value(1.0, "x"), Value(2.0, "y")
        >>> hessian(x * x * y + y.exp(), [x, y])  # [[2y, 2x], [2x, e^y]]
        [[4.0, 2.0], [2.0, 7.38905609893065]]
        >>> hessian(lambda a, b: a * b ** 3, [5.0, 2.0])  # [[0, 3b²], [3b², 6ab]]
        [[0.0, 12.0], [12.0, 60.0]]

    Newton's method in several variables solves H·step = gradient (numpy: `np.linalg.solve`).
    """
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(
            f"hessian: inputs must be a list of Values or numbers (for one input pass [x]), "
            f"got {type(inputs).__name__}: {inputs!r}"
        )
    if isinstance(f, Value):
        root, leaves = f, _check_inputs(f, inputs, "hessian")
    elif callable(f):
        leaves = [x if isinstance(x, Value) else Value(x, f"x{i + 1}") for i, x in enumerate(inputs)]
        root = f(*leaves)
        if not isinstance(root, Value):
            raise TypeError(f"hessian: f must return a Value, got {type(root).__name__}: {root!r}")
    else:
        raise TypeError(f"hessian: f must be a Value or a function returning one, got {type(f).__name__}")
    first = grad(root, leaves, create_graph=True)
    return [grad(d, leaves) for d in first]
