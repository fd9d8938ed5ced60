"""`micrograd-like example`: the walkthrough text, --json, --param, --set, --bias, --train, --step and
bad arguments."""

from __future__ import annotations

import io
import json
import os
import re
import select
import subprocess
import sys
import time

import oracles
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import post_numbers

from micrograd_like.post.example import DEFAULTS, FORWARD_NAMES, WEIGHT_NAMES, WorkedExample, build
from micrograd_like.post.walkthrough import walkthrough, wrap


def run_cli(*argv: str) -> tuple[int, str, str]:
    return oracles.run_cli("example", *argv)


def logical_lines(ex: WorkedExample, param: str = "w[2]12", digits: int | None = None) -> list[str]:
    """The walkthrough's own lines (before wrapping for the terminal)."""
    return "\n".join(str(s) for s in walkthrough(ex, param, digits=digits)).splitlines()


NUMBER = re.compile(r"-?\d+\.\d+(?:e-?\d+)?|-?\d+e-?\d+")


def test_the_cli_prints_the_walkthrough_wrapped_at_80_columns_between_terms() -> None:
    code, out, err = run_cli()
    assert code == 0 and err == ""
    sections = walkthrough(build())
    assert out == "\n\n".join(wrap(str(s), 80) for s in sections) + "\n"
    assert max(len(line) for line in out.splitlines()) <= 80
    # no number is split: every number of the unwrapped text appears whole in the printed text
    printed = set(NUMBER.findall(out))
    assert set(NUMBER.findall("\n".join(str(s) for s in sections))) <= printed


def test_walkthrough_follows_the_post_with_exact_numbers() -> None:
    n = post_numbers(DEFAULTS)
    lines = logical_lines(build())
    titles = [line for line in lines if line.startswith("== ")]
    assert titles == [
        "== 1. Gradient descent ==",
        "== 2. Forward pass ==",
        "== 3. Loss ==",
        "== 4. Backpropagation: the chain rule down to w[2]12 ==",
        "== 5. Update ==",
        "== 6. All six weights ==",
        "== 7. After the step ==",
    ]
    assert "  w ← w − α·dL/dw,  with learning rate α = 0.1" in lines
    dz, ds, dw = n["dL/dz[2]"], n["dL/ds[2]"], n["dL/dw[2]12"]
    expected_lines = [
        f"s[1]1 = w[1]11·x1 + w[1]12·x2 = 0.25·1.0 + (-0.4)·1.0 = {n['s[1]1']!r}",
        f"s[1]2 = w[1]21·x1 + w[1]22·x2 = 0.6·1.0 + 0.1·1.0 = {n['s[1]2']!r}",
        f"z[1]1 = tanh(s[1]1) = tanh({n['s[1]1']!r}) = {n['z[1]1']!r}",
        f"z[1]2 = tanh(s[1]2) = tanh({n['s[1]2']!r}) = {n['z[1]2']!r}",
        f"s[2] = w[2]11·z[1]1 + w[2]12·z[1]2 = (-0.7)·({n['z[1]1']!r}) + 0.35·{n['z[1]2']!r} = {n['s[2]']!r}",
        f"ŷ = z[2] = tanh(s[2]) = tanh({n['s[2]']!r}) = {n['z[2]']!r}",
        f"L = (ŷ − y)² = ({n['z[2]']!r} − 1.0)² = {n['L']!r}",
        f"dL/dz[2] = 2·(z[2]-y) = 2·({n['z[2]']!r}-1.0) = {dz!r}",
        f"dz[2]/ds[2] = 1 - tanh(s[2])² = 1 - z[2]² = 1 - {n['z[2]']!r}² = {n['dz[2]/ds[2]']!r}",
        f"so dL/ds[2] = dL/dz[2] · dz[2]/ds[2] = ({dz!r}) · {n['dz[2]/ds[2]']!r} = {ds!r}",
        f"ds[2]/dw[2]12 = z[1]2 = {n['z[1]2']!r}",
        f"so dL/dw[2]12 = dL/ds[2] · ds[2]/dw[2]12 = ({ds!r}) · {n['z[1]2']!r} = {dw!r}",
        f"and backward() stored w[2]12.grad = {dw!r} (the same float).",
        f"w[2]12 ← w[2]12 − α·dL/dw[2]12 = 0.35 − 0.1·({dw!r}) = {n['new w[2]12']!r}",
        f"L = {n['L after']!r} (before the step: {n['L']!r}): lower: the step went downhill.",
    ]
    positions = [lines.index(line) for line in expected_lines]  # each present, in the post's order
    assert positions == sorted(positions)
    assert n["L after"] < n["L"]
    text = "\n".join(lines)
    # the naming note where the post's sentence meets the convention
    assert "the post says “in the weight w[2]12 is z[1]1”" in text
    assert "so w[2]12 multiplies z[1]2 and ds[2]/dw[2]12 = z[1]2" in text
    # the tables: every weight, its gradient, its finite-difference estimate and its update, exact
    for w in WEIGHT_NAMES:
        rows = [line.split() for line in lines if line.startswith(w + "  ")]
        assert rows[0][:2] == [w, repr(n[f"dL/d{w}"])]
        assert float(rows[0][2]) == pytest.approx(n[f"dL/d{w}"], rel=1e-8)
        assert rows[1] == [w, repr(DEFAULTS[w]), repr(n[f"new {w}"])]


def test_the_float_that_surprises_is_explained_once_where_it_first_appears() -> None:
    lines = logical_lines(build())
    notes = [i for i, line in enumerate(lines) if "On paper the sum is" in line]
    assert len(notes) == 1
    (at,) = notes
    assert lines[at - 1].endswith("= -0.15000000000000002")  # right under s[1]1, its first appearance
    assert "On paper the sum is -0.15; the float is -0.15000000000000002" in lines[at]
    assert "0.4 have no exact binary form" in lines[at]
    assert 0.25 * 1.0 + (-0.4) * 1.0 == -0.15000000000000002 != -0.15  # what the note says
    # rounded numbers need no such note; neither do weights whose sums are exact in binary
    assert not any("On paper" in line for line in logical_lines(build(), digits=4))
    exact = build({"w[1]11": 0.25, "w[1]12": -0.5})
    assert not any("On paper" in line for line in logical_lines(exact))


def test_each_gradient_has_its_finite_difference_check_beside_it() -> None:
    ex = build()
    text = "\n".join(logical_lines(ex))
    h = 1e-6
    plus = post_numbers({**DEFAULTS, "w[2]12": 0.35 + h})["L"]
    minus = post_numbers({**DEFAULTS, "w[2]12": 0.35 - h})["L"]
    estimate = (plus - minus) / (2 * h)
    assert f"(L(w[2]12 + h) − L(w[2]12 − h)) / 2h = ({plus!r} − {minus!r}) / 2e-06 = {estimate:.10g}" in text
    assert estimate == pytest.approx(post_numbers(DEFAULTS)["dL/dw[2]12"], rel=1e-9)
    assert "they agree to 10 significant digits" in text
    assert "(L(w+h) − L(w−h))/2h, h = 1e-06" in text


def test_first_layer_param_spells_out_the_longer_chain() -> None:
    lines = logical_lines(build(), "w[1]21")
    n = post_numbers(DEFAULTS)
    assert "== 4. Backpropagation: the chain rule down to w[1]21 ==" in lines
    text = "\n".join(lines)
    for line in [
        "ds[2]/dz[1]2 = w[2]12 = 0.35",
        f"so dL/dz[1]2 = dL/ds[2] · ds[2]/dz[1]2 = ({n['dL/ds[2]']!r}) · 0.35 = {n['dL/dz[1]2']!r}",
        f"so dL/ds[1]2 = dL/dz[1]2 · dz[1]2/ds[1]2 = ({n['dL/dz[1]2']!r}) · ",
        "ds[1]2/dw[1]21 = x1 = 1.0",
        "In one line: dL/dw[1]21 = dL/dz[2] · dz[2]/ds[2] · ds[2]/dz[1]2 · dz[1]2/ds[1]2 · ds[1]2/dw[1]21"
        f" = {n['dL/dw[1]21']!r}",
        f"w[1]21 ← w[1]21 − α·dL/dw[1]21 = 0.6 − 0.1·({n['dL/dw[1]21']!r}) = {n['new w[1]21']!r}",
    ]:
        assert line in text, line
    assert "Naming note" not in text  # w[1]21 multiplies x1 in both readings


def test_set_overrides_and_digits() -> None:
    code, out, _ = run_cli("--set", "x1=2", "--set", "w[2]12=-0.5", "--set", "lr=0.5", "--digits", "5")
    assert code == 0
    n = post_numbers({**DEFAULTS, "x1": 2.0, "w[2]12": -0.5, "lr": 0.5})
    assert "Inputs x1 = 2, x2 = 1; target y = 1." in out
    assert (
        f"w[2]12 ← w[2]12 − α·dL/dw[2]12 = -0.5 − 0.5·({n['dL/dw[2]12']:.5g}) = {n['new w[2]12']:.5g}" in out
    )
    assert n["dL/dw[2]12"] < 0


def test_a_huge_learning_rate_is_not_called_downhill_when_tanh_saturates() -> None:
    lines = logical_lines(build({"lr": 100.0}))
    verdict = lines[-1]
    assert "lower, but the step was far too big: tanh saturated in z[1]1, z[1]2, z[2]" in verdict
    assert "gradients through them have vanished" in verdict and "try a smaller α" in verdict
    assert "went downhill" not in verdict
    after = build({"lr": 100.0}).after_update()
    assert max(abs(g) for g in after.gradients().values()) < 1e-6  # what "vanished" means here
    assert all(abs(1 - after.nodes[z].data ** 2) < 0.01 for z in ("z[1]1", "z[1]2", "z[2]"))


def test_an_overshooting_step_says_so() -> None:
    # y = 0.5 is inside tanh's range, so the loss has a minimum a big step can jump over
    ex = build({"y": 0.5, "lr": 2.0})
    after = ex.after_update()
    assert ex.output.data < 0.5 < after.output.data and after.loss.data > ex.loss.data
    verdict = logical_lines(ex)[-1]
    assert verdict.endswith(
        f"higher: the step overshot (ŷ jumped from {ex.output.data!r} past the target y = 0.5 to "
        f"{after.output.data!r}, so the step passed the minimum); a learning rate this big diverges, "
        "try a smaller α."
    )


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


def test_bias_adds_three_biases_everywhere() -> None:
    code, out, _ = run_cli("--bias", "--set", "b[1]1=0.2", "--set", "b[2]1=-0.1", "--json")
    assert code == 0
    doc = json.loads(out)
    names = ["w[1]11", "w[1]12", "w[1]21", "w[1]22", "b[1]1", "b[1]2", "w[2]11", "w[2]12", "b[2]1"]
    assert list(doc["gradients"]) == names == list(doc["updated"])
    p = {**DEFAULTS, "b[1]1": 0.2, "b[1]2": 0.0, "b[2]1": -0.1}
    # by hand: s = w·x + b, so dL/db = dL/ds
    s11 = 0.25 * 1.0 + -0.4 * 1.0 + 0.2
    s12 = 0.6 * 1.0 + 0.1 * 1.0 + 0.0
    import math

    z11, z12 = math.tanh(s11), math.tanh(s12)
    s2 = -0.7 * z11 + 0.35 * z12 + -0.1
    y_hat = math.tanh(s2)
    dl_ds2 = 2 * (y_hat - 1.0) * (1 - y_hat * y_hat)
    assert doc["forward"]["s[1]1"] == s11 and doc["forward"]["s[2]"] == s2
    assert doc["gradients"]["b[2]1"] == dl_ds2 == doc["chain"]["dL/ds[2]"]
    assert doc["gradients"]["b[1]1"] == dl_ds2 * -0.7 * (1 - z11 * z11)
    assert doc["updated"]["b[1]1"] == 0.2 - 0.1 * doc["gradients"]["b[1]1"]
    assert doc["params"] == p
    code, text, _ = run_cli("--bias", "--set", "b[1]1=0.2", "--param", "b[1]1")
    assert code == 0
    assert "s[1]1 = w[1]11·x1 + w[1]12·x2 + b[1]1 = 0.25·1.0 + (-0.4)·1.0 + 0.2 =" in text
    assert "== 6. All nine weights and biases ==" in text
    assert "How s[1]1 changes with the bias b[1]1: it is added, so by 1:" in text


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


# --- --train: many steps, with what goes wrong named -------------------------------------------------


def test_train_shows_overshoot_then_saturation() -> None:
    code, out, err = run_cli("--train", "20", "--set", "y=0.5", "--set", "lr=5")
    assert code == 0 and err == ""
    ex = build({"y": 0.5, "lr": 5.0})
    rows = {}
    for k in range(21):  # the oracle: the same steps taken by hand with after_update()
        rows[k] = (ex.loss.data, ex.output.data)
        ex = ex.after_update()
    lines = out.splitlines()
    for k, (loss, y_hat) in rows.items():
        assert f"{k:<4}  {loss!r}".ljust(4) in "\n".join(lines), k
        assert any(line.split()[:3] == [str(k), repr(loss), repr(y_hat)] for line in lines), k
    # step 1 jumps past y = 0.5 and the loss rises; from step 5 tanh is saturated and stuck
    assert rows[1][1] > 0.5 > rows[0][1] and rows[1][0] > rows[0][0]
    after = {int(line.split()[0]): lines[i + 1] for i, line in enumerate(lines[:-1]) if line[:1].isdigit()}
    assert "ŷ passed y = 0.5; L rose: overshot" in after[1]
    assert "saturated: z[2]; gradients vanished" in after[6]
    summary = " ".join(lines[-5:])
    assert "passed the minimum" in summary and "From step 5 a tanh unit was saturated" in summary
    assert max(len(line) for line in lines) <= 80


def test_train_with_a_small_learning_rate_only_goes_downhill() -> None:
    code, out, _ = run_cli("--train", "3", "--json")
    assert code == 0
    doc = json.loads(out)
    losses = [row["loss"] for row in doc["steps"]]
    assert losses == sorted(losses, reverse=True) and len(losses) == 4
    assert all(row["notes"] == [] for row in doc["steps"])
    assert losses[1] == post_numbers(DEFAULTS)["L after"]


# --- bad arguments -----------------------------------------------------------------------------------


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
            ["--set", "b[1]1=1"],
            "b[1]1 is a bias, and the post's network has none: add the biases with --bias",
        ),
        (
            ["--set", "x1=1e308", "--set", "x2=1e308", "--set", "w[1]11=1e308", "--set", "w[1]12=1e308"],
            "fails with these values",
        ),
        (["--param", "w[2]21"], "--param: unknown weight 'w[2]21'; valid weights: w[1]11, w[1]12"),
        (["--param", "x1"], "valid weights: w[1]11, w[1]12, w[1]21, w[1]22, w[2]11, w[2]12"),
        (["--param", "b[1]1"], "valid weights: w[1]11"),
        (["--digits", "0"], "--digits must be between 1 and 17"),
        (["--train", "0"], "--train needs a number of steps >= 1"),
        (["--train", "3", "--step"], "cannot be combined with --train"),
    ],
)
def test_bad_arguments_are_one_line_errors_with_exit_2(argv: list[str], message: str) -> None:
    code, out, err = run_cli(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("micrograd-like example: error: ")
    assert message in err
    if "unknown name" in message or "NAME=VALUE" in message:
        assert "valid names: x1, x2, y, lr, w[1]11, w[1]12, w[1]21, w[1]22, w[2]11, w[2]12" in err


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


# --- --step: the backward pass, one node at a time -----------------------------------------------------


class FakeTerminal(io.StringIO):
    """stdin that claims to be a terminal (stdout, a StringIO, is not one: plain mode)."""

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


STEP = re.compile(r"^step (\d+)/(\d+): ", re.MULTILINE)  # a backward step's page
FORWARD = re.compile(r"^forward step (\d+)/(\d+): ", re.MULTILINE)  # ... a forward step's, first


def test_step_pages_the_backward_pass_next_back_and_quit(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = FakeTerminal("\nn\nb\n \nq\n")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run_cli("--step")
    assert code == 0 and stdin.reads == 5
    shown = [(int(k), int(n)) for k, n in FORWARD.findall(out)]  # the forward pass comes first
    assert shown == [(1, 7), (2, 7), (3, 7), (2, 7), (3, 7)]  # Enter, n, b, space, then q
    assert out.count("Enter/n: next, b: back, q: quit") == 5  # plain mode: the prompts stay
    assert "== 1. Gradient descent ==" in out and "== 5. Update ==" not in out  # q quits
    assert "Forward pass (7 steps), then backward pass (23 steps)" in out
    assert "\x1b[" not in out  # no terminal codes into a file


def test_step_pages_show_node_upstream_edges_and_what_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", FakeTerminal("\n" * 40))
    code, out, _ = run_cli("--step")
    assert code == 0
    n = post_numbers(DEFAULTS)
    pages = out.split("\nstep ")
    (product,) = [page for page in pages if page.startswith("13/23: w[2]12·z[1]2 = ")]  # dL/dw[2]12 arrives
    flat = " ".join(product.split())  # the page as one line, wrapping undone
    dw = n["dL/dw[2]12"]
    assert f"upstream dL/d(w[2]12·z[1]2) = {n['dL/ds[2]']!r}" in flat
    assert f"to w[2]12: local d(a·b)/da = b = z[1]2 = {n['z[1]2']!r}" in flat
    assert (
        f"local × upstream = {n['z[1]2']!r} × {n['dL/ds[2]']!r} = {dw!r}, so dL/dw[2]12 is now {dw!r}" in flat
    )
    assert f"dL/dw[2]11 = {n['dL/dw[2]11']!r}" in flat.split("known so far:")[1]
    (difference,) = [" ".join(page.split()) for page in pages if page.startswith("2/23: z[2]-y = ")]
    assert f"so dL/dy is now {-n['dL/dz[2]']!r}" in difference  # from zero: not added onto an earlier pass
    (first,) = [page for page in pages if page.startswith("1/23: L = ")]
    assert "upstream dL/dL = 1.0 (the seed" in first
    # ran to the end: the rest of the walkthrough follows the last step
    assert "23/23" in out and out.index("23/23") < out.index("== 5. Update ==")
    assert max(len(line) for line in out.splitlines()) <= 80


def test_step_pages_the_forward_pass_in_the_posts_order_with_exact_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", NotATerminal())
    code, out, _ = run_cli("--step")
    assert code == 0
    n = post_numbers(DEFAULTS)
    pages = ["forward step " + page for page in out.split("forward step ")[1:]]
    heads = [page.splitlines()[0] for page in pages]
    assert [head.split(": ", 1)[1].split(" = ")[0] for head in heads] == [
        *("s[1]1", "s[1]2", "z[1]1", "z[1]2", "s[2]", "z[2]", "L")
    ]
    assert heads[0] == "forward step 1/7: s[1]1 = w[1]11·x1+w[1]12·x2"
    assert pages[0].splitlines()[1] == "  = 0.25·1.0+(-0.4)·1.0"
    for page, name in zip(pages, ["s[1]1", "s[1]2", "z[1]1", "z[1]2", "s[2]", "z[2]", "L"]):
        assert page.splitlines()[2] == f"  = {n[name]!r}"  # the engine's float, hand-derived in oracles
    assert f"z[2] = {n['z[2]']!r}" in pages[5].split("computed so far: ")[1]


def test_step_never_waits_without_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", NotATerminal())
    code, out, _ = run_cli("--step")
    assert code == 0 and "== 7. After the step ==" in out and "Enter/n" not in out
    assert len(STEP.findall(out)) == 23 and len(FORWARD.findall(out)) == 7
    assert out.index("forward step 7/7: L = ") < out.index("step 1/23: L = ")


@pytest.mark.parametrize("redirect", ["<&-", "</dev/null"])
def test_step_with_stdin_closed_or_empty_runs_through(redirect: str) -> None:
    command = f"'{sys.executable}' -m micrograd_like.cli example --step {redirect}"
    done = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and done.stderr == ""
    assert len(STEP.findall(done.stdout)) == 23 and "== 7. After the step ==" in done.stdout


def _pty_run(keys: list[bytes]) -> bytes:
    """Run `example --step` on a pseudo-terminal, pressing `keys` one per prompt; all it wrote."""
    master, slave = os.openpty()
    env = {**os.environ, "TERM": "xterm", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "micrograd_like.cli", "example", "--step"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    output = b""
    pending = list(keys)
    prompts = 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            if output.count(b"q: quit ") > prompts and pending:
                prompts += 1
                os.write(master, pending.pop(0))
            if proc.poll() is not None and not ready:
                break
    finally:
        proc.kill() if proc.poll() is None else None
        proc.wait()
        os.close(master)
    return output


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a POSIX pseudo-terminal")
def test_step_in_a_terminal_reads_single_keys_and_erases_its_prompts() -> None:
    output = _pty_run([b"n", b" ", b"b", b"\r", b"\x1b[C", b"q"])  # next, next, back, next, → , quit
    text = output.decode("utf-8", "replace")
    shown = [int(k) for k, _ in FORWARD.findall(text.replace("\r\n", "\n"))]
    assert shown == [1, 2, 3, 2, 3, 4]
    # every prompt is erased once answered: carriage return + erase-line after each
    assert text.count("q: quit \r\x1b[K") == 6
    assert "== 5. Update ==" not in text


def test_quit_with_enter_at_the_end_of_input(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = FakeTerminal("\n")  # one Enter, then the end of input: that quits, it does not hang
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run_cli("--step")
    assert code == 0 and [k for k, _ in FORWARD.findall(out)] == ["1", "2"]
