"""backward(), backward_order() and backward_steps(): reuse, order, repeated calls, huge graphs, traces.

Oracles: gradients derived by hand for each small graph, exact float arithmetic where the engine must
reproduce it to the bit, and plain-Python loops doing the same multiplications for the big graphs.
"""

from __future__ import annotations

import copy
import gc
import math
import sys

import pytest
from hypothesis import given, settings
from oracles import Program, programs, run_engine

from micrograd_like import BackwardStep, Value, backward, backward_order, backward_steps
from micrograd_like.core.backprop import parents_first

# --- a value used more than once --------------------------------------------------------------------


def test_x_times_x_has_two_edges_and_gradient_2x() -> None:
    x = Value(3.0, "x")
    y = x * x
    assert y.parents == (x, x)  # both edges kept, in order
    y.backward()
    assert x.grad == 6.0
    (step, _) = backward_steps(y)  # (the second call doubles the leaf: 12 now)
    assert [e.parent for e in step.edges] == [x, x]
    assert [e.parent_grad for e in step.edges] == [6.0 + 3.0, 6.0 + 6.0]


def test_x_plus_x() -> None:
    x = Value(-1.5)
    y = x + x
    y.backward()
    assert y.parents == (x, x) and x.grad == 2.0


def test_reused_sums_multiply_up() -> None:
    a = Value(0.25, "a")
    b = a + a
    c = b + b
    c.backward()
    assert c.data == 1.0
    assert (a.grad, b.grad, c.grad) == (4.0, 2.0, 1.0)


def test_diamond() -> None:
    # d = (2a) · exp(a): two paths from a to d; dd/da = 2·exp(a) + 2a·exp(a) = 2·exp(a)·(1 + a)
    a = Value(0.3, "a")
    b = a * 2
    c = a.exp()
    d = b * c
    d.backward()
    assert a.grad == pytest.approx(2 * math.exp(0.3) * 1.3, rel=1e-15)
    assert b.grad == c.data and c.grad == b.data


def test_a_long_product_of_the_same_value() -> None:
    # y = x**51 written as 50 multiplications by the same x: 51 paths from x to y
    x = Value(1.01)
    y = x
    for _ in range(50):
        y = y * x
    y.backward()
    assert y.data == pytest.approx(1.01**51, rel=1e-13)
    assert x.grad == pytest.approx(51 * 1.01**50, rel=1e-13)


# --- order ----------------------------------------------------------------------------------------


def build_program() -> Value:
    """The same small program, with reuse and labels on every node, each time it is called."""
    x1, x2, w = Value(1.0, "x1"), Value(-2.0, "x2"), Value(0.5, "w", kind="parameter")
    s = x1 * w + x2 * w
    s.label = "s"
    z = s.tanh()
    z.label = "z"
    loss = (z - 1.0) ** 2 + s.sigmoid() * x1
    loss.label = "L"
    for node in backward_order(loss):
        node.label = node.label or f"{node.op or node.kind}@{node.data:.6g}"
    return loss


def reachable(root: Value) -> set[Value]:
    """Every node below root, by a plain search (independent of backward_order)."""
    found, todo = {root}, [root]
    while todo:
        for parent in todo.pop().parents:
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def test_backward_order_is_a_topological_order_of_every_node_below_the_root() -> None:
    root = build_program()
    order = backward_order(root)
    assert order[0] is root
    assert len(order) == len(set(order)) == len(reachable(root))
    assert set(order) == reachable(root)
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[parent] > position[node]  # every user comes before what it uses


def test_the_same_program_gives_the_same_order() -> None:
    first = [node.label for node in backward_order(build_program())]
    for _ in range(3):
        assert [node.label for node in backward_order(build_program())] == first
    root = build_program()
    assert [s.node.label for s in backward_steps(root)] == first


# --- seeding, repeated calls -------------------------------------------------------------------------


def grads(root: Value) -> dict[str, float]:
    return {node.label: node.grad for node in backward_order(root)}


def test_backward_seeds_one_whatever_the_root_grad_was() -> None:
    root = build_program()
    root.grad = 123.0
    root.backward()
    assert root.grad == 1.0


def test_a_second_backward_doubles_leaves_and_changes_nothing_else() -> None:
    root = build_program()
    root.backward()
    once = grads(root)
    backward(root)
    twice = grads(root)
    for node in backward_order(root):
        if node.is_leaf:  # (to rounding: a leaf with two edges adds g + e1 + e2, not 2·(e1 + e2))
            assert twice[node.label] == pytest.approx(2 * once[node.label], rel=1e-15), node.label
        else:
            assert twice[node.label] == once[node.label], node.label  # recomputed, not accumulated


def test_interior_gradients_are_recomputed_from_scratch() -> None:
    fresh = build_program()
    fresh.backward()
    root = build_program()
    for node in backward_order(root):
        if not node.is_leaf:
            node.grad = 1e6  # stale junk from somewhere else
    root.backward()
    assert grads(root) == grads(fresh)


def test_nodes_not_below_the_root_are_left_alone() -> None:
    a, b = Value(2.0, "a"), Value(3.0, "b")
    side = a * 100
    side.grad = 7.0
    root = a * a
    root.backward()
    assert (a.grad, b.grad, side.grad) == (4.0, 0.0, 7.0)


def test_two_roots_sharing_a_subgraph() -> None:
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    y = a * b
    z1, z2 = y + 1.0, y * 3.0
    z1.backward()
    assert (a.grad, y.grad) == (-3.0, 1.0)
    z2.backward()
    assert y.grad == 3.0  # from z2 alone: interior gradients are not summed over calls
    assert a.grad == -3.0 + 3.0 * -3.0  # leaves are


def test_backward_from_a_leaf_accumulates_one() -> None:
    x = Value(4.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


# --- huge graphs ------------------------------------------------------------------------------------


def values_alive() -> int:
    """How many Value objects are alive (a Value refers to other objects, so the collector tracks it)."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Value))


@pytest.mark.slow
def test_a_million_node_chain_backpropagates_and_is_freed() -> None:
    c = 1.0000001
    x = Value(1.0, "x")
    alive = values_alive()
    y = x
    for _ in range(1_000_000):
        y = y * c  # a new mul node and a new constant leaf each time
    limit = sys.getrecursionlimit()
    y.backward()  # no RecursionError: the engine never recurses over the graph
    assert sys.getrecursionlimit() == limit

    # the same products in the same order, in plain floats: equal to the bit
    data = grad = 1.0
    for _ in range(1_000_000):
        data *= c
        grad = c * grad
    assert y.data == data
    assert x.grad == grad
    assert x.grad == pytest.approx(c**1_000_000, rel=1e-9)  # = e^0.1 up to rounding
    assert len(backward_order(y)) == 2_000_001

    del y
    assert values_alive() == alive  # every node of the chain freed; x, which this test holds, remains


def test_a_sum_of_100k_terms_sharing_one_input() -> None:
    x = Value(2.0, "x")
    alive = values_alive()
    terms = [x * float(i) for i in range(100_000)]
    total = sum(terms)  # a 100,000-deep chain of adds, and 100,000 edges into x
    assert isinstance(total, Value)
    total.backward()
    assert total.data == 2.0 * sum(range(100_000))  # integers below 2**53: exact
    assert x.grad == float(sum(range(100_000)))
    assert all(t.grad == 1.0 for t in terms)
    del terms, total
    assert values_alive() == alive


# --- backward_steps -------------------------------------------------------------------------------


def test_the_docstring_trace_of_x_times_x() -> None:
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    assert [str(step) for step in backward_steps(y)] == [
        "y = 9 (mul): upstream dy/dy = 1\n"
        "  x: local 3 · upstream 1 = 3, x.grad now 3 (1 of 2 uses)\n"
        "  x: local 3 · upstream 1 = 3, x.grad now 6",
        "x = 3 (leaf): dy/dx = 6",
    ]


def test_unlabelled_nodes_are_named_by_op_or_kind_and_value() -> None:
    x = Value(2.0, "x")
    y = x * 3
    text = "\n".join(str(step) for step in backward_steps(y))
    assert text.splitlines() == [
        "x·3 = 6 (mul): upstream d(x·3)/d(x·3) = 1",
        "  x: local 3 · upstream 1 = 3, x.grad now 3",
        "  3: local 2 · upstream 1 = 2, 3.grad now 2",
        "x = 2 (leaf): d(x·3)/dx = 3",
        "3 = 3 (leaf): d(x·3)/d3 = 2",
    ]


def test_steps_follow_backward_order_one_per_node() -> None:
    root = build_program()
    steps = list(backward_steps(root))
    assert [s.node for s in steps] == backward_order(root)
    assert [s.index for s in steps] == list(range(len(steps)))
    assert all(isinstance(s, BackwardStep) and s.root is root for s in steps)
    assert steps[0].upstream == 1.0
    for s in steps:
        assert [e.parent for e in s.edges] == list(s.node.parents)  # leaves: no edges
        assert [e.local for e in s.edges] == list(s.node.local_grads())


def test_each_edge_is_local_times_upstream_and_parent_grads_add_up() -> None:
    root = build_program()
    root.backward()  # give the leaves a gradient already: the trace must start from it
    before = {node: node.grad for node in backward_order(root) if node.is_leaf}
    running = dict(before)  # interior nodes start from 0 in every pass
    for step in backward_steps(root):
        assert step.upstream == running.get(step.node, 0.0) or step.index == 0
        for e in step.edges:
            assert e.contribution == e.local * step.upstream
            running[e.parent] = running.get(e.parent, 0.0) + e.contribution
            assert e.parent_grad == running[e.parent]
    for node, g in running.items():
        assert node.grad == g
    for node, g in before.items():
        assert node.grad == 2 * g  # and the leaves were accumulated into


def test_upstream_is_complete_when_a_node_is_reached_and_grads_are_live() -> None:
    root = build_program()
    final = {}
    for step in backward_steps(root):
        # grads are filled in as the steps happen: a parent's grad is what its last edge says
        last_edge = {e.parent: e for e in step.edges}
        for parent, e in last_edge.items():
            assert parent.grad == e.parent_grad
        final[step.node] = step.upstream
    for node, upstream in final.items():
        assert node.grad == upstream  # nothing was added to a node after its own step


def test_applying_the_steps_gives_the_same_grads_as_backward() -> None:
    traced, plain = build_program(), build_program()
    steps = list(backward_steps(traced))
    backward(plain)
    assert grads(traced) == grads(plain)
    # replaying the recorded edges by hand from zero rebuilds every gradient
    rebuilt: dict[str, float] = {traced.label: 1.0}
    for step in steps:
        for e in step.edges:
            rebuilt[e.parent.label] = rebuilt.get(e.parent.label, 0.0) + e.local * rebuilt[step.node.label]
    assert rebuilt == grads(plain)


# --- the topological order: a visited set of its own, nothing written into the graph -------------


@settings(max_examples=100, deadline=None)
@given(program=programs())
def test_the_order_is_topological_and_reads_no_gradient(program: Program) -> None:
    nodes = run_engine(program, [Value(x, f"x{i}") for i, x in enumerate(program.inputs)])
    root = nodes[-1]
    same = 0.0
    for node in nodes:
        node.grad = same  # one float object everywhere: no mark can be told from another by `is`
    order = parents_first([root])
    assert all(node.grad is same for node in nodes)  # the search wrote nothing
    assert len(order) == len(set(order)) == len(set(nodes) | set(backward_order(root)))
    position = {node: i for i, node in enumerate(order)}
    assert all(position[p] < position[node] for node in order for p in node.parents)
    assert backward_order(root) == order[::-1]
    root.backward()  # and backward is right whatever the gradients held
    reference = copy.deepcopy(root)
    for node in backward_order(reference):
        node.grad = 0.0
    reference.backward()
    assert [n.grad for n in backward_order(root)] == [n.grad for n in backward_order(reference)]
