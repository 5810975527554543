"""The explorer's web server: one static page and a JSON API, on localhost by default.

Starlette (the ASGI toolkit FastAPI is built on) with uvicorn: a few routes, no templates,
no session state beyond the cached scenarios; the page draws its own charts (SVG) so
nothing is fetched from the network.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forceratio.app.model import Explorer, json_name
from forceratio.errors import ForceratioError
from forceratio.report import json_safe


def _page(name: str) -> str:
    return resources.files("forceratio.app").joinpath(f"static/{name}").read_text("utf-8")


#: The longest error a request gets back: a message echoes the value or key at fault, which
#: a hostile request can make megabytes long.
MAX_ERROR = 500


#: The largest request body read (bytes): the page's requests are under 2 kB; a larger body
#: is refused (413) from its Content-Length, or once that many bytes of a chunked body have
#: arrived, before the rest is read.
MAX_BODY = 64 * 1024


#: Seconds a request body may take to arrive: a client that declares a length and never
#: sends it gets a 408 then, instead of holding its connection for ever.
BODY_TIMEOUT = 10.0

#: Runs a request may find ahead of it (the one running and those waiting their turn):
#: beyond, it is refused at once (503) instead of joining a line without end.
MAX_QUEUED = 8

#: Headers of every answer: the page loads nothing from elsewhere, no other site may frame
#: it, and a browser takes each answer as the type it is sent as.  (The page's own styles
#: are inline, its icon a ``data:`` URL.)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class _TooLargeError(Exception):
    pass


async def _body(request: Request) -> bytes:
    """The request body, at most :data:`MAX_BODY` bytes (:class:`_TooLargeError` beyond)."""
    length = request.headers.get("content-length", "")
    if length.strip().isdigit() and int(length) > MAX_BODY:
        raise _TooLargeError
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > MAX_BODY:
            raise _TooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


LOG = logging.getLogger("forceratio.app")

#: An integer too large for a float, standing for one whose digits Python will not convert
#: (past ``sys.get_int_max_str_digits()``): the model refuses it as out of range, naming its field.
_HUGE = 10**400


def _integer(digits: str) -> int:
    """A JSON integer (``json.loads``'s ``parse_int``): past the digits Python converts, one
    too large for any number, not a ValueError that would call the body "not JSON"."""
    import sys

    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        return -_HUGE if digits.startswith("-") else _HUGE
    return int(digits)


class _JSON(JSONResponse):
    """A JSON answer with NaN and infinities as null (strict JSON, never a 500)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            json_safe(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8")


def _refuse(exc: Exception) -> JSONResponse:
    text = str(exc)
    if len(text) > MAX_ERROR:
        text = text[: MAX_ERROR - 30] + f"... ({len(text):,} characters)"
    return _JSON({"error": text}, status_code=400)


def _line(exc: BaseException) -> str:
    """One line naming an unexpected error (its type and the start of its text)."""
    text = " ".join(str(exc).split())[: MAX_ERROR - 80]
    return f"server: unexpected error ({type(exc).__name__}{': ' + text if text else ''})"


#: The names a request's Host header may give besides the bound address: a page on another
#: site that a rebinding DNS name points here says its own name, and is refused.
LOCAL = frozenset({"127.0.0.1", "localhost", "::1"})
ANY = frozenset({"0.0.0.0", "::"})  # every interface: the user chose to serve other machines


def _ip(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@functools.cache
def _own_names() -> frozenset[str]:
    """This machine's own names (served on every interface, a Host header may give them)."""
    import socket

    return frozenset(n.lower() for n in (socket.gethostname(), socket.getfqdn()) if n)


def _known_host(name: str, host: str) -> bool:
    """Whether a Host header's ``name`` is one this server answers: its address, localhost,
    and, served on every interface, an address (an IP literal) or this machine's own name;
    never another name, which a rebinding DNS name would give."""
    if name in LOCAL or name == host.lower():
        return True
    return host in ANY and (_ip(name) or name in _own_names())


def server_url(host: str, port: int) -> str:
    """The page's address (an IPv6 address in brackets: ``http://[::1]:8050/``)."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def open_to_network(host: str) -> bool:
    """Whether serving on ``host`` lets other machines reach the page (not loopback only)."""
    import ipaddress

    if host.lower() == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a name: whatever it resolves to


def _hostname(header: str) -> str:
    """The name in a Host header, without its port (``[::1]:8050`` -> ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]")[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _foreign(request: Request) -> Response | None:
    """A one-line 415 for a POST not of JSON (a cross-site form), which the page never makes."""
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return JSONResponse({"error": "request: Content-Type must be application/json"}, 415)
    return None


class _Guard:
    """Around the whole application, every path and status (a 404 and a 405 too): a request
    whose Host is neither this server's address nor localhost (DNS rebinding) is a one-line
    421, and every answer carries :data:`SECURITY_HEADERS`."""

    def __init__(self, app: ASGIApp, host: str) -> None:
        self.app, self.host = app, host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("host")

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(SECURITY_HEADERS)
            await send(message)

        if given is not None and not _known_host(_hostname(given), self.host):
            refusal = _JSON({"error": "request: Host header not this server's address"}, 421)
            await refusal(scope, receive, guarded)
            return
        await self.app(scope, receive, guarded)


async def _off_route(request: Request, exc: Exception) -> Response:
    """A path no route has (404) or a method its route does not take (405), as one JSON line."""
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    if status == 405:
        allowed = (exc.headers or {}).get("Allow", "") if isinstance(exc, HTTPException) else ""
        said = f"method: {request.method} not allowed on {request.url.path} (allowed: {allowed})"
        return _JSON({"error": said}, 405, headers={"Allow": allowed})
    said = f"path: {request.url.path[:200]} is not a page or an API route"
    return _JSON({"error": said}, status)


def create_app(explorer: Explorer | None = None, host: str = "127.0.0.1") -> Starlette:
    """The ASGI application (``explorer`` shared by every request), answering requests for
    ``host`` (the address served) or localhost only.

    The model's work runs on a worker thread (``run_in_threadpool``), never on the event
    loop, so a slow run does not hold up the page, its script or the scenario list; runs
    take turns (one at a time, the rest waiting on an asyncio lock, not holding a thread),
    as they did on the loop."""
    import asyncio

    ex = explorer or Explorer()
    one_run = asyncio.Lock()
    queued = [0]  # requests running or waiting for one_run

    async def index(request: Request) -> Response:
        return HTMLResponse(_page("index.html"))

    async def script(request: Request) -> Response:
        return Response(_page("app.js"), media_type="text/javascript")

    async def scenarios(request: Request) -> Response:
        return _JSON(await run_in_threadpool(ex.scenarios))

    async def scenario(request: Request) -> Response:
        try:
            return _JSON(await run_in_threadpool(ex.scenario, request.path_params["name"]))
        except ForceratioError as exc:
            return _refuse(exc)

    async def run(request: Request) -> Response:
        try:
            raw = await asyncio.wait_for(_body(request), BODY_TIMEOUT)
            body: Any = json.loads(raw, parse_int=_integer)
        except TimeoutError:
            return JSONResponse(
                {"error": f"request: body not received within {BODY_TIMEOUT:g} s"}, 408
            )
        except _TooLargeError:
            return JSONResponse(
                {"error": f"request: body larger than {MAX_BODY:,} bytes"}, status_code=413
            )
        except (ValueError, UnicodeDecodeError, RecursionError):  # (nested past the limit)
            return JSONResponse({"error": "request: not JSON"}, status_code=400)
        if not isinstance(body, dict) or not isinstance(body.get("values", {}), dict):
            return JSONResponse({"error": "request: expected {scenario, values}"}, 400)
        name = body.get("scenario")
        if name is None:
            return JSONResponse({"error": "scenario: missing"}, 400)
        if not isinstance(name, str):
            return JSONResponse({"error": f"scenario: expected a name, got {json_name(name)}"}, 400)
        if queued[0] >= MAX_QUEUED:
            return JSONResponse(
                {"error": f"server: {MAX_QUEUED} runs are ahead of this one; try again shortly"},
                503,
            )
        queued[0] += 1
        waits = one_run.locked()
        try:
            async with one_run:
                if waits and await request.is_disconnected():  # its client gave up waiting
                    LOG.warning("POST /api/run: the client left before its turn; not run")
                    return Response(status_code=499)
                answer = await run_in_threadpool(ex.run, name, body.get("values", {}))
            return _JSON(answer)
        except ForceratioError as exc:
            return _refuse(exc)
        finally:
            queued[0] -= 1

    app = Starlette(
        routes=[
            Route("/", _guard(index)),
            Route("/app.js", _guard(script)),
            Route("/api/scenarios", _guard(scenarios)),
            # (a file's scenario name may hold a slash: the rest of the path is the name)
            Route("/api/scenario/{name:path}", _guard(scenario)),
            Route("/api/run", _guard(run), methods=["POST"]),
        ],
        middleware=[Middleware(_Guard, host=host)],
        exception_handlers={404: _off_route, 405: _off_route},
    )
    app.router.redirect_slashes = False  # (its Location was built from the Host header)
    return app


def _guard(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """``handler`` answering every error it did not foresee with a one-line JSON 500 (the
    page shows it as it shows a 400) and one line in the log, never plain text or a
    traceback; a client gone before its answer is one line in the log too."""

    async def guarded(request: Request) -> Response:
        try:
            answer = _foreign(request) or await handler(request)
        except ClientDisconnect:
            LOG.warning("%s %s: the client closed the connection", request.method, request.url.path)
            answer = Response(status_code=499)
        except Exception as exc:
            LOG.error("%s %s: %s", request.method, request.url.path, _line(exc))
            answer = _JSON({"error": _line(exc)}, status_code=500)
        return answer

    return guarded


def check_listen(host: str, port: int) -> None:
    """Refuse an address this machine cannot listen on, naming the option at fault: an
    unknown or foreign host is ``--host``'s, a port in use (or forbidden) ``--port``'s."""
    import errno
    import socket

    from forceratio.errors import InputError

    if not host.strip():  # the empty address is every interface, IPv4 and IPv6
        raise InputError(
            "--host", "empty; give an address: 127.0.0.1, or 0.0.0.0 for every interface"
        )
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        # create_server re-raises a failed name lookup (getaddrinfo's negative codes) as
        # an OSError of that code, its text ending "(while attempting to bind ...)"
        code = exc.errno or 0
        host_fault = isinstance(exc, socket.gaierror) or code < 0 or code == errno.EADDRNOTAVAIL
        reason = str(exc.strerror or exc).split(" (while attempting")[0]
        raise InputError(
            "--host" if host_fault else "--port", f"cannot listen on {host}:{port}: {reason}"
        ) from None


def serve(
    host: str = "127.0.0.1",
    port: int = 8050,
    open_browser: bool = True,
    files: tuple[str, ...] = (),
    explorer: Explorer | None = None,
) -> None:
    """Warm the caches (the calibration), then serve until interrupted; ``files``: scenario
    files shown after the built-in scenarios (read first: a bad one is refused here), or an
    ``explorer`` already built (``forceratio app --scenario``: its files read before it
    says where it serves)."""
    import threading
    import webbrowser

    import uvicorn

    check_listen(host, port)
    if explorer is None:
        explorer = Explorer(files=files)
    for s in explorer.scenarios()[:1]:
        explorer.scenario(s["name"])
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(server_url(host, port),)).start()
    uvicorn.run(
        create_app(explorer, host), host=host, port=port, log_level="warning", **uvicorn_options()
    )


#: Connections served at once (uvicorn answers those beyond with a 503).
LIMIT_CONCURRENCY = 64
#: Seconds an idle kept-alive connection stays open.
KEEP_ALIVE = 5
#: Seconds a connection may take to send a request's headers (from its opening, or from
#: the end of its last answer): uvicorn has no such limit, so a client sending them a byte
#: at a time (never idle long enough for ``KEEP_ALIVE``), or sending nothing, held its
#: connection for ever, and ``LIMIT_CONCURRENCY`` of them kept every other client at a 503.
HEADER_TIMEOUT = 10.0


def _header_deadline_protocol() -> type[Any]:
    """uvicorn's h11 protocol closing a connection whose request's headers are not complete
    within :data:`HEADER_TIMEOUT` (a request whose headers arrived is left alone: its body
    has :data:`BODY_TIMEOUT`, its run its own bounds)."""
    import asyncio

    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderDeadline(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline = self.loop.call_later(HEADER_TIMEOUT, self._expire)

        def _expire(self) -> None:
            waiting = self.cycle is None or self.cycle.response_complete  # no request read
            if waiting and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            super().connection_lost(exc)

    return HeaderDeadline


def uvicorn_options() -> dict[str, Any]:
    """The options the explorer is served with (``uvicorn.run``'s or ``uvicorn.Config``'s),
    bounding what a client may hold: connections at once, an idle connection's time, the
    time to send a request's headers (h11 always, even where httptools is installed)."""
    return {
        "limit_concurrency": LIMIT_CONCURRENCY,  # connections at once; beyond, a 503
        "timeout_keep_alive": KEEP_ALIVE,  # an idle connection closed after this many seconds
        "http": _header_deadline_protocol(),  # a request's headers within HEADER_TIMEOUT
    }
