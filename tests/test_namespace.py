"""The package's namespace: the public API (`__all__`) and nothing else; the compiler and the page
still load on first use, not on `import micrograd_like`."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types

import micrograd_like

LAZY_MODULES = ("micrograd_like.compiler", "micrograd_like.page")


def test_dir_lists_the_public_api_only() -> None:
    assert dir(micrograd_like) == sorted([*micrograd_like.__all__, "__version__"])
    assert len(set(micrograd_like.__all__)) == len(micrograd_like.__all__)


def test_no_helper_of_the_package_file_is_an_attribute() -> None:
    # what __init__.py needs for itself (typing's names, importlib) must not leak into the namespace
    stray = [
        name
        for name, value in vars(micrograd_like).items()
        if name not in micrograd_like.__all__
        and not name.startswith("_")
        # a submodule, imported by its own path or by an old flat path that stands for it
        and not (isinstance(value, types.ModuleType) and value.__name__.startswith("micrograd_like."))
    ]
    assert stray == []
    for name in ("Any", "TYPE_CHECKING", "importlib"):
        assert not hasattr(micrograd_like, name), name


def test_every_public_name_resolves() -> None:
    for name in micrograd_like.__all__:
        value = getattr(micrograd_like, name)
        assert getattr(value, "__name__", name) == name or name in ("PRESETS", "RULES"), name


def run_fresh(code: str) -> None:
    """Run `code` in a new interpreter, where nothing of the package is imported yet."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_compiler_and_the_page_load_on_first_use() -> None:
    run_fresh(
        f"""
        import sys
        import micrograd_like
        lazy = {LAZY_MODULES!r}
        assert not any(m in sys.modules for m in lazy), [m for m in lazy if m in sys.modules]
        assert "compile_graph" in dir(micrograd_like)  # listed before it is loaded
        f = micrograd_like.compile_graph
        assert "micrograd_like.compiler" in sys.modules and "micrograd_like.page" not in sys.modules
        from micrograd_like.compiler import compile_graph
        assert f is compile_graph and vars(micrograd_like)["compile_graph"] is f  # then a plain attribute
        from micrograd_like import walkthrough_page, WalkthroughPage
        from micrograd_like.page import walkthrough_page as original
        assert walkthrough_page is original
        try:
            micrograd_like.no_such_name
        except AttributeError as error:
            assert "no attribute 'no_such_name'" in str(error)
        else:
            raise AssertionError("an unknown name must raise AttributeError")
        """
    )


def test_star_import_gives_exactly_the_public_api() -> None:
    run_fresh(
        """
        import micrograd_like
        namespace = {}
        exec("from micrograd_like import *", namespace)
        del namespace["__builtins__"]
        assert sorted(namespace) == sorted(micrograd_like.__all__), sorted(namespace)
        """
    )
