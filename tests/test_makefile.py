"""The Makefile's `lab` target: Jupyter refuses to start as root without --allow-root (in a
container one often is root), so the target adds it then, and only then."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lab_command(uid: int, tmp_path: Path) -> str:
    """The `jupyter lab` line `make -n lab` would run for a user whose `id -u` is `uid`."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (fake / "id").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "lab"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stdout.splitlines() if "jupyter lab" in line]
    return line


@pytest.mark.parametrize(("uid", "flag"), [(0, True), (1000, False)], ids=["root", "a user"])
def test_lab_allows_root_only_as_root(uid: int, flag: bool, tmp_path: Path) -> None:
    line = lab_command(uid, tmp_path)
    assert ("--allow-root" in line.split()) is flag, line
    assert line.split()[-1] == "notebooks/"
