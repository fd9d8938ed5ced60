"""pytest's doctest collection skips the old flat module paths (micrograd_like/engine.py, ...):
each stands for the moved module (`sys.modules[__name__] = ...`), whose doctests run where it lives."""

from pathlib import Path

HERE = Path(__file__).parent

collect_ignore = [
    str(path.relative_to(HERE))
    for path in sorted((HERE / "micrograd_like").glob("*.py"))
    if "sys.modules[__name__] = _moved" in path.read_text(encoding="utf-8")
]
