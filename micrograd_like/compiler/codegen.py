"""Write a graph as straight-line Python: one forward line per node, one backward line per edge.

Every line is rendered from the rule table (`Rule.python_forward`, `Rule.python_local`), with the
nodes' names from `names.graph_names`; nothing here knows any op's math. A `Plan` says what the
code reads (the leaves' values, as arguments or as a row of data), which gradients it computes
and where its backward pass starts; `forward_lines` and `backward_lines` write the two halves.

    >>> from micrograd_like import Value
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = (w * x).tanh()
    >>> y.label = "y"
    >>> plan = make_plan([y])
    >>> print("\\n".join(forward_lines(plan)))
    t1 = w * x            # w·x
    y = math.tanh(t1)     # y = tanh(w·x)
    >>> print("\\n".join(backward_lines(plan, {y: ("1.0", "dy/dy = 1")})))
    g_y = 1.0                           # dy/dy = 1
    g_t1 = (1.0 - y * y) * g_y          # dy/d(w·x) = 1 - y²
    g_w = x * g_t1                      # d(w·x)/dw = x
    g_x = w * g_t1                      # d(w·x)/dx = w
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from ..core import mathexpr
from ..core.engine import Value
from ..core.names import Names, expression_of, fresh, graph_names, number_literal, parenthesised
from ..core.order import parents_first, reading_order
from ..core.rules import RULES, Rule, local_text_template, power

MAX_COLUMN = 44  # comments line up after the code, at most this far in (longer code pushes its own)
CHECK_WIDTH = 80  # characters of names per `sum((...))` line in the finiteness check


@dataclass
class Plan:
    """What one compiled function computes, and what every node is called in it."""

    roots: list[Value]  # the outputs; the backward pass starts from each
    order: list[Value]  # every node below the roots, parents first
    names: Names  # graph_names(order): `.text` for comments, `.code` for variables
    args: list[Value]  # leaves read as the function's arguments (inputs first, then parameters)
    rows: list[Value]  # leaves read from each row of a dataset (the batched form), in order
    wrt: list[Value]  # leaves whose gradient the function returns, in order
    grad: dict[Value, str]  # node -> its gradient variable, for every node the backward pass reaches
    reading: list[Value]  # the op nodes in the order the forward pass computes them
    taken: set[str] = field(default_factory=set)  # every identifier in use

    def fresh(self, base: str) -> str:
        """An identifier no node uses: `base`, or `base_2`, `base_3`, ..."""
        return fresh(base, self.taken)


def make_plan(roots: Sequence[Value], wrt: Sequence[Value] | None = None, rows: Sequence[Value] = ()) -> Plan:
    """The plan for the graph below `roots`: gradients for `wrt` (default: every leaf that is not a
    constant and not read from `rows`); ValueError for a `wrt` or `rows` leaf the graph does not hold.
    """
    roots = list(roots)
    order = parents_first(roots)
    names = graph_names(order)
    code = dict(names.code)
    inside = set(order)
    leaves = [node for node in order if node._a is None]
    rows = list(rows)
    _check_leaves(rows, inside, "rows")
    row_set = set(rows)
    if len(row_set) != len(rows):
        raise ValueError("rows: the same leaf is listed twice")
    taken = set(code.values())  # (a constant's literal too: no identifier is one)
    for root in roots:  # a constant root (compile_graph(Value(2, kind="constant"))) needs a variable
        if root.kind == "constant":
            code[root] = fresh("constant", taken)
    variable = [n for n in leaves if (n.kind != "constant" or n in roots) and n not in row_set]
    # arguments in reading order: inputs, then parameters, each sorted by name (x1, x2, ..., x10)
    args = sorted(variable, key=lambda n: (n.kind != "input", _natural(names.text.get(n) or code[n])))
    if wrt is None:
        chosen = list(args)
    else:
        chosen = list(dict.fromkeys(wrt))  # in the caller's order, each once
        _check_leaves(chosen, inside, "wrt")
        if row_set & set(chosen):
            raise ValueError("wrt: a leaf read from the rows of data gets no gradient")
    needs = set(chosen)
    for node in order:  # parents first: a node needs a gradient if any parent does
        a = node._a
        if a is not None and (a in needs or node._b in needs):
            needs.add(node)
    needs.update(roots)
    grad = {node: fresh("g_" + code[node], taken) for node in order if node in needs}
    names = Names(names.text, code, names.legend)
    reading = [node for node in names.text if node._a is not None]  # graph_names's computing order
    return Plan(roots, order, names, args, rows, chosen, grad, reading, taken)


def _natural(name: str) -> tuple[tuple[int, str, int], ...]:
    """A sort key that puts w[1]2 before w[1]10: runs of digits compare as numbers."""
    # isdecimal, the digits \d matches and int reads; isdigit also takes ² and ①, which int refuses
    return tuple(
        (0, "", int(part)) if part.isdecimal() else (1, part, 0) for part in re.split(r"(\d+)", name)
    )


def evaluation_order(roots: Sequence[Value]) -> list[Value]:
    """Every node below `roots` in the order Python evaluates an expression: each after its parents,
    a first operand's part before a second's (in `log(x) + 1 / y`, the log first). The engine
    fallback recomputes in this order, so of two failing ops it reports the one a program written
    as one expression would have met first."""
    return reading_order(roots)


def _check_leaves(nodes: Iterable[object], inside: set[Value], what: str) -> None:
    """A TypeError or ValueError naming an entry that is not a non-constant leaf of the graph."""
    for node in nodes:
        if not isinstance(node, Value):
            raise TypeError(f"{what}: expected Values, got {type(node).__name__}: {node!r}")
        if node not in inside:
            raise ValueError(f"{what}: {node!r} is not in the graph (no path from the root reaches it)")
        if not node.is_leaf:
            raise ValueError(f"{what}: {node!r} is computed by an op, not a leaf")
        if node.kind == "constant":
            raise ValueError(
                f"{what}: {node!r} is a constant, compiled in as a number; make it Value(...) to vary it"
            )


# --- the two halves ------------------------------------------------------------------------------


def _bindings(plan: Plan, node: Value) -> dict[str, str]:
    """The op node's variable as `out` and its parents' operands as `a` (and `b`): a rule's names."""
    operand = plan.names.operand
    b = node._b
    names = {"a": operand(node._a), "out": plan.names.code[node]}  # type: ignore[arg-type]
    if b is not None:
        names["b"] = operand(b)
    return names


@cache
def _template(rule: Rule, k: int | None) -> str:
    """The rule's forward (k=None) or k-th local derivative as Python with `{a}`, `{b}`, `{out}`
    where the names go (rendered once per rule: a graph's lines are then filled in quickly)."""
    slots = {x: "{%s}" % x for x in (*rule.inputs, "out")}  # noqa: UP031 (a template of a template)
    return rule.python_forward(**slots) if k is None else rule.python_local(k, **slots)


def expression_text(plan: Plan, node: Value) -> str:
    """The op applied to its parents' display names: `w[1]11·x1`."""
    rule = node.rule
    assert rule is not None
    text = plan.names.text[node]
    if not node.label:  # graph_names already wrote it: as the node's name, or the legend of a `t7`
        return plan.names.legend.get(text, text)
    return expression_of(node, plan.names.text)


def _aligned(pairs: list[tuple[str, str]]) -> list[str]:
    """`code  # comment` lines, the comments in one column where the code is short enough."""
    width = min(max((len(code) for code, _ in pairs), default=0), MAX_COLUMN)
    return [f"{code.ljust(width)}  {comment(text)}" for code, text in pairs]


# --- user text in generated code ------------------------------------------------------------------


def comment(text: str) -> str:
    """`# text`, a comment that stays one comment whatever `text` holds. A label (or any text a user
    wrote: a rule's formula, a check) enters generated code only so, or as a `literal`, both made
    `inert`: compiling someone else's graph never runs anything.

        >>> print(comment("x\\n    import os  #"))
        # x\\n    import os  #
    """
    return "# " + inert(text)


def load(source: str, function: str, what: str) -> Callable[..., Any]:
    """Run the generated module `source` and return its `function`; `what` (a graph's name, made
    `inert`) names the code in tracebacks."""
    namespace: dict[str, Any] = {"__name__": "micrograd_like.compiled"}
    exec(compile(source, f"<compiled {inert(what)}>", "exec"), namespace)
    return namespace[function]


def literal(text: str) -> str:
    """`text` as a Python string literal (of its `inert` form: what the comments show)."""
    return repr(inert(text))


def inert(text: str) -> str:
    """`text` with every character that is not printable written as its escape (`\\n`, `\\r`,
    `\\x00`, `\\u2028`, a lone surrogate `\\udc80`, `\\x85`, a bidi override `\\u202e`): what is
    left cannot end a line, hide what follows or fail to encode as UTF-8. A backslash stays
    itself (`C:\\New`): in a comment it is only a character."""
    if text.isprintable():  # the common case, checked at C speed
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    n = ord(ch)
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def forward_lines(plan: Plan) -> list[str]:
    """`name = expression` for every op node, parents first, each with what it computes as a comment."""
    lines: list[tuple[str, str]] = []
    code, text = plan.names.code, plan.names.text
    own: dict[int, bool] = {}  # id(rule) -> registered(rule), asked once per rule
    for node in plan.reading:
        rule = node._op
        assert isinstance(rule, Rule)
        shown = expression_text(plan, node)
        comment = shown if text[node] == shown else f"{text[node]} = {shown}"
        names = _bindings(plan, node)
        known = own.get(id(rule))
        if known is None:
            known = own[id(rule)] = registered(rule)
        if not known:
            # Python's own errors stand for the table's checks (x / 0, log(0)); a rule of your own
            # gets its checks written out, and the engine then reports a failed one in its words
            for check in rule.checks:
                condition = mathexpr.to_python(check.expr, names)
                message = literal(f"{rule.name}: the check {check.holds} failed")
                lines.append((f"if not ({condition}): raise ArithmeticError({message})", check.holds))
        lines.append((f"{code[node]} = {_template(rule, None).format_map(names)}", comment))
    return _aligned(lines)


def backward_lines(
    plan: Plan,
    seeds: Mapping[Value, tuple[str, str]],
    accumulate: Iterable[Value] = (),
    preset: Iterable[Value] = (),
) -> list[str]:
    """The chain rule, one line per edge: g_parent (+)= local derivative × g_node, nodes in backward order.

    `seeds` gives each root's upstream gradient as (code, comment): ("1.0", "dL/dL = 1"). A node's first
    contribution assigns its gradient variable and later ones add to it, except for the nodes in
    `accumulate` (the batched form's parameters, summed over rows), which always add. The nodes
    in `preset` already hold their upstream gradient (set by the code before these lines).
    """
    lines: list[tuple[str, str]] = []
    text, grad = plan.names.text, plan.grad
    started = set(accumulate) | set(preset)
    wrapped = lru_cache(maxsize=None)(parenthesised)  # each name parenthesised once, not once per edge
    one_word: dict[Value, bool] = {}  # node -> whether its name is one word (mathexpr.is_word), found once

    def word(node: Value) -> bool:
        known = one_word.get(node)
        if known is None:
            known = one_word[node] = mathexpr.is_word(text[node])
        return known

    for root, (seed, comment) in seeds.items():
        op = "+=" if root in started else "="
        lines.append((f"{grad[root]} {op} {seed}", comment))
        started.add(root)
    for node in reversed(plan.order):
        a = node._a
        if a is None or node not in grad:
            continue
        rule = node._op
        assert isinstance(rule, Rule)
        names = _bindings(plan, node)
        upstream = grad[node]
        b = node._b
        parents = (a,) if b is None else (a, b)
        texts = {"a": text[a], "out": text[node]}
        if b is not None:
            texts["b"] = text[b]
        words = (*map(word, parents), word(node))  # as rule.local_text would find them
        top = f"d{wrapped(text[node])}/d"
        for k, parent in enumerate(parents):
            if parent not in grad:
                continue
            first = parent not in started
            started.add(parent)
            local = _template(rule, k).format_map(names)
            statement = _edge(grad[parent], rule.local_exprs[k], local, upstream, first)
            shown = local_text_template(rule, k, words).format_map(texts)  # rule.local_text(k, **texts)
            formula = f"{top}{wrapped(text[parent])} = {shown}"
            lines.append((statement, formula))
    return _aligned(lines)


def _edge(target: str, local: mathexpr.Expr, local_code: str, upstream: str, first: bool) -> str:
    """`target = local * upstream` (or `+=`), written without the `1.0 *` of a local derivative of 1."""
    if isinstance(local, mathexpr.Num) and local.value in (1.0, -1.0):
        if local.value == 1.0:
            return f"{target} {'=' if first else '+='} {upstream}"
        return f"{target} = -{upstream}" if first else f"{target} -= {upstream}"
    loose = isinstance(local, mathexpr.If) or (
        isinstance(local, mathexpr.Bin) and local.op not in ("*", "/", "**")
    )
    factor = f"({local_code})" if loose else local_code
    return f"{target} {'=' if first else '+='} {factor} * {upstream}"


def watched(plan: Plan) -> list[Value]:
    """The op nodes whose values the finiteness check adds up: the roots, and every input of an op
    that can turn an inf or nan into a finite number (tanh(inf) is 1, relu(nan) and exp(-inf) 0).

    Any other inf or nan makes its consumers inf or nan too, and so on up to the roots or to one of
    these inputs; and an inf or nan gradient reaches the leaves' gradients, which are checked too.
    """
    seen = set(plan.roots)
    hides: dict[int, tuple[bool, ...]] = {}  # id(rule) -> can_hide(rule, k) for each input k
    for node in plan.reading:
        rule = node._op
        assert isinstance(rule, Rule)
        hide = hides.get(id(rule))
        if hide is None:
            hide = hides[id(rule)] = tuple(can_hide(rule, k) for k in range(len(rule.inputs)))
        for k, parent in enumerate(node.parents):
            if parent._a is not None and hide[k]:
                seen.add(parent)
    return [node for node in plan.reading if node in seen]


def registered(rule: Rule) -> bool:
    """Whether `rule` is the table's own (RULES, or `power(n)`), whose failures Python's math shares."""
    if RULES.get(rule.name) is rule:
        return True
    if rule.param is None:
        return False
    own = power(rule.param)  # power(2) and power(2.0) are two cached objects with the same math
    return (own.forward_text, own.local_texts, own.checks) == (
        rule.forward_text,
        rule.local_texts,
        rule.checks,
    )


@cache
def can_hide(rule: Rule, k: int) -> bool:
    """Whether the op can give a finite result from an inf or nan as its k-th input.

    Probed on the rule's own forward expression; a rule outside the table (one of your own) is
    assumed to, so its inputs are always checked.
    """
    if not registered(rule):
        return True
    forward = eval(f"lambda {', '.join(rule.inputs)}: {rule.python_forward()}", {"math": math})
    others = (-2.0, -0.5, 0.0, 0.5, 2.0, math.inf, -math.inf, math.nan)
    for bad in (math.inf, -math.inf, math.nan):
        for other in others:
            inputs = [other] * len(rule.inputs)
            inputs[k] = bad
            try:
                out = forward(*inputs)
            except (ArithmeticError, ValueError, TypeError):  # the compiled code raises: caught
                continue
            if isinstance(out, float) and math.isfinite(out):
                return True
    return False


def check_lines(names: Sequence[str], total: str, add: bool = False) -> list[str]:
    """Lines that add the variables `names` into `total` (a few names per line).

    One `math.isfinite(total)` then tells whether any was inf or nan: inf - inf and nan + anything
    are nan, and an inf makes the sum inf or nan.
    """
    lines: list[str] = []
    chunk: list[str] = []
    width = 0
    for i, name in enumerate(names):
        chunk.append(name)
        width += len(name) + 2
        if width > CHECK_WIDTH or i == len(names) - 1:
            terms = f"sum({tuple_text(chunk)})" if len(chunk) > 1 else chunk[0]
            lines.append(f"{total} {'+=' if add or lines else '='} {terms}")
            chunk, width = [], 0
    if not lines:
        lines.append(f"{total} {'+=' if add else '='} 0.0")
    return lines


def tuple_text(names: Sequence[str]) -> str:
    """`(a, b)`, `(a,)` or `()`: a tuple display of variables."""
    return f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"


def signature(name: str, first: Sequence[str], plan: Plan) -> list[str]:
    """`def name(first..., leaf=its value now, ...):`, one argument a line, the leaves' current data
    as defaults (so the function runs as it stands)."""
    args = [
        *(f"    {a}," for a in first),
        *(f"    {plan.names.code[leaf]}={number_literal(leaf.data)}," for leaf in plan.args),
    ]
    return [f"def {name}(", *args, "):"]


def indent(lines: Iterable[str], depth: int = 1) -> list[str]:
    pad = "    " * depth
    return [pad + line if line else "" for line in lines]


def listing(items: Sequence[str], limit: int = 6) -> str:
    """'a, b, c' or 'a, b, ..., z' for long lists (docstrings stay one line)."""
    return ", ".join(items) if len(items) <= limit else f"{', '.join(items[: limit - 2])}, ..., {items[-1]}"
