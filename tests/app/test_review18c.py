"""review18c: what the outside reviewer found driving the explorer in chromium."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import pytest

from forceratio.app.model import Explorer
from forceratio.app.server import create_app

from .test_server import _get, _ready, browser, explorer, server  # noqa: F401 (fixtures)

STRIP = {f"presence.strip.{c}": 0 for c in ("personnel", "guns_mortars", "tanks", "aircraft")}


def _asgi(
    app: Any,
    method: str,
    path: str,
    body: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> tuple[int, bytes, str]:
    """One request to ``app`` in-process: (status, body, content type)."""
    sent: list[dict[str, Any]] = []
    done = False

    async def receive() -> dict[str, Any]:
        nonlocal done
        if not done:
            done = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    hdrs = (
        headers
        if headers is not None
        else [(b"host", b"127.0.0.1:8050"), (b"content-type", b"application/json")]
    )
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": hdrs, "server": ("127.0.0.1", 8050),
        "client": ("127.0.0.1", 5000),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    kind = dict(start["headers"]).get(b"content-type", b"").decode()
    out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], out, kind


def test_every_share_present_at_zero_is_an_answer_not_a_500(server: str) -> None:  # noqa: F811
    """review18c 1: all four strip shares at 0 (legal: the declared ranges reach 0) gave NaN
    in the result and a plain-text 'Internal Server Error'. Strict JSON: NaN only as null."""
    body = json.dumps({"scenario": "strike-12june-strip", "values": STRIP}).encode()
    status, res, kind = _get(server + "api/run", body)
    assert kind.startswith("application/json"), res
    assert status in (200, 500), res
    if status == 200:
        text = json.dumps(res, allow_nan=False)  # raises on NaN or an infinity
        assert "NaN" not in text
        assert "Infinity" not in text
    else:
        assert "\n" not in res["error"]


def test_an_unforeseen_error_is_a_one_line_json_500(explorer: Explorer) -> None:  # noqa: F811
    """Any error the server did not foresee (here: the engine raising) answers as JSON the
    page can show, never plain text."""

    class Broken(Explorer):
        def run(self, name: str, values: object) -> dict[str, object]:
            raise RuntimeError("boom\nsecond line")

    body = json.dumps({"scenario": "strike-12june-strip", "values": {}}).encode()
    status, out, kind = _asgi(create_app(Broken()), "POST", "/api/run", body)
    assert status == 500
    assert kind.startswith("application/json")
    err = json.loads(out)["error"]
    assert "\n" not in err
    assert err.startswith("server: unexpected error (RuntimeError: boom")


def test_nan_goes_out_as_null() -> None:
    from forceratio.app.server import finite

    out = finite({"a": math.nan, "b": [1.0, math.inf, -math.inf], "c": "x", "d": 2})
    assert out == {"a": None, "b": [1.0, None, None], "c": "x", "d": 2}


@pytest.mark.slow
def test_the_page_shows_a_server_error_cleanly(server: str, browser: object) -> None:  # noqa: F811
    """The page showed `Unexpected token 'I', "Internal S"...` for a 500."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    _ready(page, 0)
    page.route("**/api/run", lambda route: route.fulfill(status=500, body="Internal Server Error"))
    box = page.locator('input[type=number][data-path="breakpoints.USSR"]')
    box.fill("0.35")
    box.press("Enter")
    page.wait_for_function("document.body.dataset.state === 'error'", timeout=60_000)
    err = page.inner_text("#error")
    assert "Unexpected token" not in err
    assert err.startswith("server: HTTP 500")
