"""Write the README's images under docs/: three figures (matplotlib) and a screenshot of the
explorer (Debian's chromium through Playwright, against a server on 127.0.0.1).

    python scripts/docs_images.py            # needs the app extra and /usr/bin/chromium
"""

from __future__ import annotations

import shutil
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

QUIET = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
DOCS = Path(__file__).resolve().parent.parent / "docs"
WIDTH, HEIGHT = 1280, 1000  # the picture's window


def figures() -> None:
    from forceratio.plots import figure
    from forceratio.plots.figures import save

    save(figure("ratios", "barbarossa-22june"), DOCS / "ratios.png")
    save(figure("trajectory", "barbarossa-22june"), DOCS / "trajectory.png")
    save(
        figure("distribution", "strike-12june-strip", replications=300, seed=1),
        DOCS / "distribution.png",
    )


def pose(page: Any) -> None:
    """The explorer in ``page`` as docs/app.png shows it: run, one assumption's source open,
    scrolled to the top."""
    # a selector, not wait_for_function: the page's CSP forbids evaluating a string
    page.wait_for_selector("body[data-state='ready']", state="attached", timeout=120_000)
    page.locator('[data-path="breakpoints.USSR"]').first.locator(
        "xpath=ancestor::div[@class='param']"
    ).locator("summary").click()
    # the click scrolled the page to the summary, and the outcome column is sticky: a
    # full-page picture drew it that scroll lower, a blank band above it
    page.evaluate("scrollTo(0, 0)")
    page.mouse.move(0, 0)  # off the box it is over now (its spin buttons would show)


def screenshot() -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from forceratio.app.server import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    exe = shutil.which("chromium")
    if exe is None:
        sys.exit("chromium not found")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=QUIET)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(f"http://127.0.0.1:{port}/")
            pose(page)
            page.screenshot(path=str(DOCS / "app.png"), full_page=True)
            browser.close()
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    figures()
    screenshot()
    print(f"wrote {', '.join(sorted(p.name for p in DOCS.glob('*.png')))} in {DOCS}")
