"""The oracles the tests share: independent of the engine, written once.

- `post_numbers(params)`: every number of the post's worked example, from the post's formulas in
  plain floats (tanh² written t*t, as the tanh rule computes 1 − out·out: libm's pow(t, 2) is not
  always correctly rounded, t*t is; the loss (ŷ − y)² written **2, as the engine and the post do).
- `POST_WEIGHTS`: the project's documented default weights, typed again here on purpose.
- `derivative` / `partials`: five-point central differences.
- `programs()`: random expression graphs (hypothesis) with a plain-float reference interpreter,
  `run_reference`, beside `run_engine`, the same program on Values.
- `run_cli(*argv)`: the `micrograd-like` command in this process: (exit code, stdout, stderr).
- `load_script(name)`: a benchmark script (benchmarks/NAME.py, not a package) as a module.
"""

from __future__ import annotations

import importlib.util
import io
import math
import sys
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from hypothesis import strategies as st

from micrograd_like import Value, cli

POST_WEIGHTS: dict[str, float] = {
    "w[1]11": 0.25,
    "w[1]12": -0.40,
    "w[1]21": 0.60,
    "w[1]22": 0.10,
    "w[2]11": -0.70,
    "w[2]12": 0.35,
}
WEIGHTS = tuple(POST_WEIGHTS)


def post_numbers(p: dict[str, float]) -> dict[str, float]:
    """Every number of the worked example, from the post's formulas in plain floats."""
    x1, x2, y, lr = p["x1"], p["x2"], p["y"], p["lr"]
    n: dict[str, float] = {}
    n["s[1]1"] = p["w[1]11"] * x1 + p["w[1]12"] * x2
    n["s[1]2"] = p["w[1]21"] * x1 + p["w[1]22"] * x2
    n["z[1]1"] = math.tanh(n["s[1]1"])
    n["z[1]2"] = math.tanh(n["s[1]2"])
    n["s[2]"] = p["w[2]11"] * n["z[1]1"] + p["w[2]12"] * n["z[1]2"]
    n["z[2]"] = yhat = math.tanh(n["s[2]"])
    n["L"] = (yhat - y) ** 2
    n["dL/dz[2]"] = 2 * (yhat - y)
    n["dz[2]/ds[2]"] = 1 - yhat * yhat  # 1 − tanh²(s[2])
    n["dL/ds[2]"] = n["dL/dz[2]"] * n["dz[2]/ds[2]"]
    n["dL/dw[2]11"] = n["dL/ds[2]"] * n["z[1]1"]  # ds[2]/dw[2]11 = z[1]1
    n["dL/dw[2]12"] = n["dL/ds[2]"] * n["z[1]2"]  # ds[2]/dw[2]12 = z[1]2
    for j in (1, 2):
        z = n[f"z[1]{j}"]
        n[f"dL/dz[1]{j}"] = n["dL/ds[2]"] * p[f"w[2]1{j}"]  # ds[2]/dz[1]j = w[2]1j
        n[f"dL/ds[1]{j}"] = n[f"dL/dz[1]{j}"] * (1 - z * z)  # dz/ds = 1 − tanh²(s)
        n[f"dL/dw[1]{j}1"] = n[f"dL/ds[1]{j}"] * x1  # ds[1]j/dw[1]j1 = x1
        n[f"dL/dw[1]{j}2"] = n[f"dL/ds[1]{j}"] * x2
    for w in WEIGHTS:
        n[f"new {w}"] = p[w] - lr * n[f"dL/d{w}"]
    new = {**p, **{w: n[f"new {w}"] for w in WEIGHTS}}
    a1 = math.tanh(new["w[1]11"] * x1 + new["w[1]12"] * x2)
    a2 = math.tanh(new["w[1]21"] * x1 + new["w[1]22"] * x2)
    n["L after"] = (math.tanh(new["w[2]11"] * a1 + new["w[2]12"] * a2) - y) ** 2
    return n


def derivative(f: Callable[[float], float], x: float) -> float:
    """Five-point central difference: error O(h⁴) plus rounding O(eps·|f|/h)."""
    h = 1e-4 * max(abs(x), 0.1)
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


def partials(f: Callable[..., float], point: Sequence[float]) -> list[float]:
    """d f / d point[k] for each k, by finite differences."""
    out = []
    for k in range(len(point)):

        def along_k(t: float, k: int = k) -> float:
            return f(*[t if j == k else v for j, v in enumerate(point)])

        out.append(derivative(along_k, point[k]))
    return out


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
    "zeroth": (lambda a, b, c: a**0, lambda a, b, c: a**0, lambda a, b, c: abs(a) >= 0.25),
    "first": (lambda a, b, c: a**1, lambda a, b, c: a**1, lambda a, b, c: True),
    "pow1.5": (lambda a, b, c: a**1.5, lambda a, b, c: a**1.5, lambda a, b, c: a >= 0.25),
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


def choose_op(op: str, a: float, b: float, c: float, *, margins: bool = True) -> str:
    """`op` if it may run on these operands, else FALLBACK. margins=True: only where the op is safely
    defined (a margin from its domain's edges, its value within ±LIMIT), so finite differences stay
    accurate; margins=False: wherever the engine computes it within ±LIMIT, edges included."""
    reference, engine, defined = OPS[op]
    if margins:
        return op if defined(a, b, c) and abs(reference(a, b, c)) <= LIMIT else FALLBACK
    try:
        out = engine(Value(a), Value(b), c).data
    except (ArithmeticError, ValueError):
        return FALLBACK
    return op if abs(out) <= LIMIT else FALLBACK


@st.composite
def programs(draw: st.DrawFn, *, margins: bool = True, min_ops: int = 3, max_ops: int = 25) -> Program:
    """A random straight-line program over 1-4 inputs: every op, shared subgraphs, constants on
    either side; the root adds up every node nothing else used, so every node lies below it.

    Each op is chosen on the program's own inputs (`choose_op`): with margins=False an op may sit
    at the edge of its domain, so the same program on other inputs can fail there (a test that
    needs failures: the compiler must fail as the engine does).
    """
    inputs = tuple(draw(st.lists(st.floats(-2, 2), min_size=1, max_size=4)))
    number = st.floats(0.25, 3) | st.floats(-3, -0.25)
    raw = draw(
        st.lists(
            st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 63), st.integers(0, 63), number),
            min_size=min_ops,
            max_size=max_ops,
        )
    )
    values = list(inputs)
    code = []
    for op, i, j, c in raw:
        n = len(values)
        # operands anywhere among the earlier nodes, recent ones a little more often
        i, j = n - 1 - (i % n), n - 1 - (j % n)
        op = choose_op(op, values[i], values[j], c, margins=margins)
        code.append(Instr(op, i, j, c))
        values.append(OPS[op][1](Value(values[i]), Value(values[j]), c).data)  # the engine's float
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


def run_cli(*argv: str) -> tuple[int, str, str]:
    """`micrograd-like ARGV` in this process: (exit code, stdout, stderr); argparse's exits included."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(list(argv))
        except SystemExit as stop:
            code = int(stop.code or 0)
    return code, out.getvalue(), err.getvalue()


def load_script(name: str) -> ModuleType:
    """benchmarks/NAME.py loaded as the module NAME (it is a script, not part of the package)."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"{path} is missing"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module
