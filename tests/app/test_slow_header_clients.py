"""Clients that open connections and never finish a request's headers (a byte at a time, or
nothing at all) are closed after a deadline, so they cannot hold the explorer's connections
for ever: more of them than uvicorn serves at once (``LIMIT_CONCURRENCY``, beyond which a
request gets a 503) leave a normal client answered again within that deadline.

Oracles: raw sockets (the server closing a connection is ``recv`` returning ``b""``), and a
normal client's GET answered 200 while the slow ones are still connected; the explorer is
served with the options ``forceratio app`` serves it with (:func:`uvicorn_options`)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any, cast

import pytest
import uvicorn

from forceratio.app import server as app_server
from forceratio.app.model import Explorer
from forceratio.app.server import create_app, uvicorn_options

from .conftest import free_port

#: The header deadline the tests run with (the shipped one is checked separately).
DEADLINE = 1.5


class Stub:
    def scenarios(self) -> list[dict[str, Any]]:
        return []


@contextlib.contextmanager
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A stub explorer served as ``forceratio app`` serves it, its header deadline
    :data:`DEADLINE`, as its port."""
    monkeypatch.setattr(app_server, "HEADER_TIMEOUT", DEADLINE)
    port = free_port()
    config = uvicorn.Config(
        create_app(cast(Explorer, Stub())), host="127.0.0.1", port=port, log_level="critical",
        lifespan="off", **uvicorn_options(),
    )  # fmt: skip
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def status(port: int) -> int:
    """The status of a normal client's GET /api/scenarios."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/scenarios", timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def closed_by_server(s: socket.socket, within: float) -> bool:
    """Whether the server closes ``s`` within ``within`` seconds (``recv`` gives ``b""``)."""
    s.settimeout(within)
    try:
        return s.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_a_client_that_sends_nothing_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    with served(monkeypatch) as port, socket.create_connection(("127.0.0.1", port)) as s:
        assert closed_by_server(s, DEADLINE + 3)


def test_headers_sent_a_byte_at_a_time_are_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    request = b"GET /api/scenarios HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000
    with served(monkeypatch) as port, socket.create_connection(("127.0.0.1", port)) as s:
        start = time.monotonic()
        s.settimeout(0.1)
        for byte in request:  # one byte every 0.1 s: never idle for the keep-alive's 5 s
            try:
                s.sendall(bytes([byte]))
                if s.recv(1024) == b"":
                    break
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if time.monotonic() - start > DEADLINE + 5:
                pytest.fail("headers sent a byte at a time held the connection")
        assert time.monotonic() - start < DEADLINE + 3


def test_a_second_request_trickled_on_a_kept_connection_is_cut_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with served(monkeypatch) as port, socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /api/scenarios HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        s.settimeout(5)
        answer = b""
        while not answer.endswith(b"\r\n\r\n[]"):  # the whole answer: the stub's empty list
            got = s.recv(4096)
            assert got, f"the server closed the connection mid-answer: {answer!r}"
            answer += got
        assert answer.startswith(b"HTTP/1.1 200")
        s.sendall(b"GET /api/scenarios HTTP/1.1\r\n")  # then nothing: its headers never end
        assert closed_by_server(s, DEADLINE + 3)


def test_more_slow_clients_than_served_at_once_leave_a_normal_client_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with served(monkeypatch) as port:
        assert status(port) == 200
        slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(70)]
        try:
            for k, s in enumerate(slow):
                if k % 2:
                    s.sendall(b"GET / HTTP/1.1\r\nHo")  # half a request; the rest never comes
            time.sleep(0.3)
            first = status(port)  # every connection held: uvicorn's 503
            time.sleep(DEADLINE + 1)
            assert status(port) == 200, "the slow clients still hold the server"
            assert first in (200, 503)
        finally:
            for s in slow:
                s.close()


def test_fifty_slow_clients_leave_a_normal_client_answered_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with served(monkeypatch) as port:
        slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(50)]
        try:
            for s in slow:
                s.sendall(b"GET / HTTP/1.1\r\nHo")
            start = time.monotonic()
            assert status(port) == 200
            assert time.monotonic() - start < 2
        finally:
            for s in slow:
                s.close()


def test_the_shipped_header_deadline_is_bounded() -> None:
    assert 0 < app_server.HEADER_TIMEOUT <= 30
    assert app_server.HEADER_TIMEOUT < 10 * app_server.KEEP_ALIVE
