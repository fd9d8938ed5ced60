"""Run the engine benchmark under other Python versions too, and summarise them in one table.

    python benchmarks/bench_pythons.py                 # every python3.1x found besides this one
    python benchmarks/bench_pythons.py --quick         # smoke run

Interpreters are looked up on PATH (`python3.12`, `python3.13`, ...) and in pyenv's versions
folder; one that is missing is skipped with a note, never an error. Each gets its own venv under
`.venv-bench/<version>` with this project (editable) and micrograd 0.1.0, then runs
`bench_engine.py --json`; the table gives each version's median ratio and range against
micrograd, both measured in the same run of the same interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("3.10", "3.11", "3.12", "3.13")


def find_interpreters(skip: str) -> dict[str, str]:
    """version -> interpreter path, for each version in VERSIONS except `skip` that runs."""
    found: dict[str, str] = {}
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for version in VERSIONS:
        if version == skip:
            continue
        candidates = [shutil.which(f"python{version}")]
        candidates += sorted(str(p / "bin" / "python3") for p in pyenv.glob(f"{version}.*"))
        for candidate in candidates:
            if candidate and _runs(candidate, version):
                found[version] = candidate
                break
    return found


def _runs(python: str, version: str) -> bool:
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == version


def bench_with(version: str, python: str, extra: list[str]) -> dict[str, Any] | None:
    """The benchmark's JSON results under `python`, or None (with a note) if it cannot run."""
    venv = ROOT / ".venv-bench" / version
    bin_python = venv / "bin" / "python"
    try:
        if not bin_python.exists():
            print(f"setting up {venv} ...", file=sys.stderr)
            subprocess.run([python, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(bin_python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True
            )
        subprocess.run(
            [str(bin_python), "-m", "pip", "install", "--quiet", "-e", str(ROOT), "micrograd==0.1.0"],
            check=True,
        )
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "results.json"
            subprocess.run(
                [str(bin_python), str(ROOT / "benchmarks" / "bench_engine.py"), "--json", str(out), *extra],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            results: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
            return results
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"skipping Python {version}: {error}", file=sys.stderr)
        return None


def summary(results: dict[str, dict[str, Any]]) -> str:
    """One row per Python version: step medians, the ratio's median and range, bytes per node."""
    import statistics

    rows = [
        "| Python | micrograd_like step | micrograd 0.1.0 step | ratio: median (range) | bytes/node |",
        "|---|---:|---:|---:|---:|",
    ]
    for _, r in sorted(results.items()):
        times, ratios = r["times"], r["round_ratios"].get("gc_on", [])
        ours = statistics.median(times["micrograd_like"]["gc_on"])
        theirs = statistics.median(times["micrograd 0.1.0"]["gc_on"]) if "micrograd 0.1.0" in times else None
        ratio = (
            f"{statistics.median(ratios):.1f}× ({min(ratios):.1f}–{max(ratios):.1f}×)" if ratios else "n/a"
        )
        shown = f"{theirs:.3f} s" if theirs is not None else "n/a"
        rows.append(
            f"| {r['python']} | {ours:.3f} s | {shown} | {ratio} | {r['memory']['micrograd_like'][0]:.0f} B |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="pass --quick to each benchmark run")
    args = parser.parse_args(argv)
    extra = ["--quick"] if args.quick else ["--chain", "100000"]
    this = f"{sys.version_info[0]}.{sys.version_info[1]}"
    interpreters = find_interpreters(skip=this)
    if not interpreters:
        print(f"no other Python {', '.join(VERSIONS)} found: nothing to compare (that is fine)")
        return 0
    results = {v: r for v, p in interpreters.items() if (r := bench_with(v, p, extra)) is not None}
    if results:
        print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
