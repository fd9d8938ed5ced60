"""The package's structure, checked: no import cycle, no module reading another's private names, and
every module path users import today still working (the layers themselves: `lint-imports`)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "micrograd_like"

# The paths users import today (micrograd's own two, the README's, the public modules): each keeps
# working as the module it stands for.
OLD_PATHS = {
    "engine": "core.engine",
    "nn": "learn.modules",
    "example": "post.example",
    "data": "learn.data",
    "viz": "show.viz",
    "render": "show.render",
    "expr": "core.expr",
    "names": "core.names",
    "losses": "learn.losses",
    "backprop": "core.backprop",
    "optim": "learn.optim",
    "train": "training.fit",
    "explain": "show.explain",
    "rules": "core.rules",
    "higher": "core.higher",
    "gradcheck": "core.gradcheck",
    "textview": "show.textview",
    "walkthrough": "post.walkthrough",
    "diagnose": "post.diagnose",
    "stepper": "post.stepper",
    "lookup": "show.lookup",
    "mathexpr": "core.mathexpr",
    "landscape": "post.landscape",
    "descent": "post.descent",
    "network_view": "show.network_view",
}
# operators.py is the generated half of `Value` (tools/generate_operators.py): the engine hands it
# the engine's own internals, under names it shares with the engine alone.
SHARED_PRIVATELY = {("micrograd_like.core.operators", "micrograd_like.core.engine")}


def _is_shim(path: Path) -> bool:
    return "sys.modules[__name__] = _moved" in path.read_text(encoding="utf-8")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    _module_name(path): path
    for path in sorted(PACKAGE.rglob("*.py"))
    if not _is_shim(path) and path != PACKAGE / "__init__.py"
}


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth (a lazy import is an import), except those only type
    checkers see (`if TYPE_CHECKING:`)."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _target(module: str, path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _edges() -> dict[str, set[str]]:
    """module -> the package modules it imports (a `from pkg import sub` counts as importing sub)."""
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for module, path in MODULES.items():
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = _target(module, path, node)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
            edges[module] |= {t for t in targets if t in MODULES and t != module}
    return edges


def test_there_is_no_import_cycle_lazy_or_not() -> None:
    edges = _edges()
    # Tarjan's strongly connected components, iteratively
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    assert cycles == [], f"modules that import each other: {cycles}"


def test_the_cycle_check_finds_a_lazy_cycle(tmp_path: Path) -> None:
    tree = ast.parse("def f():\n    from .backprop import backward\n")
    assert [type(n).__name__ for n in _runtime_imports(tree)] == ["ImportFrom"]
    guarded = ast.parse("if TYPE_CHECKING:\n    from .engine import Value\n")
    assert _runtime_imports(guarded) == []


def test_no_module_imports_another_modules_private_names() -> None:
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported_modules: dict[str, str] = {}
        for node in _runtime_imports(tree) + _type_checking_imports(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            base = _target(module, path, node)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:
                    imported_modules[alias.asname or alias.name] = full
                elif base in MODULES and _private(alias.name) and (module, base) not in SHARED_PRIVATELY:
                    found.append(f"{module} imports {base}.{alias.name}")
        for attribute in ast.walk(tree):
            if (
                isinstance(attribute, ast.Attribute)
                and isinstance(attribute.value, ast.Name)
                and attribute.value.id in imported_modules
                and _private(attribute.attr)
            ):
                found.append(f"{module} reads {imported_modules[attribute.value.id]}.{attribute.attr}")
    assert found == []


def _type_checking_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    return [
        imp
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for imp in node.body
        if isinstance(imp, (ast.Import, ast.ImportFrom))
    ]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@pytest.mark.parametrize("old", sorted(OLD_PATHS))
def test_every_old_module_path_is_the_moved_module(old: str) -> None:
    moved = importlib.import_module(f"micrograd_like.{OLD_PATHS[old]}")
    assert importlib.import_module(f"micrograd_like.{old}") is moved


def test_micrograds_own_imports_run_unchanged() -> None:
    """Code written for micrograd (`from micrograd.engine import Value`, `from micrograd.nn import
    MLP`) runs with the package name swapped, in a fresh interpreter."""
    program = (
        "from micrograd_like.engine import Value\n"
        "from micrograd_like.nn import MLP, Neuron, Layer, Module\n"
        "import micrograd_like.example, micrograd_like.data, micrograd_like.render\n"
        "from micrograd_like import render, explain, landscape\n"
        "import micrograd_like\n"
        "assert callable(micrograd_like.render) and callable(micrograd_like.explain)\n"
        "assert callable(micrograd_like.landscape)\n"
        "model = MLP(2, [3, 1], seed=0)\n"
        "out = model([Value(1.0), Value(-1.0)])\n"
        "out.backward()\n"
        "print(type(out).__module__, micrograd_like.example.build().loss.data)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["micrograd_like.core.engine", "0.4821116197434396"]


def test_the_package_reads_as_layers() -> None:
    layers = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert layers == ["commands", "compiler", "core", "learn", "page", "post", "show", "training", "util"]
    for layer in layers:
        doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"micrograd_like/{layer}/__init__.py says what the layer holds"


def test_functions_named_like_a_module_stay_functions_after_the_module_is_imported() -> None:
    """`micrograd_like.gradcheck` (the function) must survive `import micrograd_like.gradcheck`
    (the module path), in a fresh interpreter where the path is imported first by the user."""
    clashes = sorted(set(OLD_PATHS) & set(importlib.import_module("micrograd_like").__all__))
    assert clashes == ["explain", "gradcheck", "landscape", "render"]
    program = "".join(f"import micrograd_like.{name}\n" for name in clashes) + (
        f"import micrograd_like\nprint([callable(getattr(micrograd_like, name)) for name in {clashes!r}])\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[True, True, True, True]"
