"""Build a graph from an expression a learner types: `tanh(a*b + c)`, safely.

The text is parsed with Python's `ast` and only a whitelist is accepted: numbers, names,
`+ - * / **`, unary `-` and `+`, and calls of the engine's one-input functions (`exp`, `log`,
`tanh`, `sigmoid`, `relu`). Nothing is ever evaluated by Python itself: each node of the tree
becomes the engine op it names, so the graph is exactly what was written.

    >>> import math
    >>> ex = parse_expression("tanh(a*b + c)", {"a": 2, "b": -3, "c": 1})
    >>> ex.root.data == math.tanh(2 * -3 + 1), sorted(ex.leaves)
    (True, ['a', 'b', 'c'])
    >>> ex.root.backward(); ex.leaves["c"].grad == 1 - math.tanh(-5) ** 2
    True

Every name becomes one leaf (used twice, it is one node with two edges) whose label is the
name, of kind "parameter" unless `kind` says otherwise. A name with no value, an unknown
function or any other syntax is an `ExpressionError` that says what is allowed.

Names are read as Python reads identifiers, NFKC-normalised (`normal_name`): `𝐚`, `ａ` and `a`
are one name, in the expression and in the values alike.
"""

from __future__ import annotations

import ast
import difflib
import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..util.messages import clip, some
from ..util.numbers import parse_name_values
from .engine import Value
from .rules import RULES

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    name: getattr(Value, name) for name in ("exp", "log", "tanh", "sigmoid", "relu")
}
_OPERATORS: dict[type[ast.operator], Callable[[Value, Value], Value]] = {
    ast.Add: Value.__add__,
    ast.Sub: Value.__sub__,
    ast.Mult: Value.__mul__,
    ast.Div: Value.__truediv__,
    ast.Pow: Value.__pow__,
}
MAX_LENGTH = 2000  # characters: an expression for a picture, not a program
MAX_NODES = 500  # ops and leaves in the parsed tree


class ExpressionError(ValueError):
    """An expression that cannot be built: the message says where and what is allowed."""


@dataclass(frozen=True)
class Expression:
    """The graph of an expression: its root and its named leaves (name -> leaf)."""

    text: str
    root: Value
    leaves: dict[str, Value]


def allowed() -> str:
    """What the language accepts, in one line (for error messages and --help)."""
    return "numbers, names, + - * / **, unary -, and " + ", ".join(f"{f}(x)" for f in FUNCTIONS)


def normal_name(name: str) -> str:
    """The name as the parser reads it: an identifier NFKC-normalised as Python does (`𝐚`, `ａ`
    -> `a`, `ﬁ` -> `fi`); anything else as it is (`w[2]12`, `a²` name nodes, not identifiers).

    >>> normal_name("𝐚"), normal_name("ﬁx"), normal_name("a²")
    ('a', 'fix', 'a²')
    """
    return unicodedata.normalize("NFKC", name) if name.isidentifier() else name


def names_in(text: str) -> list[str]:
    """The variable names of `text`, in order of first appearance (raises on bad syntax).

    >>> names_in("b*ab + a")
    ['b', 'ab', 'a']
    """
    tree = _parse(text)
    found = [
        ((node.lineno, node.col_offset), node.id)
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS
    ]
    return list(dict.fromkeys(name for _, name in sorted(found)))


def parse_values(items: Iterable[str]) -> dict[str, float]:
    """NAME=VALUE texts (as `--set` gives them) as a dict; later items win.

    >>> parse_values(["a=2", " b = -3.5"])
    {'a': 2.0, 'b': -3.5}

    An ExpressionError names an item that is not NAME=VALUE, a name that is not an identifier
    and a value that is not a finite number. Names are normalised as the parser reads them
    (`normal_name`): `𝐚=2` gives a value to the `𝐚` (that is, `a`) of an expression.
    """
    return parse_name_values(items, _value_name, hint="e.g. a=2", error=ExpressionError)


def _value_name(name: str) -> str:
    if not name.isidentifier():
        raise ExpressionError(f"{clip(name)} is not a name (letters, digits and _, e.g. a or x1)")
    return normal_name(name)


def parse_expression(
    text: str,
    values: Mapping[str, float],
    *,
    kind: str = "parameter",
    label: str = "f",
) -> Expression:
    """The graph of `text` with each name's leaf holding `values[name]`; the root is labelled `label`.

    An ExpressionError names an unknown function or syntax, a name without a value (listing
    the names that have one), a value name the expression does not use and a function's name
    used as a name. The names of `values` are read as the parser reads names (`normal_name`;
    of two that read the same, the later wins). Bad math (log of 0, division by 0) raises the
    engine's own error, which names the op. Every message stays one short line: lists name a
    few items and count the rest.
    """
    tree = _parse(text)
    names = names_in(text)
    values = {normal_name(name): value for name, value in values.items()}
    missing = [n for n in names if n not in values]
    if missing:
        raise ExpressionError(
            f"{_quote(text)}: no value for {some(missing)} (give each name a number, e.g. "
            f"{some(missing[:1])}=1.0; values given: {some(sorted(values)) or 'none'})"
        )
    functions = [n for n in values if n in FUNCTIONS]
    if functions:
        raise ExpressionError(
            f"{_quote(text)}: {some(functions)} {'is a function' if len(functions) == 1 else 'are functions'}"
            f", not {'a name' if len(functions) == 1 else 'names'} to give a value (call it, e.g. "
            f"{functions[0]}(x); the expression's names: {some(names) or 'none'})"
        )
    unused = [n for n in values if n not in names]
    if unused:
        raise ExpressionError(
            f"{_quote(text)}: {some(unused)} {'is' if len(unused) == 1 else 'are'} not in the "
            f"expression (its names: {some(names) or 'none'})"
        )
    leaves = {name: Value(values[name], name, kind=kind) for name in names}
    root = _build(tree.body, text, leaves)
    if root.is_leaf:
        raise ExpressionError(
            f"{_quote(text)} has no operation to differentiate; write e.g. {text.strip()}*1"
        )
    root.label = label
    return Expression(text, root, leaves)


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _parse(text: str) -> ast.Expression:
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError(f"the expression is empty; write one such as 'tanh(a*b + c)' ({allowed()})")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        where = f" at column {error.offset}" if error.offset else ""
        raise ExpressionError(f"{_quote(text)} is not a valid expression{where}: {error.msg}") from None
    size = sum(1 for _ in ast.walk(tree))
    if size > MAX_NODES:
        raise ExpressionError(f"{_quote(text)} has {size} parts; the limit is {MAX_NODES}")
    _check(tree.body, text)
    return tree


def _check(node: ast.AST, text: str) -> None:
    """Refuse anything outside the whitelist, before building anything."""
    called = {id(sub.func) for sub in ast.walk(node) if isinstance(sub, ast.Call)}
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Expression, ast.Load, ast.operator, ast.unaryop)):
            continue
        if isinstance(sub, ast.Constant) and type(sub.value) in (int, float):
            continue
        if isinstance(sub, ast.Name):
            if not sub.id.isidentifier() or sub.id.startswith("__"):
                raise ExpressionError(f"{_quote(text)}: {clip(sub.id)} is not allowed as a name")
            if sub.id in FUNCTIONS and id(sub) not in called:  # `exp*2`, `tanh(tanh)`
                raise ExpressionError(f"{_quote(text)}: {sub.id} is a function; call it, e.g. {sub.id}(x)")
            continue
        if isinstance(sub, ast.BinOp) and type(sub.op) in _OPERATORS:
            continue
        if isinstance(sub, ast.UnaryOp) and isinstance(sub.op, (ast.USub, ast.UAdd)):
            continue
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.id if isinstance(func, ast.Name) else ast.unparse(func)
            if name not in FUNCTIONS:
                close = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise ExpressionError(
                    f"{_quote(text)}: unknown function {clip(name)}{hint}; allowed: {allowed()}"
                )
            if len(sub.args) != 1 or sub.keywords:
                raise ExpressionError(f"{_quote(text)}: {name}() takes exactly one argument")
            continue
        what = ast.unparse(sub)
        raise ExpressionError(f"{_quote(text)}: {clip(what)} is not allowed; allowed: {allowed()}")


def _build(node: ast.AST, text: str, leaves: dict[str, Value]) -> Value:
    """The engine op for each syntax node, children first (no recursion limit worry: MAX_NODES)."""
    if isinstance(node, ast.Constant):
        try:
            number = float(node.value)  # type: ignore[arg-type]  # _check: a number
        except OverflowError:
            raise ExpressionError(
                f"{_quote(text)}: the number {ast.unparse(node)[:20]}... is too big"
            ) from None
        if not math.isfinite(number):
            raise ExpressionError(f"{_quote(text)}: the number {ast.unparse(node)} is not a finite float")
        return Value(number, kind="constant")
    if isinstance(node, ast.Name):  # never a function's name: _check refused that
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        inner = _build(node.operand, text, leaves)
        if isinstance(node.op, ast.UAdd):
            return inner
        return Value(-inner.data, kind="constant") if inner.kind == "constant" else -inner  # -2 is a number
    if isinstance(node, ast.BinOp):
        left, right = _build(node.left, text, leaves), _build(node.right, text, leaves)
        if isinstance(node.op, ast.Pow) and right.kind == "constant":
            return left**right.data  # x**2: a fixed exponent, the cheaper rule d/dx = 2x
        return _OPERATORS[type(node.op)](left, right)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)  # _check allowed nothing else
    return FUNCTIONS[node.func.id](_build(node.args[0], text, leaves))


assert set(FUNCTIONS) <= set(RULES)  # every function is an op of the rule table
