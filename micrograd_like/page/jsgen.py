"""The page's math in JavaScript, generated from the rule table for one graph.

`graph_script(order, names, rule_ids)` writes two straight-line functions for the graph whose
nodes are `order` (backward order: the root first, every node before its parents):

- `forward($leaf, $fail, $overflow)`: every value, parents first, from the leaves' values. Each
  op is its rule's forward expression (`Rule.js_forward`), preceded by its checks
  (`mathexpr.to_js(check.expr)`) and followed by the engine's finiteness test; a failed check calls
  `$fail(node, check, inputs)` and a result that is not finite `$overflow(node, out, inputs)`,
  which throw the engine's own messages (the controller fills in the rules' templates).
- `backward($v)`: `backprop._chain_rule` written out for this graph: nodes in backward order, the
  upstream gradient read first, each local derivative from `Rule.js_local`, then
  `parent.grad += local · upstream` once per edge. It returns every gradient and every step as
  `[upstream, [local, contribution, parent grad after], ...]`, the numbers of `BackwardStep`.

No op's math is written here: only the order of the lines and the variable names. Those are made
by the page (`n<i>` for node i, as in the picture), never taken from a label: a name is data, and
`package`, `constructor` or `__proto__` must not become JavaScript (the names appear only inside
comments, made safe by `_comment`).

    >>> from micrograd_like import Value
    >>> from micrograd_like.backprop import backward_order
    >>> from micrograd_like.names import graph_names
    >>> x = Value(2.0, "x")
    >>> y = (x * x).tanh()
    >>> order = backward_order(y)
    >>> script = graph_script(order, graph_names(order), rule_ids(order))
    >>> print(script.split("  forward: ")[1].split("\\n  },")[0])
    function ($leaf, $fail, $overflow) {
        var n2 = $leaf[2];
        // n1: x·x  (mul)
        var n1 = n2 * n2;
        if (n1 - n1 !== 0) $overflow(1, n1, [n2, n2]);
        // n0: tanh(x·x)  (tanh)
        var n0 = Math.tanh(n1);
        if (n0 - n0 !== 0) $overflow(0, n0, [n1]);
        return [n0, n1, n2];
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..core import mathexpr
from ..core.engine import Value
from ..core.names import Names, expression_of
from ..core.order import parents_first
from ..core.rules import RULES, Rule


def rule_ids(order: Sequence[Value]) -> dict[int, int]:
    """{id(rule): k} for the distinct rules of the graph, numbered by first use in `order`."""
    ids: dict[int, int] = {}
    for node in order:
        rule = node.rule
        if rule is not None and id(rule) not in ids:
            ids[id(rule)] = len(ids)
    return ids


def _comment(text: str) -> str:
    """Text safe inside a `//` comment of an inline <script>: one line, no `<` (no `</script>`)."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in text)
    return cleaned.replace("<", "‹").replace("\u2028", "?").replace("\u2029", "?")


def _describe(node: Value, rule: Rule, text: dict[Value, str]) -> str:
    """`s[1]1 = w[1]11·x1+w[1]12·x2` for a labelled node, the expression itself otherwise."""
    shown = expression_of(node, text)
    return shown if text[node] == shown else f"{text[node]} = {shown}"


def js_operands(order: Sequence[Value]) -> dict[Value, str]:
    """Each node as an operand in the page's JavaScript: `n<i>` (i its place in `order`), or a
    constant's number literal (parenthesised when negative: `(-3.0) ** 2.0`)."""
    operands = {}
    for i, node in enumerate(order):
        if node.kind != "constant":
            operands[node] = f"n{i}"
        elif math.isfinite(node.data):
            literal = repr(node.data)  # Python's shortest round-trip digits are a JavaScript literal
            operands[node] = f"({literal})" if literal.startswith("-") else literal
        elif math.isnan(node.data):
            operands[node] = "NaN"
        else:
            operands[node] = "(-Infinity)" if node.data < 0 else "Infinity"
    return operands


def _inputs(rule: Rule, node: Value, operands: dict[Value, str]) -> dict[str, str]:
    return {x: operands[p] for x, p in zip(rule.inputs, node.parents)}


TYPED_FUNCTIONS = ("tanh", "exp", "log", "sigmoid", "relu")  # the functions an answer may use


def graph_script(
    order: Sequence[Value],
    names: Names,
    rules: dict[int, int],
    *,
    name: str = "MG_MATH",
    backward: bool = True,
) -> str:
    """JavaScript defining `<name> = {size, forward, backward}` for the graph `order` (`name` a
    JavaScript identifier the page chooses; backward=False: the forward pass alone)."""
    if not name.isidentifier() or not name.isascii():
        raise ValueError(f"not a JavaScript variable name: {name!r}")
    index = {node: i for i, node in enumerate(order)}
    code = js_operands(order)
    text = names.text
    variables = [node for node in order if node.kind != "constant"]
    lines = [
        "// Generated by micrograd_like.page at export time from the rule table (core/rules.py):",
        "// each op's math is its rule's own expression rendered by mathexpr.to_js, and its checks are",
        "// the engine's. Node i is the picture's n<i>: n0 is the root, then backward order.",
        '"use strict";',
        f"var {name} = {{",
        f"  size: {len(order)},",
        "  // Every value, parents first, from the leaves' values ($leaf[i] for leaf node i).",
        "  forward: function ($leaf, $fail, $overflow) {",
    ]
    for node in parents_first(order):
        i = index[node]
        rule = node.rule
        if rule is None:
            if node.kind != "constant":
                lines.append(f"    var {code[node]} = $leaf[{i}];")
            continue
        inputs = _inputs(rule, node, code)
        lines.append(f"    // n{i}: {_comment(_describe(node, rule, text))}  ({_comment(rule.name)})")
        given = ", ".join(inputs[x] for x in rule.inputs)  # for the message: "log(0.0) is undefined"
        for k, check in enumerate(rule.checks):
            lines.append(f"    if (!({mathexpr.to_js(check.expr, inputs)})) $fail({i}, {k}, [{given}]);")
        out = code[node]
        lines.append(f"    var {out} = {rule.js_forward(**inputs)};")
        # the engine's test: inf - inf and nan - nan are nan, a finite x - x is 0
        lines.append(f"    if ({out} - {out} !== 0) $overflow({i}, {out}, [{given}]);")
    lines.append(f"    return [{', '.join(code[node] for node in order)}];")
    if not backward:
        return "\n".join([*lines, "  },", "};", ""])
    lines += [
        "  },",
        "  // backprop._chain_rule for this graph: nodes in backward order, parent.grad += local · upstream.",
        "  backward: function ($v) {",
    ]
    if variables:
        lines.append("    var " + ", ".join(f"{code[node]} = $v[{index[node]}]" for node in variables) + ";")
    seed = ["1" if i == 0 else "0" for i in range(len(order))]
    lines.append(
        f"    var $g = [{', '.join(seed)}];  // d(root)/d(root) = 1; every other gradient starts at 0"
    )
    lines.append("    var $steps = [], $up, $l0, $l1, $e0;")
    for i, node in enumerate(order):
        rule = node.rule
        what = "leaf" if rule is None else rule.name
        lines.append(f"    // step {i + 1}: n{i} = {_comment(text[node])}  ({_comment(what)})")
        lines.append(f"    $up = $g[{i}];")
        if rule is None:
            lines.append("    $steps.push([$up]);")
            continue
        inputs = _inputs(rule, node, code)
        edges = []
        for k in range(len(node.parents)):
            local = rule.js_local(k, out=code[node], **inputs)
            lines.append(f"    $l{k} = {local};")
        for k, parent in enumerate(node.parents):
            p = index[parent]
            lines.append(f"    $g[{p}] += $l{k} * $up;  // the chain rule")
            edges.append(f"$l{k}, $l{k} * $up, $g[{p}]")
            if k == 0 and len(node.parents) == 2:
                lines.append(f"    $e0 = [{edges[0]}];")  # recorded before the second addition
                edges[0] = "$e0"
        pushed = ", ".join(e if e == "$e0" else f"[{e}]" for e in edges)
        lines.append(f"    $steps.push([$up, {pushed}]);")
    lines += ["    return {grads: $g, steps: $steps};", "  },"]
    lines.append("  // What a learner may call in an answer (Check my gradient), as the rules compute it.")
    lines.append("  functions: {")
    for name in TYPED_FUNCTIONS:
        lines.append(f"    {name}: function (a) {{ return {RULES[name].js_forward(a='a')}; }},")
    lines += ["  },", "};", ""]
    return "\n".join(lines)
