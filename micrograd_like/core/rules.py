"""One derivative rule per operation, written once: its forward math, its local derivatives, its checks.

Each rule holds its math as text in a tiny expression language (`mathexpr`): the forward value
over the inputs `a`, `b`, and one local derivative d(out)/d(input) per input over `a`, `b` and the
output `out`. From that one description come the checked Python functions (made once, at import), the
lines of a compiled graph, the page's JavaScript, the formula a learner reads and the engine ops
that differentiate a derivative again; `tools/generate_operators.py` writes `Value`'s operator
methods from it into `operators.py`. Domain checks (log of a number <= 0, division by zero) are
conditions in the same language with the error each one raises, so every rendering applies them.

    >>> MUL.forward(3.0, 4.0), MUL.local(12.0, 3.0, 4.0), MUL.formulas
    (12.0, (4.0, 3.0), ('d(a·b)/da = b', 'd(a·b)/db = a'))
    >>> TANH.local_text(0, a="s[2]", out="z[2]")
    '1 - z[2]²'
    >>> DIV.python_local(1, a="x", b="y", out="q")
    '-q / y'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NoReturn

from . import mathexpr
from .mathexpr import Expr


@dataclass(frozen=True, slots=True)
class Check:
    """A condition an op's inputs must meet, and the error that says so when they do not."""

    holds: str  # in the rule language, over the inputs: "b != 0"
    error: type[Exception]
    message: str  # with {a}, {b} standing for the inputs' repr: "div: {a} / {b} divides by zero"
    expr: Expr = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "expr", mathexpr.parse(self.holds, frozenset({"a", "b"})))

    def failure(self, *inputs: float) -> Exception:
        return self.error(self.message.format(**_reprs(inputs)))


def _reprs(inputs: tuple[float, ...]) -> dict[str, str]:
    return dict(zip(("a", "b"), map(repr, inputs)))


class Rule:
    """How one op computes its output and d(output)/d(input) for each input.

    Built from text; everything else is derived: `forward(*inputs)` (checked: raises the op's own
    clear errors), `local(out, *inputs)` (one float per input), `formulas` (one text per input),
    and renderings for generated code. Two rules are equal (and hash alike) when they are built from
    the same description (name, symbol, formulas, checks, messages): rules that compute the same
    thing from different text are not equal. A registered rule unpickles as the registry's own
    object.
    """

    __slots__ = (
        "_hash",
        "_key",
        "checks",
        "display",
        "forward",
        "forward_expr",
        "forward_text",
        "formulas",
        "inputs",
        "level",
        "local",
        "local_exprs",
        "local_texts",
        "name",
        "overflow",
        "param",
        "symbol",
        "backward_local",
        "fixed",
    )

    name: str
    symbol: str
    inputs: tuple[str, ...]
    forward_text: str
    local_texts: tuple[str, ...]
    checks: tuple[Check, ...]
    overflow: str
    display: str
    level: int  # how tightly its display binds, for parentheses (see _binding)
    param: float | None
    forward_expr: Expr
    local_exprs: tuple[Expr, ...]
    forward: Callable[..., float]
    local: Callable[..., tuple[float, ...]]
    backward_local: Callable[..., Any]  # `local` as the backward loops take it: a float, or a pair
    fixed: tuple[float, ...] | None  # the local derivatives when no input changes them (add, sub, neg)
    formulas: tuple[str, ...]
    _key: tuple[Any, ...]  # the description everything else is derived from: what equality compares
    _hash: int  # hash(_key), kept: code generation looks rules up once per node

    def __init__(
        self,
        name: str,
        symbol: str,
        *,
        forward: str,
        local: tuple[str, ...],
        checks: tuple[Check, ...] = (),
        overflow: str = "",
        display: str = "",
        param: float | None = None,
    ) -> None:
        """`name` is what `Value.op` reports; `symbol` what pictures draw on the op node;
        `display` how the op reads applied to its inputs ("tanh({a})", "{a}·{b}"; default: the
        forward formula); `overflow` the message when the result is not a finite float."""
        inputs = ("a",) if len(local) == 1 else ("a", "b")
        set_ = object.__setattr__
        set_(self, "name", name)
        set_(self, "symbol", symbol)
        set_(self, "inputs", inputs)
        set_(self, "forward_text", forward)
        set_(self, "local_texts", tuple(local))
        set_(self, "checks", tuple(checks))
        set_(self, "param", param)
        forward_expr = mathexpr.parse(forward, frozenset(inputs))
        set_(self, "forward_expr", forward_expr)
        set_(self, "local_exprs", tuple(mathexpr.parse(t, frozenset({*inputs, "out"})) for t in local))
        args = ", ".join("{%s}" % x for x in inputs)  # noqa: UP031 (building a template of templates)
        set_(self, "overflow", overflow or f"{name}({args}) = {{out}}: the result is not a finite float")
        set_(self, "display", display or mathexpr.to_text(forward_expr, {x: "{%s}" % x for x in inputs}))  # noqa: UP031
        key = (name, symbol, forward, tuple(local), tuple(checks), self.overflow, self.display, param)
        set_(self, "_key", key)
        set_(self, "_hash", hash(key))
        set_(self, "level", self._binding())
        out = self.show(*inputs)
        left = f"d{out}" if re.fullmatch(r"[A-Za-z_]\w*", out, re.ASCII) else f"d({out})"
        set_(self, "formulas", tuple(f"{left}/d{x} = {self.local_text(k)}" for k, x in enumerate(inputs)))
        set_(self, "forward", _compile(forward_function(self), self))
        locals_ = ", ".join(self.python_local(k) for k in range(len(local)))
        arguments = ", ".join(("out", *inputs))
        set_(self, "local", _compile(f"lambda {arguments}: ({locals_},)", self))
        # the backward loop's form: one float for a one-input op, a pair for a two-input op
        set_(self, "backward_local", _compile(f"lambda {arguments}: ({locals_})", self))
        constant = not any(mathexpr.names_in(e) for e in self.local_exprs)
        set_(self, "fixed", self.local(0.0, *(0.0 for _ in inputs)) if constant else None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Rule is immutable (tried to set {name!r})")

    # --- renderings -------------------------------------------------------------------------------

    def _binding(self) -> int:
        """How tightly the op's display binds (`level`): 2 for + and -, 3 for · and /, 4 for
        unary -, 5 for powers, 6 for a function call such as tanh(a)."""
        if re.fullmatch(r"\w+\(\{a\}\)", self.display):
            return 6
        return 5 if "**" in self.display or "²" in self.display else mathexpr.binding_level(self.forward_expr)

    def show(self, *names: str, levels: tuple[int, ...] | None = None) -> str:
        """The op applied to named inputs, as a person writes it: show("x", "y") of MUL is "x·y".

        A compound name is parenthesised where precedence needs it; `levels` gives each name's
        own `level` (default: 6 for a single word, else 0, i.e. always parenthesised).
        """
        own = self.level
        if own < 6:  # a call such as tanh(a) brackets its inputs itself
            if levels is None:
                levels = tuple(6 if mathexpr.is_word(n) else 0 for n in names)
            # a - (b - c), a / (b·c) and (a**b)**c need parentheses at equal precedence too
            tight = (own == 5, own in (2, 3))  # for the first input, for the second
            names = tuple(
                f"({name})" if level < own or (level == own and tight[k]) else name
                for k, (name, level) in enumerate(zip(names, levels))
            )
        return self.display.format_map(dict(zip(self.inputs, names)))

    def local_text(self, k: int, **names: str) -> str:
        """The k-th local derivative as a formula; `out` reads as the op applied to the inputs.

        Names may replace `a`, `b` and `out`: TANH.local_text(0, out="z[2]") is "1 - z[2]²".
        """
        named = {x: names.get(x, x) for x in self.inputs}
        named["out"] = names.get("out") or self.show(*(named[x] for x in self.inputs))
        words = tuple(mathexpr.is_word(named[x]) for x in (*self.inputs, "out"))
        return local_text_template(self, k, words).format_map(named)

    def python_forward(self, **names: str) -> str:
        """The forward value as a Python expression (unchecked: see `forward_function`)."""
        return mathexpr.to_python(self.forward_expr, names)

    def python_local(self, k: int, **names: str) -> str:
        """The k-th local derivative as a Python expression over `out` and the inputs."""
        return mathexpr.to_python(self.local_exprs[k], names)

    def js_forward(self, **names: str) -> str:
        return mathexpr.to_js(self.forward_expr, names)

    def js_local(self, k: int, **names: str) -> str:
        return mathexpr.to_js(self.local_exprs[k], names)

    def evaluate_local(
        self,
        k: int,
        env: Mapping[str, Any],
        functions: Mapping[str, Callable[[Any], Any]],
        number: Callable[[float], Any],
        truth: Callable[[Any], float],
    ) -> Any:
        """The k-th local derivative computed over any arithmetic values (e.g. engine Values)."""
        return mathexpr.evaluate(self.local_exprs[k], env, functions, number, truth)

    def local_evaluator(
        self,
        k: int,
        functions: Mapping[str, Callable[[Any], Any]],
        number: Callable[[float], Any],
        truth: Callable[[Any], float],
    ) -> mathexpr.Evaluator:
        """`evaluate_local(k, env, ...)` as a function of `env`, made once (higher.grad calls it on
        every edge)."""
        return mathexpr.evaluator(self.local_exprs[k], functions, number, truth)

    # --- identity ---------------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Rule) and self._key == other._key)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"<Rule {self.name} {self.symbol}: {'; '.join(self.formulas)}>"

    def __reduce__(self) -> tuple[Any, ...]:
        # A rule pickles as where to find it again: the registry's own object comes back.
        if RULES.get(self.name) is self:
            return (_registered, (self.name,))
        if self.param is not None and power(self.param) is self:
            return (power, (self.param,))
        options = {
            "checks": self.checks,
            "overflow": self.overflow,
            "display": self.display,
            "param": self.param,
        }
        return (_rebuild, (self.name, self.symbol, self.forward_text, self.local_texts, options))


@lru_cache(maxsize=1024)
def local_text_template(rule: Rule, k: int, words: tuple[bool, ...]) -> str:
    """`rule.local_text(k)` with `{a}`, `{b}`, `{out}` where the names go, for names of which
    `words` says whether each (a, b, out) is one word (`mathexpr.is_word`): `to_text` brackets a
    name by that alone, so a graph's formulas are filled in from one rendering per rule and shape."""
    slots = (*rule.inputs, "out")
    # stand-ins the formula's own text cannot contain; a trailing space makes one not a word
    stand_ins = {x: f"\x01{x}\x02" + ("" if word else " ") for x, word in zip(slots, words)}
    text = mathexpr.to_text(rule.local_exprs[k], stand_ins).replace("{", "{{").replace("}", "}}")
    for x in slots:
        text = text.replace(stand_ins[x], "{%s}" % x)  # noqa: UP031 (a template of a template)
    return text


def _registered(name: str) -> Rule:
    return RULES[name]


def _rebuild(name: str, symbol: str, forward: str, local: tuple[str, ...], options: dict[str, Any]) -> Rule:
    return Rule(name, symbol, forward=forward, local=local, **options)


def fail_not_finite(rule: Rule, inputs: tuple[float, ...], out: float) -> OverflowError:
    """The error for an op whose result is inf or nan: the rule's own words, with the numbers."""
    return OverflowError(rule.overflow.format(out=repr(out), **_reprs(inputs)))


def computing_lines(rule: Rule, result: str = "data", *, rule_name: str = "_RULE", **names: str) -> list[str]:
    """Python lines that compute the checked forward value into `result`.

    The inputs are read from the variables `names` gives (default `a`, `b`) and the rule itself
    from the variable `rule_name`; a failed check raises the rule's error, and a result that is not
    a finite float raises its overflow error. The engine's operator methods (the generated
    `operators.py`) and `Rule.forward` are made from these same lines.
    """
    inputs = [names.get(x, x) for x in rule.inputs]
    as_tuple = f"({inputs[0]},)" if len(inputs) == 1 else f"({', '.join(inputs)})"
    lines = []
    for i, check in enumerate(rule.checks):
        condition = mathexpr.to_python(check.expr, names)
        lines.append(f"if not ({condition}):")
        lines.append(f"    raise {rule_name}.checks[{i}].failure({', '.join(inputs)})")
    lines += [
        "try:",
        f"    {result} = {rule.python_forward(**names)}",
        "except OverflowError:",  # exp and ** raise where the float would be inf
        f"    {result} = _inf",
        f"if {result} - {result}:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0",
        f"    raise _fail_not_finite({rule_name}, {as_tuple}, {result})",
    ]
    return lines


def forward_function(rule: Rule) -> str:
    body = "\n".join("    " + line for line in [*computing_lines(rule), "return data"])
    return f"def forward({', '.join(rule.inputs)}):\n{body}"


def namespace(rule: Rule) -> dict[str, Any]:
    """What code made by `computing_lines` and the local renderings needs to run."""
    return {"math": math, "_RULE": rule, "_inf": math.inf, "_fail_not_finite": fail_not_finite}


def _compile(source: str, rule: Rule) -> Callable[..., Any]:
    scope = namespace(rule)
    if source.startswith("def "):
        exec(compile(source, f"<rule {rule.name}>", "exec"), scope)
        return scope["forward"]
    return eval(compile(source, f"<rule {rule.name}>", "eval"), scope)


@dataclass(frozen=True, slots=True)
class LeafKind:
    """Marks a node no op produced: something the user made, a wrapped number, or a model weight."""

    name: str  # "input", "constant" or "parameter"

    # What the backward loops read from a node's op (`_op`), so that a Rule or a LeafKind types
    # alike there; the loops skip a leaf before reading either: a leaf has no local derivatives.
    @property
    def fixed(self) -> None:
        return None

    def backward_local(self, *values: float) -> NoReturn:
        raise TypeError(f"a leaf ({self.name}) has no inputs, so no local derivatives")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_leaf_kind, (self.name,))


def _leaf_kind(name: str) -> LeafKind:
    return LEAF_KINDS[name]


INPUT = LeafKind("input")  # Value(3.0): a leaf the user made
CONSTANT = LeafKind("constant")  # the 2 in `x * 2`, wrapped so it can sit in the graph
PARAMETER = LeafKind("parameter")  # a weight or bias owned by a module; optimizers update it
LEAF_KINDS = {kind.name: kind for kind in (INPUT, CONSTANT, PARAMETER)}


# --- the table ------------------------------------------------------------------------------------

ADD = Rule("add", "+", forward="a + b", local=("1", "1"), display="{a}+{b}")
SUB = Rule("sub", "-", forward="a - b", local=("1", "-1"), display="{a}-{b}")
MUL = Rule("mul", "*", forward="a * b", local=("b", "a"))
DIV = Rule(
    "div",
    "/",
    forward="a / b",
    local=("1 / b", "-out / b"),  # d(a/b)/db = -a/b² = -out/b, without squaring a tiny b to 0
    checks=(Check("b != 0", ZeroDivisionError, "div: {a} / {b} divides by zero"),),
)
NEG = Rule("neg", "-", forward="-a", local=("-1",))
POW = Rule(
    "pow",
    "**",
    forward="a ** b",
    local=("b * a ** (b - 1)", "out * log(a)"),
    checks=(
        Check(
            "a > 0",
            ValueError,
            "pow: base {a} ** a Value exponent: d/d(exponent) = out·log(base) needs a base > 0 "
            "(use a plain-number exponent for a base <= 0)",
        ),
    ),
    overflow="pow: {a} ** {b} overflows a float; scale the inputs down",
    display="{a}**{b}",
)
EXP = Rule(
    "exp",
    "exp",
    forward="exp(a)",
    local=("out",),  # d(e^a)/da = e^a
    overflow="exp({a}) overflows a float (the largest input is about 709.78)",
)
LOG = Rule(
    "log",
    "log",
    forward="log(a)",
    local=("1 / a",),
    checks=(Check("a > 0", ValueError, "log({a}) is undefined: log needs an input > 0"),),
)
TANH = Rule("tanh", "tanh", forward="tanh(a)", local=("1 - out * out",))  # 1 - tanh²(a)
SIGMOID = Rule(
    "sigmoid",
    "σ",
    forward="1 / (1 + exp(-a)) if a >= 0 else exp(a) / (1 + exp(a))",  # neither branch can overflow
    local=("out * (1 - out)",),  # σ'(a) = σ(a)(1 - σ(a))
    display="σ({a})",
)
RELU = Rule(
    "relu",
    "relu",
    forward="a if a > 0 else 0",
    local=("1 if a > 0 else 0",),
    display="relu({a})",
)

RULES: dict[str, Rule] = {
    rule.name: rule for rule in (ADD, SUB, MUL, DIV, NEG, POW, EXP, LOG, TANH, SIGMOID, RELU)
}


@lru_cache(maxsize=256)
def power(exponent: float) -> Rule:
    """The rule for `x ** n` with a fixed number n (one cached rule per exponent)."""
    n = float(exponent)
    if not math.isfinite(n):
        raise ValueError(f"pow: the exponent must be a finite number, got {n!r}")
    shown = mathexpr.number_text(n)
    checks = []
    if n < 0:
        checks.append(Check("a != 0", ZeroDivisionError, f"pow: {{a}} ** {shown} divides by zero"))
    if not n.is_integer():
        message = (
            f"pow: {{a}} ** {shown} is not a real number (a negative base needs a whole-number exponent)"
        )
        checks.append(Check("a >= 0", ValueError, message))
    if n == 0:
        local = "0"  # x**0 is the constant 1
    elif n == 1:
        local = "1"
    elif n == 2:
        local = "2 * a"  # n·a^(n-1) with a**1 = a: the same float, and reads as 2a
    else:
        local = f"{n!r} * a ** {n - 1.0!r}"  # d(a**n)/da = n·a^(n-1)
    return Rule(
        "pow",
        f"**{shown}",
        forward=f"a ** {n!r}",
        local=(local,),
        checks=tuple(checks),
        overflow=f"pow: {{a}} ** {shown} overflows a float; scale the inputs down",
        param=n,
    )
