"""The engine benchmark's correctness parts, on a tiny workload and without micrograd or timing.

`benchmarks/bench_engine.py` compares our engine with micrograd on one training step. Here the
same model and step run against an independent reference engine written below (closures and a
recursive-free topological sort, the textbook way), against finite differences, and against the
node count derived by hand, so the benchmark's numbers rest on checked code.
"""

from __future__ import annotations

import math
import sys
from itertools import pairwise
from typing import Any

import pytest
from oracles import load_script

bench = load_script("bench_engine")
TINY = bench.Config(n_points=6, sizes=(2, 4, 3, 1), seed=7)


class RefValue:
    """A minimal reference engine: each op stores a closure that pushes its gradient to its inputs."""

    def __init__(self, data: float, parents: tuple[RefValue, ...] = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.push: Any = lambda: None

    @staticmethod
    def wrap(x: RefValue | float) -> RefValue:
        return x if isinstance(x, RefValue) else RefValue(x)

    def make(self, data: float, parents: tuple[RefValue, ...]) -> RefValue:
        return type(self)(data, parents)  # results keep the class, so a subclass can change one rule

    def __add__(self, other: RefValue | float) -> RefValue:
        o = RefValue.wrap(other)
        out = self.make(self.data + o.data, (self, o))

        def push() -> None:
            self.grad += out.grad
            o.grad += out.grad

        out.push = push
        return out

    __radd__ = __add__

    def __mul__(self, other: RefValue | float) -> RefValue:
        o = RefValue.wrap(other)
        out = self.make(self.data * o.data, (self, o))

        def push() -> None:
            self.grad += o.data * out.grad
            o.grad += self.data * out.grad

        out.push = push
        return out

    __rmul__ = __mul__

    def relu(self) -> RefValue:
        out = self.make(self.data if self.data > 0 else 0.0, (self,))

        def push() -> None:
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out.push = push
        return out

    def backward(self) -> None:
        order: list[RefValue] = []
        seen: set[int] = set()
        stack: list[tuple[RefValue, bool]] = [(self, False)]
        while stack:  # iterative post-order depth-first search
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node.parents)
        self.grad = 1.0
        for node in reversed(order):
            node.push()


def _count_ref(root: RefValue) -> int:
    seen, stack = {id(root)}, [root]
    while stack:
        for p in stack.pop().parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


REFERENCE = bench.Engine("reference", leaf=RefValue, param=RefValue, count_nodes=_count_ref)


def test_our_engine_and_an_independent_reference_agree_on_loss_and_every_gradient() -> None:
    agreement = bench.compare_engines(bench.ours(), REFERENCE, TINY)
    n_params = sum((nin + 1) * nout for nin, nout in pairwise(TINY.sizes))
    assert agreement.n_params == n_params == 31
    assert agreement.loss_a == agreement.loss_b  # the forward pass is the same float ops in order
    assert agreement.ok
    assert agreement.max_rel_diff <= bench.REL_TOL


def test_agreement_check_catches_a_wrong_gradient() -> None:
    class OffByOne(RefValue):  # relu whose derivative is 1 everywhere: wrong where the input is < 0
        def relu(self) -> RefValue:
            out = self.make(max(self.data, 0.0), (self,))

            def push() -> None:
                self.grad += out.grad

            out.push = push
            return out

    wrong = bench.Engine("wrong", leaf=OffByOne, param=OffByOne, count_nodes=_count_ref)
    agreement = bench.compare_engines(bench.ours(), wrong, TINY)
    assert not agreement.ok
    assert agreement.max_abs_diff > 1e-6


def test_gradients_match_central_finite_differences() -> None:
    engine = bench.ours()
    points, labels = bench.make_moons(TINY.n_points, TINY.noise, TINY.seed)
    # nonzero biases: with a zero bias a unit whose inputs are all switched off sits exactly on
    # the relu's kink, where the one-sided derivative (0) and the central difference differ
    weights = [w or 0.05 for w in bench.initial_weights(TINY.sizes, TINY.seed)]
    model = bench.MLP(engine, TINY.sizes, weights)
    bench.loss_and_grads(engine, model, points, labels, TINY.alpha)
    grads = [p.grad for p in model.parameters()]

    def loss_at(ws: list[float]) -> float:
        m = bench.MLP(engine, TINY.sizes, ws)
        return float(bench.total_loss(engine, m, points, labels, TINY.alpha).data)

    h = 1e-6
    for i in range(len(weights)):
        up, down = list(weights), list(weights)
        up[i] += h
        down[i] -= h
        numeric = (loss_at(up) - loss_at(down)) / (2 * h)  # piecewise quadratic: exact but for rounding
        assert math.isclose(grads[i], numeric, rel_tol=1e-5, abs_tol=1e-8), (i, grads[i], numeric)
    assert any(abs(g) > 1e-3 for g in grads)  # the check is not vacuous


def test_node_count_matches_the_hand_count() -> None:
    # per point: 2 inputs; per neuron nin products and nin sums (starting from the bias); one relu
    # per hidden neuron; the hinge -y·s, 1 + ..., relu with 2 constants. Then the mean: a 0 constant,
    # n additions, a 1/n constant and a product; the L2 term: P squares, a 0 constant, P additions,
    # an alpha constant and a product; the P parameters; the final addition.
    n, sizes = TINY.n_points, TINY.sizes
    layers = list(pairwise(sizes))
    per_point = 2 + sum(2 * nin * nout for nin, nout in layers) + sum(nout for _, nout in layers[:-1]) + 5
    n_params = sum((nin + 1) * nout for nin, nout in layers)
    expected = n * per_point + (n + 3) + (2 * n_params + 3) + n_params + 1
    for engine in (bench.ours(), REFERENCE):
        model = bench.MLP(engine, sizes, bench.initial_weights(sizes, TINY.seed))
        points, labels = bench.make_moons(n, TINY.noise, TINY.seed)
        loss = bench.total_loss(engine, model, points, labels, TINY.alpha)
        assert engine.count_nodes(loss) == expected
    # the benchmark's full workload, for the README's node count
    full = bench.Config()
    model = bench.MLP(bench.ours(), full.sizes, bench.initial_weights(full.sizes, full.seed))
    points, labels = bench.make_moons(full.n_points, full.noise, full.seed)
    assert (
        bench.ours().count_nodes(bench.total_loss(bench.ours(), model, points, labels, full.alpha)) == 65_818
    )


def test_moons_are_deterministic_balanced_and_near_their_half_circles() -> None:
    points, labels = bench.make_moons(100, 0.1, 3)
    assert (points, labels) == bench.make_moons(100, 0.1, 3)
    assert points != bench.make_moons(100, 0.1, 4)[0]
    assert labels.count(-1.0) == labels.count(1.0) == 50
    clean, _ = bench.make_moons(100, 0.0, 3)
    for (x, y), label in zip(clean, labels):
        cx, cy = (0.0, 0.0) if label < 0 else (1.0, 0.5)  # centres of the two half circles
        assert math.isclose(math.hypot(x - cx, y - cy), 1.0, rel_tol=1e-12)


def test_initial_weights_have_one_float_per_parameter_and_zero_biases() -> None:
    ws = bench.initial_weights((2, 3, 1), 0)
    assert len(ws) == (2 + 1) * 3 + (3 + 1) * 1
    assert [ws[2], ws[5], ws[8], ws[12]] == [0.0, 0.0, 0.0, 0.0]
    assert all(-1.0 <= w <= 1.0 for w in ws)
    with pytest.raises(ValueError, match="too many"):
        bench.MLP(bench.ours(), (2, 3, 1), [*ws, 1.0])


def test_deep_graphs_backpropagate_with_exact_gradients() -> None:
    chain = bench.deep_chain(5_000)  # far deeper than a recursive topological sort can go
    assert chain.ok and chain.nodes == 5_002
    wide = bench.deep_sum(1_000)
    assert wide.ok and wide.nodes == 2_001


def test_without_micrograd_the_benchmark_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "micrograd", None)  # makes `import micrograd...` raise ImportError
    monkeypatch.setitem(sys.modules, "micrograd.engine", None)
    assert bench.micrograd_engine() is None
    assert "pip install micrograd==0.1.0" in capsys.readouterr().err
    assert bench.micrograd_chain_outcome(10) == "not installed"


def test_markdown_table_reports_medians_and_ratios() -> None:
    r = bench.Results(
        python="3.x",
        machine="test box",
        gc_thresholds=(700, 10, 10),
        load_average=0.5,
        config={"n_points": 100, "sizes": (2, 16, 16, 1)},
        steps=3,
        rounds=1,
    )
    r.times = {
        "ours": {"gc_on": [0.1, 0.3, 0.2], "gc_off": [0.05, 0.05, 0.05], "gc_on_wall": [0.25, 0.25, 0.3]},
        "theirs": {"gc_on": [2.0, 1.5, 2.5], "gc_off": [0.2, 0.2, 0.2], "gc_on_wall": [3.0, 3.0, 3.0]},
    }
    r.memory = {"ours": (140.0, 65_818), "theirs": (700.0, 65_818)}
    r.round_ratios = {"gc_on": [9.0, 12.0, 10.0], "gc_off": [4.0]}
    table = bench.markdown(r, "ours", "theirs")
    # the ratio is the median of the per-run ratios, with their range
    assert (
        "| 0.200 s (min 0.100 s) | 2.000 s (min 1.500 s) | **10.0× faster** (9.0–12.0× over 3 runs) |"
        in table
    )
    assert "**4.0× faster** (1 run)" in table
    assert "| 140 B | 700 B | **5.0× smaller** |" in table
    assert "Wall-clock medians, GC on: ours 0.250 s, theirs 3.000 s." in table
    assert "(load average 0.50 at start)" in table and "GC thresholds (700, 10, 10)" in table
    alone = bench.markdown(r, "ours", None)
    assert "theirs" not in alone and "ratio" not in alone
