"""The explorer's API and page as the tests drive them over HTTP: one request answered, and
a page in the browser waited on until it has run."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any


def fetch(url: str, body: bytes | None = None) -> tuple[int, Any, str]:
    """(status, the answer: JSON as data, else text, its Content-Type) of a GET of ``url``,
    or of a POST of the JSON ``body``, as the page sends it."""
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    if body is not None:
        req.add_header("Content-Type", "application/json")  # as the page sends it
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, text, kind = r.status, r.read().decode(), r.headers["content-type"]
    except urllib.error.HTTPError as e:
        status, text, kind = e.code, e.read().decode(), e.headers["content-type"]
    data = json.loads(text) if kind.startswith("application/json") else text
    return status, data, kind


def wait_ready(page: object, runs: int) -> None:
    """Wait until the page is ready after more than ``runs`` runs (read from attributes, not
    by evaluating a string in the page: its Content-Security-Policy forbids that)."""
    deadline = time.monotonic() + 60
    while True:
        body = page.locator("body")  # type: ignore[attr-defined]
        state, done = body.get_attribute("data-state"), body.get_attribute("data-runs")
        if state == "ready" and int(done or 0) > runs:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"page not ready after run {runs}: {state}, {done} runs")
        page.wait_for_timeout(50)  # type: ignore[attr-defined]
