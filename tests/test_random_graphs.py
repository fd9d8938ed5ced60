"""Random expression graphs (hypothesis) against finite differences.

A program is a list of instructions, each applying an op to earlier nodes (chosen anywhere, so
nodes are reused and subgraphs shared) or to a node and a plain number. The same program runs
twice: once on `Value`s, once in plain floats with `math` (the reference). Every gradient the
engine finds, for the inputs and for every interior node, is compared with a five-point finite
difference of the reference, where an interior node is perturbed by overriding its value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hypothesis import event, given, reject, settings
from hypothesis import strategies as st

from micrograd_like import Value, backward_order, backward_steps, gradcheck


def sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


Op = Callable[[float, float, float], float]
ValueOp = Callable[[Value, Value, float], Value]

# op name -> (plain-float reference, the same with Values, where it is safely defined)
# a is the first operand, b the second (binary ops only), c a plain number from the program.
OPS: dict[str, tuple[Op, ValueOp, Callable[[float, float, float], bool]]] = {
    "add": (lambda a, b, c: a + b, lambda a, b, c: a + b, lambda a, b, c: True),
    "sub": (lambda a, b, c: a - b, lambda a, b, c: a - b, lambda a, b, c: True),
    "mul": (lambda a, b, c: a * b, lambda a, b, c: a * b, lambda a, b, c: True),
    "div": (lambda a, b, c: a / b, lambda a, b, c: a / b, lambda a, b, c: abs(b) >= 0.25),
    "pow": (lambda a, b, c: a**b, lambda a, b, c: a**b, lambda a, b, c: a >= 0.25 and abs(b) <= 3),
    "neg": (lambda a, b, c: -a, lambda a, b, c: -a, lambda a, b, c: True),
    "exp": (lambda a, b, c: math.exp(a), lambda a, b, c: a.exp(), lambda a, b, c: a <= 5),
    "log": (lambda a, b, c: math.log(a), lambda a, b, c: a.log(), lambda a, b, c: a >= 0.25),
    "tanh": (lambda a, b, c: math.tanh(a), lambda a, b, c: a.tanh(), lambda a, b, c: True),
    "sigmoid": (lambda a, b, c: sigmoid(a), lambda a, b, c: a.sigmoid(), lambda a, b, c: True),
    "relu": (lambda a, b, c: max(a, 0.0), lambda a, b, c: a.relu(), lambda a, b, c: abs(a) >= 0.05),
    "square": (lambda a, b, c: a**2, lambda a, b, c: a**2, lambda a, b, c: True),
    "cube": (lambda a, b, c: a**3, lambda a, b, c: a**3, lambda a, b, c: True),
    "recip": (lambda a, b, c: a**-1, lambda a, b, c: a**-1, lambda a, b, c: abs(a) >= 0.25),
    "sqrt": (lambda a, b, c: a**0.5, lambda a, b, c: a**0.5, lambda a, b, c: a >= 0.25),
    "c+a": (lambda a, b, c: c + a, lambda a, b, c: c + a, lambda a, b, c: True),
    "a-c": (lambda a, b, c: a - c, lambda a, b, c: a - c, lambda a, b, c: True),
    "c-a": (lambda a, b, c: c - a, lambda a, b, c: c - a, lambda a, b, c: True),
    "c*a": (lambda a, b, c: c * a, lambda a, b, c: c * a, lambda a, b, c: True),
    "a/c": (lambda a, b, c: a / c, lambda a, b, c: a / c, lambda a, b, c: True),  # |c| >= 0.25
    "c/a": (lambda a, b, c: c / a, lambda a, b, c: c / a, lambda a, b, c: abs(a) >= 0.25),
    "c**a": (lambda a, b, c: abs(c) ** a, lambda a, b, c: abs(c) ** a, lambda a, b, c: abs(a) <= 3),
}
FALLBACK = "tanh"  # used where the drawn op is not safely defined: bounded and smooth everywhere
BINARY = {"add", "sub", "mul", "div", "pow"}  # the ops that read their second operand
LIMIT = 1e3  # node values stay within ±LIMIT (else the fallback), so finite differences stay accurate


@dataclass(frozen=True)
class Instr:
    op: str
    i: int  # index of the first operand among the nodes so far (inputs first)
    j: int  # index of the second operand (binary ops)
    c: float  # the plain number, for ops with one


@dataclass(frozen=True)
class Program:
    inputs: tuple[float, ...]
    code: tuple[Instr, ...]

    @property
    def size(self) -> int:
        return len(self.inputs) + len(self.code)


@st.composite
def programs(draw: st.DrawFn) -> Program:
    inputs = tuple(draw(st.lists(st.floats(-2, 2), min_size=1, max_size=4)))
    number = st.floats(0.25, 3) | st.floats(-3, -0.25)
    raw = draw(
        st.lists(
            st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 63), st.integers(0, 63), number),
            min_size=3,
            max_size=25,
        )
    )
    values = list(inputs)
    code = []
    for op, i, j, c in raw:
        n = len(values)
        # operands anywhere among the earlier nodes, recent ones a little more often
        i, j = n - 1 - (i % n), n - 1 - (j % n)
        reference, _, defined = OPS[op]
        if not defined(values[i], values[j], c) or abs(reference(values[i], values[j], c)) > LIMIT:
            op = FALLBACK
        code.append(Instr(op, i, j, c))
        values.append(OPS[op][0](values[i], values[j], c))
    # the root adds up every node nothing else used, so every node lies below it
    used = {ins.i for ins in code} | {ins.j for ins in code if ins.op in BINARY}
    unused = [k for k in range(len(values) - 1) if k not in used]
    for k in unused:
        code.append(Instr("add", len(values) - 1, k, 0.0))
        values.append(values[-1] + values[k])
    return Program(inputs, tuple(code))


def run_reference(program: Program, override: tuple[int, float] | None = None) -> list[float]:
    """Every node's value in plain floats; `override` = (node index, value) pins one node."""
    values = list(program.inputs)
    if override and override[0] < len(values):
        values[override[0]] = override[1]
    for instr in program.code:
        values.append(OPS[instr.op][0](values[instr.i], values[instr.j], instr.c))
        if override and override[0] == len(values) - 1:
            values[-1] = override[1]
    return values


def run_engine(program: Program, inputs: Sequence[Value]) -> list[Value]:
    nodes = list(inputs)
    for k, instr in enumerate(program.code):
        node = OPS[instr.op][1](nodes[instr.i], nodes[instr.j], instr.c)
        node.label = f"n{k}"
        nodes.append(node)
    return nodes


def relu_inputs(program: Program, values: list[float]) -> list[bool]:
    return [values[instr.i] > 0 for instr in program.code if instr.op == "relu"]


def numeric_gradient(program: Program, k: int, base: list[float]) -> float:
    """d root / d node k by a five-point central difference, or reject() if that crosses a kink."""
    x = base[k]
    h = 1e-5 * max(abs(x), 1.0)
    kinks = relu_inputs(program, base)
    f = []
    for t in (x - 2 * h, x - h, x + h, x + 2 * h):
        try:
            values = run_reference(program, (k, t))
        except (ArithmeticError, ValueError):  # a perturbed operand left its op's domain
            reject()
        if relu_inputs(program, values) != kinks:
            reject()
        f.append(values[-1])
    return (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h)


@settings(max_examples=300, deadline=None)
@given(program=programs())
def test_gradients_of_random_graphs_match_finite_differences(program: Program) -> None:
    base = run_reference(program)
    inputs = [Value(x, f"x{i}") for i, x in enumerate(program.inputs)]
    nodes = run_engine(program, inputs)
    root = nodes[-1]
    root.backward()

    uses = [instr.i for instr in program.code] + [instr.j for instr in program.code if instr.op in BINARY]
    event("a node is used more than once" if len(uses) != len(set(uses)) else "no reuse")

    # how much rounding can move the root: each node's rounding error times its gradient
    rounding = sum(abs(node.grad) * max(abs(v), 1.0) for node, v in zip(nodes, base))
    assert abs(root.data - base[-1]) <= 1e-13 * (1.0 + rounding)

    for k, node in enumerate(nodes):
        numeric = numeric_gradient(program, k, base)
        h = 1e-5 * max(abs(base[k]), 1.0)
        tolerance = 1e-7 * max(1.0, abs(numeric)) + 1e-14 * rounding / h
        assert abs(node.grad - numeric) <= tolerance, (
            f"d root/d {node.label or k}: backward gives {node.grad!r}, finite differences {numeric!r}\n"
            f"program: {program}"
        )

    # gradcheck agrees (its own tolerance, widened by the same rounding estimate)
    def as_function(*xs: Value) -> Value:
        return run_engine(program, xs)[-1]

    assert gradcheck(as_function, list(program.inputs), atol=1e-5 + 1e-9 * rounding) is True


@settings(max_examples=50, deadline=None)
@given(program=programs())
def test_the_same_random_program_gives_the_same_order_and_gradients(program: Program) -> None:
    def build() -> tuple[list[str], list[float]]:
        nodes = run_engine(program, [Value(x, f"x{i}") for i, x in enumerate(program.inputs)])
        nodes[-1].backward()
        order = [f"{n.label or n.kind}:{n.op}:{n.data!r}" for n in backward_order(nodes[-1])]
        return order, [n.grad for n in nodes]

    assert build() == build()


@settings(max_examples=50, deadline=None)
@given(program=programs())
def test_a_second_backward_redoes_the_same_edges_and_adds_them_to_the_leaves(program: Program) -> None:
    nodes = run_engine(program, [Value(x, f"x{i}") for i, x in enumerate(program.inputs)])
    root = nodes[-1]
    first = [(e.parent, e.contribution) for step in backward_steps(root) for e in step.edges]
    once = {node: node.grad for node in backward_order(root)}
    second = [(e.parent, e.contribution) for step in backward_steps(root) for e in step.edges]
    assert second == first  # interior gradients were recomputed from scratch, to the bit

    expected = dict(once)  # leaves: the old gradient plus every edge again, in the same order
    for parent, contribution in second:
        if parent.is_leaf:
            expected[parent] += contribution
    for node, g in once.items():
        if node.is_leaf:
            assert node.grad == expected[node]
            # = 2g up to rounding: a leaf with several edges sums them in a different grouping
            size = sum(abs(c) for p, c in first if p is node)
            assert abs(node.grad - 2 * g) <= 4 * 2.3e-16 * (size + abs(g))
        else:
            assert node.grad == g
