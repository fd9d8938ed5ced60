"""The page's "Training" chapter in headless Chromium: epochs per second while it plays.

The workload is issue 23's: moons, 250 points, a 2-4-2-1 tanh network, Adam, full-batch epochs,
with the heat map, the network view and the loss curve redrawn every frame. Two figures:

- playing: Play at each speed (epochs per frame, at most 12 ms of epochs per frame), for a few
  seconds of wall-clock time, epochs counted from walkthrough.training.state();
- epochs only: walkthrough.training.epochs(n), no drawing between epochs (the loop's own speed).

    python benchmarks/bench_page_training.py            # about 15 seconds
    python benchmarks/bench_page_training.py --seconds 1

Chromium: /usr/bin/chromium, or $MICROGRAD_LIKE_CHROMIUM. Headless Chromium paces frames at
about 60 per second, so "playing" is at most speed × 60 epochs per second.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from micrograd_like.page import worked_example_page

CHROMIUM = os.environ.get("MICROGRAD_LIKE_CHROMIUM", "/usr/bin/chromium")
SETTINGS = "{dataset: 'moons', samples: 250, hidden: [4, 2], activation: 'tanh', optimizer: 'adam'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to play at each speed")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        source = Path(tmp) / "page.html"
        worked_example_page(renderer="embedded").save(source)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(source.as_uri() + "#chapter=training")
            page.wait_for_function("window.walkthrough !== undefined")
            print("moons, 250 points, 2-4-2-1 tanh, Adam; map, network and loss curve redrawn every frame")
            for speed in (1, 5, 20, 100):
                page.evaluate(f"walkthrough.training.set({SETTINGS}); walkthrough.training.speed({speed})")
                start = time.perf_counter()
                page.evaluate("walkthrough.training.play()")
                page.wait_for_timeout(args.seconds * 1000)
                state = page.evaluate("walkthrough.training.pause()")
                seconds = time.perf_counter() - start
                print(f"  playing, {speed:3d} epochs per frame: {state['epoch'] / seconds:8.0f} epochs/s")
            page.evaluate(f"walkthrough.training.set({SETTINGS})")
            ms = page.evaluate(
                "() => { const t = performance.now(); walkthrough.training.epochs(2000);"
                " return performance.now() - t; }"
            )
            print(f"  epochs only (epochs(2000), one draw at the end): {2000 / (ms / 1000):8.0f} epochs/s")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
