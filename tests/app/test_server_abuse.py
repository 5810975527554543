"""The explorer's server against clients that abuse it: a run whose client left while it
waited its turn is not run; runs beyond a bounded line are refused at once (503); a body
that never arrives is a 408, not a connection held for ever; every answer carries headers
that keep the page from being framed or fed other content; served on every interface,
Host names other than addresses and this machine's own are still refused (DNS
rebinding); the API refuses the number texts the CLI refuses; the page's address of an
IPv6 host is bracketed; and ``--host 0.0.0.0`` warns that the explorer is open.

Oracles: the order of events the ASGI requests are driven through (a stub model counting
its runs), RFC 3986 for the IPv6 address, and the written requirements (status codes)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from typing import Any, cast

import pytest

from forceratio.app import server as app_server
from forceratio.app.model import Explorer
from forceratio.app.server import create_app
from forceratio.errors import InputError

from .conftest import Headers, http_scope, response
from .pages import wait_ready

HEADERS: Headers = [(b"host", b"127.0.0.1:8050"), (b"content-type", b"application/json")]


class StubExplorer:
    """A model whose runs wait for ``release`` and are counted by scenario name."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.calls: list[str] = []

    def run(self, name: str, values: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(name)
        self.started.set()
        self.release.wait(30)
        return {"scenario": name}

    def scenarios(self) -> list[dict[str, Any]]:
        return []


def stub_app(stub: StubExplorer, host: str = "127.0.0.1") -> Any:
    return create_app(cast(Explorer, stub), host)


async def post(app: Any, name: str, *, leaves: bool = False) -> int:
    """POST /api/run for scenario ``name``; ``leaves``: the client is gone after its body."""
    body = json.dumps({"scenario": name, "values": {}}).encode()
    sent_body = [False]
    forever = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if not sent_body[0]:
            sent_body[0] = True
            return {"type": "http.request", "body": body, "more_body": False}
        if leaves:
            return {"type": "http.disconnect"}
        await forever.wait()  # a client still there: nothing more arrives
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(http_scope("POST", "/api/run", HEADERS), receive, send)
    return response(sent)[0]


async def until(flag: threading.Event) -> None:
    for _ in range(600):
        if flag.is_set():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the first run never started")


def test_a_run_whose_client_left_while_waiting_is_not_run() -> None:
    stub = StubExplorer()
    app = stub_app(stub)

    async def scene() -> list[int]:
        first = asyncio.create_task(post(app, "first"))
        await until(stub.started)  # the first holds the turn
        gone = asyncio.create_task(post(app, "gone", leaves=True))
        kept = asyncio.create_task(post(app, "kept"))
        await asyncio.sleep(0.2)  # both wait their turn
        stub.release.set()
        return list(await asyncio.wait_for(asyncio.gather(first, gone, kept), 30))

    statuses = asyncio.run(scene())
    assert stub.calls == ["first", "kept"]
    assert statuses == [200, 499, 200]


def test_runs_beyond_the_line_are_refused_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_server, "MAX_QUEUED", 2)
    stub = StubExplorer()
    app = stub_app(stub)

    async def scene() -> tuple[int, list[int]]:
        first = asyncio.create_task(post(app, "first"))
        await until(stub.started)
        second = asyncio.create_task(post(app, "second"))
        await asyncio.sleep(0.2)
        third = await asyncio.wait_for(post(app, "third"), 5)  # not left waiting
        stub.release.set()
        return third, list(await asyncio.wait_for(asyncio.gather(first, second), 30))

    third, others = asyncio.run(scene())
    assert third == 503
    assert others == [200, 200]
    assert stub.calls == ["first", "second"]


def test_a_body_that_never_arrives_is_a_408(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_server, "BODY_TIMEOUT", 0.2)
    app = stub_app(StubExplorer())
    never = asyncio.Event()

    async def receive() -> dict[str, Any]:
        await never.wait()  # the declared body never comes
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [*HEADERS, (b"content-length", b"100")]
    scope = http_scope("POST", "/api/run", headers)
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 10))
    status, _, body = response(sent)
    assert status == 408
    assert json.loads(body)["error"].startswith("request: body not received within")


def call(app: Any, path: str, host: bytes = b"127.0.0.1:8050") -> tuple[int, dict[bytes, bytes]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(http_scope("GET", path, [(b"host", host)]), receive, send))
    status, headers, _ = response(sent)
    return status, headers


def test_every_answer_forbids_framing_and_sniffing() -> None:
    app = stub_app(StubExplorer())
    for path in ("/", "/app.js", "/api/scenarios"):
        status, headers = call(app, path)
        assert status == 200, path
        policy = headers[b"content-security-policy"].decode()
        assert "frame-ancestors 'none'" in policy, path
        assert "default-src 'self'" in policy, path
        assert headers[b"x-content-type-options"] == b"nosniff", path
        assert headers[b"x-frame-options"] == b"DENY", path
    status, headers = call(app, "/", host=b"evil.example")  # a refusal carries them too
    assert status == 421
    assert b"content-security-policy" in headers


def _sent(app: Any, method: str, path: str, host: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(http_scope(method, path, [(b"host", host)]), receive, send))
    return response(sent)


def test_answers_off_the_routes_are_guarded_too() -> None:
    """A path the page never asks for (a 404), a method a route does not take (a 405) or a
    trailing slash (Starlette redirected it, its Location built from a foreign Host header)
    answered plain text without the headers, and a foreign Host was not refused. Oracle:
    the written requirements (every answer carries the headers; a foreign Host is a 421;
    an error is one JSON line naming what is wrong)."""
    app = stub_app(StubExplorer())
    for path in ("/api/scenarios/", "/nothing", "/api/run/"):
        status, headers, body = _sent(app, "GET", path, b"evil.example")
        assert status == 421, path
        assert b"location" not in headers, path
    for method, path, status_code, says in (
        ("GET", "/nothing", 404, "path: /nothing is not a page or an API route"),
        ("GET", "/api/scenarios/", 404, "path: /api/scenarios/ is not a page or an API route"),
        ("GET", "/api/run", 405, "method: GET not allowed on /api/run (allowed: POST)"),
    ):
        status, headers, body = _sent(app, method, path, b"127.0.0.1:8050")
        assert status == status_code, path
        assert json.loads(body) == {"error": says}, path
        assert b"location" not in headers, path
        assert headers[b"x-frame-options"] == b"DENY", path
        assert "frame-ancestors 'none'" in headers[b"content-security-policy"].decode(), path
        assert headers[b"x-content-type-options"] == b"nosniff", path


def test_every_interface_still_refuses_foreign_host_names() -> None:
    app = stub_app(StubExplorer(), host="0.0.0.0")
    own = socket.gethostname().encode()
    for host in (b"192.168.1.5:8050", b"[fe80::1]:8050", b"localhost:8050", own + b":8050"):
        assert call(app, "/", host=host)[0] == 200, host
    for host in (b"evil.example", b"evil.example:8050", b"localhost.evil.example"):
        assert call(app, "/", host=host)[0] == 421, host


def test_the_api_refuses_the_number_texts_the_cli_refuses(explorer: Explorer) -> None:
    ex = explorer
    path = "modifiers.quality.Germany"
    for text, why in (
        ("1_0", "underscore between digits"),
        ("0x10", "hexadecimal"),
        ("\u0661\u0662", "other than ASCII"),  # Arabic-Indic twelve
        ("\uff11\uff12", "other than ASCII"),  # full-width twelve
    ):
        with pytest.raises(InputError, match=rf"^{path}: expected a number: .*{why}"):
            ex.run("strike-12june-strip", {path: text})


def test_an_ipv6_page_address_is_bracketed() -> None:
    assert app_server.server_url("::1", 8050) == "http://[::1]:8050/"
    assert app_server.server_url("127.0.0.1", 8050) == "http://127.0.0.1:8050/"


def test_serving_bounds_connections_and_idle_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    monkeypatch.setattr(app_server, "check_listen", lambda host, port: None)
    app_server.serve(open_browser=False, explorer=cast(Explorer, StubExplorer()))
    assert 0 < seen["limit_concurrency"] <= 256
    assert 0 < seen["timeout_keep_alive"] <= 30


def test_every_interface_is_said_to_be_open(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from forceratio.cli import run

    monkeypatch.setattr(app_server, "check_listen", lambda host, port: None)
    monkeypatch.setattr(app_server, "serve", lambda *a, **kw: None)
    for host, warned in (("0.0.0.0", True), ("::", True), ("127.0.0.1", False), ("::1", False)):
        assert run(["app", "--no-browser", "--host", host]) == 0
        err = capsys.readouterr().err
        assert ("no authentication" in err) is warned, host


@pytest.mark.slow
def test_the_page_runs_under_its_policy(server: str, browser: object) -> None:
    """In chromium: the page arrives with its policy, and runs, draws and styles itself
    without one violation of it (the console names each refused style, script or image)."""
    page = browser.new_page()  # type: ignore[attr-defined]
    console: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    answer = page.goto(server)
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    wait_ready(page, 0)
    assert page.locator("#chart polyline").count() == 2
    assert page.inner_text("#winner")
    assert not [t for t in console if "Content Security Policy" in t]
    assert not errors
