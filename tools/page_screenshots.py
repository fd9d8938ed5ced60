"""Take the docs' pictures of the walkthrough page with headless Chromium (Playwright), or check them.

    python tools/page_screenshots.py            # write docs/page.png, page_descent.png, page_training.png
    python tools/page_screenshots.py --check    # exit 1 when a picture is not of today's page

Each picture is one scene: a page (built with the embedded renderer, so the same on every machine),
a viewport, and what a reader does before the shot. The same Chromium with the same fonts gives the
same pixels; animations and the caret are off. A picture carries, in a PNG text chunk, the SHA-256
of its scene: the page's HTML and the actions. `--check` (and the test suite, without a browser)
recomputes that digest from the code as it is now: a change to the page, its data or its script
makes the picture stale until this tool runs again.

Chromium: /usr/bin/chromium, or $MICROGRAD_LIKE_CHROMIUM.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, PngImagePlugin  # installed with the notebooks' extras

from micrograd_like.page import worked_example_page

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

DOCS = Path(__file__).resolve().parents[1] / "docs"
CHROMIUM = os.environ.get("MICROGRAD_LIKE_CHROMIUM", "/usr/bin/chromium")
DIGEST_KEY = "micrograd_like scene sha256"
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}


@dataclass(frozen=True)
class Scene:
    """One picture: the page, and the reader's actions (JavaScript run in the page, in order)."""

    file: str
    html: Callable[[], str]
    actions: tuple[str, ...]

    def digest(self) -> str:
        text = json.dumps([self.html(), list(self.actions), VIEWPORT], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# mid-way through the worked example's backward pass (step 13 of 23), w[2]12 selected (its paths
# explained, its edge in the network view marked) and its formula shown as on hover
WORKED_EXAMPLE = Scene(
    "page.png",
    lambda: worked_example_page(renderer="embedded").html,
    (
        "for (let k = 0; k < 13; k++) walkthrough.next()",
        "walkthrough.select('w[2]12')",
        "document.activeElement && document.activeElement.blur()",
        "document.querySelector('svg.mg-network [data-name=\"w[2]12\"]')"
        ".dispatchEvent(new Event('mouseenter'))",  # its formula, as on hover
        "walkthrough.next(); walkthrough.prev()",  # brings the step's node back into view
    ),
)
# the "Gradient descent" chapter: y = 0.5 near the minimum of J(w[2]12), α = 4 between 1/J'' and
# 2/J'': three steps that overshoot and oscillate; below, the optimizers' race from (1.6, 1.9)
DESCENT = Scene(
    "page_descent.png",
    lambda: worked_example_page(renderer="embedded").html,
    (
        "walkthrough.chapters.show('descent')",
        "walkthrough.descent.set({weight: 'w[2]12', target: 0.5, w: 0.7, lr: 4})",
        "for (let k = 0; k < 3; k++) walkthrough.descent.step()",
        "document.activeElement && document.activeElement.blur()",
    ),
)
# the "Training" chapter: moons, a 2-8-4-1 tanh network and Adam after 150 epochs, w[2]12's gradient shown
TRAINING = Scene(
    "page_training.png",
    lambda: worked_example_page(renderer="embedded").html,
    (
        "walkthrough.chapters.show('training')",
        "walkthrough.training.set({dataset: 'moons', hidden: [8, 4], optimizer: 'adam'})",
        "walkthrough.training.epochs(150)",
        "document.querySelector('#mg-t-net [data-name=\"w[2]12\"]').dispatchEvent(new MouseEvent('click'))",
        "document.activeElement && document.activeElement.blur()",
    ),
)
SCENES = (WORKED_EXAMPLE, DESCENT, TRAINING)


def stamped_digest(path: Path) -> str | None:
    """The scene digest a picture carries, or None."""
    with Image.open(path) as image:
        text = getattr(image, "text", {})
        value = text.get(DIGEST_KEY)
        return value if isinstance(value, str) else None


def stale(scenes: tuple[Scene, ...] = SCENES, folder: Path = DOCS) -> list[str]:
    """The pictures that are missing or not of today's page."""
    return [
        scene.file
        for scene in scenes
        if not (folder / scene.file).exists() or stamped_digest(folder / scene.file) != scene.digest()
    ]


def play(page: Page, scene: Scene) -> None:
    for action in scene.actions:
        page.evaluate(f"() => {{ {action}; }}")


def shoot(scene: Scene, folder: Path) -> Path:
    """Open the scene's page from file:// (no network), act, and write the picture."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        source = Path(tmp) / "page.html"
        source.write_text(scene.html(), encoding="utf-8")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"]
        )
        try:
            context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, reduced_motion="reduce")
            page = context.new_page()
            page.goto(source.as_uri())
            page.wait_for_function("window.walkthrough !== undefined")
            play(page, scene)
            png = page.screenshot(animations="disabled", caret="hide")
        finally:
            browser.close()
    with Image.open(io.BytesIO(png)) as shot:
        # a 256-colour palette: the same picture to the eye, a third of the bytes (as the notebooks' figures)
        picture = shot.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    info = PngImagePlugin.PngInfo()
    info.add_text(DIGEST_KEY, scene.digest())
    target = folder / scene.file
    picture.save(target, optimize=True, pnginfo=info)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say which pictures are stale")
    args = parser.parse_args(argv)
    if args.check:
        old = stale()
        for name in old:
            print(f"docs/{name} is stale: run python tools/page_screenshots.py", file=sys.stderr)
        return 1 if old else 0
    for scene in SCENES:
        print(f"wrote {shoot(scene, DOCS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
