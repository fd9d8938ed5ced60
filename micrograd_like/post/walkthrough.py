"""The worked example as text, in the post's order: the text `micrograd-like example` prints.

`walkthrough(ex)` returns `Section`s (gradient descent, forward pass, loss, chain rule, update,
all parameters, after the step), each a list of steps; a notebook can print them one at a time.
`summary(ex)` returns the same numbers as a JSON-ready dict. Every number comes from the engine:
the forward values from the nodes, each formula from the op rules (`Rule.local_text` with the
nodes' names, then with their numbers), the gradients from `backward()`'s loop run on the side
(`WorkedExample.gradients()`: nothing here writes `.grad`). Nothing reads a name to
find the structure: the text follows the graph, so it works for any `MLP` (biases, more layers).

    >>> from micrograd_like.example import build
    >>> sections = walkthrough(build(), digits=4)
    >>> [s.title for s in sections]  # doctest: +NORMALIZE_WHITESPACE
    ['1. Gradient descent', '2. Forward pass', '3. Loss', '4. Backpropagation: the chain rule down to w[2]12',
     '5. Update', '6. All six weights', '7. After the step']
    >>> print(sections[2])
    == 3. Loss ==
    L = (ŷ − y)² = (0.3057 − 1)² = 0.4821

Numbers print exactly (`repr`: the shortest text that reads back as the same float) unless
`digits` asks for fewer; where a float first differs from the decimal arithmetic a learner does
on paper (0.25 − 0.4 = −0.15000000000000002), the text says why, once. `wrap(text)` breaks long
lines between terms, never inside a number, for an 80-column terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..core.engine import Value
from ..core.names import graph_names
from ..core.rules import RULES
from ..show.explain import Factor, dname, explain
from ..util.numbers import format_number
from .diagnose import judge_step
from .example import WorkedExample

WIDTH = 80  # columns of a terminal: printed lines wrap between terms, never inside a number


@dataclass(frozen=True)
class Section:
    """A titled part of the walkthrough; `steps` are its paragraphs."""

    title: str
    steps: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join([f"== {self.title} ==", *self.steps])


Format = Callable[[float], str]
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")


def _number_word(n: int) -> str:
    return _WORDS[n] if n < len(_WORDS) else str(n)


def _count(n: int, what: str) -> str:
    return f"{_number_word(n)} {what}{'' if n == 1 else 's'}"


def walkthrough(ex: WorkedExample, param: str = "w[2]12", *, digits: int | None = None) -> list[Section]:
    """The whole walkthrough for `ex`, spelling out the chain rule for the parameter `param`.

    Numbers print exactly (`repr`) unless `digits` asks for that many significant digits.
    """
    if param not in ex.parameter_names:
        kind = "parameters" if ex.bias else "weights"
        raise ValueError(f"unknown weight {param!r}; valid {kind}: {', '.join(ex.parameter_names)}")
    text = _Text(ex, digits)
    after = ex.after_update()
    return [
        text.intro(),
        text.forward(),
        Section("3. Loss", (text.loss(),)),
        Section(f"4. Backpropagation: the chain rule down to {param}", tuple(text.chain(param))),
        text.update(param, after),
        text.table(after),
        text.after(after),
    ]


class _Text:
    """The walkthrough's sentences for one example: names from the graph, numbers from the nodes."""

    def __init__(self, ex: WorkedExample, digits: int | None) -> None:
        self.ex = ex
        self.digits = digits
        self.names = graph_names(_nodes(ex.loss)).text
        self.float_explained = digits is not None  # rounded numbers need no note on float rounding
        self.grads = ex.gradients()  # backward()'s numbers, computed on the side: no .grad changes

    def f(self, x: float) -> str:
        """A number as printed."""
        return format_number(x, self.digits)

    def estimate(self, x: float) -> str:
        """A finite-difference estimate: 10 digits, all it can be trusted to (or --digits)."""
        return f"{x:.10g}" if self.digits is None else self.f(x)

    def p(self, x: float) -> str:
        """The same, in parentheses when negative (inside a formula)."""
        return f"({self.f(x)})" if x < 0 else self.f(x)

    # --- 1. the rule and the network --------------------------------------------------------------

    def intro(self) -> Section:
        ex, lr = self.ex, self.f(self.ex.lr)
        if ex.bias:
            moves = "Here there is one sample, so J = L, and the weights and the biases move:\n"
            rule = f"  w ← w − α·dL/dw,  b ← b − α·dL/db,  with learning rate α = {lr}"
        else:
            moves = "Here b is 0 and there is one sample, so J = L and only the weights move:\n"
            rule = f"  w ← w − α·dL/dw,  with learning rate α = {lr}"
        bias = "biases" if ex.bias else "no bias"
        act = ex.model.activation
        network = (
            f"The network: inputs {', '.join(ex.inputs)}; {self._layers()}; {bias}.\n"
            f"Each unit: a linear part s, then its activation z = {act}(s); [l] is the layer.\n"
            "Weight names: w[l]jk connects unit k of layer l−1 to unit j of layer l\n"
            "(the convention of Andrew Ng's course and of PyTorch's Linear.weight)."
        )
        if ex.bias:
            network += "\nBias names: b[l]j is added to the linear part of unit j in layer l."
        gradient_descent = (
            "Gradient descent moves every weight a small step against its gradient:\n"
            "  W ← W − α·dJ/dW,  b ← b − α·dJ/db\n"
        )
        return Section("1. Gradient descent", (gradient_descent + moves + rule, network))

    def _layers(self) -> str:
        layers = self.ex.model.layers
        parts = [f"{_count(len(layer.neurons), f'{layer.activation} hidden unit')}" for layer in layers[:-1]]
        output = layers[-1].activation
        parts.append(f"one {output} output ŷ" if output != "linear" else "one linear output ŷ")
        return "; ".join(parts)

    # --- 2. forward ---------------------------------------------------------------------------------

    def forward(self) -> Section:
        ex, f = self.ex, self.f
        given = ", ".join(f"{name} = {f(ex.params[name])}" for name in ex.inputs)
        weights = ", ".join(
            f"{name} = {f(ex.params[name])}" for name in ex.parameter_names if "w" in name[:1]
        )
        steps = [f"Inputs {given}; target y = {f(ex.params['y'])}.\nWeights {weights}."]
        if ex.bias:
            biases = ", ".join(
                f"{name} = {f(ex.params[name])}" for name in ex.parameter_names if name[:1] == "b"
            )
            steps[0] += f"\nBiases {biases}."
        for layer in ex.model.layers:
            s_nodes = [ex.nodes[n.s_label] for n in layer.neurons]
            steps += [self._linear(s) for s in s_nodes]
            z_names = [n.z_label for n in layer.neurons if n.activation != "linear"]
            steps += [self._activation(ex.nodes[name]) for name in z_names]
        return Section("2. Forward pass", tuple(steps))

    def _linear(self, s: Value) -> str:
        """s = w1·x1 + w2·x2 (+ b) = numbers = value, read from the add/mul nodes below s."""
        terms = _terms(s)
        names = [self._term(t, self.names.__getitem__) for t in terms]
        numbers = [self._term(t, lambda node: self.p(node.data)) for t in terms]
        head = "ŷ = " if s is self.ex.output else ""
        line = f"{head}{self.names[s]} = {' + '.join(names)} = {' + '.join(numbers)} = {self.f(s.data)}"
        return line + self._float_note(terms, s)

    @staticmethod
    def _term(term: Value, show: Callable[[Value], str]) -> str:
        if term.rule is RULES["mul"]:
            a, b = term.parents
            return f"{show(a)}·{show(b)}"
        return show(term)

    def _float_note(self, terms: list[Value], s: Value) -> str:
        """Once: why the float differs from the same sum done exactly in decimals."""
        if self.float_explained:
            return ""
        exact = sum((_exact(t) for t in terms), Fraction(0))
        if exact == Fraction(s.data) or len(str(float(exact))) >= len(repr(s.data)):
            return ""  # the float is the decimal answer, or the decimal answer is no shorter
        self.float_explained = True
        paper = float(exact)
        return (
            f"\n  (On paper the sum is {paper!r}; the float is {s.data!r}. Decimals like "
            f"{_inexact(terms)} have no exact binary form, so each is stored as the nearest float and "
            "the sum rounds to a neighbour of the decimal answer. Every number here is printed exactly "
            "as the engine holds it (Python's repr, the shortest text that reads back as the same "
            "float); --digits N rounds them.)"
        )

    def _activation(self, z: Value) -> str:
        rule = z.rule
        assert rule is not None  # an activation node was made by an op
        (s,) = z.parents
        head = "ŷ = " if z is self.ex.output else ""
        named, numbers = rule.show(self.names[s]), rule.show(self.f(s.data))
        return f"{head}{self.names[z]} = {named} = {numbers} = {self.f(z.data)}"

    # --- 3. loss ------------------------------------------------------------------------------------

    def loss(self) -> str:
        ex = self.ex
        return (
            f"L = (ŷ − y)² = ({self.f(ex.output.data)} − {self.p(ex.target.data)})² = {self.f(ex.loss.data)}"
        )

    # --- 4. the chain rule --------------------------------------------------------------------------

    def chain(self, param: str) -> list[str]:
        """One step per factor of the chain, each with its formula, its number and the running
        product; a parameter reached along several paths (a deeper network) gets one chain per
        path and their sum."""
        ex, f = self.ex, self.f
        explanation = ex.chain(param)
        every_edge = explain(ex.loss, ex.nodes[param]).paths  # the same paths, one factor per edge
        count = len(explanation.paths)
        steps: list[str] = []
        shown: list[tuple[Value, Value]] = []  # the first path's factors, to say "as above" after
        for i, (path, edges) in enumerate(zip(explanation.paths, every_edge), 1):
            if count > 1:
                through = " → ".join(self.names[fac.bottom] for fac in path.factors[:-1])
                steps.append(f"Path {i} of {count}: L → {through} → {param}")
            steps += self._path(path.factors, edges.factors, shown if i > 1 else [])
            if i == 1:
                shown = [(fac.top, fac.bottom) for fac in path.factors]
        grad = self.grads[param]
        same = "the same float" if grad == explanation.total else "differs in the last bits"
        if count == 1:
            total = " · ".join(fac.name for fac in explanation.paths[0].factors)
        else:
            total = " + ".join(self.p(path.value) for path in explanation.paths)
            total = f"the sum over the {_number_word(count)} paths = {total}"
        steps.append(
            f"In one line: {explanation.name} = {total} = {f(explanation.total)}\n"
            f"and backward() stored {param}.grad = {f(grad)} ({same})."
        )
        steps.append(self._check(param, grad))
        return steps

    def _path(
        self, factors: tuple[Factor, ...], edges: tuple[Factor, ...], before: list[tuple[Value, Value]]
    ) -> list[str]:
        """The steps of one path; the factors it shares with path 1 (`before`) are said once."""
        f, p = self.f, self.p
        shared = 0
        while shared < min(len(before), len(factors)) and before[shared] == (
            factors[shared].top,
            factors[shared].bottom,
        ):
            shared += 1
        steps: list[str] = []
        running = 1.0  # dL/d(the node reached so far)
        at = 0
        for k, factor in enumerate(factors):
            stretch = edges[at : at + len(factor.locals)]
            at += len(factor.locals)
            top, bottom = self.names[factor.top], self.names[factor.bottom]
            upstream, running = running, factor.value * running  # backward's order: local · upstream
            if k < shared:
                if k == shared - 1:
                    steps.append(f"As in path 1 down to {bottom}: {dname('L', bottom)} = {f(running)}")
                continue
            formula = self._formula(stretch)
            if not formula.endswith(f" = {f(factor.value)}") and formula != f(factor.value):
                formula += f" = {f(factor.value)}"  # the numbers of a one-name factor are its value
            text = f"{self._lead(factor, stretch)}\n{factor.name} = {formula}"
            note = self._naming_note(factor)
            if note:
                text += "\n" + note
            if k:
                text += (
                    f"\nso {dname('L', bottom)} = {dname('L', top)} · {factor.name} = "
                    f"{p(upstream)} · {p(factor.value)} = {f(running)}"
                )
            steps.append(text)
        return steps

    def _formula(self, stretch: tuple[Factor, ...]) -> str:
        """The factor as the rules write it, with names, then with the numbers in."""
        texts = [self._local(edge, self.names.__getitem__) for edge in stretch]
        numbers = [self._local(edge, self._number_of) for edge in stretch]
        named = " · ".join(t for t in texts if t != "1") or "1"
        numeric = " · ".join(t for t in numbers if t != "1") or "1"
        (one,) = stretch[:1]
        rule = one.top.rule
        if len(stretch) == 1 and rule is not None and len(rule.inputs) == 1:
            general = rule.local_text(0, a=self.names[one.bottom])  # 1 - tanh(s[2])², before out is named
            if general != named:
                named = f"{general} = {named}"
        if numeric == named or numeric.strip("()") == self.f(self._value(stretch)):
            return named  # a single number: the caller writes it once, as the factor's value
        return f"{named} = {numeric}"

    @staticmethod
    def _value(stretch: tuple[Factor, ...]) -> float:
        value = 1.0
        for edge in stretch:
            value = edge.value * value
        return value

    @staticmethod
    def _local(edge: Factor, show: Callable[[Value], str]) -> str:
        node, parent = edge.top, edge.bottom
        rule = node.rule
        assert rule is not None
        k = node.parents.index(parent)
        names = dict(zip(rule.inputs, (show(p) for p in node.parents)))
        return rule.local_text(k, out=show(node), **names)

    def _number_of(self, node: Value) -> str:
        """A node as a number in a formula; an unlabelled op as its expression over numbers (ŷ − y)."""
        rule = node.rule
        if node.label or rule is None:
            return self.p(node.data) if node.data < 0 else self.f(node.data)
        return rule.show(*(self._number_of(parent) for parent in node.parents))

    def _lead(self, factor: Factor, stretch: tuple[Factor, ...]) -> str:
        """A plain-words lead for one factor, from the ops along it."""
        top, bottom = self.names[factor.top], self.names[factor.bottom]
        first = stretch[0].top.rule
        last = stretch[-1].top
        if factor.top is self.ex.loss:
            output = self.names[self.ex.output]
            return f"How the loss changes with the prediction ŷ = {output} (the derivative of (ŷ − y)²):"
        if first is not None and len(first.inputs) == 1 and len(stretch) == 1:
            shown = first.show(bottom)
            return f"How {top} = {shown} changes with {bottom} (the derivative of {first.name}):"
        if last.rule is RULES["mul"]:
            (other,) = [p for p in last.parents if p is not factor.bottom] or [factor.bottom]
            if factor.bottom.is_leaf:
                return (
                    f"How {top} changes with {bottom}: by {self.names[other]}, the input {bottom} multiplies:"
                )
            return f"How {top} changes with {bottom}: by {self.names[other]}, the weight on {bottom}:"
        if factor.bottom.is_leaf:
            return f"How {top} changes with the bias {bottom}: it is added, so by 1:"
        return f"How {top} changes with {bottom}:"

    def _naming_note(self, factor: Factor) -> str:
        """Where the post's sentence about w[2]12 meets this naming (the post's network only)."""
        ex = self.ex
        if (ex.model.nin, ex.model.nouts) != (2, [2, 1]) or factor.bottom not in ex.model.layers[1].neurons[
            0
        ].w:
            return ""
        weight = self.names[factor.bottom]
        k = weight[-1]
        return (
            "  Naming note: the post says “in the weight w[2]12 is z[1]1”. Here w[l]jk connects unit k "
            f"of layer l−1 to unit j of layer l, so {weight} multiplies z[1]{k} and ds[2]/d{weight} = "
            f"z[1]{k} (s[2] = w[2]11·z[1]1 + w[2]12·z[1]2). The post pairs w[2]12 with z[1]1 under another "
            "numbering (or by a slip); in this naming the weight on z[1]1 is w[2]11, and "
            f"ds[2]/dw[2]11 = z[1]1 = {self.f(ex.nodes['z[1]1'].data)}."
        )

    def _check(self, param: str, grad: float) -> str:
        """The finite-difference check a learner can do by hand, beside backward's number."""
        fd = self.ex.finite_difference(param)
        f = self.f
        agree = _agreement(fd.estimate, grad)
        return (
            f"Check without backward: move {param} by h = {fd.h:g} each way and difference the loss:\n"
            f"  (L({param} + h) − L({param} − h)) / 2h = ({f(fd.plus)} − {f(fd.minus)}) / {2 * fd.h:g} "
            f"= {self.estimate(fd.estimate)}\n"
            f"  backward() gives {f(grad)}: {agree}."
        )

    # --- 5-7. the update, every parameter, the loss after --------------------------------------------

    def update(self, param: str, after: WorkedExample) -> Section:
        ex, f, p = self.ex, self.f, self.p
        g = self.grads[param]
        return Section(
            "5. Update",
            (
                f"{param} ← {param} − α·dL/d{param} = {f(ex.params[param])} − {f(ex.lr)}·{p(g)} = "
                f"{f(after.params[param])}",
                "The gradient's sign says which way L grows; the step goes the other way.",
            ),
        )

    def table(self, after: WorkedExample) -> Section:
        ex, f = self.ex, self.f
        names = ex.parameter_names
        h = ex.finite_difference(names[0]).h
        grads = [("", "dL/dw (backward)", f"(L(w+h) − L(w−h))/2h, h = {h:g}")]
        grads += [(n, f(self.grads[n]), self.estimate(ex.finite_difference(n).estimate)) for n in names]
        steps = [("", "w", "w − α·dL/dw")]
        steps += [(n, f(ex.params[n]), f(after.params[n])) for n in names]
        what = "weights and biases" if ex.bias else "weights"
        return Section(
            f"6. All {_number_word(len(names))} {what}",
            (
                f"Each gradient from backward(), beside its finite-difference estimate:\n{_columns(grads)}",
                f"Each value before and after a step with α = {f(ex.lr)}:\n{_columns(steps)}",
            ),
        )

    def after(self, after: WorkedExample) -> Section:
        f = self.f
        report = judge_step(self.ex, after)
        return Section(
            "7. After the step",
            (
                f"Forward again with the updated parameters: ŷ = {f(after.output.data)}\n"
                f"L = {f(report.loss_after)} (before the step: {f(report.loss_before)}): "
                f"{report.verdict(f)}.",
            ),
        )


def _nodes(root: Value) -> list[Value]:
    from ..core.order import backward_order

    return backward_order(root)


def _terms(s: Value) -> list[Value]:
    """The terms of a left-folded sum w1·x1 + w2·x2 + ... (+ b), first term first."""
    terms: list[Value] = []
    node = s
    while node.rule is RULES["add"] and not (node is not s and node.label):
        left, right = node.parents
        terms.append(right)
        node = left
    terms.append(node)
    return terms[::-1]


def _exact(term: Value) -> Fraction:
    """The term computed exactly from its printed (repr) numbers, as on paper."""
    if term.rule is RULES["mul"]:
        a, b = term.parents
        return Fraction(repr(a.data)) * Fraction(repr(b.data))
    return Fraction(repr(term.data))


def _inexact(terms: list[Value]) -> str:
    """The printed numbers among the terms' inputs that no float holds exactly (0.4, 0.1, ...):
    a decimal is a binary fraction only if its denominator, reduced, is a power of two."""
    numbers: list[str] = []
    for term in terms:
        for node in term.parents if term.rule is RULES["mul"] else (term,):
            text = repr(abs(node.data))
            d = Fraction(text).denominator
            if d & (d - 1) and text not in numbers:
                numbers.append(text)
    return " and ".join(numbers[:2]) if numbers else "these"


def _agreement(estimate: float, exact: float) -> str:
    """How many significant digits two numbers share, in words."""
    if estimate == exact:
        return "the same float"
    scale = max(abs(estimate), abs(exact))
    rel = abs(estimate - exact) / scale if scale else 0.0
    digits = 0
    while digits < 16 and rel < 0.5 * 10.0 ** (-digits):
        digits += 1
    return (
        f"they agree to {digits} significant digits (the estimate is off by about h² and by rounding; "
        "backward is exact up to rounding)"
    )


def _columns(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


# a formula line: up to three words, then " = ": "s[1]1 = ...", "so dL/ds = ...", "local × upstream = ..."
_FORMULA = re.compile(r" *(so |and )?[^ ]+( [^ ]+){0,2} = ")


def wrap(text: str, width: int = WIDTH) -> str:
    """`text` with every line longer than `width` broken at spaces: a formula (a line that starts
    "name = ") continues 4 columns further in, prose at its own indent.

    A number is never split: a line breaks only between terms. A single word longer than the
    line stays whole.

    >>> print(wrap("so dL/ds[2] = (-1.3886851619333154) · 0.9065735421898757 = -1.2589452262404068", 40))
    so dL/ds[2] = (-1.3886851619333154) ·
        0.9065735421898757 =
        -1.2589452262404068
    """
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip(" "))]
        formula = _FORMULA.match(line) is not None
        more = indent + ("    " if formula else "")  # a formula continues further in; prose aligns
        words = line.strip(" ").split(" ")
        current = indent + words[0]
        for word in words[1:]:
            if len(current) + 1 + len(word) > width:
                out.append(current)
                current = more + word
            else:
                current += " " + word
        out.append(current)
    return "\n".join(out)


def summary(ex: WorkedExample) -> dict[str, Any]:
    """The example's numbers as one JSON-ready dict (what `micrograd-like example --json` prints).

    "chain" holds the first three factors of the chain the post spells out (dL/dŷ, dŷ/ds, dL/ds
    for the output unit); "gradients" and "updated" every parameter, biases included.
    """
    names = graph_names(_nodes(ex.loss)).text
    first = ex.model.layers[-1].neurons[0].w[0].label  # a weight of the output unit
    factors = ex.chain(first).paths[0].factors
    out = ex.output
    if out.rule is not None and len(out.parents) == 1:  # ŷ = z = activation(s): dL/dz, dz/ds, dL/ds
        z, s = names[out], names[out.parents[0]]
        chain = {dname("L", z): factors[0].value, dname(z, s): factors[1].value}
        chain[dname("L", s)] = factors[1].value * factors[0].value
    else:  # a linear output: ŷ is s itself
        chain = {dname("L", names[out]): factors[0].value}
    after = ex.after_update()
    return {
        "params": dict(ex.params),
        "forward": ex.forward(),
        "loss": ex.loss.data,
        "chain": chain,
        "gradients": ex.gradients(),
        "updated": {name: after.params[name] for name in ex.parameter_names},
        "loss_after": after.loss.data,
    }
