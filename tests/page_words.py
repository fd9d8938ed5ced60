"""Names that are words of JavaScript or of the page itself, for the page's tests: a user's name is
data on the page, never an identifier, an object key or a template slot.

- `JS_RESERVED`: every reserved word of JavaScript (ES2015+ keywords, the strict-mode and the old
  ES1-3 future reserved words, the literals) and the globals a page's code could collide with;
- `OBJECT_PROTOTYPE`: every property of `Object.prototype` (the browser test checks the list is
  complete against the browser's own);
- `SLOTS`: the page template's slots;
- `graph_of_words(words)`: a graph whose leaves, products and root are labelled with the words;
- `screenshot_tool()`, `fixtures_tool()`: tools/page_screenshots.py and tools/page_fixtures.py
  (scripts, not a package) as modules.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType

from micrograd_like import Value

JS_RESERVED = [
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "let",
    "static",
    "enum",
    "await",
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
    "abstract",
    "boolean",
    "byte",
    "char",
    "double",
    "final",
    "float",
    "goto",
    "int",
    "long",
    "native",
    "short",
    "synchronized",
    "throws",
    "transient",
    "volatile",
    "arguments",
    "eval",
    "undefined",
    "NaN",
    "Infinity",
    "async",
    "of",
    "get",
    "set",
    "Math",
    "JSON",
    "window",
    "document",
    "MG_MATH",
    "walkthrough",
    "$leaf",
    "$g",
    "$up",
    "$steps",
    "$fail",
    "$overflow",
    "$v",
    "n0",
    "n1",
    "t1",
]
OBJECT_PROTOTYPE = [
    "constructor",
    "__defineGetter__",
    "__defineSetter__",
    "hasOwnProperty",
    "__lookupGetter__",
    "__lookupSetter__",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toString",
    "valueOf",
    "__proto__",
    "toLocaleString",
]
SLOTS = [
    "__MG_VERSION__",
    "__MG_TITLE__",
    "__MG_INTRO__",
    "__MG_CSS__",
    "__MG_LAYOUT_CHOICE__",
    "__MG_SVG__",
    "__MG_LEGEND__",
    "__MG_DATA__",
    "__MG_MATH__",
    "__MG_CHAPTER_MATH__",
    "__MG_CONTROLLER__",
]


def graph_of_words(words: Sequence[str], values: Mapping[str, float] | None = None) -> Value:
    """tanh of a sum of products: words[3k] * words[3k+1] is labelled words[3k+2]; the root is
    labelled words[-1]. Every leaf is a parameter with a value of its own, or from `values`."""
    given = dict(values or {})
    total: Value | None = None
    inner = words[:-1]
    for k in range(0, len(inner), 3):
        group = inner[k : k + 3]
        a = Value(given.get(group[0], 0.1 + 0.01 * k), group[0], kind="parameter")
        if len(group) == 1:
            term = a
        else:
            b = Value(given.get(group[1], -0.5 + 0.02 * k), group[1], kind="parameter")
            term = a * b
            if len(group) == 3:
                term.label = group[2]
        total = term if total is None else total + term
    assert total is not None
    root = (total * 0.1).tanh()
    root.label = words[-1]
    return root


def screenshot_tool() -> ModuleType:
    """tools/page_screenshots.py, loaded as the module page_screenshots."""
    return _tool("page_screenshots")


def fixtures_tool() -> ModuleType:
    """tools/page_fixtures.py, loaded as the module page_fixtures."""
    return _tool("page_fixtures")


def _tool(name: str) -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module
