"""Write the fixtures the page's JavaScript unit tests read (tests/js/fixtures.json), from Python.

    python tools/page_fixtures.py           # write tests/js/fixtures.json
    python tools/page_fixtures.py --check   # exit 1 when the file is not what the code writes now

Every expected number and message comes from Python itself, the oracle of the page:

- `numbers`: x, repr(x), f"{x:.4g}", f"{x:.6g}" (non-finite x written as "inf", "-inf", "nan");
- `graphs`: per graph, the page's data (`graph_data`), its generated MG_MATH (`graph_script`), and
  cases: leaf values with what the engine gives for them, every value, gradient and backward step,
  or the message it raises (a failed check, an overflow, a gradient that is not finite);
- per graph, `explain`: for each node, every path's local derivatives (explain.explain);
- `optim`: each optimizer of optim.py on random settings and gradients, the parameters after each
  step, with `optimizers`, their keyword arguments' defaults; `step_kinds`: descent.step_kind's
  answers, with `step_words`.

tests/test_page_export.py checks that the committed file is current.

It also writes tests/js/pyrandom_fixtures.json, what the page's pyrandom.js, datasets.js and
mlp.js must reproduce (one case per line; seeds as decimal text, for seeds beyond 2^53):

- `streams`: per seed, random.Random(seed)'s first 32-bit outputs and random() values, and every
  97th of 3000 random() values (ten refills of the Mersenne Twister's state);
- `calls`: per seed, a script of calls (random, getrandbits, randrange, randint, uniform, gauss,
  shuffle, seed) each with its result, in the order made (gauss keeps its second value);
- `datasets`: every point and label of make_dataset (and blobs with other centers) for several
  sizes, noises and seeds; `dataset_errors`: the messages for bad arguments;
- `models`: the file MLP(...).save writes for several architectures and seeds.

tests/test_page_random.py checks that the committed file is current.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from micrograd_like import MLP, Value, backward_order, backward_steps, explain
from micrograd_like.core.expr import parse_expression
from micrograd_like.core.names import graph_names
from micrograd_like.learn.data import DATASETS, blobs, make_dataset
from micrograd_like.page.export import graph_data
from micrograd_like.page.jsgen import graph_script, rule_ids
from micrograd_like.page.worked import NAMING_NOTE
from micrograd_like.post.descent import STEP_WORDS, Step, step_kind
from micrograd_like.post.example import build
from micrograd_like.post.landscape import OPTIMIZERS, optimizer_options

TARGET = Path(__file__).resolve().parents[1] / "tests" / "js" / "fixtures.json"
RANDOM_TARGET = TARGET.with_name("pyrandom_fixtures.json")
ALL_OPS = "exp(a) / (1 + b ** 2) - log(c) * sigmoid(a - c) + relu(b) ** 3 + a ** c - tanh(-b) * -2"


def _number(x: float) -> float | str:
    return x if math.isfinite(x) else repr(x)


def numbers() -> list[list[float | str]]:
    rng = random.Random(20)
    xs = [0.0, -0.0, 1.0, -2.5, 0.1, 1e-05, 1e-4, 123456789.0, 1e16, 1e15, 2.5e-300, 1.7976931348623157e308]
    xs += [5e-324, 0.5, 9.9995, 99999.5, 999999.5, 1e-5 * 3, -1e22]
    xs += [rng.uniform(-1, 1) * 10 ** rng.randint(-12, 20) for _ in range(200)]
    xs += [math.inf, -math.inf, math.nan]
    return [[_number(x), repr(x), f"{x:.4g}", f"{x:.6g}"] for x in xs]


def _engine(build_root: Any, values: dict[str, float]) -> dict[str, Any]:
    """What the engine gives for these leaf values: numbers in backward order, or its message."""
    try:
        root = build_root(values)
        order = backward_order(root)
        steps = [
            [step.upstream, *[[e.local, e.contribution, e.parent_grad] for e in step.edges]]
            for step in backward_steps(root)
        ]
    except (ValueError, ArithmeticError) as error:  # the engine's BackwardError is a ValueError
        return {"error": str(error)}
    return {"values": [n.data for n in order], "grads": [n.grad for n in order], "steps": steps}


def _graph(
    name: str, build_root: Any, start: dict[str, float], edits: list[dict[str, float]], notes: Any = None
) -> dict[str, Any]:
    root = build_root(start)
    order = backward_order(root)
    data = graph_data(root, notes=notes(order) if notes else None)
    names = graph_names(order)
    cases = []
    for edit in [{}, *edits]:
        values = {**start, **edit}
        leaf = [values.get(n.label, n.data) if n.is_leaf else n.data for n in order]
        cases.append({"leaf": leaf, "expect": _engine(build_root, values)})
    explained = {}
    for i, node in enumerate(order):
        if i == 0:
            continue
        e = explain(root, node)
        explained[str(i)] = [[x for factor in path.factors for x in factor.locals] for path in e.paths]
    return {
        "name": name,
        "data": data,
        "math": graph_script(order, names, rule_ids(order)),
        "cases": cases,
        "explain": explained,
    }


def _expression(text: str) -> Any:
    def make(values: dict[str, float]) -> Value:
        return parse_expression(text, values).root

    return make


def graphs() -> list[dict[str, Any]]:
    rng = random.Random(7)
    worked = _graph(
        "worked example",
        lambda values: build(values).loss,
        {},
        [{"w[2]12": rng.uniform(-2, 2), "x1": rng.uniform(-3, 3)} for _ in range(3)],
        lambda order: {node: NAMING_NOTE for node in order if node.label == "w[2]12"},
    )
    every_op = _graph(
        "every op",
        _expression(ALL_OPS),
        {"a": 0.7, "b": -1.3, "c": 2.1},
        [{"a": rng.uniform(0.05, 3), "b": rng.uniform(-3, 3), "c": rng.uniform(0.05, 3)} for _ in range(3)]
        + [{"c": 0.0}, {"c": -1.0}, {"a": 800.0}],  # log's check; exp overflows
    )
    gradient = _graph(  # forward is finite, backward is not: one contribution, then a sum
        "non-finite gradients",
        _expression("a*b*c + a*d + a*e"),
        {"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0, "e": 1.0},
        [{"a": 1e-200, "b": 1e200, "c": 1e200}, {"a": 1e-300, "d": 1e308, "e": 1e308}],
    )
    shared = _graph("a shared input", _expression("tanh(x*x + x) * x"), {"x": 0.5}, [{"x": -1.5}])
    return [worked, every_op, gradient, shared]


def _random_options(name: str, rng: random.Random) -> dict[str, Any]:
    """Random keyword arguments for optimizer `name`, every option exercised somewhere."""
    wd = rng.choice([0.0, rng.uniform(0.0, 0.1)])
    eps = 10 ** rng.uniform(-10, -4)
    options: dict[str, Any]
    if name == "SGD":
        momentum = rng.choice([0.0, rng.uniform(0.0, 0.99)])
        nesterov = momentum > 0 and rng.random() < 0.5
        dampening = 0.0 if nesterov else rng.choice([0.0, rng.uniform(0.0, 1.0)])
        options = {"momentum": momentum, "nesterov": nesterov, "dampening": dampening}
    elif name == "Adagrad":
        options = {
            "lr_decay": rng.uniform(0, 0.5),
            "initial_accumulator_value": rng.uniform(0, 1),
            "eps": eps,
        }
    elif name == "RMSProp":
        options = {
            "alpha": rng.uniform(0.5, 0.999),
            "eps": eps,
            "momentum": rng.choice([0.0, rng.uniform(0, 0.9)]),
            "centered": rng.random() < 0.5,
        }
    elif name == "Adadelta":
        options = {"rho": rng.uniform(0.5, 0.99), "eps": eps}
    else:
        options = {"betas": [rng.uniform(0.5, 0.99), rng.uniform(0.9, 0.9999)], "eps": eps}
        options["amsgrad"] = rng.random() < 0.5
    return {"lr": 10 ** rng.uniform(-3, 0), "weight_decay": wd, **options}


def optimizer_cases() -> list[dict[str, Any]]:
    """optim.py's optimizers on random settings and random gradients: the parameters after each
    step, for tests/js/optim.test.js."""
    rng = random.Random(22)
    cases = []
    for name, cls in OPTIMIZERS.items():
        for _ in range(5):
            options = _random_options(name, rng)
            start = [rng.uniform(-2, 2) for _ in range(3)]
            params = [Value(x, f"p{i}", kind="parameter") for i, x in enumerate(start)]
            opt = cls(params, **options)
            grads, thetas = [], []
            for _ in range(8):
                g = [rng.uniform(-3, 3) for _ in params]
                for p, gi in zip(params, g):
                    p.grad = gi
                opt.step()
                grads.append(g)
                thetas.append([p.data for p in params])
            cases.append({"name": name, "options": options, "start": start, "grads": grads, "thetas": thetas})
    return cases


def step_kinds() -> list[list[Any]]:
    """descent.step_kind on hand-picked and random points: [before, after, earlier or None, kind]."""
    rng = random.Random(5)
    points = [(1.0, -1.0), (0.5, 1.0), (1.0, 0.0), (2.0, -0.5), (0.9, 0.5), (0.8, -0.2)]
    points += [(rng.uniform(0, 2), rng.choice([-1, 1]) * rng.uniform(0, 1)) for _ in range(30)]
    cases = []
    for _ in range(80):
        a, b = rng.choice(points), rng.choice(points)
        c = rng.choice([None, rng.choice(points)])
        before, after = Step(0.0, *a), Step(0.0, *b)
        earlier = None if c is None else Step(0.0, *c)
        kind = step_kind(before, after, earlier)
        cases.append([list(a), list(b), None if c is None else list(c), kind])
    return cases


def fixtures() -> str:
    text = json.dumps(
        {
            "numbers": numbers(),
            "graphs": graphs(),
            "optimizers": {name: optimizer_options(name) for name in OPTIMIZERS},
            "optim": optimizer_cases(),
            "step_kinds": step_kinds(),
            "step_words": STEP_WORDS,
        },
        ensure_ascii=False,
        allow_nan=False,
        indent=1,
    )
    return text + "\n"


SEEDS = [0, 1, -1, 42, 2**32 - 1, 2**32, -(2**32) - 1, 2**53 + 7, -(2**64) - 3, 10**30, 2**200 + 12345]


def streams() -> list[dict[str, Any]]:
    out = []
    for seed in SEEDS:
        rng = random.Random(seed)
        words = [rng.getrandbits(32) for _ in range(8)]
        rng = random.Random(seed)
        values = [rng.random() for _ in range(3000)]
        out.append({"seed": str(seed), "uint32": words, "first": values[:16], "every97": values[::97]})
    return out


def _call(rng: random.Random, method: str, *args: Any) -> list[Any]:
    """[method, args, result]; shuffle's argument is a length (it shuffles list(range(length)))."""
    if method == "shuffle":
        items = list(range(args[0]))
        rng.shuffle(items)
        return [method, list(args), items]
    if method == "seed":
        rng.seed(int(args[0]))
        return [method, list(args), None]
    return [method, list(args), getattr(rng, method)(*args)]


def calls() -> list[dict[str, Any]]:
    script: list[tuple[Any, ...]] = [("gauss", 0.0, 1.0)] * 5 + [("random",), ("gauss", 2.5, 0.3)]
    script += [("gauss", -1.0, 2.0), ("uniform", -3.0, 4.0), ("gauss", 0.0, 0.0)] * 3
    script += [("getrandbits", k) for k in (0, 1, 2, 5, 17, 31, 32, 33, 40, 53)] * 2
    below = (1, 2, 3, 7, 10, 100, 1000, 2**31, 2**32 - 1, 2**32 + 1, 10**15, 2**53 - 1)
    script += [("randrange", n) for n in below] * 2 + [("randrange", -7, 13)] * 5
    script += [("randint", -5, 5)] * 10 + [("gauss", 1.0, 1.0), ("seed", "3"), ("gauss", 1.0, 1.0)]
    script += [("shuffle", length) for length in (0, 1, 2, 3, 10, 250)] + [("random",), ("gauss", 0.0, 1.0)]
    out = []
    for seed in [0, -7, 2**40, 10**30]:
        rng = random.Random(seed)
        out.append({"seed": str(seed), "calls": [_call(rng, *call) for call in script]})
    return out


def datasets() -> list[dict[str, Any]]:
    configs = [(100, None, 0), (7, None, 1), (2, 0.0, 3), (250, 0.3, -12), (64, 1.5, 2**33 + 1)]
    configs.append((40, 0, 10**20))
    out = []
    for name in DATASETS:
        for n, noise, seed in configs:
            d = make_dataset(name, n, noise=noise, seed=seed)
            case = {"name": name, "n": n, "noise": noise, "seed": str(seed), "task": d.task, "nout": d.nout}
            out.append({**case, "xs": d.xs, "ys": d.ys})
    for centers, seed in ((2, 5), (5, 6), (7, -8)):
        d = blobs(61, 0.25, seed, centers=centers)
        case = {"name": "blobs", "n": 61, "noise": 0.25, "seed": str(seed), "task": d.task, "nout": d.nout}
        case["centers"] = centers
        out.append({**case, "xs": d.xs, "ys": d.ys})
    return out


def dataset_errors() -> list[list[Any]]:
    """[name, n, noise, message]: what make_dataset says (noise "nan" stands for NaN)."""
    cases: list[tuple[str, int, float | None]] = [("moons", 1, None), ("xor", 0, None), ("circles", 1, 0.1)]
    cases += [("spiral", 100_001, None), ("moons", 10, -0.1), ("blobs", 10, math.nan)]
    cases += [("regression", 10, 100.5), ("spirals", 10, None), ("blobs", 0, -1.0)]
    out = []
    for name, n, noise in cases:
        try:
            make_dataset(name, n, noise=noise)
        except ValueError as error:
            out.append([name, n, _number(noise) if noise is not None else None, str(error)])
        else:
            raise AssertionError(f"make_dataset{(name, n, noise)} did not fail")
    return out


def models() -> list[dict[str, Any]]:
    architectures: list[tuple[int, list[int], str, str | None, bool]] = [
        (2, [1], "tanh", None, True),
        (2, [16, 1], "tanh", "linear", True),
        (1, [4, 4, 1], "relu", "linear", True),
        (2, [8, 8, 8, 3], "sigmoid", None, False),
        (12, [10, 2], "tanh", "linear", True),
        (3, [2], "linear", None, True),
        (2, [8, 8, 8, 8, 8, 8, 1], "tanh", "linear", True),
    ]
    out = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.json"
        for nin, nouts, activation, output_activation, bias in architectures:
            for seed in (0, -5, 2**40 + 3):
                MLP(nin, nouts, activation, output_activation, bias, seed=seed).save(path)
                out.append({"seed": str(seed), "file": json.loads(path.read_text(encoding="utf-8"))})
    return out


def random_fixtures() -> str:
    """tests/js/pyrandom_fixtures.json's text: each section's cases one per line."""
    sections: dict[str, list[Any]] = {
        "streams": streams(),
        "calls": calls(),
        "datasets": datasets(),
        "dataset_errors": dataset_errors(),
        "models": models(),
    }
    parts = []
    for key, items in sections.items():
        body = ",\n".join(json.dumps(item, ensure_ascii=False, allow_nan=False) for item in items)
        parts.append(f"{json.dumps(key)}: [\n{body}\n]")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the file is current")
    args = parser.parse_args(argv)
    stale = 0
    for target, text in ((TARGET, fixtures()), (RANDOM_TARGET, random_fixtures())):
        if args.check:
            current = target.exists() and target.read_text(encoding="utf-8") == text
            if not current:
                print(f"{target} is stale: run python tools/page_fixtures.py", file=sys.stderr)
                stale = 1
            continue
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return stale


if __name__ == "__main__":
    sys.exit(main())
