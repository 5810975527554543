"""The explorer's API refuses what it cannot take, naming the field, with 4xx (review15hostile
D2: a 401-digit integer was a 500 with a server traceback, JSON true ran as 1.0; D3: a body of
any size was read whole, 300 MB took the server from 273 MB to 1.45 GB).

Called in-process through ASGI, so the test counts how much of a body the server pulls."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from forceratio.app.model import Explorer
from forceratio.app.server import MAX_BODY, create_app
from forceratio.errors import InputError

from .conftest import call_asgi, http_scope, response

SCN = "strike-12june-strip"
FIELD = "modifiers.quality.Germany"
CHUNK = 16 * 1024


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer()


def _post(
    explorer: Explorer, chunks: int, chunk: bytes, headers: list[tuple[bytes, bytes]]
) -> tuple[int, Any, int]:
    """POST /api/run with a body of ``chunks`` pieces; (status, JSON answer, pieces pulled)."""
    pulled = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled < chunks:
            pulled += 1
            return {"type": "http.request", "body": chunk, "more_body": pulled < chunks}
        return {"type": "http.disconnect"}

    headers = [*headers, (b"content-type", b"application/json")]
    scope = http_scope("POST", "/api/run", headers, server=("127.0.0.1", 80))
    status, _, body = response(call_asgi(create_app(explorer), scope, receive))
    return status, json.loads(body), pulled


def _run(explorer: Explorer, text: str) -> tuple[int, Any]:
    raw = text.encode()
    status, res, _ = _post(explorer, 1, raw, [(b"content-length", str(len(raw)).encode())])
    return status, res


def test_a_chunked_body_is_cut_off_at_the_limit(explorer: Explorer) -> None:
    chunks = 10 * 1024 * 1024 // CHUNK  # 10 MB, no Content-Length (chunked)
    status, res, pulled = _post(explorer, chunks, b"A" * CHUNK, [])
    assert status == 413
    assert res["error"].startswith("request: body larger than")
    assert pulled == MAX_BODY // CHUNK + 1  # the first chunk past the limit, no more


def test_a_declared_length_above_the_limit_is_refused_unread(explorer: Explorer) -> None:
    headers = [(b"content-length", str(300 * 1024 * 1024).encode())]
    status, res, pulled = _post(explorer, 300 * 64, b"A" * CHUNK, headers)
    assert status == 413
    assert res == {"error": f"request: body larger than {MAX_BODY:,} bytes"}
    assert pulled == 0


def test_a_body_at_the_limit_is_read(explorer: Explorer) -> None:
    text = json.dumps({"scenario": "x" * (MAX_BODY - 40), "values": {}})
    assert len(text) <= MAX_BODY
    status, res = _run(explorer, text)
    assert status == 400  # read whole and answered: a name past the cap, not 413
    assert res["error"].startswith(f"scenario: a name of {MAX_BODY - 40:,} characters")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("1" + "0" * 400, "out of range"),  # a 401-digit integer literal (the reviewer's)
        # past Python's 4,300 digits json.loads refused the body as "not JSON"
        ("9" * 5000, "out of range"),
        ("-" + "9" * 5000, "out of range"),
        ("true", "expected a number, got true"),
        ("false", "expected a number, got false"),
        ("null", "expected a number, got null"),
        ("[1]", "expected a number, got a list"),
        ('{"a": 1}', "expected a number, got an object"),
    ],
)
def test_a_value_that_is_no_number_is_a_400_naming_the_field(
    explorer: Explorer, value: str, said: str
) -> None:
    status, res = _run(explorer, f'{{"scenario": "{SCN}", "values": {{"{FIELD}": {value}}}}}')
    assert status == 400, res
    assert res["error"] == f"{FIELD}: {said}" or res["error"].startswith(f"{FIELD}: {said}")


def test_numbers_and_the_pages_strings_still_run(explorer: Explorer) -> None:
    for v in (2, 2.0, "2", np.int64(2), np.float64(2.0)):
        assert explorer._values(SCN, {FIELD: v}) == {FIELD: 2.0}
    with pytest.raises(InputError, match="got true"):
        explorer._values(SCN, {FIELD: np.bool_(True)})


@pytest.mark.parametrize("host", ["", " "])
def test_an_empty_host_is_refused_not_every_interface(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """review15hostile D9: --host '' (e.g. "$HOST" unset) listened on 0.0.0.0 and [::]."""
    from typer.testing import CliRunner

    from forceratio.app import server
    from forceratio.cli.app import app

    def served(*args: object, **kwargs: object) -> None:
        raise AssertionError("served")  # (before the fix: serving on every interface)

    monkeypatch.setattr(server, "serve", served)

    res = CliRunner().invoke(app, ["app", "--host", host, "--port", "28159", "--no-browser"])
    assert res.exit_code == 2, res.output
    assert res.stdout == ""  # refused before saying where it serves
    assert res.stderr.strip() == (
        "forceratio: error: --host: empty; give an address: 127.0.0.1, or 0.0.0.0 for every "
        "interface"
    )
