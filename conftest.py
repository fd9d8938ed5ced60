"""Collection for the whole suite.

pytest's doctest collection skips the old flat module paths (micrograd_like/engine.py, ...): each
stands for the moved module (`sys.modules[__name__] = ...`), whose doctests run where it lives.

The seconds-long tests run first. `make test` shares the tests among workers (pytest-xdist's
worksteal: each worker takes a contiguous share of this order, and an idle worker takes the end of
a busy one's queue), so with the long ones first the run ends on short tests, not on one worker
still busy with a long test that happened to come last.
"""

from pathlib import Path

import pytest

HERE = Path(__file__).parent

collect_ignore = [
    str(path.relative_to(HERE))
    for path in sorted((HERE / "micrograd_like").glob("*.py"))
    if "sys.modules[__name__] = _moved" in path.read_text(encoding="utf-8")
]


@pytest.hookimpl(trylast=True)  # after tests/conftest.py has marked the browser tests
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first, then the browser tests, then the rest, each group in collection order."""

    def cost(item: pytest.Item) -> int:
        return 0 if item.get_closest_marker("slow") else 1 if item.get_closest_marker("browser") else 2

    items.sort(key=cost)  # stable: within a group, the order of the files and of the tests in them
