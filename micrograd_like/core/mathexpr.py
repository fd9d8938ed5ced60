"""The tiny expression language the rule table is written in, and its renderers.

Each op's math is written once, as text such as `1 - out * out` or `-out / b`, over the names
`a`, `b` (the op's inputs) and `out` (its output). The text is parsed once, at import, into a
small tree, and every consumer renders that tree its own way:

- `to_python`: Python source (the engine's local-derivative lambdas, the compiled graphs);
- `to_js`: JavaScript source (the interactive page);
- `to_text`: the formula a learner reads, with `·`, `²` and names substituted (`1 - z[2]²`);
- `evaluate`: any arithmetic over any values, e.g. engine `Value`s for derivatives of derivatives.

    >>> tree = parse("1 - out * out")
    >>> to_python(tree), to_js(tree), to_text(tree, {"out": "tanh(a)"})
    ('1.0 - out * out', '1.0 - out * out', '1 - tanh(a)²')

The language: float literals, the names above, `+ - * / **`, unary `-`, the functions in
`FUNCTIONS`, comparisons and `x if cond else y`. Anything else is a `SyntaxError` at import.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# Function name -> (Python, JavaScript). `math` is the only module generated Python needs.
FUNCTIONS: dict[str, tuple[str, str]] = {
    "exp": ("math.exp", "Math.exp"),
    "log": ("math.log", "Math.log"),
    "tanh": ("math.tanh", "Math.tanh"),
}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_COMPARE = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}


@dataclass(frozen=True, slots=True)
class Num:
    value: float


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Expr


@dataclass(frozen=True, slots=True)
class Bin:
    op: str  # + - * / ** and the comparisons > >= < <= == !=
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Call:
    func: str  # a key of FUNCTIONS
    arg: Expr


@dataclass(frozen=True, slots=True)
class If:
    cond: Expr
    then: Expr
    orelse: Expr


Expr = Num | Name | Neg | Bin | Call | If


def parse(text: str, names: frozenset[str] = frozenset({"a", "b", "out"})) -> Expr:
    """The tree of `text`; a SyntaxError names anything outside the language."""
    try:
        body = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise SyntaxError(f"rule expression {text!r}: {error.msg}") from None
    return _convert(body, text, names)


def _convert(node: ast.AST, text: str, names: frozenset[str]) -> Expr:
    def go(n: ast.AST) -> Expr:
        return _convert(n, text, names)

    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Num(float(node.value))  # type: ignore[arg-type]
    if isinstance(node, ast.Name) and node.id in names:
        return Name(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = go(node.operand)
        if isinstance(node.op, ast.UAdd):
            return inner
        return Num(-inner.value) if isinstance(inner, Num) else Neg(inner)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return Bin(_BINARY[type(node.op)], go(node.left), go(node.right))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        return Bin(_COMPARE[type(node.ops[0])], go(node.left), go(node.comparators[0]))
    if isinstance(node, ast.IfExp):
        return If(go(node.test), go(node.body), go(node.orelse))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in FUNCTIONS
        and len(node.args) == 1
        and not node.keywords
    ):
        return Call(node.func.id, go(node.args[0]))
    raise SyntaxError(f"rule expression {text!r}: {ast.unparse(node)!r} is not in the rule language")


# --- precedence: one table for every renderer ----------------------------------------------------

_PRECEDENCE = {"if": 0, "cmp": 1, "+": 2, "-": 2, "*": 3, "/": 3, "neg": 4, "**": 5}
_ATOM = 6


def binding_level(e: Expr) -> int:
    """How tightly the expression's outermost operation binds (0 loosest): where it needs brackets."""
    if isinstance(e, If):
        return 0
    if isinstance(e, Neg):
        return 4
    if isinstance(e, Bin):
        return _PRECEDENCE.get(e.op, 1)
    if isinstance(e, Num) and repr(e.value).startswith("-"):  # -0.0 too
        return 4  # a negative literal reads like unary minus
    return _ATOM


def _wrap(text: str, inner: int, outer: int, strict: bool) -> str:
    return f"({text})" if inner < outer or (strict and inner == outer) else text


# --- Python and JavaScript -------------------------------------------------------------------------


def to_python(e: Expr, names: Mapping[str, str] | None = None) -> str:
    """Python source for `e`; `names` renames variables (default: as written). Needs only `math`."""
    return _source(e, names or {}, js=False)


def to_js(e: Expr, names: Mapping[str, str] | None = None) -> str:
    """JavaScript source for `e` (pow as Math.pow, conditionals as `c ? x : y`)."""
    return _source(e, names or {}, js=True)


def _source(e: Expr, names: Mapping[str, str], js: bool) -> str:
    def go(x: Expr, outer: int, strict: bool = False) -> str:
        return _wrap(_source(x, names, js), binding_level(x), outer, strict)

    if isinstance(e, Num):
        return repr(e.value)  # shortest round-trip form: the same float in Python and JavaScript
    if isinstance(e, Name):
        return names.get(e.name, e.name)
    if isinstance(e, Neg):
        return "-" + go(e.operand, 5 if js else 4)
    if isinstance(e, Call):
        return f"{FUNCTIONS[e.func][1 if js else 0]}({_source(e.arg, names, js)})"
    if isinstance(e, If):
        cond, then, orelse = go(e.cond, 1), go(e.then, 1), go(e.orelse, 0)
        return f"({cond} ? {then} : {orelse})" if js else f"{then} if {cond} else {orelse}"
    level = _PRECEDENCE.get(e.op, 1)
    if e.op == "**" and js:
        return f"Math.pow({_source(e.left, names, js)}, {_source(e.right, names, js)})"
    if e.op == "**":  # right-associative: the left side needs parentheses at equal level
        return f"{go(e.left, level, True)} ** {go(e.right, 4)}"
    op = "===" if js and e.op == "==" else "!==" if js and e.op == "!=" else e.op
    # a + (b + c) keeps its parentheses: float addition and multiplication are not associative
    return f"{go(e.left, level)} {op} {go(e.right, level, strict=True)}"


# --- the formula a learner reads ----------------------------------------------------------------

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_TEXT_OPS = {"*": "·", "/": "/", "+": " + ", "-": " - "}


def number_text(x: float) -> str:
    """A literal as a person writes it: 2 not 2.0, 0.5, 1e-08."""
    return f"{x:g}" if float(x).is_integer() and abs(x) < 1e16 else repr(x)


def to_text(e: Expr, names: Mapping[str, str] | None = None) -> str:
    """The formula as text: `·` for products, superscripts for small powers, `x·x` as `x²`.

    `names` substitutes each variable, e.g. {"out": "tanh(a)"} or {"a": "s[2]", "out": "z[2]"};
    a substituted name that is not a single word is parenthesised where precedence needs it.
    """
    return _text(e, names or {})


def is_word(text: str) -> bool:
    """True if `text` reads as one unit next to an operator: a name, a number, or one call or
    bracketed group (`tanh(a)`, `(a/b)`), so it needs no brackets of its own."""
    if text.startswith("-"):
        return False
    if _BRACKETS.isdisjoint(text):  # the common case (`w[2]12`, `t7`, `a·b`), checked at C speed
        return _OPERATORS.isdisjoint(text[1:])
    depth = 0
    for ch in text[1:] if text[0] in _OPERATORS else text:  # an operator first is not between two things
        if ch in "([":  # one call or bracketed group, like tanh(a) or (a/b), is a word too
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch in _OPERATORS:
            return False
    return True


_OPERATORS, _BRACKETS = frozenset(" +-*/·"), frozenset("()[]")


def _text(e: Expr, names: Mapping[str, str]) -> str:
    def go(x: Expr, outer: int, strict: bool = False) -> str:
        text = _text(x, names)
        if isinstance(x, Name) and not is_word(text):
            return f"({text})" if outer > 2 or strict else text
        return _wrap(text, binding_level(x), outer, strict)

    if isinstance(e, Num):
        return number_text(e.value)
    if isinstance(e, Name):
        return names.get(e.name, e.name)
    if isinstance(e, Neg):
        return "-" + go(e.operand, 4)
    if isinstance(e, Call):
        return f"{e.func}({_text(e.arg, names)})"
    if isinstance(e, If):
        return f"{go(e.then, 1)} if {go(e.cond, 1)} else {go(e.orelse, 0)}"
    if e.op == "*" and e.left == e.right:  # x·x reads as x²
        return go(e.left, 5, True) + "²"
    if e.op == "**" and isinstance(e.right, Num) and e.right.value.is_integer() and abs(e.right.value) < 100:
        return go(e.left, 5, True) + number_text(e.right.value).translate(_SUPERSCRIPT)
    if e.op == "**":
        return f"{go(e.left, 5, True)}**{go(e.right, 5)}"
    level = _PRECEDENCE.get(e.op, 1)
    op = _TEXT_OPS.get(e.op, f" {e.op} ")
    return f"{go(e.left, level)}{op}{go(e.right, level, strict=True)}"


# --- evaluation over anything arithmetic ----------------------------------------------------------


Evaluator = Callable[[Mapping[str, Any]], Any]


def evaluate(
    e: Expr,
    env: Mapping[str, Any],
    functions: Mapping[str, Callable[[Any], Any]],
    number: Callable[[float], Any] = float,
    truth: Callable[[Any], float] = float,
) -> Any:
    """`e` computed with `env`'s values, `functions` for the calls and `number` for literals.

    Comparisons and conditionals decide on `truth(value)` (a float): a branch is chosen by the
    current numbers, and only the chosen branch is computed (so relu's derivative is 1 or 0).
    """
    return evaluator(e, functions, number, truth)(env)


def evaluator(
    e: Expr,
    functions: Mapping[str, Callable[[Any], Any]],
    number: Callable[[float], Any] = float,
    truth: Callable[[Any], float] = float,
) -> Evaluator:
    """`evaluate` for `e`, made once: a function of `env` that does the same operations in the same
    order (for a rule's local derivative, computed on every edge of a graph by `grad`)."""

    def build(x: Expr) -> Evaluator:
        if isinstance(x, Num):
            value = x.value
            return lambda env: number(value)
        if isinstance(x, Name):
            name = x.name
            return lambda env: env[name]
        if isinstance(x, Neg):
            operand = build(x.operand)
            return lambda env: -operand(env)
        if isinstance(x, Call):
            func, arg = x.func, build(x.arg)
            return lambda env: functions[func](arg(env))
        if isinstance(x, If):
            cond, then, orelse = holds(x.cond), build(x.then), build(x.orelse)
            return lambda env: then(env) if cond(env) else orelse(env)
        if x.op == "**" and isinstance(x.right, Num):  # a fixed exponent stays a number: x**2, not x**Value
            base, exponent = build(x.left), x.right.value
            return lambda env: base(env) ** exponent
        left, right = build(x.left), build(x.right)
        if x.op in _ARITHMETIC:
            apply = _ARITHMETIC[x.op]
            return lambda env: apply(left(env), right(env))  # the left operand first, as Python does
        compare = _COMPARISONS[x.op]
        return lambda env: number(1.0) if compare(truth(left(env)), truth(right(env))) else number(0.0)

    def holds(cond: Expr) -> Evaluator:
        if isinstance(cond, Bin) and cond.op in _COMPARISONS:
            left, right, compare = build(cond.left), build(cond.right), _COMPARISONS[cond.op]
            return lambda env: compare(truth(left(env)), truth(right(env)))
        test = build(cond)
        return lambda env: truth(test(env)) != 0.0

    return build(e)


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {  # the ones the parser reads (_COMPARE)
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


def names_in(e: Expr) -> set[str]:
    """The variables `e` reads."""
    if isinstance(e, Name):
        return {e.name}
    if isinstance(e, Num):
        return set()
    if isinstance(e, (Neg, Call)):
        return names_in(e.operand if isinstance(e, Neg) else e.arg)
    if isinstance(e, If):
        return names_in(e.cond) | names_in(e.then) | names_in(e.orelse)
    return names_in(e.left) | names_in(e.right)
