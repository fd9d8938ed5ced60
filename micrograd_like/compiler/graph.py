"""`compile_graph(root)`: a graph written out as one straight-line Python function, and run again.

The function computes the root forward, one line per node, then backpropagates, one line per
edge, and returns the root's value and its gradient with respect to each leaf. Calling the
`CompiledGraph` reruns that function on the leaves' current `.data` and adds the gradients into
their `.grad`, as `backward()` would; it is ~100× quicker than building the graph again.

    >>> from micrograd_like import Value
    >>> x, w = Value(0.5, "x"), Value(-2.0, "w")
    >>> loss = (w * x).tanh() ** 2
    >>> f = compile_graph(loss)
    >>> f()                     # L = tanh²(w·x), as loss.backward() would see it
    0.5800256583859739
    >>> w.grad, x.grad          # dL/dw = 2·tanh(w·x)·(1 - tanh²(w·x))·x, and dL/dx
    (-0.3198500042246123, 1.2794000168984492)
    >>> w.data = 1.0            # change a leaf: the next call sees it
    >>> f()
    0.21355226703407257
    >>> w.grad                  # added on, as after a second backward(): -0.31985 + 0.36343
    0.04358098646718134

The numbers are the engine's: the same float operations in the same order (`Rule.python_forward`
and `Rule.python_local` render each line), so the value and every leaf gradient equal those of
`backward()` (bit for bit when the leaves start from zero gradients).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from operator import attrgetter

from ..core.backprop import backward
from ..core.engine import Value, make_node
from ..core.names import dname, graph_names
from . import codegen
from .codegen import Plan

FAILURES = (ArithmeticError, ValueError, TypeError)  # what plain math raises on bad numbers
NOT_FINITE = "a value or gradient is inf or nan; run the graph on the engine to see where"
# what the finiteness check adds up, and why that is enough (codegen.watched)
CHECK_COMMENT = (
    "an inf or nan anywhere reaches this sum: the root, a gradient, or the input of an op that can hide it"
)
_data = attrgetter("data")


class CompiledGraph:
    """A graph compiled to Python: call it to rerun forward and backward on the leaves' current data.

    `f()` returns the root's value as a float and adds d(root)/d(leaf) into `.grad` of each leaf in
    `f.wrt` (by default every leaf that is not a constant: the wrapped numbers' gradients, which
    `backward()` also fills but nothing reads, are not computed); interior `Value`s are not updated
    (their `.data` and `.grad` keep what they had). `f.source` is the generated Python, which runs on its
    own with only `math`; `f.function` is that code's `forward_backward`; `f.leaves` the leaves it
    reads, in its arguments' order.

    The graph's *shape* is frozen at compile time: the ops, their order and the constants (plain
    numbers such as the 2 in `x * 2`, written into the code as literals). Conditional ops such as
    `relu` stay conditional, so the function stays right when the data change, but Python that chose
    a different graph from the numbers (`if x.data > 0: ...`) is not re-run: compile again when the
    graph itself would change. A constant whose `.data` was changed is detected and refused.

    Domain errors keep the engine's words: when the plain math fails (log of a number <= 0, a
    division by zero) or any value or gradient comes out inf or nan, the call reruns the graph on
    the engine (`Rule.forward` and `backward()`, on copies), which raises the engine's own error
    naming the op and the node; no `.grad` is changed. Should the engine succeed where the code
    failed, the call returns the engine's numbers and a RuntimeWarning says so (once per compiled
    graph). The compiled object keeps the graph (for that rerun): drop it to free both.

    Labels are data: they appear in the source only in comments and string literals, escaped
    (`codegen.inert`), so compiling a graph from someone else never runs anything its labels hold.
    """

    def __init__(self, plan: Plan) -> None:
        self.root = plan.roots[0]
        self.leaves: list[Value] = plan.args
        self.wrt: list[Value] = plan.wrt
        self._order: list[Value] | None = None  # the engine fallback's order, found on its first run
        self._ops = len(plan.reading)
        self._constants = [node for node in plan.order if node.kind == "constant" and node not in plan.args]
        self._constant_data = tuple(map(_data, self._constants))
        self.source = graph_source(plan)
        self.function = codegen.load(self.source, "forward_backward", plan.names.text[self.root])
        self._warned = False  # whether a call has said it ran on the engine instead

    def __call__(self) -> float:
        if self._constants and tuple(map(_data, self._constants)) != self._constant_data:
            raise ValueError(_changed_constants(self))
        failure: Exception | None = None
        try:
            value, grads = self.function(*map(_data, self.leaves))
        except FAILURES as error:
            failure = error
        if failure is not None:  # outside the except block: the engine's error is not "during handling"
            return self._on_engine(failure)
        for leaf, g in zip(self.wrt, grads):
            leaf.grad += g
        return float(value)

    def _on_engine(self, failure: Exception) -> float:
        """The same pass on the engine, on copies of the graph: its errors, or its numbers (said once)."""
        if self._order is None:
            self._order = codegen.evaluation_order([self.root])
        copies = replay(self._order)
        backward(copies[self.root])
        self._warned = fell_back(self, failure, self._warned)
        for leaf in self.wrt:
            leaf.grad = copies[leaf].grad
        return copies[self.root].data

    def __repr__(self) -> str:
        sizes = f"{self._ops} ops, {len(self.leaves)} leaves, {len(self.wrt)} gradients"
        return f"<CompiledGraph of {self.root!r}: {sizes}>"


def compile_graph(root: Value, *, wrt: Sequence[Value] | None = None) -> CompiledGraph:
    """Compile the graph below `root` (walked once) into a `CompiledGraph`.

    `wrt` limits the gradients to those leaves (default: every leaf that is not a constant); a
    ValueError names a `wrt` entry that is not a leaf of this graph.
    """
    if not isinstance(root, Value):
        raise TypeError(f"compile_graph needs a Value, got {type(root).__name__}: {root!r}")
    return CompiledGraph(codegen.make_plan([root], wrt))


def example_source(overrides: Mapping[str, float] | None = None) -> str:
    """The post's worked example compiled (`micrograd-like example --code`): its forward pass and
    its chain rule down to every weight, as Python that runs; `overrides` as for `example.build`."""
    from ..post.example import build

    return compile_graph(build(overrides).loss).source


def replay(
    order: Sequence[Value], copies: dict[Value, Value] | None = None, data: dict[Value, float] | None = None
) -> dict[Value, Value]:
    """Copies of the nodes of `order` (parents first), computed again by the engine in that order.

    A leaf's copy has its current data (or its number in `data`, checked as `Value` checks it) and
    its gradient; nodes already in `copies` are used as they are (leaves shared between rows). An
    op that fails raises its rule's own error, with a note naming the node (Python 3.11+).
    """
    made = dict(copies or {})
    for node in order:
        if node in made:
            continue
        rule = node.rule
        if rule is None:
            copy = make_node(node.data, node._op, None, None, node.grad, node.label)
            if data is not None and node in data:
                copy.data = Value(data[node]).data
            made[node] = copy
            continue
        parents = [made[p] for p in node.parents]
        try:
            out = rule.forward(*[p.data for p in parents])
        except FAILURES as error:
            if hasattr(error, "add_note"):
                name = graph_names(order).text[node]
                error.add_note(f"(at {rule.name} node {name} of the compiled graph, run on the engine)")
            raise
        made[node] = make_node(
            out, rule, parents[0], parents[1] if len(parents) == 2 else None, 0.0, node.label
        )
    return made


def fell_back(compiled: object, failure: Exception, warned: bool) -> bool:
    """Warn, once per compiled object, that its code failed where the engine did not (so that call
    ran on the engine, at the engine's speed); returns True from then on."""
    if not warned:
        warnings.warn(
            f"{compiled!r}: the compiled code failed ({type(failure).__name__}: {failure}) where the "
            "engine did not, so the engine computed this call (and will compute any other that fails)",
            RuntimeWarning,
            stacklevel=4,
        )
    return True


def _changed_constants(f: CompiledGraph) -> str:
    changed = [
        f"{before!r} is now {node.data!r}"
        for node, before in zip(f._constants, f._constant_data)
        if node.data != before and not (math.isnan(node.data) and math.isnan(before))
    ]
    return (
        f"a constant of the compiled graph changed since it was compiled ({'; '.join(changed[:3])}): "
        "constants are written into the code as numbers; compile again, or make it a Value leaf"
    )


def unless_finite(check: str) -> list[str]:
    """The generated lines that raise when the sum `check` (codegen.check_lines) is inf or nan."""
    return [f"if not math.isfinite({check}):", f"    raise ArithmeticError({NOT_FINITE!r})"]


# --- the source ----------------------------------------------------------------------------------


def graph_source(plan: Plan) -> str:
    """The module text: `import math`, `forward_backward(...)` with today's values as defaults, and
    a `__main__` block that prints the value and every gradient."""
    text, code, grad = plan.names.text, plan.names.code, plan.grad
    root = plan.roots[0]
    top = text[root]
    check = plan.fresh("check")
    derivatives = [dname(top, text[leaf]) for leaf in plan.wrt]
    body: list[str] = [
        '"""The root\'s value and its gradient with respect to each leaf, at these values."""',
        codegen.comment(f"{top}, and {codegen.listing(derivatives)}" if derivatives else top),
        "",
    ]
    forward = codegen.forward_lines(plan)
    if forward:
        body += ["# forward pass: each node from its parents", *forward, ""]
    seeds = {root: ("1.0", f"{dname(top, top)} = 1")}
    body += [
        "# backward pass: the chain rule, one line per edge, from the root down",
        *codegen.backward_lines(plan, seeds),
        "",
        f"# {CHECK_COMMENT}",
        *codegen.check_lines(
            [*(code[n] for n in codegen.watched(plan)), *(grad[leaf] for leaf in plan.wrt)], check
        ),
        *unless_finite(check),
        f"return {code[root]}, {codegen.tuple_text([grad[leaf] for leaf in plan.wrt])}",
    ]
    lines = [
        '"""A graph compiled by micrograd_like.compile_graph: the forward pass one line per node, then',
        "backpropagation one line per edge (the parent's gradient += local derivative × upstream gradient).",
        "",
        "It needs only `math`. forward_backward() computes at the values below; pass others as arguments.",
        "Names from the graph appear only in comments and in the printed text at the end.",
        '"""',
        "",
        codegen.comment(f"the graph of {top}"),
        "import math",
        "",
        "",
        *codegen.signature("forward_backward", [], plan),
        *codegen.indent(body),
        "",
        "",
        'if __name__ == "__main__":',
        "    value, grads = forward_backward()",
        f"    print({codegen.literal(top + ' =')}, value)",
        f"    for name, g in zip({codegen.tuple_text([codegen.literal(d) for d in derivatives])}, grads):",
        '        print(name, "=", g)',
    ]
    return "\n".join(lines) + "\n"
