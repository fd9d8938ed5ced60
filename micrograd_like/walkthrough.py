"""The worked example as text, in the post's order: the text `micrograd-like example` prints.

`walkthrough(ex)` returns `Section`s (gradient descent, forward pass, loss, chain rule, update,
all weights, after the step), each a list of steps; a notebook can print them one at a time.
`summary(ex)` returns the same numbers as a JSON-ready dict. Every number comes from the engine:
the forward values from the nodes, the chain's factors from the op rules (via `explain`), the
gradients from `backward()`.

    >>> from micrograd_like.example import build
    >>> sections = walkthrough(build(), digits=4)
    >>> [s.title for s in sections]  # doctest: +NORMALIZE_WHITESPACE
    ['1. Gradient descent', '2. Forward pass', '3. Loss', '4. Backpropagation: the chain rule down to w[2]12',
     '5. Update', '6. All six weights', '7. After the step']
    >>> print(sections[2])
    == 3. Loss ==
    L = (ŷ − y)² = (0.3057 − 1)² = 0.4821
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .example import WEIGHT_NAMES, WorkedExample
from .explain import dname, fmt


@dataclass(frozen=True)
class Section:
    """A titled part of the walkthrough; `steps` are the pieces `--step` pauses between."""

    title: str
    steps: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join([f"== {self.title} ==", *self.steps])


def walkthrough(ex: WorkedExample, param: str = "w[2]12", *, digits: int | None = None) -> list[Section]:
    """The whole walkthrough for `ex`, spelling out the chain rule for the weight `param`.

    Numbers print exactly (`repr`) unless `digits` asks for that many significant digits.
    """
    if param not in WEIGHT_NAMES:
        raise ValueError(f"unknown weight {param!r}; valid weights: {', '.join(WEIGHT_NAMES)}")
    f, p = _formatters(digits)
    v = {name: node.data for name, node in ex.nodes.items()}
    lr = ex.lr
    after = ex.after_update()  # runs backward() on ex, so ex's gradients are filled from here on
    grads = {name: ex.nodes[name].grad for name in WEIGHT_NAMES}
    updated = {name: after.params[name] for name in WEIGHT_NAMES}

    intro = Section(
        "1. Gradient descent",
        (
            "Gradient descent moves every weight a small step against its gradient:\n"
            "  W ← W − α·dJ/dW,  b ← b − α·dJ/db\n"
            f"Here the bias b is 0 and there is one sample, so J = L and only the weights move:\n"
            f"  w ← w − α·dL/dw,  with learning rate α = {f(lr)}",
            "The network: inputs x1, x2; two tanh hidden units; one tanh output ŷ; no bias.\n"
            "Each unit computes a linear part s and its activation z = tanh(s); [l] is the layer.\n"
            "Weight names: w[l]jk connects unit k of layer l−1 to unit j of layer l\n"
            "(the weight-matrix convention of Andrew Ng's course and PyTorch's Linear.weight).",
        ),
    )

    weights = ", ".join(f"{name} = {f(v[name])}" for name in WEIGHT_NAMES)
    forward_steps = [
        f"Inputs x1 = {f(v['x1'])}, x2 = {f(v['x2'])}; target y = {f(v['y'])}.\nWeights {weights}."
    ]
    for j in (1, 2):
        a, b, s = f"w[1]{j}1", f"w[1]{j}2", f"s[1]{j}"
        forward_steps.append(
            f"{s} = {a}·x1 + {b}·x2 = {p(v[a])}·{p(v['x1'])} + {p(v[b])}·{p(v['x2'])} = {f(v[s])}"
        )
    for j in (1, 2):
        forward_steps.append(f"z[1]{j} = tanh(s[1]{j}) = tanh({f(v[f's[1]{j}'])}) = {f(v[f'z[1]{j}'])}")
    forward_steps.append(
        f"s[2] = w[2]11·z[1]1 + w[2]12·z[1]2 = {p(v['w[2]11'])}·{p(v['z[1]1'])} + "
        f"{p(v['w[2]12'])}·{p(v['z[1]2'])} = {f(v['s[2]'])}"
    )
    forward_steps.append(f"ŷ = z[2] = tanh(s[2]) = tanh({f(v['s[2]'])}) = {f(v['z[2]'])}")
    forward = Section("2. Forward pass", tuple(forward_steps))

    loss = Section("3. Loss", (f"L = (ŷ − y)² = ({f(v['z[2]'])} − {p(v['y'])})² = {f(ex.loss.data)}",))

    chain = Section(
        f"4. Backpropagation: the chain rule down to {param}",
        tuple(_chain_steps(ex, param, f, p)),
    )

    g = grads[param]
    update = Section(
        "5. Update",
        (
            f"{param} ← {param} − α·dL/d{param} = {f(v[param])} − {f(lr)}·{p(g)} = {f(updated[param])}",
            "The gradient's sign says which way L grows; the step goes the other way.",
        ),
    )

    rows = [("weight", "w", "dL/dw", "w − α·dL/dw")]
    rows += [(name, f(v[name]), f(grads[name]), f(updated[name])) for name in WEIGHT_NAMES]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    table = "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)
    every = Section(
        "6. All six weights",
        (f"Each weight's gradient (from backward()) and its value after a step with α = {f(lr)}:\n{table}",),
    )

    before, now = ex.loss.data, after.loss.data
    verdict = (
        "lower: the step went downhill"
        if now < before
        else "not lower: this step overshot (try a smaller α)"
        if now > before
        else "unchanged"
    )
    final = Section(
        "7. After the step",
        (
            f"Forward again with the updated weights: ŷ = {f(after.nodes['z[2]'].data)}\n"
            f"L = {f(now)} (before the step: {f(before)}): {verdict}.",
        ),
    )
    return [intro, forward, loss, chain, update, every, final]


Format = Callable[[float], str]


def _formatters(digits: int | None) -> tuple[Format, Format]:
    """f(x): a number as printed; p(x): the same, in parentheses when negative (inside a formula)."""

    def f(x: float) -> str:
        return fmt(x, digits)

    def p(x: float) -> str:
        return f"({f(x)})" if x < 0 else f(x)

    return f, p


def _chain_steps(ex: WorkedExample, param: str, f: Format, p: Format) -> list[str]:
    """One step per factor of the chain, each with its formula, its number and the running product."""
    explanation = ex.chain(param)
    (path,) = explanation.paths  # each weight of this network has exactly one path from L
    v = {name: node.data for name, node in ex.nodes.items()}
    steps: list[str] = []
    running: float | None = None  # dL/d(the node reached so far)
    for factor in path.factors:
        top, bottom = factor.top.label, factor.bottom.label
        lead, formula = _formula(top, bottom, v, f, p)
        text = f"{lead}\n{factor.name} = {formula} = {f(factor.value)}"
        if bottom.startswith("w[2]"):
            text += "\n" + _naming_note(bottom, v, f)
        if running is None:
            running = factor.value
        else:
            previous = running
            running = factor.value * running  # backward's order: local · upstream
            text += (
                f"\nso {dname('L', bottom)} = {dname('L', top)} · {factor.name} = "
                f"{p(previous)}·{p(factor.value)} = {f(running)}"
            )
        steps.append(text)
    node = ex.nodes[param]
    same = "the same float" if node.grad == explanation.total else "differs in the last bits"
    steps.append(
        f"In one line: {explanation.name} = "
        + " · ".join(fac.name for fac in path.factors)
        + f" = {f(explanation.total)}\n"
        f"and backward() stored {param}.grad = {f(node.grad)} ({same})."
    )
    return steps


def _formula(top: str, bottom: str, v: dict[str, float], f: Format, p: Format) -> tuple[str, str]:
    """A plain-words lead for one factor, and its formula (the post's, then with the numbers in)."""
    if top == "L":  # through ŷ − y and the square
        return (
            "How the loss changes with the prediction ŷ = z[2] (the derivative of (ŷ − y)²):",
            f"2(ŷ − y) = 2·({f(v['z[2]'])} − {p(v['y'])})",
        )
    if top.startswith("z["):
        return (
            f"How {top} = tanh({bottom}) changes with {bottom} (the derivative of tanh):",
            f"1 − tanh²({bottom}) = 1 − {top}² = 1 − {p(v[top])}²",
        )
    if bottom in WEIGHT_NAMES:  # s = Σ w·input: ds/dw is the input that w multiplies
        other = _input_of(bottom)
        return f"How {top} changes with {bottom}: the input {bottom} multiplies:", other
    weight = f"w[2]1{bottom[-1]}"  # ds[2]/dz[1]k is the weight on z[1]k
    return f"How {top} changes with {bottom}: the weight on {bottom}:", weight


def _input_of(weight: str) -> str:
    """The node weight w[l]jk multiplies: xk in layer 1, z[1]k in layer 2."""
    layer, k = weight[2], weight[-1]
    return f"x{k}" if layer == "1" else f"z[1]{k}"


def _naming_note(weight: str, v: dict[str, float], f: Format) -> str:
    k = weight[-1]
    return (
        f"  Naming note: the post says “in the weight w[2]12 is z[1]1”. Here w[l]jk connects unit k\n"
        f"  of layer l−1 to unit j of layer l, so {weight} multiplies z[1]{k} and ds[2]/d{weight} = z[1]{k}\n"
        f"  (s[2] = w[2]11·z[1]1 + w[2]12·z[1]2). The post pairs w[2]12 with z[1]1 under another\n"
        f"  numbering (or by a slip); in this naming the weight on z[1]1 is w[2]11, and\n"
        f"  ds[2]/dw[2]11 = z[1]1 = {f(v['z[1]1'])}."
    )


def summary(ex: WorkedExample) -> dict[str, Any]:
    """The example's numbers as one JSON-ready dict (what `micrograd-like example --json` prints)."""
    factors = ex.chain("w[2]12").paths[0].factors
    dl_dz2, dz2_ds2 = factors[0].value, factors[1].value
    after = ex.after_update()
    return {
        "params": dict(ex.params),
        "forward": ex.forward(),
        "loss": ex.loss.data,
        "chain": {"dL/dz[2]": dl_dz2, "dz[2]/ds[2]": dz2_ds2, "dL/ds[2]": dz2_ds2 * dl_dz2},
        "gradients": ex.gradients(),
        "updated": {name: after.params[name] for name in WEIGHT_NAMES},
        "loss_after": after.loss.data,
    }
