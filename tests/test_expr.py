"""parse_expression: the one safe parser for a learner's own expression (the CLI and the page share it).

Oracles: the same expression written in plain Python floats (values), hand-derived derivatives
and central finite differences (gradients), and the graph's own structure (one leaf per name).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_like import Value, backward_order
from micrograd_like.core.expr import (
    MAX_LENGTH,
    ExpressionError,
    allowed,
    names_in,
    normal_name,
    parse_expression,
    parse_values,
)


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# (expression, values, the same in plain floats, {name: the derivative by hand})
CASES = [
    ("tanh(a*b + c)", {"a": 2.0, "b": -3.0, "c": 1.0}, lambda a, b, c: math.tanh(a * b + c), {
        "a": lambda a, b, c: (1 - math.tanh(a * b + c) ** 2) * b,
        "b": lambda a, b, c: (1 - math.tanh(a * b + c) ** 2) * a,
        "c": lambda a, b, c: 1 - math.tanh(a * b + c) ** 2,
    }),
    ("x*x + x", {"x": 3.0}, lambda x: x * x + x, {"x": lambda x: 2 * x + 1}),
    ("a / b - a", {"a": 1.5, "b": 4.0}, lambda a, b: a / b - a, {
        "a": lambda a, b: 1 / b - 1,
        "b": lambda a, b: -a / b**2,
    }),
    ("exp(-x) * log(y)", {"x": 0.5, "y": 2.0}, lambda x, y: math.exp(-x) * math.log(y), {
        "x": lambda x, y: -math.exp(-x) * math.log(y),
        "y": lambda x, y: math.exp(-x) / y,
    }),
    ("x**3 - 2**x", {"x": 1.25}, lambda x: x**3 - 2**x, {"x": lambda x: 3 * x**2 - 2**x * math.log(2)}),
    ("a**b", {"a": 2.0, "b": 0.5}, lambda a, b: a**b, {
        "a": lambda a, b: b * a ** (b - 1),
        "b": lambda a, b: a**b * math.log(a),
    }),
    ("sigmoid(w) + relu(w - 1) + relu(-w)", {"w": 2.0}, lambda w: sigmoid(w) + max(w - 1, 0) + max(-w, 0), {
        "w": lambda w: sigmoid(w) * (1 - sigmoid(w)) + 1.0,
    }),
    ("+a - -b", {"a": 1.0, "b": 2.0}, lambda a, b: a + b, {"a": lambda a, b: 1.0, "b": lambda a, b: 1.0}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "values", "plain", "derivatives"), CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_against_plain_floats_and_hand_formulas(
    text: str, values: dict[str, float], plain: object, derivatives: dict[str, object]
) -> None:
    ex = parse_expression(text, values)
    args = [values[n] for n in names_in(text)]
    assert ex.root.data == pytest.approx(plain(*args), rel=1e-15)  # type: ignore[operator]
    ex.root.backward()
    for name, derivative in derivatives.items():
        assert ex.leaves[name].grad == pytest.approx(derivative(*args), rel=1e-12), name  # type: ignore[operator]
    assert ex.root.label == "f" and ex.text == text
    assert all(leaf.kind == "parameter" and leaf.label == name for name, leaf in ex.leaves.items())


def test_a_name_used_twice_is_one_leaf_with_two_edges() -> None:
    ex = parse_expression("x*x", {"x": 3.0})
    (x,) = ex.leaves.values()
    assert ex.root.parents == (x, x)  # both edges, one node
    leaves = [node for node in backward_order(ex.root) if node.is_leaf]
    assert leaves == [x]
    ex.root.backward()
    assert x.grad == 6.0  # d(x²)/dx = 2x: both uses count


def test_what_was_written_is_the_graph() -> None:
    ex = parse_expression("a - b / 2", {"a": 1.0, "b": 4.0})
    assert ex.root.op == "sub"  # drawn as written: no hidden + or * -1
    b_half = ex.root.parents[1]
    assert b_half.op == "div" and b_half.parents[1].kind == "constant" and b_half.parents[1].data == 2.0
    assert parse_expression("x**2", {"x": 3.0}).root.rule.param == 2.0  # type: ignore[union-attr]
    assert parse_expression("x**y", {"x": 3.0, "y": 2.0}).root.op == "pow"
    assert parse_expression("-2*x", {"x": 1.0}).root.parents[0].data == -2.0  # -2 is one number
    assert parse_expression("-x", {"x": 1.0}).root.op == "neg"
    ex = parse_expression("y*2", {"y": 1.0}, kind="input", label="out")
    assert ex.root.label == "out" and ex.leaves["y"].kind == "input"


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=-2.0, max_value=2.0),
    st.floats(min_value=-2.0, max_value=2.0),
    st.floats(min_value=0.1, max_value=3.0),
)
def test_gradients_match_finite_differences(a: float, b: float, c: float) -> None:
    text = "tanh(a*b + c) * exp(b) / c + log(c) - a**2"
    ex = parse_expression(text, {"a": a, "b": b, "c": c})
    ex.root.backward()

    def f(**moved: float) -> float:
        return parse_expression(text, {"a": a, "b": b, "c": c, **moved}).root.data

    for name, x in (("a", a), ("b", b), ("c", c)):
        h = 1e-6
        estimate = (f(**{name: x + h}) - f(**{name: x - h})) / (2 * h)
        assert ex.leaves[name].grad == pytest.approx(estimate, rel=1e-5, abs=1e-7), name


def test_names_in_source_order() -> None:
    assert names_in("b*ab + a") == ["b", "ab", "a"]  # not by the first place the text "a" occurs
    assert names_in("tanh(x) + exp(y*x)") == ["x", "y"]  # functions are not names
    assert names_in("2*3") == []


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        ("", {}, "the expression is empty"),
        ("   ", {}, "the expression is empty"),
        ("a +", {"a": 1}, "'a +' is not a valid expression: invalid syntax"),
        ("a * * b", {"a": 1}, "is not a valid expression at column 5"),
        ("a * b", {"a": 1}, "no value for b (give each name a number, e.g. b=1.0; values given: a)"),
        ("a * 2", {"a": 1, "q": 2}, "q is not in the expression (its names: a)"),
        ("tanhh(a)", {"a": 1}, "unknown function 'tanhh' (did you mean tanh?)"),
        ("sin(a)", {"a": 1}, "unknown function 'sin'; allowed: numbers, names"),
        ("__import__('os').system('x')", {}, "unknown function"),
        ("a.real", {"a": 1}, "'a.real' is not allowed"),
        ("a[0]", {"a": 1}, "'a[0]' is not allowed"),
        ("a if a else a", {"a": 1}, "is not allowed"),
        ("a < 2", {"a": 1}, "'a < 2' is not allowed"),
        ("(lambda: 1)()", {}, "unknown function"),
        ("[a for a in b]", {"b": 1}, "is not allowed"),
        ("'text'", {}, "\"'text'\" is not allowed"),
        ("True * a", {"a": 1}, "'True' is not allowed"),
        ("1j * a", {"a": 1}, "'1j' is not allowed"),
        ("tanh(a, a)", {"a": 1}, "tanh() takes exactly one argument"),
        ("tanh(x=a)", {"a": 1}, "tanh() takes exactly one argument"),
        ("tanh(*a)", {"a": 1}, "is not allowed"),
        ("exp + 1", {}, "exp is a function; call it, e.g. exp(x)"),
        ("__x * 2", {"__x": 1}, "'__x' is not allowed as a name"),
        ("a := 2", {}, "is not a valid expression"),
        ("1" * 400 + " * a", {"a": 1}, "is too big"),
        ("1e999 * a", {"a": 1}, "is not a finite float"),
        ("a" + "+a" * 600, {"a": 1}, "parts; the limit is 500"),
        ("a" * (MAX_LENGTH + 1), {}, f"characters long; the limit is {MAX_LENGTH}"),
        ("2", {}, "has no operation to differentiate; write e.g. 2*1"),
    ],
)
def test_errors_say_what_is_wrong_and_what_is_allowed(
    text: str, values: dict[str, float], message: str
) -> None:
    with pytest.raises(ExpressionError) as error:
        parse_expression(text, values)
    assert message in str(error.value)
    assert "\n" not in str(error.value)  # one line: the CLI prints it as is


def test_an_expression_must_be_text() -> None:
    with pytest.raises(ExpressionError, match="an expression must be text, got int"):
        parse_expression(3, {})  # type: ignore[arg-type]


def test_bad_math_is_the_engines_own_error() -> None:
    with pytest.raises(ValueError, match=r"log\(0.0\) is undefined"):
        parse_expression("log(a)", {"a": 0.0})
    with pytest.raises(ZeroDivisionError, match="divides by zero"):
        parse_expression("a / (a - a)", {"a": 1.0})
    with pytest.raises(OverflowError, match="overflows"):
        parse_expression("exp(a)", {"a": 1000.0})


def test_nothing_is_evaluated_by_python() -> None:
    # a name that Python would resolve (a builtin) is just a name here, needing a value
    with pytest.raises(ExpressionError, match="no value for print"):
        parse_expression("print * 2", {})
    ex = parse_expression("open * 2", {"open": 1.5})
    assert ex.root.data == 3.0 and isinstance(ex.leaves["open"], Value)


def test_parse_values() -> None:
    assert parse_values([]) == {}
    assert parse_values(["a=2", " b = -3.5 ", "a=1e-3"]) == {"a": 0.001, "b": -3.5}
    for bad, message in [
        ("a", "'a' is not NAME=VALUE"),
        ("=2", "is not NAME=VALUE"),
        ("a=two", "'two' is not a number"),
        ("a=nan", "a must be a finite number"),
        ("a=inf", "a must be a finite number"),
        ("w[1]=2", "'w[1]' is not a name"),
    ]:
        with pytest.raises(ExpressionError, match=message.replace("[", r"\[").replace("]", r"\]")):
            parse_values([bad])


def test_allowed_lists_the_language() -> None:
    text = allowed()
    for part in ("numbers", "names", "+ - * / **", "exp(x)", "log(x)", "tanh(x)", "sigmoid(x)", "relu(x)"):
        assert part in text


# --- names as the parser reads them (NFKC), function names, bounded messages ----------------------

FOLDED = [
    ("𝐚", "a"),
    ("ﬁ", "fi"),
    ("ａ", "a"),
    ("ｘ１", "x1"),
    ("ℌ", "H"),
    ("\u212b", "\u00c5"),
]  # typed -> as Python reads it


@pytest.mark.parametrize(("typed", "read"), FOLDED)
def test_a_name_typed_the_same_way_twice_always_works(typed: str, read: str) -> None:
    expression = parse_expression(f"tanh({typed}*2 + 1)", parse_values([f"{typed}=0.5"]))
    assert list(expression.leaves) == [read] == names_in(f"{typed}*2")
    assert expression.root.data == math.tanh(0.5 * 2 + 1)
    assert parse_expression(f"{typed}*3", {typed: 2.0}).root.data == 6.0  # the API's own mapping too
    assert parse_expression(f"{read}*3", {typed: 2.0}).leaves[read].data == 2.0


def test_names_that_read_the_same_are_one_name_and_the_later_value_wins() -> None:
    assert parse_values(["𝐚=1", "a=2", "ａ=3"]) == {"a": 3.0}
    assert normal_name("w[2]12") == "w[2]12" and normal_name("a²") == "a²"  # not identifiers: as typed


@pytest.mark.parametrize("text", ["exp*2", "tanh(tanh)", "relu+a", "sigmoid", "2*log"])
def test_a_function_used_as_a_name_is_called_a_function(text: str) -> None:
    function = next(name for name in ("exp", "tanh", "relu", "sigmoid", "log") if name in text)
    for values in ({function: 1.0, "a": 1.0}, {"a": 1.0}, {function: 1.0}):
        with pytest.raises(ExpressionError) as caught:
            parse_expression(text, {k: v for k, v in values.items() if k in text})
        assert f"{function} is a function; call it, e.g. {function}(x)" in str(caught.value)
    with pytest.raises(ExpressionError, match=f"{function} is a function; call it"):
        names_in(text)


def test_a_value_for_a_function_name_says_it_is_a_function() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("exp(a)", {"a": 1.0, "exp": 2.0})
    assert str(caught.value) == (
        "'exp(a)': exp is a function, not a name to give a value (call it, e.g. exp(x); "
        "the expression's names: a)"
    )


def test_messages_that_list_what_was_given_stay_short() -> None:
    many = {f"v{k}": 1.0 for k in range(20_000)}
    with pytest.raises(ExpressionError) as caught:
        parse_expression("a*2", {"a": 1.0, **many})
    message = str(caught.value)
    assert (
        len(message) < 200 and "v0, v1, v2" in message and "(19992 more) are not in the expression" in message
    )
    with pytest.raises(ExpressionError) as caught:
        parse_expression("+".join(f"q{k}" for k in range(120)), many)
    message = str(caught.value)
    assert len(message) < 400 and "no value for q0, q1" in message and "(112 more)" in message
    assert "values given: v0, v1, v10" in message and "(19992 more)" in message
    long = "b" * 100_000
    for call in (
        lambda: parse_expression("c*2", parse_values([f"{long}=1"])),
        lambda: parse_values([f"{long}=x"]),
        lambda: parse_values([f"a={long}"]),
        lambda: parse_values([f"{long}"]),
        lambda: parse_values([f"1{long}=1"]),
        lambda: parse_expression("c*2", {long: 1.0, "c": 1.0}),
        lambda: parse_expression(f"{long[:1900]}(c)", {"c": 1.0}),
        lambda: parse_expression(f"c.{long[:1900]}", {"c": 1.0}),
    ):
        with pytest.raises(ExpressionError) as caught:
            call()
        assert len(str(caught.value)) < 300, str(caught.value)[:300]
