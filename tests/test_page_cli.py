"""`micrograd-like html`: the page for the worked example or an expression, and one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from micrograd_like.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["html", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _data(path: Path) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="mg-data">(.*?)</script>', path.read_text("utf-8"), re.S
    )
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_worked_example_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "page.html"
    code, out, err = _run(capsys, "-o", str(target))
    assert (code, err) == (0, "")
    assert out.startswith(f"wrote {target} (") and target.resolve().as_uri() in out
    data = _data(target)
    assert data["lr"] == 0.1 and data["root"] == "L" and len(data["nodes"]) == 23


def test_set_overrides_and_learning_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "page.html"
    assert _run(capsys, "-o", str(target), "--set", "w[2]12=0.5", "--set", "lr=0.3")[0] == 0
    data = _data(target)
    names = [n["name"] for n in data["nodes"]]
    assert data["lr"] == 0.3 and data["reference"]["values"][names.index("w[2]12")] == 0.5


def test_expression_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "f.html"
    code, _, err = _run(
        capsys,
        "--expr",
        "tanh(a*b + c)",
        "--set",
        "a=2",
        "--set",
        "b=-3",
        "--set",
        "c=1",
        "--set",
        "lr=0.5",
        "-o",
        str(target),
    )
    assert (code, err) == (0, "")
    data = _data(target)
    assert data["lr"] == 0.5 and data["root"] == "f"
    assert {n["name"] for n in data["nodes"] if not n["parents"]} == {"a", "b", "c"}
    # a name called lr is the expression's, not the learning rate
    assert _run(capsys, "--expr", "lr * x", "--set", "lr=2", "--set", "x=1", "-o", str(target))[0] == 0
    assert _data(target)["lr"] == 0.1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expr", "foo(a)", "--set", "a=1"], "unknown function 'foo'"),
        (["--expr", "a + b", "--set", "a=1"], "no value for b"),
        (["--expr", "a.b", "--set", "a=1"], "is not allowed"),
        (["--expr", "log(a)", "--set", "a=0"], "log(0.0) is undefined: log needs an input > 0"),
        (["--expr", "a * 2", "--set", "a"], "is not NAME=VALUE"),
        (["--expr", "a * 2", "--set", "a=two"], "'two' is not a number"),
        (["--expr", "a * 2", "--set", "a=1", "--set", "lr=-1"], "learning rate must be > 0"),
        (["--set", "w[9]99=1"], "unknown name 'w[9]99'"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, *args, "-o", str(tmp_path / "f.html"))
    assert code == 2 and out == ""
    assert err.startswith("micrograd-like html: error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "f.html").exists()


def test_output_must_be_a_writable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err and err.count("\n") == 1
    code, _, err = _run(capsys, "-o", str(tmp_path / "no" / "page.html"))
    assert code == 2 and "does not exist" in err and err.count("\n") == 1
