"""Compiled-step benchmark: the moons-MLP training step compiled to Python, beside the engine and micrograd.

The workload is bench_engine.py's (micrograd's demo: a 2-16-16-1 ReLU MLP over 100 two-moons
points, mean hinge loss plus 1e-4·Σ p², SGD), from the same data and initial weights, in five forms:

- micrograd 0.1.0: its engine builds the graph and runs backward every step;
- the engine: micrograd_like's `Value`, the same;
- compiled whole batch: `compile_graph` of the whole step's graph (65,818 nodes), made once;
- compiled batched form: `compile_batch` of one sample's graph (x1, x2, y read from each row),
  looped over the set inside the generated code, plus `compile_graph` of the L2 term;
- hand-written floats: the same step written by hand in plain Python floats (nested loops, the
  derivatives written out), the floor an interpreter sets; it is also an independent check.

    python benchmarks/bench_compile.py            # full run (about two minutes, mostly micrograd)
    python benchmarks/bench_compile.py --quick    # smoke run: 1 run, few steps
    python benchmarks/bench_compile.py --json results.json

Every form first does one step from the same weights; the loss and all 337 gradients must agree
with the engine's within 1e-12 (relative to the largest), else the exit status is 1. Times are
CPU seconds per step (`time.process_time`), the forms interleaved run by run, so the ratio to
micrograd is reported as the median and range of the per-run ratios. Compile time and the memory
the compiled forms hold (tracemalloc) are measured once.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_engine as be

from micrograd_like import Value
from micrograd_like.compiler import compile_batch, compile_graph

REL_TOL = 1e-12
Step = Callable[[], float]  # one training step; returns the loss before the update


# --- the five forms: each makes a fresh model from the same weights and returns its step ----------


@dataclass
class Form:
    name: str
    setup: Callable[[be.Config], tuple[Step, Callable[[], list[float]]]]  # -> (step, gradients now)
    fast: bool  # steps of milliseconds: timed with more steps per run


def _data(cfg: be.Config) -> tuple[list[tuple[float, float]], list[float], list[float]]:
    points, labels = be.make_moons(cfg.n_points, cfg.noise, cfg.seed)
    return points, labels, be.initial_weights(cfg.sizes, cfg.seed)


def engine_form(engine: be.Engine) -> Form:
    def setup(cfg: be.Config) -> tuple[Step, Callable[[], list[float]]]:
        points, labels, weights = _data(cfg)
        model = be.MLP(engine, cfg.sizes, weights)
        return (
            lambda: be.training_step(engine, model, points, labels, cfg),
            lambda: [float(p.grad) for p in model.parameters()],
        )

    return Form(engine.name, setup, fast=False)


def whole_batch(cfg: be.Config) -> tuple[Step, Callable[[], list[float]]]:
    """compile_graph of the whole step's loss graph, built once; each step reruns it."""
    points, labels, weights = _data(cfg)
    model = be.MLP(be.ours(), cfg.sizes, weights)
    params = model.parameters()
    f = compile_graph(be.total_loss(be.ours(), model, points, labels, cfg.alpha), wrt=params)

    def step() -> float:
        for p in params:
            p.grad = 0.0
        loss = f()
        be.sgd_update(model, cfg.lr)
        return loss

    return step, lambda: [p.grad for p in params]


def per_sample_graph(cfg: be.Config, model: be.MLP) -> tuple[Value, list[Value], Value]:
    """One sample's hinge loss, max(0, 1 - y·score), with x1, x2 and y as leaves; and the L2 term."""
    x1, x2, y = Value(0.0, "x1"), Value(0.0, "x2"), Value(1.0, "y")
    loss = (1 + -y * model([x1, x2])).relu()
    reg = cfg.alpha * sum(p * p for p in model.parameters())
    return loss, [x1, x2, y], reg


def batched(cfg: be.Config) -> tuple[Step, Callable[[], list[float]]]:
    """compile_batch of one sample's graph, run over the rows in the generated code, plus the L2 term."""
    points, labels, weights = _data(cfg)
    model = be.MLP(be.ours(), cfg.sizes, weights)
    params = model.parameters()
    loss, inputs, reg = per_sample_graph(cfg, model)
    data_loss = compile_batch(loss, rows=inputs, wrt=params)
    reg_loss = compile_graph(reg, wrt=params)
    rows = [(x, y, label) for (x, y), label in zip(points, labels)]

    def step() -> float:
        for p in params:
            p.grad = 0.0
        total = data_loss(rows) + reg_loss()  # the mean hinge loss plus alpha·Σ p²
        be.sgd_update(model, cfg.lr)
        return total

    return step, lambda: [p.grad for p in params]


# --- the hand-written floor ----------------------------------------------------------------------


def hand(cfg: be.Config) -> tuple[Step, Callable[[], list[float]]]:
    """The step in plain floats, every derivative written by hand: what an interpreter can do at best
    without a graph. (Only here, as a benchmark floor and an independent check of the gradients.)"""
    points, labels, weights = _data(cfg)
    it = iter(weights)
    # layers[l] = (W, b): W[j][k] connects input k to unit j, as bench_engine.MLP loads them
    layers = []
    for nin, nout in pairwise(cfg.sizes):
        rows, biases = [], []
        for _ in range(nout):
            rows.append([next(it) for _ in range(nin)])
            biases.append(next(it))
        layers.append((rows, biases))
    grads: list[tuple[list[list[float]], list[float]]] = []
    last = len(layers) - 1
    m = len(points)

    def step() -> float:
        grads.clear()
        grads.extend(([[0.0] * len(w) for w in W], [0.0] * len(b)) for W, b in layers)
        data_loss = 0.0
        for (p0, p1), label in zip(points, labels):
            acts = [[p0, p1]]  # forward: every layer's input, and its linear parts
            pre = []
            for li, (W, b) in enumerate(layers):
                x = acts[-1]
                s = [sum([wk * xk for wk, xk in zip(w, x)], bj) for w, bj in zip(W, b)]
                pre.append(s)
                acts.append(s if li == last else [v if v > 0.0 else 0.0 for v in s])
            margin = 1.0 - label * acts[-1][0]
            data_loss += margin if margin > 0.0 else 0.0
            delta = [-label / m if margin > 0.0 else 0.0]  # d(mean hinge)/d(score)
            for li in range(last, -1, -1):  # backward: δ of this layer's linear parts
                W, _ = layers[li]
                gW, gb = grads[li]
                x = acts[li]
                back = [0.0] * len(x)
                for j, dj in enumerate(delta):
                    gb[j] += dj
                    row, grow = W[j], gW[j]
                    for k, xk in enumerate(x):
                        grow[k] += dj * xk
                        back[k] += row[k] * dj
                if li:
                    delta = [d if s > 0.0 else 0.0 for d, s in zip(back, pre[li - 1])]
        reg = 0.0
        for (W, b), (gW, gb) in zip(layers, grads):
            for w, gw in zip(W, gW):
                for k, wk in enumerate(w):
                    reg += wk * wk
                    gw[k] += 2.0 * cfg.alpha * wk
            for j, bj in enumerate(b):
                reg += bj * bj
                gb[j] += 2.0 * cfg.alpha * bj
        for (W, b), (gW, gb) in zip(layers, grads):  # SGD
            for w, gw in zip(W, gW):
                for k, g in enumerate(gw):
                    w[k] -= cfg.lr * g
            for j, g in enumerate(gb):
                b[j] -= cfg.lr * g
        return data_loss / m + cfg.alpha * reg

    def flat() -> list[float]:
        return [g for gW, gb in grads for row, bj in zip(gW, gb) for g in (*row, bj)]

    return step, flat


def forms() -> list[Form]:
    found = [engine_form(be.ours())]
    theirs = be.micrograd_engine()
    if theirs is not None:
        found.insert(0, engine_form(theirs))
    return [
        *found,
        Form("compiled whole batch", whole_batch, fast=True),
        Form("compiled batched form", batched, fast=True),
        Form("hand-written floats", hand, fast=True),
    ]


# --- correctness, time, compile cost ------------------------------------------------------------


@dataclass
class Check:
    loss: float
    max_rel_diff: float  # against the engine, over the loss and every gradient, relative to the largest
    ok: bool


def check(
    form: Form, cfg: be.Config, reference: tuple[float, list[float]] | None
) -> tuple[Check, list[float]]:
    step, grads = form.setup(cfg)
    loss = step()
    values = [loss, *grads()]
    if reference is None:
        return Check(loss, 0.0, True), values
    theirs = [reference[0], *reference[1]]
    scale = max(max(abs(a), abs(b)) for a, b in zip(values, theirs))
    diff = max(abs(a - b) for a, b in zip(values, theirs)) / scale
    ok = len(values) == len(theirs) and diff <= REL_TOL and all(map(math.isfinite, values))
    return Check(loss, diff, ok), values


def time_form(form: Form, cfg: be.Config, steps: int) -> list[float]:
    """CPU seconds of each of `steps` steps, after a warm-up step (collector on, as users run)."""
    step, _ = form.setup(cfg)
    gc.collect()
    step()
    times = []
    for _ in range(steps):
        start = time.process_time()
        step()
        times.append(time.process_time() - start)
    gc.collect()
    return times


@dataclass
class CompileCost:
    seconds: float  # graph walk + code generation + Python's compile(), not building the graph
    peak_mb: float  # tracemalloc peak while compiling
    held_mb: float  # what the compiled form keeps (its code and source), after the graph is freed
    lines: int


def compile_cost(what: str, cfg: be.Config) -> CompileCost:
    """Compile the form twice from a graph built beforehand: once timed, once under tracemalloc
    (which slows Python down several times, so it is never on while timing)."""
    points, labels, weights = _data(cfg)
    model = be.MLP(be.ours(), cfg.sizes, weights)
    params = model.parameters()
    graph: dict[str, Any] = {"rows": []}  # dropped before the memory the compiled form holds is read
    if what == "whole":
        graph["root"] = be.total_loss(be.ours(), model, points, labels, cfg.alpha)
    else:
        graph["root"], graph["rows"], _ = per_sample_graph(cfg, model)

    def make() -> Any:
        root, rows = graph["root"], graph["rows"]
        return compile_batch(root, rows=rows, wrt=params) if rows else compile_graph(root, wrt=params)

    gc.collect()
    start = time.perf_counter()
    lines = make().source.count("\n")
    seconds = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    compiled = make()
    peak = tracemalloc.get_traced_memory()[1] - base
    compiled._order = []  # the graph it keeps for the engine fallback is the graph's, not its own memory
    graph.clear()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return CompileCost(seconds, peak / 1e6, max(held, 0) / 1e6, lines)


@dataclass
class Results:
    python: str
    machine: str
    load_average: float
    runs: int
    steps: dict[str, int] = field(default_factory=dict)
    checks: dict[str, Check] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)
    run_medians: dict[str, list[float]] = field(default_factory=dict)
    compile: dict[str, CompileCost] = field(default_factory=dict)


def _fmt(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds >= 0.1 else f"{seconds * 1000:.2f} ms"


def markdown(r: Results) -> str:
    mg = "micrograd 0.1.0" if "micrograd 0.1.0" in r.times else None
    head = (
        "| form | step: median CPU time (min) | vs micrograd 0.1.0: median (range over runs)"
        " | same numbers as the engine |"
    )
    rows = [head, "|---|---:|---:|---|"]
    for name, times in r.times.items():
        cell = f"{_fmt(statistics.median(times))} (min {_fmt(min(times))})"
        if mg is None:
            ratio = "micrograd not installed"
        elif name == mg:
            ratio = "1×"
        else:
            per_run = [a / b for a, b in zip(r.run_medians[mg], r.run_medians[name])]
            spread = f"{min(per_run):.0f}–{max(per_run):.0f}×" if len(per_run) > 1 else "1 run"
            ratio = f"**{statistics.median(per_run):.0f}×** ({spread})"
        c = r.checks[name]
        same = "reference" if name == "micrograd_like" else f"{'yes' if c.ok else 'NO'}: {c.max_rel_diff:.0e}"
        rows.append(f"| {name} | {cell} | {ratio} | {same} |")
    rows.append("")
    rows.append("| compiled form | compile time | peak memory while compiling | memory it holds | lines |")
    rows.append("|---|---:|---:|---:|---:|")
    for name, cost in r.compile.items():
        memory = f"{cost.peak_mb:.0f} MB | {cost.held_mb:.1f} MB"
        rows.append(f"| {name} | {cost.seconds:.2f} s | {memory} | {cost.lines:,} |")
    steps = ", ".join(f"{n} {k}" for n, k in r.steps.items())
    foot = (
        f"\nPython {r.python}, {r.machine} (load average {r.load_average:.2f} at start); {r.runs} interleaved"
        f" runs, steps per form per run: {steps} (each run after 1 warm-up step); CPU time per step."
    )
    return "\n".join(rows) + "\n" + foot


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="interleaved runs (default 5)")
    parser.add_argument("--steps", type=int, default=4, help="steps per run of the slow forms (default 4)")
    parser.add_argument("--fast-steps", type=int, default=40, help="steps per run of the compiled forms")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 run, 1 and 3 steps")
    parser.add_argument("--json", metavar="PATH", help="also save the raw numbers as JSON")
    args = parser.parse_args(argv)
    if min(args.runs, args.steps, args.fast_steps) < 1:
        parser.error("--runs, --steps and --fast-steps must be positive")
    runs, slow, fast = (1, 1, 3) if args.quick else (args.runs, args.steps, args.fast_steps)
    cfg = be.Config()
    all_forms = forms()
    r = Results(
        python=platform.python_version(),
        machine=f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        load_average=os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan"),
        runs=runs,
    )
    engine = next(f for f in all_forms if f.name == "micrograd_like")
    _, reference = check(engine, cfg, None)
    for form in all_forms:
        print(f"checking {form.name} ...", file=sys.stderr)
        r.checks[form.name], _ = check(form, cfg, (reference[0], reference[1:]))
        r.times[form.name], r.run_medians[form.name] = [], []
        r.steps[form.name] = fast if form.fast else slow
    for run in range(runs):  # every form once per run, so a change in the machine's load hits all
        for form in all_forms:
            print(f"timing {form.name} (run {run + 1}/{runs}) ...", file=sys.stderr)
            times = time_form(form, cfg, r.steps[form.name])
            r.times[form.name] += times
            r.run_medians[form.name].append(statistics.median(times))
    for what, name in (("whole", "compiled whole batch"), ("sample", "compiled batched form")):
        print(f"compiling {name} ...", file=sys.stderr)
        r.compile[name] = compile_cost(what, cfg)
    print(markdown(r))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(asdict(r), f, indent=2)
    failed = [name for name, c in r.checks.items() if not c.ok]
    if failed:
        print(f"FAILED: {', '.join(failed)} disagree with the engine", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
