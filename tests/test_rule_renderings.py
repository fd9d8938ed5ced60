"""Each rule's math is written once; every rendering of it must compute the same numbers.

For every rule of the table (and several fixed exponents): the engine's functions, the Python
source renderings (what compiled graphs run), the tree evaluated over floats and the local
derivatives built from engine ops (what higher-order gradients use) agree on many points of
the op's domain. The expression language's renderers round-trip: rendering a random tree to
Python and parsing it back gives the same tree, so no precedence is lost.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_like import Value, apply, rules
from micrograd_like.core.mathexpr import (
    Bin,
    Call,
    Expr,
    If,
    Name,
    Neg,
    Num,
    evaluate,
    parse,
    to_js,
    to_python,
    to_text,
)

ALL_RULES = [
    *rules.RULES.values(),
    *(rules.power(n) for n in (0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, 1.5, -0.5)),
]
FLOATS = {"exp": math.exp, "log": math.log, "tanh": math.tanh}
VALUES: dict[str, Callable[[Value], Value]] = {"exp": Value.exp, "log": Value.log, "tanh": Value.tanh}


def domain(rule: rules.Rule) -> st.SearchStrategy[tuple[float, ...]]:
    """Points where the op and its local derivatives are defined and of moderate size."""
    x = st.floats(-4.0, 4.0, allow_nan=False)
    positive = st.floats(0.05, 4.0)
    if rule.name == "pow" and rule.param is None:
        return st.tuples(positive, st.floats(-3.0, 3.0))
    if rule.name == "log" or (rule.param is not None and not float(rule.param).is_integer()):
        return st.tuples(positive)
    if rule.name == "div":
        return st.tuples(x, st.one_of(st.floats(0.05, 4.0), st.floats(-4.0, -0.05)))
    if rule.param is not None and rule.param < 0:
        return st.tuples(st.one_of(st.floats(0.05, 4.0), st.floats(-4.0, -0.05)))
    return st.tuples(*[x] * len(rule.inputs))


def run_python(source: str, env: dict[str, float]) -> float:
    return float(eval(source, {"math": math}, dict(env)))


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: f"{r.name}{r.symbol}")
def test_every_rendering_computes_the_same_numbers(rule: rules.Rule) -> None:
    @settings(max_examples=60, deadline=None)
    @given(domain(rule))
    def check(point: tuple[float, ...]) -> None:
        env = dict(zip(rule.inputs, point))
        out = rule.forward(*point)
        assert run_python(rule.python_forward(), env) == out
        assert evaluate(rule.forward_expr, env, FLOATS) == out
        env_out = {**env, "out": out}
        locals_ = rule.local(out, *point)
        fast = rule.backward_local(out, *point)
        assert (fast,) == locals_ if len(point) == 1 else fast == locals_
        assert rule.fixed is None or rule.fixed == locals_  # the backward loop's shortcut, same floats
        values = {name: Value(x) for name, x in env_out.items()}
        for k in range(len(point)):
            assert run_python(rule.python_local(k), env_out) == locals_[k]
            assert evaluate(rule.local_exprs[k], env_out, FLOATS) == locals_[k]
            as_ops = rule.evaluate_local(
                k, values, VALUES, lambda c: Value(c, kind="constant"), lambda v: v.data
            )
            assert as_ops.data == locals_[k]  # the derivative built from engine ops: same floats
            made = rule.local_evaluator(k, VALUES, lambda c: Value(c, kind="constant"), lambda v: v.data)
            assert made(values).data == made(values).data == locals_[k]  # made once, called again
        node = apply(rule, *[Value(x) for x in point])  # and the engine's node made from the rule
        assert node.data == out and node.local_grads() == locals_

    check()


def test_only_rules_whose_local_derivatives_are_numbers_skip_the_call() -> None:
    fixed = {rule.name: rule.fixed for rule in ALL_RULES if rule.fixed is not None and rule.name != "pow"}
    assert fixed == {"add": (1.0, 1.0), "sub": (1.0, -1.0), "neg": (-1.0,)}
    assert rules.power(1.0).fixed == (1.0,) and rules.power(2.0).fixed is None  # x**1: d/dx is 1


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: f"{r.name}{r.symbol}")
def test_every_rule_has_readable_formulas_and_renders_to_javascript(rule: rules.Rule) -> None:
    assert len(rule.formulas) == len(rule.inputs)
    for k, x in enumerate(rule.inputs):
        assert rule.formulas[k].startswith("d") and f"/d{x} = " in rule.formulas[k]
        js = rule.js_local(k)
        assert "math." not in js and "**" not in js and " if " not in js  # JavaScript, not Python
    named = rule.local_text(0, a="s[2]", b="w", out="z[2]")
    assert "a" not in named.replace("tanh", "").replace("relu", "")  # every name substituted


def test_the_formulas_a_learner_reads() -> None:
    assert rules.TANH.formulas == ("d(tanh(a))/da = 1 - tanh(a)²",)
    assert rules.TANH.local_text(0, a="s[2]", out="z[2]") == "1 - z[2]²"
    assert rules.MUL.formulas == ("d(a·b)/da = b", "d(a·b)/db = a")
    assert rules.power(2.0).formulas == ("d(a²)/da = 2·a",)
    assert rules.SIGMOID.formulas == ("d(σ(a))/da = σ(a)·(1 - σ(a))",)
    assert rules.RELU.formulas == ("d(relu(a))/da = 1 if a > 0 else 0",)
    assert rules.DIV.local_text(1, a="x", b="y", out="q") == "-q/y"


# --- the expression language round-trips through its renderers ----------------------------------

LEAVES = st.one_of(st.sampled_from([Name("a"), Name("b"), Name("out")]), st.floats(-9, 9).map(Num))


def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.builds(Bin, st.sampled_from(["+", "-", "*", "/", "**"]), children, children),
        st.builds(Neg, children.filter(lambda e: not isinstance(e, Num))),
        st.builds(Call, st.sampled_from(["exp", "log", "tanh"]), children),
        st.builds(
            If, st.builds(Bin, st.sampled_from([">", ">=", "<"]), children, children), children, children
        ),
    )


TREES = st.recursive(LEAVES, extend, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(TREES)
def test_python_rendering_parses_back_to_the_same_tree(tree: Expr) -> None:
    assert parse(to_python(tree).replace("math.", "")) == _normal(tree)
    assert to_text(tree)  # every tree has a text form
    assert "math." not in to_js(tree)


def _normal(e: Expr) -> Expr:
    """What parsing gives back: -(number) is folded into the literal."""
    if isinstance(e, Neg):
        inner = _normal(e.operand)
        return Num(-inner.value) if isinstance(inner, Num) else Neg(inner)
    if isinstance(e, Bin):
        return Bin(e.op, _normal(e.left), _normal(e.right))
    if isinstance(e, Call):
        return Call(e.func, _normal(e.arg))
    if isinstance(e, If):
        return If(_normal(e.cond), _normal(e.then), _normal(e.orelse))
    return e


def test_the_language_refuses_what_it_does_not_know() -> None:
    for bad in ["a.b", "sqrt(a)", "x + 1", "a[0]", "lambda: a", "a and b", "f(a, b)", "'text'"]:
        with pytest.raises(SyntaxError, match="rule expression"):
            parse(bad)
