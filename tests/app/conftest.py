"""What the explorer's tests share: serving an explorer on a free port of 127.0.0.1, and
one request to the app in-process through ASGI (the test holds the body's ``receive``)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any

import pytest
import uvicorn

from forceratio.app.model import Explorer
from forceratio.app.server import create_app

Serve = Callable[[Explorer], AbstractContextManager[str]]
Headers = list[tuple[bytes, bytes]]
Receive = Callable[[], Awaitable[dict[str, Any]]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(explorer: Explorer) -> Iterator[str]:
    """``explorer`` served by uvicorn in a thread of its own, as its base URL, stopped after."""
    config = uvicorn.Config(
        create_app(explorer), host="127.0.0.1", port=free_port(), log_level="warning",
        lifespan="off",
    )  # fmt: skip
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            raise AssertionError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}/"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def serve() -> Serve:
    """:func:`serving`, for a fixture of any scope: ``with serve(explorer) as url: ...``."""
    return serving


def http_scope(
    method: str, path: str, headers: Headers, server: tuple[str, int] = ("127.0.0.1", 8050)
) -> dict[str, Any]:
    """The ASGI scope of one HTTP/1.1 request from 127.0.0.1 to ``path``."""
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": headers, "server": server,
        "client": ("127.0.0.1", 5000),
    }  # fmt: skip


def call_asgi(app: Any, scope: dict[str, Any], receive: Receive) -> list[dict[str, Any]]:
    """The messages ``app`` sends answering the request of ``scope``, its body pulled from
    ``receive``; in a thread of its own (Playwright's sync API keeps a loop running in the
    test's)."""
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return sent


def response(sent: list[dict[str, Any]]) -> tuple[int, dict[bytes, bytes], bytes]:
    """(status, headers, body) of the messages an app sent."""
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return int(start["status"]), dict(start["headers"]), body


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    """One explorer of the built-in scenarios for a module (a module may define its own)."""
    return Explorer()


@pytest.fixture(scope="module")
def server(explorer: Explorer, serve: Serve) -> Iterator[str]:
    """The module's ``explorer`` served, as its base URL."""
    with serve(explorer) as url:
        yield url


# the browser talks to the test server only: no background updates, sync or metrics
QUIET = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright (skipped without it; a failure in CI)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=QUIET)
        yield b
        b.close()
