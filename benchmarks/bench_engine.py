"""Engine benchmark: one moons-MLP training step, side by side with micrograd 0.1.0.

The workload is micrograd's demo: a 2-16-16-1 ReLU MLP written with plain `Value` operations,
forward over 100 two-moons points, SVM max-margin (hinge) loss with L2 regularisation, backward,
SGD update. The model and step below are written once against a generic `Value` class and run
unchanged on both engines, from the same data and the same initial weights, in one process.

    python benchmarks/bench_engine.py            # full run (about two minutes)
    python benchmarks/bench_engine.py --quick    # smoke run: 2 timed steps, a 100,000-long chain
    python benchmarks/bench_engine.py --json results.json

It prints a Markdown table (ready for the README), checks that both engines give the same loss
and gradients (exit status 1 if not), and, if micrograd is not installed, says how to install it
and measures our engine alone. micrograd is only ever a benchmark dependency, never the package's.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

from micrograd_like import Value, backward_order

INSTALL_HINT = "python -m pip install micrograd==0.1.0"
REL_TOL = 1e-12  # same float ops, maybe summed in another order: agree to ~1e-16 relative, allow 1e-12


@dataclass(frozen=True)
class Config:
    """The workload: micrograd's demo sizes and hyperparameters."""

    n_points: int = 100
    sizes: tuple[int, ...] = (2, 16, 16, 1)  # inputs, hidden, hidden, output
    noise: float = 0.1  # two-moons noise (standard deviation)
    alpha: float = 1e-4  # L2 regularisation strength
    lr: float = 0.05  # SGD learning rate
    seed: int = 1337


# --- data and initial weights: plain floats, made once, loaded into both engines -----------------


def make_moons(n_points: int, noise: float, seed: int) -> tuple[list[tuple[float, float]], list[float]]:
    """Two interleaving half circles with Gaussian noise; labels -1.0 (upper) and +1.0 (lower).

    Deterministic for a seed (`random.Random`), no numpy or sklearn needed.
    """
    rng = random.Random(seed)
    n_upper = n_points // 2
    points: list[tuple[float, float]] = []
    labels: list[float] = []
    for i in range(n_points):
        upper = i < n_upper
        count = n_upper if upper else n_points - n_upper
        k = i if upper else i - n_upper
        t = math.pi * k / max(count - 1, 1)  # evenly spaced angles in [0, pi]
        x, y = (math.cos(t), math.sin(t)) if upper else (1.0 - math.cos(t), 0.5 - math.sin(t))
        points.append((x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)))
        labels.append(-1.0 if upper else 1.0)
    return points, labels


def initial_weights(sizes: Sequence[int], seed: int) -> list[float]:
    """One float per parameter, in the MLP's parameter order: weights uniform in [-1, 1], biases 0."""
    rng = random.Random(seed)
    flat: list[float] = []
    for nin, nout in pairwise(sizes):
        for _ in range(nout):
            flat.extend(rng.uniform(-1.0, 1.0) for _ in range(nin))
            flat.append(0.0)  # bias
    return flat


# --- engines: what differs between the two runs ---------------------------------------------------


@dataclass(frozen=True)
class Engine:
    """How to make leaves in one engine and how to count the nodes of its graph."""

    name: str
    leaf: Callable[[float], Any]  # a data value (an input of the graph)
    param: Callable[[float], Any]  # a trainable weight
    count_nodes: Callable[[Any], int]  # nodes reachable from a root, the root included


def ours() -> Engine:
    return Engine(
        name="micrograd_like",
        leaf=Value,
        param=lambda w: Value(w, kind="parameter"),
        count_nodes=lambda root: len(backward_order(root)),
    )


def micrograd_engine() -> Engine | None:
    """micrograd 0.1.0's engine, or None (with a hint on stderr) if it is not installed."""
    try:
        from micrograd.engine import Value as MicrogradValue
    except ImportError:
        print(f"micrograd is not installed: measuring micrograd_like alone ({INSTALL_HINT})", file=sys.stderr)
        return None

    def count_nodes(root: Any) -> int:  # walk `_prev` iteratively (its own walk is recursive)
        seen = {id(root)}
        stack = [root]
        while stack:
            for child in stack.pop()._prev:
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append(child)
        return len(seen)

    return Engine("micrograd 0.1.0", leaf=MicrogradValue, param=MicrogradValue, count_nodes=count_nodes)


# --- the model and the training step: written once, plain Value ops as in micrograd's demo -------


class MLP:
    """Fully connected ReLU layers and a linear output, with weights loaded from a flat list."""

    def __init__(self, engine: Engine, sizes: Sequence[int], weights: Sequence[float]) -> None:
        it = iter(weights)
        # layers[l][j] = (weights of neuron j, its bias)
        self.layers: list[list[tuple[list[Any], Any]]] = [
            [([engine.param(next(it)) for _ in range(nin)], engine.param(next(it))) for _ in range(nout)]
            for nin, nout in pairwise(sizes)
        ]
        if next(it, None) is not None:
            raise ValueError(f"{len(weights)} weights is too many for an MLP of sizes {tuple(sizes)}")

    def __call__(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            acts = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]  # w·x + b
            x = acts if i == last else [a.relu() for a in acts]
        return x[0]

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for w, b in layer for p in (*w, b)]


def total_loss(
    engine: Engine, model: MLP, points: Sequence[tuple[float, float]], labels: Sequence[float], alpha: float
) -> Any:
    """Build the forward graph: mean hinge loss max(0, 1 - y·score) plus alpha·Σ p²."""
    inputs = [[engine.leaf(c) for c in point] for point in points]
    scores = [model(x) for x in inputs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def loss_and_grads(
    engine: Engine, model: MLP, points: Sequence[tuple[float, float]], labels: Sequence[float], alpha: float
) -> float:
    """Forward, zero the parameter gradients, backward; returns the loss (gradients are in the model)."""
    loss = total_loss(engine, model, points, labels, alpha)
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    return float(loss.data)


def sgd_update(model: MLP, lr: float) -> None:
    for p in model.parameters():
        p.data -= lr * p.grad


def training_step(
    engine: Engine, model: MLP, points: Sequence[tuple[float, float]], labels: Sequence[float], cfg: Config
) -> float:
    loss = loss_and_grads(engine, model, points, labels, cfg.alpha)
    sgd_update(model, cfg.lr)
    return loss


# --- correctness: the same step on two engines gives the same numbers ----------------------------


@dataclass
class Agreement:
    loss_a: float
    loss_b: float
    max_abs_diff: float  # over the loss and every parameter gradient
    max_rel_diff: float  # max |a - b| / max(|a|, |b|), both maxima over the loss and all gradients
    n_params: int
    ok: bool


def compare_engines(a: Engine, b: Engine, cfg: Config) -> Agreement:
    """One forward/backward from the same data and weights in both engines; compare loss and grads."""
    points, labels = make_moons(cfg.n_points, cfg.noise, cfg.seed)
    weights = initial_weights(cfg.sizes, cfg.seed)
    model_a, model_b = MLP(a, cfg.sizes, weights), MLP(b, cfg.sizes, weights)
    loss_a = loss_and_grads(a, model_a, points, labels, cfg.alpha)
    loss_b = loss_and_grads(b, model_b, points, labels, cfg.alpha)
    pairs = [(loss_a, loss_b)] + [
        (float(p.grad), float(q.grad)) for p, q in zip(model_a.parameters(), model_b.parameters())
    ]
    abs_diff = max(abs(x - y) for x, y in pairs)
    # Relative to the largest entry, not entry by entry: summing the same terms in another order
    # changes a sum by ~eps·Σ|terms|, which is not small next to a gradient that cancels to ~0.
    scale = max(max(abs(x), abs(y)) for x, y in pairs)
    rel_diff = abs_diff / scale if scale else 0.0
    return Agreement(loss_a, loss_b, abs_diff, rel_diff, len(pairs) - 1, rel_diff <= REL_TOL)


# --- speed: seconds per training step ------------------------------------------------------------


def time_steps(
    engine: Engine, cfg: Config, steps: int, *, gc_enabled: bool
) -> tuple[list[float], list[float]]:
    """(CPU seconds, wall-clock seconds) for each of `steps` training steps, after one warm-up step.

    The cycle collector is left at CPython's defaults (or disabled, for the secondary row), and
    `gc.collect()` runs before and after, untimed, so no engine pays for the other's garbage.
    CPU time is this process's own (collections included): on an idle machine it equals the wall
    time, and on a busy one it leaves out the time other processes held the CPU.
    """
    points, labels = make_moons(cfg.n_points, cfg.noise, cfg.seed)
    model = MLP(engine, cfg.sizes, initial_weights(cfg.sizes, cfg.seed))
    was_enabled = gc.isenabled()
    gc.collect()
    if not gc_enabled:
        gc.disable()
    try:
        training_step(engine, model, points, labels, cfg)  # warm-up
        cpu, wall = [], []
        for _ in range(steps):
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            training_step(engine, model, points, labels, cfg)
            cpu.append(time.process_time() - start_cpu)
            wall.append(time.perf_counter() - start_wall)
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()
    return cpu, wall


# --- memory: bytes per node of the forward graph -------------------------------------------------


def bytes_per_node(engine: Engine, cfg: Config) -> tuple[float, int]:
    """(traced bytes / graph nodes, graph nodes) for building the moons-MLP loss graph.

    Tracing starts after the data and weights exist, so it sees the inputs, every op node and the
    lists that hold them; nodes are counted by walking the graph from the loss.
    """
    points, labels = make_moons(cfg.n_points, cfg.noise, cfg.seed)
    model = MLP(engine, cfg.sizes, initial_weights(cfg.sizes, cfg.seed))
    gc.collect()
    tracemalloc.start()
    try:
        loss = total_loss(engine, model, points, labels, cfg.alpha)
        current, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    nodes = engine.count_nodes(loss)
    del loss
    gc.collect()
    return current / nodes, nodes


# --- deep graphs: a long chain and a wide sum ----------------------------------------------------


@dataclass
class DeepRun:
    size: int  # products in the chain, or terms in the sum
    nodes: int
    build_s: float
    backward_s: float
    ok: bool  # the gradient at the bottom of the graph is the exact expected number


def deep_chain(n: int, factor: float = 1.0000001) -> DeepRun:
    """x_k = x_(k-1) · c for k = 1..n, then backward: d(x_n)/d(x_0) = c^n, the product taken in order."""
    x0, c = Value(1.0, "x0"), Value(factor, "c")
    start = time.perf_counter()
    x = x0
    for _ in range(n):
        x = x * c
    built = time.perf_counter()
    x.backward()
    done = time.perf_counter()
    expected = 1.0
    for _ in range(n):
        expected *= factor  # the same products backward forms, in the same order
    nodes = n + 2  # n products, x0 and c
    del x
    return DeepRun(n, nodes, built - start, done - built, x0.grad == expected)


def deep_sum(n: int) -> DeepRun:
    """sum(xs) over n leaves, then backward: every leaf's gradient is exactly 1."""
    start = time.perf_counter()
    xs = [Value(float(i)) for i in range(n)]
    total = sum(xs, Value(0.0))
    built = time.perf_counter()
    total.backward()
    done = time.perf_counter()
    return DeepRun(n, 2 * n + 1, built - start, done - built, all(x.grad == 1.0 for x in xs))


def micrograd_chain_outcome(depth: int) -> str:
    """What micrograd's (recursive) backward does on a `depth`-long chain: "ok" or the error's name."""
    try:
        from micrograd.engine import Value as MicrogradValue
    except ImportError:
        return "not installed"
    x = MicrogradValue(1.0)
    c = MicrogradValue(1.0000001)
    for _ in range(depth):
        x = x * c
    try:
        x.backward()
        outcome = "ok"
    except RecursionError:
        outcome = "RecursionError"
    del x
    gc.collect()
    return outcome


# --- the report ----------------------------------------------------------------------------------


@dataclass
class Results:
    python: str
    machine: str
    gc_thresholds: tuple[int, ...]
    load_average: float  # 1-minute load at the start: other processes on the machine skew timings
    config: dict[str, Any]
    steps: int
    rounds: int
    agreement: Agreement | None = None
    # engine -> "gc_on"/"gc_off" (CPU seconds per step) or "gc_on_wall"/"gc_off_wall" -> seconds
    times: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    # "gc_on"/"gc_off" -> one ratio per round: micrograd's median step / ours, in that round
    round_ratios: dict[str, list[float]] = field(default_factory=dict)
    memory: dict[str, tuple[float, int]] = field(default_factory=dict)  # engine -> (B/node, nodes)
    chain: DeepRun | None = None
    wide_sum: DeepRun | None = None
    micrograd_chain: dict[str, str] = field(default_factory=dict)  # depth -> outcome


def _fmt_s(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def markdown(r: Results, ours_name: str, theirs_name: str | None) -> str:
    """The results as a Markdown table (plus the lines saying where and how it was measured)."""
    has_theirs = theirs_name is not None
    head = f"| measure | {ours_name} |" + (f" {theirs_name} | ratio: median (range) |" if has_theirs else "")
    rule = "|---|---:|" + ("---:|---:|" if has_theirs else "")
    rows = [head, rule]

    def step_row(label: str, key: str) -> None:
        mine = r.times[ours_name][key]
        row = f"| {label} | {_fmt_s(statistics.median(mine))} (min {_fmt_s(min(mine))}) |"
        if has_theirs:
            theirs = r.times[str(theirs_name)][key]
            ratios = r.round_ratios[key]
            spread = (
                f"{min(ratios):.1f}–{max(ratios):.1f}× over {len(ratios)} runs"
                if len(ratios) > 1
                else "1 run"
            )
            row += (
                f" {_fmt_s(statistics.median(theirs))} (min {_fmt_s(min(theirs))}) |"
                f" **{statistics.median(ratios):.1f}× faster** ({spread}) |"
            )
        rows.append(row)

    step_row("training step, GC on (default thresholds): median CPU time (min)", "gc_on")
    step_row("training step, GC off (what the collector costs)", "gc_off")
    mine_b, nodes = r.memory[ours_name]
    row = f"| forward graph, bytes per node ({nodes:,} nodes, tracemalloc) | {mine_b:.0f} B |"
    if has_theirs:
        theirs_b, _ = r.memory[str(theirs_name)]
        row += f" {theirs_b:.0f} B | **{theirs_b / mine_b:.1f}× smaller** |"
    rows.append(row)
    for what, run in (("chain x = x·c, {:,} deep", r.chain), ("sum of {:,} leaves", r.wide_sum)):
        if run is None:
            continue
        status = "ok" if run.ok else "WRONG GRADIENT"
        row = (
            f"| {what.format(run.size)} ({run.nodes:,} nodes): build + backward |"
            f" {_fmt_s(run.build_s)} + {_fmt_s(run.backward_s)}, {status} |"
        )
        if has_theirs:
            outcome = ", ".join(f"{o} at depth {int(d):,}" for d, o in r.micrograd_chain.items())
            row += f" {outcome if run is r.chain else 'not run'} | |"
        rows.append(row)
    if r.agreement is not None:
        a = r.agreement
        verdict = "agree" if a.ok else "DISAGREE"
        row = (
            f"| same loss and {a.n_params} gradients after one step | loss {a.loss_a:.12g} |"
            f" loss {a.loss_b:.12g} | {verdict}: max diff {a.max_abs_diff:.1e}"
            f" ({a.max_rel_diff:.1e} relative) |"
        )
        rows.append(row)
    blocks = "1 run" if r.rounds == 1 else f"{r.rounds} interleaved runs, engines alternating"
    timed = f"{r.steps} timed steps per engine ({blocks}, each after 1 warm-up step)"
    foot = (
        f"\nPython {r.python}, {r.machine} (load average {r.load_average:.2f} at start);"
        f" GC thresholds {r.gc_thresholds}; {timed}; "
        f"{r.config['n_points']} moons points, MLP {'-'.join(map(str, r.config['sizes']))}."
    )
    wall = ", ".join(
        f"{name} {_fmt_s(statistics.median(r.times[name]['gc_on_wall']))}"
        for name in (ours_name, theirs_name)
        if name is not None
    )
    foot += f" Wall-clock medians, GC on: {wall}."
    return "\n".join(rows) + "\n" + foot


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{platform.system()} {cpu}, {os.cpu_count()} CPUs"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--steps", type=int, default=25, help="timed training steps per engine (default 25)")
    parser.add_argument(
        "--rounds", type=int, default=5, help="interleaved runs the steps are split into (default 5)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2 steps in 1 block, 100,000-long chain"
    )
    parser.add_argument("--chain", type=int, default=1_000_000, help="length of the deep chain")
    parser.add_argument("--sum-terms", type=int, default=100_000, help="terms of the wide sum")
    parser.add_argument("--json", metavar="PATH", help="also save the raw numbers as JSON")
    args = parser.parse_args(argv)
    if min(args.steps, args.rounds, args.chain, args.sum_terms) < 1:
        parser.error("--steps, --rounds, --chain and --sum-terms must be positive")
    steps, rounds, chain_n = (
        (2, 1, min(args.chain, 100_000)) if args.quick else (args.steps, args.rounds, args.chain)
    )
    rounds = min(rounds, steps)

    cfg = Config()
    mine, theirs = ours(), micrograd_engine()
    engines = [mine] if theirs is None else [mine, theirs]
    r = Results(
        python=platform.python_version(),
        machine=_machine(),
        gc_thresholds=gc.get_threshold(),
        load_average=os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan"),
        config=asdict(cfg),
        steps=steps,
        rounds=rounds,
    )
    if theirs is not None:
        r.agreement = compare_engines(mine, theirs, cfg)
    for engine in engines:
        r.times[engine.name] = {"gc_on": [], "gc_off": [], "gc_on_wall": [], "gc_off_wall": []}
    for key, enabled in (("gc_on", True), ("gc_off", False)):
        # blocks alternate between engines (gc.collect() between them), so a change in the
        # machine's load during the run falls on both engines alike
        r.round_ratios[key] = []
        for block in range(rounds):
            block_steps = steps // rounds + (block < steps % rounds)
            medians = []
            for engine in engines:
                print(f"timing {engine.name} ({key}, run {block + 1}/{rounds}) ...", file=sys.stderr)
                cpu, wall = time_steps(engine, cfg, block_steps, gc_enabled=enabled)
                r.times[engine.name][key] += cpu
                r.times[engine.name][f"{key}_wall"] += wall
                medians.append(statistics.median(cpu))
            if len(medians) == 2:
                r.round_ratios[key].append(medians[1] / medians[0])
    for engine in engines:
        r.memory[engine.name] = bytes_per_node(engine, cfg)
    print("deep graphs ...", file=sys.stderr)
    r.chain = deep_chain(chain_n)
    gc.collect()
    r.wide_sum = deep_sum(args.sum_terms)
    gc.collect()
    if theirs is not None:
        r.micrograd_chain = {"1000": micrograd_chain_outcome(1000)}

    print(markdown(r, mine.name, None if theirs is None else theirs.name))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(asdict(r), f, indent=2)
    failed = (r.agreement is not None and not r.agreement.ok) or not (r.chain.ok and r.wide_sum.ok)
    if failed:
        print("FAILED: the engines disagree or a deep-graph gradient is wrong", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
