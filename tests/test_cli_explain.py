"""`micrograd-like explain`: the chain rule for the worked example or an expression, checked by backward()."""

from __future__ import annotations

import math

import pytest
from oracles import post_numbers

from micrograd_like.cli import main
from micrograd_like.post.example import DEFAULTS


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _flat(text: str) -> str:
    return " ".join(text.split())  # wrapping at 80 columns undone


def test_default_is_the_posts_chain_for_w212(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys)
    assert (code, err) == (0, "")
    n = post_numbers(DEFAULTS)
    assert _flat(out) == (
        "dL/dw[2]12 = dL/dz[2] · dz[2]/ds[2] · ds[2]/dw[2]12 = "
        f"({n['dL/dz[2]']!r}) · ({n['dz[2]/ds[2]']!r}) · ({n['z[1]2']!r}) = {n['dL/dw[2]12']!r} "
        f"backward() stored w[2]12.grad = {n['dL/dw[2]12']!r} (the same float)"
    )
    assert max(len(line) for line in out.splitlines()) <= 80


def test_wrt_set_bias_and_every_node(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--wrt", "w[1]11", "--set", "x1=0.5", "--digits", "4")
    n = post_numbers({**DEFAULTS, "x1": 0.5})
    assert code == 0 and f"= {n['dL/dw[1]11']:.4g}" in _flat(out)
    code, out, _ = _run(capsys, "--bias", "--wrt", "b[2]1")
    assert code == 0 and _flat(out).startswith("dL/db[2]1 = dL/dz[2] · dz[2]/ds[2] · ds[2]/db[2]1")
    code, out, _ = _run(capsys, "--every-node")
    assert code == 0 and "d(z[2]-y)/dz[2]" in out and "ds[2]/d(w[2]12·z[1]2)" in out


def test_an_expression_explained_for_each_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--expr", "tanh(a*b + c)", "--set", "a=2", "--set", "b=-3", "--set", "c=1")
    assert code == 0
    parts = [_flat(part) for part in out.strip().split("\n\n")]
    assert [part.split(" = ")[0] for part in parts] == ["df/da", "df/db", "df/dc"]
    t = 1 - math.tanh(-5.0) ** 2
    assert parts[0] == (
        f"df/da = df/d(a·b+c) · d(a·b+c)/d(a·b) · d(a·b)/da = ({t!r}) · (1.0) · (-3.0) = {t * -3.0!r} "
        f"backward() stored a.grad = {t * -3.0!r} (the same float)"
    )
    code, out, _ = _run(capsys, "--expr", "x*x", "--set", "x=3", "--wrt", "x")
    assert code == 0 and "sum over 2 paths" in out and "df/dx = 3.0 + 3.0 = 6.0" in _flat(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--wrt", "w[1]13"], "--wrt: no node named 'w[1]13' in this graph; did you mean"),
        (["--expr", "a*b", "--set", "a=1"], "--expr: 'a*b': no value for b"),
        (["--expr", "2*3"], "--expr has no names to differentiate"),
        (["--digits", "20"], "--digits must be between 1 and 17"),
        (["--set", "w[9]=1"], "unknown name 'w[9]'"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("micrograd-like explain: error: ") and message in err


@pytest.mark.parametrize(("typed", "read"), [("𝐚", "a"), ("ﬁ", "fi"), ("ａ", "a")])
def test_a_name_folded_by_the_parser_works_in_set_and_wrt(
    capsys: pytest.CaptureFixture[str], typed: str, read: str
) -> None:
    code, out, err = _run(capsys, "--expr", f"tanh({typed}*2)", "--set", f"{typed}=0.5", "--wrt", typed)
    assert code == 0, err
    assert f"backward() stored {read}.grad = {2 * (1 - math.tanh(1.0) ** 2)!r}" in _flat(out)


@pytest.mark.parametrize(
    ("expr", "function"),
    [("exp*2", "exp"), ("tanh(tanh)", "tanh"), ("relu+a", "relu"), ("sigmoid", "sigmoid")],
)
def test_a_function_name_set_as_a_value_is_called_a_function(
    capsys: pytest.CaptureFixture[str], expr: str, function: str
) -> None:
    values = ["--set", "a=1"] if expr == "relu+a" else []
    for extra in (["--set", f"{function}=1"], []):
        code, out, err = _run(capsys, "--expr", expr, *values, *extra)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert f"{function} is a function; call it, e.g. {function}(x)" in err


def test_thousands_of_unused_values_give_a_short_message(capsys: pytest.CaptureFixture[str]) -> None:
    # 2,000, not 20,000: argparse itself takes time quadratic in the flags (the API test has 20,000)
    many = [arg for k in range(2_000) for arg in ("--set", f"v{k}=1")]
    code, out, err = _run(capsys, "--expr", "a*2", "--set", "a=1", *many)
    assert code == 2 and out == "" and err.count("\n") == 1 and len(err) < 200
    assert err.strip().endswith(
        "'a*2': v0, v1, v2, v3, v4, v5, v6, v7, ... (1992 more) are not in the expression (its names: a)"
    )
