"""The page's JavaScript as modules: the bundler that joins them into the page's one script, the
fixtures their unit tests read (tests/js, `make js-test`), and the rules the modules keep."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from page_words import fixtures_tool

from micrograd_like.page.bundle import BundleError, bundle, controller

JS = resources.files("micrograd_like.page") / "assets" / "js"


def test_modules_come_after_what_they_import_each_in_its_own_scope() -> None:
    sources = {
        "main.js": 'import { b } from "./b.js";\nimport * as a from "./a.js";\nb(a.x);',
        "b.js": 'import { x as y } from "./a.js";\nconst x = 2;\nexport function b(z) { return y + z + x; }',
        "a.js": "export const x = 1;\nexport {};",
    }
    script = bundle(sources, "main.js")
    assert script.index("const $a =") < script.index("const $b =") < script.index("const $main =")
    assert "const { x: y } = $a;" in script and "const a = $a;" in script
    assert "return { b };" in script and "return { x };" in script
    assert "export" not in script and "import" not in script
    assert script.startswith('(function () {\n"use strict";') and script.endswith("})();")


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ({"main.js": 'import { a } from "./a.js";', "a.js": 'import { m } from "./main.js";'}, "cycle"),
        ({"main.js": 'import { a } from "./missing.js";'}, "no module missing.js"),
        ({"main.js": "export default 1;"}, "does not understand"),
        ({"main.js": 'import a from "./a.js";', "a.js": ""}, "does not understand"),
    ],
)
def test_forms_the_bundler_does_not_know_are_errors(sources: dict[str, str], message: str) -> None:
    with pytest.raises(BundleError, match=message):
        bundle(sources, "main.js")


def test_the_page_script_is_every_module_page_js_needs() -> None:
    script = controller()
    modules = {item.name.removesuffix(".js") for item in JS.iterdir() if item.name.endswith(".js")}
    bundled = set(re.findall(r"^const \$(\w+) = \(function", script, re.M))
    # types.js holds JSDoc types only; nothing imports it at run time
    assert bundled == modules - {"types"}
    assert "</script" not in script.lower() and "__MG_" not in script


def test_each_module_is_typed_and_small() -> None:
    for item in JS.iterdir():
        if item.name.endswith(".js"):
            text = item.read_text(encoding="utf-8")
            assert text.startswith("// @ts-check\n"), item.name
            assert len(text.splitlines()) <= 600, item.name


def test_the_javascript_tests_read_todays_fixtures() -> None:
    """tests/js/fixtures.json is what tools/page_fixtures.py writes now; when this fails, run it."""
    tool = fixtures_tool()
    target = Path(tool.TARGET)
    assert target.read_text(encoding="utf-8") == tool.fixtures(), "run python tools/page_fixtures.py"
