"""`micrograd-like example`: the walkthrough text, --json, --param, --set, --step and bad arguments."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_example import post_numbers

from micrograd_like import cli
from micrograd_like.example import DEFAULTS, FORWARD_NAMES, WEIGHT_NAMES


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["example", *argv])
    return code, out.getvalue(), err.getvalue()


def test_walkthrough_follows_the_post_with_exact_numbers() -> None:
    code, out, err = run_cli()
    assert code == 0 and err == ""
    n = post_numbers(DEFAULTS)
    titles = [line for line in out.splitlines() if line.startswith("== ")]
    assert titles == [
        "== 1. Gradient descent ==",
        "== 2. Forward pass ==",
        "== 3. Loss ==",
        "== 4. Backpropagation: the chain rule down to w[2]12 ==",
        "== 5. Update ==",
        "== 6. All six weights ==",
        "== 7. After the step ==",
    ]
    assert "w ← w − α·dL/dw,  with learning rate α = 0.1" in out
    dz, ds, dw = n["dL/dz[2]"], n["dL/ds[2]"], n["dL/dw[2]12"]
    expected_lines = [
        f"s[1]1 = w[1]11·x1 + w[1]12·x2 = 0.25·1.0 + (-0.4)·1.0 = {n['s[1]1']!r}",
        f"s[1]2 = w[1]21·x1 + w[1]22·x2 = 0.6·1.0 + 0.1·1.0 = {n['s[1]2']!r}",
        f"z[1]1 = tanh(s[1]1) = tanh({n['s[1]1']!r}) = {n['z[1]1']!r}",
        f"z[1]2 = tanh(s[1]2) = tanh({n['s[1]2']!r}) = {n['z[1]2']!r}",
        f"s[2] = w[2]11·z[1]1 + w[2]12·z[1]2 = (-0.7)·({n['z[1]1']!r}) + 0.35·{n['z[1]2']!r} = {n['s[2]']!r}",
        f"ŷ = z[2] = tanh(s[2]) = tanh({n['s[2]']!r}) = {n['z[2]']!r}",
        f"L = (ŷ − y)² = ({n['z[2]']!r} − 1.0)² = {n['L']!r}",
        f"dL/dz[2] = 2(ŷ − y) = 2·({n['z[2]']!r} − 1.0) = {n['dL/dz[2]']!r}",
        f"dz[2]/ds[2] = 1 − tanh²(s[2]) = 1 − z[2]² = 1 − {n['z[2]']!r}² = {n['dz[2]/ds[2]']!r}",
        f"so dL/ds[2] = dL/dz[2] · dz[2]/ds[2] = ({dz!r})·{n['dz[2]/ds[2]']!r} = {ds!r}",
        f"ds[2]/dw[2]12 = z[1]2 = {n['z[1]2']!r}",
        f"so dL/dw[2]12 = dL/ds[2] · ds[2]/dw[2]12 = ({ds!r})·{n['z[1]2']!r} = {dw!r}",
        f"and backward() stored w[2]12.grad = {n['dL/dw[2]12']!r} (the same float).",
        f"w[2]12 ← w[2]12 − α·dL/dw[2]12 = 0.35 − 0.1·({n['dL/dw[2]12']!r}) = {n['new w[2]12']!r}",
        f"L = {n['L after']!r} (before the step: {n['L']!r}): lower: the step went downhill.",
    ]
    lines = out.splitlines()
    positions = [lines.index(line) for line in expected_lines]  # each present, in the post's order
    assert positions == sorted(positions)
    assert n["L after"] < n["L"]
    # the naming note where the post's sentence meets the convention
    assert "the post says “in the weight w[2]12 is z[1]1”" in out
    assert "so w[2]12 multiplies z[1]2 and ds[2]/dw[2]12 = z[1]2" in out
    # the table: every weight, its gradient and its update, exact
    for w in WEIGHT_NAMES:
        row = next(line for line in lines if line.startswith(w + "  "))
        assert row.split() == [w, repr(DEFAULTS[w]), repr(n[f"dL/d{w}"]), repr(n[f"new {w}"])]


def test_first_layer_param_spells_out_the_longer_chain() -> None:
    code, out, _ = run_cli("--param", "w[1]21")
    n = post_numbers(DEFAULTS)
    assert code == 0
    assert "== 4. Backpropagation: the chain rule down to w[1]21 ==" in out
    for line in [
        "ds[2]/dz[1]2 = w[2]12 = 0.35",
        f"so dL/dz[1]2 = dL/ds[2] · ds[2]/dz[1]2 = ({n['dL/ds[2]']!r})·0.35 = {n['dL/dz[1]2']!r}",
        f"so dL/ds[1]2 = dL/dz[1]2 · dz[1]2/ds[1]2 = ({n['dL/dz[1]2']!r})·",
        "ds[1]2/dw[1]21 = x1 = 1.0",
        "In one line: dL/dw[1]21 = dL/dz[2] · dz[2]/ds[2] · ds[2]/dz[1]2 · dz[1]2/ds[1]2 · ds[1]2/dw[1]21"
        f" = {n['dL/dw[1]21']!r}",
        f"w[1]21 ← w[1]21 − α·dL/dw[1]21 = 0.6 − 0.1·({n['dL/dw[1]21']!r}) = {n['new w[1]21']!r}",
    ]:
        assert line in out, line
    assert "Naming note" not in out  # w[1]21 multiplies x1 in both readings


def test_set_overrides_and_digits() -> None:
    code, out, _ = run_cli("--set", "x1=2", "--set", "w[2]12=-0.5", "--set", "lr=0.5", "--digits", "5")
    assert code == 0
    n = post_numbers({**DEFAULTS, "x1": 2.0, "w[2]12": -0.5, "lr": 0.5})
    assert "Inputs x1 = 2, x2 = 1; target y = 1." in out
    assert (
        f"w[2]12 ← w[2]12 − α·dL/dw[2]12 = -0.5 − 0.5·({n['dL/dw[2]12']:.5g}) = {n['new w[2]12']:.5g}" in out
    )
    assert n["dL/dw[2]12"] < 0


def test_json_has_exactly_the_documented_keys_and_exact_floats() -> None:
    code, out, _ = run_cli("--json")
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["params", "forward", "loss", "chain", "gradients", "updated", "loss_after"]
    assert doc["params"] == DEFAULTS and list(doc["params"]) == list(DEFAULTS)
    assert list(doc["forward"]) == list(FORWARD_NAMES)
    assert list(doc["chain"]) == ["dL/dz[2]", "dz[2]/ds[2]", "dL/ds[2]"]
    assert list(doc["gradients"]) == list(WEIGHT_NAMES) == list(doc["updated"])
    assert_json_matches_post(doc, DEFAULTS)


def assert_json_matches_post(doc: dict[str, dict[str, float] | float], params: dict[str, float]) -> None:
    n = post_numbers(params)
    assert doc["params"] == params
    assert doc["forward"] == {name: n[name] for name in FORWARD_NAMES}
    assert doc["loss"] == n["L"]
    assert doc["chain"] == {k: n[k] for k in ("dL/dz[2]", "dz[2]/ds[2]", "dL/ds[2]")}
    assert doc["gradients"] == {w: n[f"dL/d{w}"] for w in WEIGHT_NAMES}
    assert doc["updated"] == {w: n[f"new {w}"] for w in WEIGHT_NAMES}
    assert doc["loss_after"] == n["L after"]


value = st.floats(min_value=-5.0, max_value=5.0)


@settings(max_examples=150, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "x1": value,
            "x2": value,
            "y": value,
            "lr": st.floats(min_value=1e-4, max_value=3.0),
            **{w: value for w in WEIGHT_NAMES},
        }
    )
)
def test_json_for_random_settings_matches_the_post(params: dict[str, float]) -> None:
    args = [item for name, v in params.items() for item in ("--set", f"{name}={v!r}")]
    code, out, _ = run_cli(*args, "--json")
    assert code == 0
    full = {**DEFAULTS, **params}
    assert_json_matches_post(json.loads(out), full)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--set", "w[3]11=1"], "unknown name 'w[3]11'"),
        (["--set", "x1"], "is not NAME=VALUE"),
        (["--set", "x1=one"], "'one' is not a number"),
        (["--set", "x1=nan"], "x1 must be a finite number, got nan"),
        (["--set", "w[1]11=inf"], "w[1]11 must be a finite number, got inf"),
        (["--set", "lr=-1"], "lr must be > 0"),
        (
            ["--set", "x1=1e308", "--set", "x2=1e308", "--set", "w[1]11=1e308", "--set", "w[1]12=1e308"],
            "fails with these values",
        ),
        (["--param", "w[2]21"], "--param: unknown weight 'w[2]21'; valid weights: w[1]11, w[1]12"),
        (["--param", "x1"], "valid weights: w[1]11, w[1]12, w[1]21, w[1]22, w[2]11, w[2]12"),
        (["--digits", "0"], "--digits must be an integer in [1, 17], got 0"),
    ],
)
def test_bad_arguments_are_one_line_errors_with_exit_2(argv: list[str], message: str) -> None:
    code, out, err = run_cli(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("micrograd-like example: error: ")
    assert message in err
    if "unknown name" in message or "NAME=VALUE" in message:
        assert "valid names: x1, x2, y, lr, w[1]11, w[1]12, w[1]21, w[1]22, w[2]11, w[2]12" in err


class FakeTerminal(io.StringIO):
    """stdin that claims to be a terminal and records how often it was read."""

    def __init__(self, answers: str) -> None:
        super().__init__(answers)
        self.reads = 0

    def isatty(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        self.reads += 1
        return super().readline()


class NotATerminal(io.StringIO):
    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        raise AssertionError("--step must not wait when stdin is not a terminal")


def test_step_pauses_between_steps_in_a_terminal_and_q_quits(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = FakeTerminal("\n\nq\n")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run_cli("--step")
    assert code == 0 and stdin.reads == 3
    assert out.count("[Enter: next, q: quit]") == 3
    assert "== 2. Forward pass ==" in out and "s[1]1 =" not in out  # stopped after the third step


def test_step_runs_to_the_end_when_enter_is_pressed_throughout(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = FakeTerminal("\n" * 200)
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run_cli("--step")
    assert code == 0 and "== 7. After the step ==" in out
    _, plain, _ = run_cli()
    assert out.replace("  [Enter: next, q: quit] ", "") == plain


def test_step_never_waits_without_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", NotATerminal())
    code, out, _ = run_cli("--step")
    assert code == 0 and "== 7. After the step ==" in out and "[Enter" not in out


def test_console_command_runs_as_a_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "micrograd_like.cli", "example", "--json", "--set", "y=-1"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["params"]["y"] == -1.0
    bad = subprocess.run(
        [sys.executable, "-m", "micrograd_like.cli", "example", "--set", "q=1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
