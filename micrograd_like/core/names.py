"""One name for every node of a graph, used by everything that shows one: the step trace, `explain`,
pictures and their frames, the interactive page and compiled source.

A labelled node is its label. A constant is its number. Other unlabelled leaves are `input1`,
`parameter1`, ... An unlabelled op node reads as its expression over its parents' names,
`w[2]12·z[1]2`, `tanh(s)`, when that is short, else `t7`, where 7 numbers the unlabelled op nodes
in the order a person computes them (`backprop.computing_order`, as the post does); compiled
code calls every unlabelled op node by that number (`t7`), so a name in the text and a variable
in the code always mean the same node. A made-up name skips any a label uses (a node labelled `t2`
makes the stand-ins t1, t3, ...), so one name never means two nodes.

A label is data: its code identifier keeps only ASCII letters, digits and `_` (`w[2]12` is
`w_2_12`), never starts with `_` or a digit, and is never a keyword or a name generated code reads
(`math`, `sum`, ...: those get a trailing `_`).

    >>> from micrograd_like import Value
    >>> x, y = Value(2.0, "x"), Value(3.0, "y")
    >>> z = (x * y + 1).tanh()
    >>> sorted(node_names([z, *z.parents]).values())
    ['tanh(x·y+1)', 'x·y+1']
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .mathexpr import is_word, number_text
from .order import computing_order

if TYPE_CHECKING:
    from .engine import Value

MAX_EXPRESSION = 16  # a stand-in expression longer than this becomes `t<k>`


@dataclass(frozen=True)
class Names:
    """Every node's display name and code identifier, and what each `t<k>` stands for."""

    text: dict[Value, str]  # what people read: "w[2]12", "x·y", "t7", "2"; in computing order
    code: dict[Value, str]  # a Python/JavaScript identifier, or a literal for a constant
    legend: dict[str, str]  # "t7" -> its expression, "input1" -> its value: what stand-ins mean

    def operand(self, node: Value) -> str:
        """The node as an operand in generated code: its variable, or a constant's literal
        (parenthesised when negative, so `a ** 2.0` with a = -3.0 reads `(-3.0) ** 2.0`)."""
        name = self.code[node]
        return f"({name})" if name.startswith("-") else name


def graph_names(order: Iterable[Value]) -> Names:
    """Names for the nodes of `order` (any order; parents need not be included)."""
    nodes = list(order)
    inside = set(nodes)
    text: dict[Value, str] = {}
    code: dict[Value, str] = {}
    legend: dict[str, str] = {}
    taken: set[str] = set()
    ordered = _parents_first(nodes)
    # a made-up name (`t7`, `input1`) never takes a name a label already uses, as text or as code
    labelled = {node.label for node in ordered if node.label}
    labelled |= {_base_identifier(label) for label in labelled}
    counters: dict[str, int] = {}

    def made_up(prefix: str) -> str:
        k = counters.get(prefix, 0) + 1
        while f"{prefix}{k}" in labelled:
            k += 1
        counters[prefix] = k
        return f"{prefix}{k}"

    levels: dict[Value, int] = {}  # each named node's `binding`, read by the nodes it feeds
    for node in ordered:
        label, op = node.label, node._op
        if label:
            text[node] = label
            code[node] = _identifier(label, taken)
        elif node._a is None:
            if op.name == "constant":
                text[node] = number_text(node.data)
                code[node] = number_literal(node.data)
            else:
                text[node] = name = made_up(op.name)
                code[node] = fresh(name, taken)  # a made-up name is its own identifier
                legend[name] = f"{node.data!r}, an unlabelled {op.name}"
        else:
            stand_in = made_up("t")
            code[node] = fresh(stand_in, taken)
            shown = expression_of(node, text, levels)
            if len(shown) > MAX_EXPRESSION:
                legend[stand_in] = shown
                shown = stand_in
            text[node] = shown
        levels[node] = binding(node, text[node])
    for node in list(text):
        if node not in inside:
            del text[node], code[node]
    return Names(text, code, legend)


def dname(top: str, bottom: str) -> str:
    """The derivative's name: dtop/dbottom, with parentheses around names that are expressions."""
    return f"d{parenthesised(top)}/d{parenthesised(bottom)}"


def parenthesised(name: str) -> str:
    """`name` in parentheses unless it is one word or already one parenthesised group: `(a*b)`."""
    simple = _ONE_WORD.fullmatch(name)  # \w: what str.isalnum() accepts, and `_`
    return name if simple or _is_wrapped(name) else f"({name})"


_ONE_WORD = re.compile(r"[\w\[\].#]*")


def _is_wrapped(name: str) -> bool:
    """True if `name` is one parenthesised group: `(a*b)` but not `(a)*(b)`."""
    if not (name.startswith("(") and name.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(name):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and i < len(name) - 1:
            return False
    return True


def node_names(order: Iterable[Value]) -> dict[Value, str]:
    """Just the display names of `graph_names`."""
    return graph_names(order).text


def expression_of(node: Value, names: Mapping[Value, str], levels: Mapping[Value, int] | None = None) -> str:
    """The op that made `node` applied to its parents' names, parenthesised only where needed:
    `w[1]11·x1+w[1]12·x2` for the sum of two products (a parent missing from `names` by its
    label or number). A leaf is its own name. `levels`: each parent's `binding` for its name in
    `names`, where the caller keeps them (graph_names, which names every parent first)."""
    rule = node.rule
    if rule is None:
        return names[node] if node in names else _outside(node)
    parents = node.parents
    args = [names[p] if p in names else _outside(p) for p in parents]
    if levels is not None:
        return rule.show(*args, levels=tuple(levels[p] for p in parents))
    return rule.show(*args, levels=tuple(binding(p, a) for p, a in zip(parents, args)))


def binding(node: Value, name: str) -> int:
    """How tightly `name`, the node's shown name, binds (a `Rule.level`): an expression binds like
    its op, a negative number like unary minus, a label that is one word (`w[2]12`), `t7` or a
    number is atomic, and a label with operators in it (`dL/ds[2]`) always gets parentheses."""
    op = node._op
    if node._a is not None and not node.label and not _STAND_IN.fullmatch(name):
        return op.level  # type: ignore[union-attr]
    if node._a is None and op.name == "constant" and node.data < 0:
        return 1
    return 6 if is_word(name) else 0  # a label such as dL/ds[2] is parenthesised inside an expression


_STAND_IN = re.compile(r"t\d+")


def _outside(node: Value) -> str:
    return node.label or number_text(node.data)


def _parents_first(nodes: list[Value]) -> list[Value]:
    """The nodes in the order a person computes them, so `t1`, `t2`, ... number the ops as the
    post and compiled code write them down (for the post's network, `w[1]11·x1` is t1)."""

    used = {node._a for node in nodes} | {node._b for node in nodes}  # every parent (and None)
    return computing_order([node for node in nodes if node not in used])  # from the graph's outputs


def _identifier(name: str, taken: set[str]) -> str:
    """`w[2]12` -> `w_2_12`: a valid identifier in Python and JavaScript, unique in this graph."""
    return fresh(_base_identifier(name), taken)


def _base_identifier(name: str) -> str:
    """The identifier a name would get before `fresh` makes it unique: ASCII letters, digits and
    underscores only, never starting with `_` or a digit, never a keyword or a name generated code
    uses (so a label can never stand for `math`, `sum` or a variable of the code's own)."""
    base = re.sub(r"\W+", "_", name, flags=re.ASCII).strip("_") or "v"
    if base[0].isdigit():
        base = "v_" + base
    if keyword.iskeyword(base) or base in _RESERVED:
        base += "_"
    if not _SAFE_IDENTIFIER.fullmatch(base):  # by construction; checked, as it becomes code
        raise AssertionError(f"not a safe identifier: {base!r}")
    return base


def number_literal(x: float) -> str:
    """A float as a Python and JavaScript literal: `2.0`, `-0.5`; `1e999` for an infinity and
    `(1e999 - 1e999)` for nan (whose reprs, inf and nan, would be names)."""
    if x - x == 0.0:
        return repr(x)
    if x == x:
        return "1e999" if x > 0 else "-1e999"
    return "(1e999 - 1e999)"


_SAFE_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def fresh(base: str, taken: set[str]) -> str:
    """`base`, or `base_2`, `base_3`, ... : the first not in `taken` (which it joins)."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    taken.add(candidate)
    return candidate


# Names generated Python reads that it does not define: a label never becomes one of these (its
# identifier gets a `_`), so a node labelled `sum` or `math` cannot shadow what the code calls.
PYTHON_GLOBALS = frozenset({"math", "sum", "ArithmeticError"})

# names generated code uses itself, and JavaScript's reserved words (strict mode's too)
_RESERVED = PYTHON_GLOBALS | frozenset(
    """
    Math grad data out upstream leaves values result float abs
    var let const function return new this class enum export import default delete void typeof
    instanceof in of yield await switch case break continue do while for if else try catch finally
    throw debugger with super extends static null true false undefined NaN Infinity arguments eval
    implements interface package private protected public
    """.split()  # noqa: SIM905 (a word list reads better as words)
)
