"""The page's controller: ES modules (assets/js) joined into one classic script at export.

The page is one offline file that must run from `file://` and inside a notebook's sandboxed
iframe, so its modules cannot be fetched: `bundle(sources, entry)` orders them by their imports
(each after the modules it imports) and wraps each in a function of its own, so every module keeps
its own scope and sees only what it imports:

    import { repr, fmt } from "./format.js";   ->  const { repr, fmt } = $format;
    import * as views from "./views.js";       ->  const views = $views;
    export function repr(x) { ... }            ->  function repr(x) { ... }   ... return { repr, ... };

Only these forms are understood (the project's modules use nothing else); anything else with
`import` or `export` at the start of a line is an error, as is an import cycle or a missing module.

    >>> main = 'import { x } from "./a.js";\\nconsole.log(x);'
    >>> print(bundle({"a.js": "export const x = 1;", "main.js": main}, "main.js"))
    (function () {
    "use strict";
    const $a = (function () {
    const x = 1;
    return { x };
    })();
    const $main = (function () {
    const { x } = $a;
    console.log(x);
    return {};
    })();
    })();
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources

_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w-]+)\.js";[ \t]*$', re.M)
_IMPORT_ALL = re.compile(r'^import\s*\*\s*as\s+(\w+)\s+from\s*"\./([\w-]+)\.js";[ \t]*$', re.M)
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(function\*?|const|let|class)\s+([\w$]+)", re.M)
_EXPORT_NOTHING = re.compile(r"^export\s*\{\s*\};[ \t]*$", re.M)
_LEFT = re.compile(r"^(?:import|export)\b.*$", re.M)


class BundleError(ValueError):
    """The modules use a form the bundler does not know, import in a cycle, or miss a module."""


def _module(name: str, source: str) -> tuple[list[str], str]:
    """The modules `source` imports, and its body wrapped as a function returning its exports."""
    imports: list[str] = []
    lines: list[str] = []

    def named(match: re.Match[str]) -> str:
        fields = []
        for item in match.group(1).split(","):
            parts = item.split()
            if not parts:
                continue
            if len(parts) == 3 and parts[1] == "as":
                fields.append(f"{parts[0]}: {parts[2]}")
            elif len(parts) == 1:
                fields.append(parts[0])
            else:
                raise BundleError(f"{name}: cannot read the import {match.group(0)!r}")
        imports.append(match.group(2))
        lines.append(f"const {{ {', '.join(fields)} }} = ${match.group(2)};")
        return ""

    def everything(match: re.Match[str]) -> str:
        imports.append(match.group(2))
        lines.append(f"const {match.group(1)} = ${match.group(2)};")
        return ""

    body = _IMPORT_ALL.sub(everything, _IMPORT.sub(named, source))
    exports = [m.group(2) for m in _EXPORT.finditer(body)]
    body = _EXPORT_NOTHING.sub("", _EXPORT.sub(lambda m: m.group(0).removeprefix("export").lstrip(), body))
    left = _LEFT.search(body)
    if left:
        raise BundleError(f"{name}: the bundler does not understand {left.group(0)!r}")
    wrapped = "\n".join(
        [
            f"const ${name} = (function () {{",
            *lines,
            body.strip("\n"),
            f"return {{{_names(exports)}}};",
            "})();",
        ]
    )
    return imports, wrapped


def _names(exports: list[str]) -> str:
    return f" {', '.join(exports)} " if exports else ""


def bundle(sources: Mapping[str, str], entry: str) -> str:
    """One script running `entry` (a file name in `sources`) after every module it needs."""
    parsed: dict[str, tuple[list[str], str]] = {}
    order: list[str] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise BundleError(f"an import cycle: {' -> '.join([*visiting, name])}")
        if f"{name}.js" not in sources:
            raise BundleError(f"no module {name}.js (imported by {visiting[-1] if visiting else 'nobody'})")
        visiting.append(name)
        parsed[name] = _module(name, sources[f"{name}.js"])
        for imported in parsed[name][0]:
            visit(imported)
        visiting.pop()
        order.append(name)

    visit(entry.removesuffix(".js"))
    return "\n".join(["(function () {", '"use strict";', *(parsed[n][1] for n in order), "})();"])


def controller() -> str:
    """The page's controller: assets/js bundled from page.js (the modules ship as package data)."""
    folder = resources.files(__package__) / "assets" / "js"
    sources = {
        item.name: item.read_text(encoding="utf-8") for item in folder.iterdir() if item.name.endswith(".js")
    }
    return bundle(sources, "page.js")
