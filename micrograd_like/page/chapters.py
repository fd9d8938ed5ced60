"""The data and generated math of the page's "Gradient descent" chapter.

`descent_part(order)`: J along one weight of the page's own graph. The page computes J and dJ/dw
with the graph's MG_MATH; J''(w) comes from `grad(grad(root, w, create_graph=True), w,
create_graph=True)`, the engine's second derivative as a graph of engine ops, rendered by
`graph_script` like any other graph (one forward pass per weight, reading the page's leaves). The
words for what a step did are `descent.STEP_WORDS`.

`landscape_part()`: the post's landscape J(θ1, θ2), `landscape.FORMULA` parsed by the expression
language and rendered by `graph_script` (values and gradients, from the rule table), with the
optimizers' names and keyword arguments (`landscape.optimizer_options`) for the race's form.

    >>> from micrograd_like.example import build
    >>> from micrograd_like.backprop import backward_order
    >>> data, script = descent_part(backward_order(build().loss))
    >>> data["weights"][data["weight"]], data["target"] is not None, "MG_CURVATURE" in script
    ('w[2]12', True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.engine import Value
from ..core.expr import parse_expression
from ..core.higher import grad
from ..core.names import graph_names
from ..core.order import backward_order
from ..post.descent import STEP_WORDS
from ..post.example import DEFAULTS
from ..post.landscape import (
    FORMULA,
    GLOBAL_MINIMUM,
    LOCAL_MINIMUM,
    OPTIMIZERS,
    RACE,
    RACE_START,
    SADDLE,
    optimizer_options,
)
from .jsgen import graph_script, rule_ids

DEFAULT_WEIGHT = "w[2]12"  # the post's weight


def _weights(order: Sequence[Value]) -> list[int]:
    """The leaves a descent can move: the parameters, or (a graph without any) every labelled
    leaf that is not a constant, as the page's number boxes."""
    leaves = [i for i, n in enumerate(order) if n.is_leaf and n.kind != "constant" and n.label]
    parameters = [i for i in leaves if order[i].kind == "parameter"]
    return parameters or leaves


def _curvature_script(
    order: Sequence[Value], w: int, index: dict[Value, int]
) -> tuple[str, list[int]] | None:
    """The forward pass of d²root/dw² as a graph, and per node of it its index in `order` (a leaf
    of the page's graph) or -1; None when the engine cannot make that graph here."""
    try:
        d1 = grad(order[0], order[w], create_graph=True)
        d2 = grad(d1, order[w], create_graph=True)
    except (ArithmeticError, ValueError):  # BackwardError: a local derivative undefined here
        return None
    nodes = backward_order(d2)
    script = graph_script(nodes, graph_names(nodes), rule_ids(nodes), name="M", backward=False)
    leaves = [index[n] if n.is_leaf and n.kind != "constant" else -1 for n in nodes]
    return script, leaves


def descent_part(order: Sequence[Value]) -> tuple[dict[str, Any], str]:
    """The chapter's data about the graph `order` (backward order, the page's own copy) and the
    script defining MG_CURVATURE: per weight, {size, forward} of J'' or null."""
    index = {node: i for i, node in enumerate(order)}
    weights = _weights(order)
    names = graph_names(order).text
    chunks = ["var MG_CURVATURE = [];"]
    leaves: list[list[int] | None] = []
    for w in weights:
        made = _curvature_script(order, w, index)
        if made is None:
            chunks.append("MG_CURVATURE.push(null);")
            leaves.append(None)
            continue
        script, mapping = made
        chunks.append(f"MG_CURVATURE.push((function () {{\n{script}return M;\n}})());")
        leaves.append(mapping)
    labels = [names[order[i]] for i in weights]
    target = next((i for i, n in enumerate(order) if n.is_leaf and n.label == "y" and i not in weights), None)
    data = {
        "weights": labels,
        "indices": weights,
        "weight": labels.index(DEFAULT_WEIGHT) if DEFAULT_WEIGHT in labels else 0,
        "curvature_leaves": leaves,
        "target": target,
        "step_words": dict(STEP_WORDS),
        "presets": _presets(labels, target),
    }
    return data, "\n".join(chunks) + "\n"


def _presets(labels: list[str], target: int | None) -> list[dict[str, Any]]:
    """Starting points that show each kind of step along the post's weight (descent.py's
    docstring): the post's own (y = 1, no minimum), and y = 0.5, near J's minimum at w ≈ 0.74, with
    α below 1/J'', between 1/J'' and 2/J'', and above 2/J''."""
    if DEFAULT_WEIGHT not in labels or target is None:
        return []
    return [
        {
            "label": f"the post: y = {DEFAULTS['y']:g}, α = {DEFAULTS['lr']:g}",
            "target": DEFAULTS["y"],
            "w": DEFAULTS[DEFAULT_WEIGHT],
            "lr": DEFAULTS["lr"],
        },
        {"label": "y = 0.5 near the minimum, α = 2", "target": 0.5, "w": 0.7, "lr": 2.0},
        {"label": "… α = 4 (overshoots)", "target": 0.5, "w": 0.7, "lr": 4.0},
        {"label": "… α = 5 (above α*)", "target": 0.5, "w": 0.7, "lr": 5.0},
    ]


def landscape_part() -> tuple[dict[str, Any], str]:
    """The landscape's data (formula, leaves, minima, optimizers, the race's first entries) and
    the script defining MG_LANDSCAPE = {size, forward, backward}, from `FORMULA`."""
    expression = parse_expression(FORMULA, {"t1": 0.0, "t2": 0.0})
    order = backward_order(expression.root)
    index = {node: i for i, node in enumerate(order)}
    script = graph_script(order, graph_names(order), rule_ids(order), name="MG_LANDSCAPE")
    data = {
        "formula": FORMULA,
        "t1": index[expression.leaves["t1"]],
        "t2": index[expression.leaves["t2"]],
        "minima": {"global": list(GLOBAL_MINIMUM), "local": list(LOCAL_MINIMUM), "saddle": list(SADDLE)},
        "optimizers": {name: _jsonable(optimizer_options(name)) for name in OPTIMIZERS},
        "racers": [[label, name, options] for label, name, options in RACE],
        "start": list(RACE_START),
    }
    return data, script


def _jsonable(options: dict[str, Any]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in options.items()}
