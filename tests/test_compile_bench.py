"""bench_compile.py's correctness parts on a tiny workload: every form's first step against the engine.

The hand-written floor computes its gradients without any graph, so its agreement with the
engine (and with the compiled forms) is an independent check of all three.
"""

from __future__ import annotations

import pytest
from oracles import load_script

bc = load_script("bench_compile")
TINY = bc.be.Config(n_points=12, sizes=(2, 5, 3, 1))


def test_every_form_agrees_with_the_engine_on_a_tiny_workload() -> None:
    forms = [f for f in bc.forms() if f.name != "micrograd 0.1.0"]  # micrograd: only if installed
    engine = next(f for f in forms if f.name == "micrograd_like")
    _, reference = bc.check(engine, TINY, None)
    assert len(reference) == 1 + (2 * 5 + 5) + (5 * 3 + 3) + (3 + 1)  # the loss and 37 gradients
    for form in forms:
        result, values = bc.check(form, TINY, (reference[0], reference[1:]))
        assert result.ok, (form.name, result.max_rel_diff)
        assert len(values) == len(reference)


def test_the_check_catches_a_wrong_gradient() -> None:
    engine = next(f for f in bc.forms() if f.name == "micrograd_like")
    _, reference = bc.check(engine, TINY, None)
    wrong = list(reference[1:])
    wrong[3] += 1e-6
    result, _ = bc.check(bc.Form("hand", bc.hand, fast=True), TINY, (reference[0], wrong))
    assert not result.ok and result.max_rel_diff > 1e-9


def test_steps_train_the_same_way() -> None:
    # three steps of each form from the same weights: the same losses, step after step
    losses = {}
    for form in bc.forms():
        if form.name == "micrograd 0.1.0":
            continue
        step, _ = form.setup(TINY)
        losses[form.name] = [step() for _ in range(3)]
    reference = losses["micrograd_like"]
    for name, seen in losses.items():
        assert seen == pytest.approx(reference, rel=1e-12), name


def test_markdown_reports_ratios_and_compile_costs() -> None:
    r = bc.Results(python="3.11", machine="test", load_average=0.5, runs=2)
    runs = {
        "micrograd 0.1.0": [1.0, 1.5],
        "micrograd_like": [0.1, 0.15],
        "compiled batched form": [0.004, 0.01],
    }
    for name, medians in runs.items():
        r.times[name] = medians
        r.run_medians[name] = medians
        r.steps[name] = 2
        r.checks[name] = bc.Check(0.5, 1e-16, True)
    r.compile["compiled batched form"] = bc.CompileCost(0.05, 7.0, 0.8, 2568)
    text = bc.markdown(r)
    assert "**200×** (150–250×)" in text  # the runs' ratios 1/0.004 and 1.5/0.01, and their median
    assert "**10×** (10–10×)" in text
    assert "| compiled batched form | 0.05 s | 7 MB | 0.8 MB | 2,568 |" in text


@pytest.mark.slow
def test_quick_run_exits_zero(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # the whole run (checks, timing, compile costs, the table) on the tiny workload: `make bench`
    # runs the real one; here the path through main matters, not the size
    monkeypatch.setattr(bc.be, "Config", lambda: TINY)
    assert bc.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "compiled whole batch" in out and "hand-written floats" in out
