"""The page's Python-equal randomness (issue 23): pyrandom.js, datasets.js and mlp.js reproduce
random.Random, micrograd_like.learn.data and MLP's initial weights. Their node tests (tests/js) read the
fixtures tools/page_fixtures.py writes; here: those fixtures are current, and the modules work once
bundled into one classic script, as a chapter that imports them will ship them."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest
from page_words import fixtures_tool

from micrograd_like import MLP
from micrograd_like.learn.data import make_dataset
from micrograd_like.page.bundle import bundle

JS = resources.files("micrograd_like.page") / "assets" / "js"
NODE = shutil.which("node")


def test_the_javascript_tests_read_todays_random_fixtures() -> None:
    """tests/js/pyrandom_fixtures.json is what tools/page_fixtures.py writes now; else run it."""
    tool = fixtures_tool()
    target = Path(tool.RANDOM_TARGET)
    assert target.read_text(encoding="utf-8") == tool.random_fixtures(), "run python tools/page_fixtures.py"


def test_the_fixtures_cover_every_dataset_and_large_seeds() -> None:
    fixtures = json.loads(Path(fixtures_tool().RANDOM_TARGET).read_text(encoding="utf-8"))
    from micrograd_like.learn.data import DATASETS

    assert {case["name"] for case in fixtures["datasets"]} == set(DATASETS)
    seeds = {int(s["seed"]) for s in fixtures["streams"]}
    assert {0, -1} <= seeds and any(s > 2**64 for s in seeds) and any(s < -(2**32) for s in seeds)
    assert sum(len(case["xs"]) for case in fixtures["datasets"]) > 2500


ENTRY = """
import { makeDataset } from "./datasets.js";
import { initialModel } from "./mlp.js";
const arch = { nin: 2, nouts: [4, 3, 1], activation: "relu", output_activation: "linear", bias: true };
const data = makeDataset("circles", 30, { noise: 0.2, seed: 9 });
console.log(JSON.stringify({ data, model: initialModel(arch, 11) }));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed (make js-test needs it too)")
def test_the_modules_bundle_into_one_script_that_gives_pythons_numbers(tmp_path: Path) -> None:
    sources = {
        item.name: item.read_text(encoding="utf-8") for item in JS.iterdir() if item.name.endswith(".js")
    }
    script = bundle({**sources, "chapter.js": ENTRY}, "chapter.js")
    assert "$page" not in script  # only what the entry imports: pyrandom, format, datasets, mlp
    path = tmp_path / "chapter.js"
    path.write_text(script, encoding="utf-8")
    out = json.loads(
        subprocess.run([str(NODE), str(path)], capture_output=True, text=True, check=True).stdout
    )
    data = make_dataset("circles", 30, noise=0.2, seed=9)
    assert out["data"]["ys"] == data.ys
    flat = [v for x in data.xs for v in x]
    assert [v for x in out["data"]["xs"] for v in x] == pytest.approx(flat, rel=1e-12, abs=1e-12)
    model = MLP(2, [4, 3, 1], activation="relu", output_activation="linear", seed=11)
    assert out["model"]["state_dict"] == model.state_dict()
    assert list(out["model"]["state_dict"]) == [p.label for p in model.parameters()]
