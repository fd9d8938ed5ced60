"""The data a page carries: the graph, its names, its rules' words, and the engine's own numbers.

`graph_data(root, lr)` copies the graph below `root` (the caller's gradients are never touched),
runs `backward_steps` on the copy from zero leaf gradients and returns a JSON-ready dict:

- `nodes`: one entry per node in backward order (index i is the picture's `n<i>`): its name
  (`names.graph_names`), label, kind, op, rule, parents, and per input the local-derivative
  formula in context (`Rule.local_text`), e.g. "1 - z[2]²";
- `rules`: per distinct rule its formulas and the messages of its checks and overflow, so the page
  says exactly what the engine raises;
- `steps`: the engine's `BackwardStep`s, `[node, upstream, [[local, contribution, parent grad]...]]`;
- `reference`: the engine's values and gradients, for the page's self-check and the tests;
- `constants`: what the page's script would otherwise repeat from Python: `explain.MAX_PATHS`,
  the significant digits of the picture and of the text, and the derivative names it writes
  with a placeholder (`dL/dleaf`, `dL/dw`); each node carries its own `grad_name` (`dL/dw[2]12`,
  `names.dname`, so the rule for parentheses lives in Python only) and `uses`, the edges leaving it,
  and each of its edges the `use` of the parent it is (`backprop.Edge.use`: "use 1 of 2");
- `forward`: the forward pass as steps (`story.forward_steps`): per step its node, formula and
  the nodes the formula reads, in the post's order.

    >>> from micrograd_like import Value
    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> f = a * b
    >>> f.label = "f"
    >>> data = graph_data(f)
    >>> [n["name"] for n in data["nodes"]], data["steps"][0]
    (['f', 'a', 'b'], [0, 1.0, [[-3.0, -3.0, -3.0], [2.0, 2.0, 2.0]]])
    >>> a.grad  # the caller's graph is left alone
    0.0
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

from ..core.backprop import backward_steps, use_counts
from ..core.engine import Value
from ..core.names import Names, dname, graph_names
from ..core.order import backward_order
from ..core.rules import Rule
from ..core.story import forward_steps, written
from ..show.explain import MAX_PATHS
from .jsgen import rule_ids

PICTURE_DIGITS = 4  # significant digits of the numbers in the picture (viz.draw_dot's digits)
TEXT_DIGITS = 6  # ... and in the page's text
# Placeholders the page replaces with numbers in a formula ("1 - ⟨out⟩²" -> "1 - 0.3057²").
SLOT = {"a": "⟨a⟩", "b": "⟨b⟩", "out": "⟨out⟩"}
SLOT_OF_NODE = "⟨{}⟩"  # ... and node i's value in a forward step's formula: "⟨3⟩·⟨5⟩"


def check_root(root: object, lr: float) -> float:
    """The learning rate as a float; a TypeError/ValueError for a root or rate a page cannot use."""
    if not isinstance(root, Value):
        raise TypeError(f"a walkthrough page needs a Value, got {type(root).__name__}")
    if root.is_leaf:
        raise ValueError("a walkthrough page needs a root computed by an op, e.g. (a * b).tanh(), not a leaf")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a finite number > 0 (gradient descent steps downhill), got {lr!r}")
    return float(lr)


def copy_graph(root: Value) -> tuple[Value, list[Value], list[Value]]:
    """A copy of the graph (same order), its nodes in backward order, and the original's nodes."""
    original = backward_order(root)
    twin = copy.deepcopy(root)  # iterative: any depth
    order = backward_order(twin)
    assert len(order) == len(original)
    for node in order:
        node.grad = 0.0  # leaves start from zero: the page shows d(root)/d(leaf), not a sum of passes
    return twin, order, original


def _rule_entry(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "symbol": rule.symbol,
        "inputs": list(rule.inputs),
        "formulas": list(rule.formulas),
        "checks": [check.message for check in rule.checks],
        "overflow": rule.overflow,
    }


def _node_entry(
    node: Value,
    index: dict[Value, int],
    names: Names,
    rules: dict[int, int],
    uses: dict[Value, int],
    root: str,
) -> dict[str, Any]:
    text = names.text
    entry: dict[str, Any] = {
        "name": text[node],
        "grad_name": dname(root, text[node]),
        "uses": uses[node],
        "label": node.label,
        "kind": node.kind,
        "code": names.code[node],
        "parents": [index[p] for p in node.parents],
    }
    rule = node.rule
    if rule is not None:
        entry["op"] = rule.name
        entry["rule"] = rules[id(rule)]
        inputs = {x: text[p] for x, p in zip(rule.inputs, node.parents)}
        twice = len(node.parents) == 2 and node.parents[0] is node.parents[1]
        entry["edges"] = [
            {
                "d": dname(text[node], text[p]) + (f" (operand {k + 1})" if twice else ""),
                "formula": rule.local_text(k, out=text[node], **inputs),
                "numbers": rule.local_text(k, **{x: SLOT[x] for x in rule.inputs}, out=SLOT["out"]),
            }
            for k, p in enumerate(node.parents)
        ]
        entry["show"] = rule.show(*inputs.values())  # the op over its inputs' names: "w[2]12·z[1]2"
    return entry


def forward_data(root: Value, index: dict[Value, int]) -> list[dict[str, Any]]:
    """The forward pass as steps (`story.forward_steps`), for the page: per step its node, its
    formula over names, the same with a slot per value it reads ("⟨3⟩·⟨5⟩", filled in by the page
    with the current numbers), and the nodes it computes (those written out in it, then its own)."""
    steps = list(forward_steps(root))
    stepped = {step.node for step in steps}
    slots = {node: SLOT_OF_NODE.format(i) for node, i in index.items()}
    return [
        {
            "node": index[step.node],
            "formula": step.formula,
            "numbers": written(step.node, slots, stepped, [], []),
            "reads": [index[n] for n in step.reads],
            "computes": [index[n] for n in step.computes],
        }
        for step in steps
    ]


def graph_data(
    root: Value, lr: float = 0.1, *, title: str = "", notes: Mapping[Value, str] | None = None
) -> dict[str, Any]:
    """Everything the page needs about the graph below `root` (see the module docstring)."""
    rate = check_root(root, lr)
    twin, order, original = copy_graph(root)
    index = {node: i for i, node in enumerate(order)}
    names = graph_names(order)
    rules = rule_ids(order)
    steps = []
    told: list[list[int]] = []  # per step, per edge: which use of its parent it is (backprop.Edge.use)
    for step in backward_steps(twin):
        edges = [[e.local, e.contribution, e.parent_grad] for e in step.edges]
        steps.append([step.index, step.upstream, edges])
        told.append([e.use for e in step.edges])
    by_id = {id(rule): rule for node in order if (rule := node.rule) is not None}
    position = {node: i for i, node in enumerate(original)}
    uses = use_counts(order)  # x * x: two uses of x
    root_name = names.text[order[0]]
    entries = [_node_entry(node, index, names, rules, uses, root_name) for node in order]
    for entry, used in zip(entries, told):
        for edge, use in zip(entry.get("edges", []), used):
            edge["use"] = use  # "use 1 of 2": the page tells the engine's count, never its own
    return {
        "title": title or f"Backpropagation through {names.text[order[0]]}, step by step",
        "root": names.text[order[0]],
        "lr": rate,
        "nodes": entries,
        "rules": [_rule_entry(by_id[key]) for key in sorted(rules, key=rules.__getitem__)],
        "legend": dict(names.legend),
        "notes": {str(position[node]): note for node, note in (notes or {}).items() if node in position},
        "steps": steps,
        "forward": forward_data(twin, index),
        "reference": {
            "values": [node.data for node in order],
            "grads": [node.grad for node in order],
        },
        "constants": {
            "max_paths": MAX_PATHS,
            "picture_digits": PICTURE_DIGITS,
            "text_digits": TEXT_DIGITS,
            "grad_of_leaf": dname(root_name, "leaf"),
            "grad_of_w": dname(root_name, "w"),
        },
    }
