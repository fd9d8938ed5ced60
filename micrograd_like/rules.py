"""One derivative rule per operation: its forward value, its local derivatives, its formula text.

Everything that computes or teaches a derivative reads these rules: `backward()` applies the local
derivatives, the step trace and `explain` print them, the graph labels its edges with them and
`gradcheck` tests them against finite differences. A rule is a value, so a new op is one table entry.

    >>> MUL.forward(3.0, 4.0), MUL.local(12.0, 3.0, 4.0), MUL.formulas
    (12.0, (4.0, 3.0), ('d(a*b)/da = b', 'd(a*b)/db = a'))
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Rule:
    """How one op computes its output and d(output)/d(input) for each input, in plain floats."""

    name: str  # "mul": what `Value.op` reports
    symbol: str  # "*": what graphs draw on the op node
    forward: Callable[..., float]  # input values -> output value (raises on bad math)
    local: Callable[..., tuple[float, ...]]  # (output, *input values) -> one local derivative per input
    formulas: tuple[str, ...]  # one human formula per input, e.g. "d(a*b)/da = b"


@dataclass(frozen=True, slots=True)
class LeafKind:
    """Marks a node no op produced: something the user made, a wrapped number, or a model weight."""

    name: str  # "input", "constant" or "parameter"


INPUT = LeafKind("input")  # Value(3.0): a leaf the user made
CONSTANT = LeafKind("constant")  # the 2 in `x * 2`, wrapped so it can sit in the graph
PARAMETER = LeafKind("parameter")  # a weight or bias owned by a module; optimizers update it
LEAF_KINDS = {kind.name: kind for kind in (INPUT, CONSTANT, PARAMETER)}


# --- arithmetic ---------------------------------------------------------------------------------

ADD = Rule(
    "add",
    "+",
    forward=operator.add,  # two-input results are checked for overflow where nodes are made
    local=lambda out, a, b: (1.0, 1.0),  # d(a+b)/da = 1, d(a+b)/db = 1
    formulas=("d(a+b)/da = 1", "d(a+b)/db = 1"),
)

SUB = Rule(
    "sub",
    "-",
    forward=operator.sub,
    local=lambda out, a, b: (1.0, -1.0),
    formulas=("d(a-b)/da = 1", "d(a-b)/db = -1"),
)

MUL = Rule(
    "mul",
    "*",
    forward=operator.mul,
    local=lambda out, a, b: (b, a),
    formulas=("d(a*b)/da = b", "d(a*b)/db = a"),
)


def _div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"div: {a!r} / {b!r} divides by zero")
    return a / b


DIV = Rule(
    "div",
    "/",
    forward=_div,
    local=lambda out, a, b: (1.0 / b, -out / b),  # d(a/b)/db = -a/b² = -out/b
    formulas=("d(a/b)/da = 1/b", "d(a/b)/db = -a/b²"),
)

NEG = Rule(
    "neg",
    "-",
    forward=lambda a: -a,
    local=lambda out, a: (-1.0,),
    formulas=("d(-a)/da = -1",),
)


# --- powers ---------------------------------------------------------------------------------------


def _check_power(op: str, base: float, exponent: float) -> float:
    """base ** exponent over the reals, or an error naming the op and both numbers."""
    if base == 0.0 and exponent < 0.0:
        raise ZeroDivisionError(f"{op}: 0.0 ** {exponent!r} divides by zero")
    if base < 0.0 and not float(exponent).is_integer():
        raise ValueError(
            f"{op}: {base!r} ** {exponent!r} is not a real number "
            "(a negative base needs a whole-number exponent)"
        )
    try:
        result = float(base**exponent)
    except OverflowError:
        result = math.inf
    if math.isinf(result):
        raise OverflowError(f"{op}: {base!r} ** {exponent!r} overflows a float; scale the inputs down")
    return result


@lru_cache(maxsize=256)
def power(exponent: float) -> Rule:
    """The rule for `x ** n` with a fixed number n (one cached rule per exponent)."""
    n = exponent
    shown = f"{n:g}"

    def local(out: float, a: float) -> tuple[float, ...]:
        if n == 0.0:
            return (0.0,)  # x**0 is the constant 1 (0.0 ** -1.0 below would raise at x = 0)
        if a == 0.0 and n < 1.0:
            raise ZeroDivisionError(f"pow: d(x**{shown})/dx is infinite at x = 0.0")
        return (n * a ** (n - 1.0),)  # d(a**n)/da = n·a^(n-1)

    return Rule(
        "pow",
        f"**{shown}",
        forward=lambda a: _check_power("pow", a, n),
        local=local,
        formulas=(f"d(a**{shown})/da = {shown}·a**{n - 1:g}",),
    )


def _pow_value(a: float, b: float) -> float:
    if a <= 0.0:
        raise ValueError(
            f"pow: base {a!r} ** a Value exponent: d/d(exponent) = out·log(base) needs a base > 0 "
            "(use a plain-number exponent for a base <= 0)"
        )
    return _check_power("pow", a, b)


POW = Rule(
    "pow",
    "**",
    forward=_pow_value,
    local=lambda out, a, b: (b * a ** (b - 1.0), out * math.log(a)),
    formulas=("d(a**b)/da = b·a**(b-1)", "d(a**b)/db = a**b·log(a)"),
)


# --- functions ------------------------------------------------------------------------------------


def _exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(f"exp({a!r}) overflows a float (the largest input is about 709.78)") from None


EXP = Rule(
    "exp",
    "exp",
    forward=_exp,
    local=lambda out, a: (out,),  # d(e^a)/da = e^a
    formulas=("d(exp a)/da = exp a",),
)


def _log(a: float) -> float:
    if a <= 0.0:
        raise ValueError(f"log({a!r}) is undefined: log needs an input > 0")
    return math.log(a)


LOG = Rule(
    "log",
    "log",
    forward=_log,
    local=lambda out, a: (1.0 / a,),
    formulas=("d(log a)/da = 1/a",),
)

TANH = Rule(
    "tanh",
    "tanh",
    forward=math.tanh,
    local=lambda out, a: (1.0 - out * out,),  # d(tanh a)/da = 1 - tanh²(a)
    formulas=("d(tanh a)/da = 1 - tanh²(a)",),
)


def _sigmoid(a: float) -> float:
    # 1/(1+e^-a), written so neither branch can overflow
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


SIGMOID = Rule(
    "sigmoid",
    "σ",
    forward=_sigmoid,
    local=lambda out, a: (out * (1.0 - out),),  # σ'(a) = σ(a)(1 - σ(a))
    formulas=("d(σ(a))/da = σ(a)·(1 - σ(a))",),
)

RELU = Rule(
    "relu",
    "relu",
    forward=lambda a: a if a > 0.0 else 0.0,
    local=lambda out, a: (1.0 if a > 0.0 else 0.0,),
    formulas=("d(relu a)/da = 1 if a > 0 else 0",),
)

RULES: dict[str, Rule] = {
    rule.name: rule for rule in (ADD, SUB, MUL, DIV, NEG, POW, EXP, LOG, TANH, SIGMOID, RELU)
}
