"""Random expression graphs (hypothesis) against finite differences.

A program is a list of instructions, each applying an op to earlier nodes (chosen anywhere, so
nodes are reused and subgraphs shared) or to a node and a plain number. The same program runs
twice: once on `Value`s, once in plain floats with `math` (the reference). Every gradient the
engine finds, for the inputs and for every interior node, is compared with a five-point finite
difference of the reference, where an interior node is perturbed by overriding its value.
"""

from __future__ import annotations

from hypothesis import event, given, reject, settings
from oracles import BINARY, Program, programs, relu_inputs, run_engine, run_reference

from micrograd_like import Value, backward_order, backward_steps, gradcheck


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
