"""Write micrograd_like/core/operators.py: `Value`'s operator methods, written out from the rule table.

    python tools/generate_operators.py           # (re)write micrograd_like/core/operators.py (make generate)
    python tools/generate_operators.py --check   # exit 1 if the file is not what the rules give

Each method is one rule of `micrograd_like/core/rules.py` made concrete: its domain checks, its forward
formula and the overflow check (the lines `rules.computing_lines` gives, the same lines `Rule.forward`
runs), then the new node recording its parents and its rule. Its docstring is the rule's forward
formula and local derivatives. Written out as a real module, they are what `inspect.getsource`,
pdb, tracebacks, coverage and editors show.

A new op is one `Rule` in `rules.RULES`: a one-input rule becomes a method named after it
(`x.sin()`), a two-input rule a method taking the other operand (`x.atan2(y)`); `OPERATORS` below
says which rules Python's operator symbols use. Then rerun this script.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "micrograd_like" not in sys.modules:
    # Read the rule table without running the package's __init__, which imports the engine and so
    # the very file this script writes: it must work when that file is missing or out of date.
    _package = importlib.util.module_from_spec(ModuleSpec("micrograd_like", None, is_package=True))
    _package.__path__ = [str(ROOT / "micrograd_like")]
    sys.modules["micrograd_like"] = _package

from micrograd_like.core import mathexpr, rules  # noqa: E402
from micrograd_like.core.rules import Rule  # noqa: E402

TARGET = ROOT / "micrograd_like" / "core" / "operators.py"
COMMAND = "python tools/generate_operators.py"

# Python's operator symbols and the rule each uses: (method, rule name, symbol, reflected)
OPERATORS = [
    ("__add__", "add", "+", False),
    ("__radd__", "add", "+", True),
    ("__sub__", "sub", "-", False),
    ("__rsub__", "sub", "-", True),
    ("__mul__", "mul", "*", False),
    ("__rmul__", "mul", "*", True),
    ("__truediv__", "div", "/", False),
    ("__rtruediv__", "div", "/", True),
    ("__pow__", "pow", "**", False),
    ("__rpow__", "pow", "**", True),
    ("__neg__", "neg", "-", False),
]
# the name of a method's second operand where "other" would say less
OPERAND_NAMES = {"__pow__": "exponent", "__rpow__": "base"}

HEADER = f'''\
# mypy: disable-error-code="misc"
# (each method's `self` is annotated `Value`, the class that inherits it, which mypy would call an
# invalid self type; with it, mypy checks each body against Value's slots)
"""`Value`'s operators and functions, one method per rule: GENERATED, do not edit by hand.

Written by `tools/generate_operators.py` from the rule table in `micrograd_like/core/rules.py`. To
change an op or add one, change its `Rule` there and run `make generate`, which runs
`{COMMAND}`; tests/test_operators_generated.py fails while this file differs from
what the rules give.

Every method is its rule written out: the rule's domain checks, its forward formula, a check that
the result is a finite float, then the new node, which records its parents and its rule. Each
docstring gives the forward formula and the local derivatives; `backward()` reads the derivatives
from the rule the node records (`Value.rule`), so the two cannot disagree.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .order import ZERO as _ZERO
from .rules import {{rule_imports}}
from .rules import fail_not_finite as _fail_not_finite

if TYPE_CHECKING:
    # engine.py defines these and hands them to this module right after it defines Value (which
    # inherits the methods below); importing them here at run time would be circular.
    from .engine import Number, Value, _constant, _open_no_grad_blocks, _recording, apply, as_float

_new_value = object.__new__
_inf = math.inf


class Operators:
    """The arithmetic and the functions of `Value` (which inherits them), made from the rule table."""

    __slots__ = ()
'''


@dataclass(frozen=True)
class Method:
    name: str  # the method's name: "__mul__", "tanh"
    rule: Rule
    rule_name: str  # the rule's name in rules.py: "MUL"
    symbol: str  # Python's operator symbol, or "" for a named method
    reflected: bool  # `other <symbol> self`
    operand: str  # the name of the second operand ("other", "exponent", ...); "" for one input


def methods() -> list[Method]:
    """Every method to write: the operator symbols first, then one method per remaining rule."""
    names = {id(value): name for name, value in vars(rules).items() if isinstance(value, Rule)}
    for rule in rules.RULES.values():
        if id(rule) not in names:
            raise SystemExit(f"rule {rule.name!r} is in rules.RULES but has no name in rules.py")
    out = []
    for method, rule_name, symbol, reflected in OPERATORS:
        rule = rules.RULES[rule_name]
        operand = OPERAND_NAMES.get(method, "other") if len(rule.inputs) == 2 else ""
        out.append(Method(method, rule, names[id(rule)], symbol, reflected, operand))
    used = {rule_name for _, rule_name, _, _ in OPERATORS}
    for rule in rules.RULES.values():
        if rule.name not in used:
            operand = "other" if len(rule.inputs) == 2 else ""
            out.append(Method(rule.name, rule, names[id(rule)], "", False, operand))
    return out


def docstring(m: Method) -> list[str]:
    """What help() shows: the op as a person writes it, its forward formula, its derivatives."""
    rule = m.rule
    two = len(rule.inputs) == 2
    shown = ("a", "b") if two else ("x",)
    names = dict(zip(rule.inputs, shown))
    if not two:
        where = "x = self"
    elif m.reflected:
        where = f"a = {m.operand} (a plain number), b = self"
    else:
        where = f"a = self, b = {m.operand}"
    written = f"a {m.symbol} b" if two and m.symbol else rule.show(*shown)
    if m.symbol and not two:
        written = f"{m.symbol}x"
    lines = [f"{written}, with {where}: the rule `{rule.name}` (rules.{m.rule_name}).", ""]
    formula = mathexpr.to_text(rule.forward_expr, names)
    display = rule.show(*shown)
    same = formula.replace(" ", "") == display.replace(" ", "")
    lines.append(f"    {display}" + ("" if same else f" = {formula}"))
    for k, x in enumerate(shown):
        lines.append(f"    d/d{x} = {rule.local_text(k, **names)}")
    for check in rule.checks:
        lines.append(f"    needs {mathexpr.to_text(check.expr, names)} (else {check.error.__name__})")
    lines.append("")
    if m.name == "__pow__":
        n = rule.local_text(0, a="a", b="n")
        lines.append(f"A plain-number exponent n uses the rule rules.power(n) instead: d/da = {n}, and")
        lines.append("a base <= 0 is allowed where a**n is a real number.")
    elif two:
        lines.append(f"A plain number as {m.operand} is wrapped as a constant leaf.")
    lines.append("A result that is not a finite float raises OverflowError.")
    return ['"""' + lines[0], *lines[1:], '"""']


def node_lines(m: Method, first: str, second: str) -> list[str]:
    """The new node: its value, a zero gradient, and (unless in no_grad()) its rule and parents."""
    return [
        "",
        "# the result as a new node, which records the rule (backward() reads the derivatives there)",
        "out = _new_value(Value)",
        "out.data = data",
        "out.grad = _ZERO",
        'out.label = ""',
        "if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf",
        "    out._op = INPUT",
        "    out._a = out._b = None",
        "else:",
        f"    out._op = {m.rule_name}",
        f"    out._a = {first}",
        f"    out._b = {second}",
        "return out",
    ]


def body(m: Method) -> list[str]:
    forward = rules.computing_lines(m.rule, rule_name=m.rule_name)
    if not m.operand:
        return ["a = self.data", *forward, *node_lines(m, "self", "None")]
    other = m.operand
    first, second = (other, "self") if m.reflected else ("self", other)
    if m.name == "__pow__":  # x ** n with a plain number n: the rule for that n, applied
        head = [
            f"if not isinstance({other}, Value):",
            f'    return apply(power(as_float({other}, "the exponent of **")), self)',
        ]
    else:
        symbol = m.symbol or m.name
        head = [f"if not isinstance({other}, Value):", f'    {other} = _constant({other}, "{symbol}")']
    head += [f"a = {first}.data", f"b = {second}.data"]
    return [*head, *forward, *node_lines(m, first, second)]


# `a ** b` between two names or numbers, which the project's formatter writes `a**b`
_SIMPLE = r"(?:[A-Za-z_]\w*(?:\.\w+)*|\d+(?:\.\d+)?)"
_SIMPLE_POWER = re.compile(rf"(?<![\w.)\]])({_SIMPLE}) \*\* (-?{_SIMPLE})(?![\w.(\[])")


def formatted(line: str) -> str:
    """The line as `ruff format` writes it (the rules' Python renderings space every operator)."""
    return _SIMPLE_POWER.sub(r"\1**\2", line)


def signature(m: Method) -> str:
    if not m.operand:
        return f"def {m.name}(self: Value) -> Value:"
    return f"def {m.name}(self: Value, {m.operand}: Value | Number) -> Value:"


def render() -> str:
    """The text of operators.py."""
    all_methods = methods()
    imported = sorted({m.rule_name for m in all_methods} | {"INPUT", "power"}, key=lambda s: (s.islower(), s))
    text = HEADER.replace("{rule_imports}", ", ".join(imported))
    for m in all_methods:
        lines = [signature(m), *("    " + line if line else "" for line in docstring(m))]
        lines += ["    " + formatted(line) if line else "" for line in body(m)]
        text += "\n" + "".join(f"    {line}\n" if line else "\n" for line in lines)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if operators.py is out of date")
    args = parser.parse_args(argv)
    text = render()
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if args.check:
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
