"""The explorer's cap on a request's work (review24b: none; a point with a non-combat loss
rate of 1,000 a day held the server, one run at a time, for 10-15 s, and the engine's own
limit, 200,000 steps a battle, allowed over a minute).  The engine's cost is integrator
steps; a request is given at most ``REQUEST_STEPS`` of them in all (runs x steps), and a
point needing more is a 400 naming ``values`` and the values moved.

Oracles: the engine's own calls, counted (every battle handed to the integrator and the
steps it may take: their product summed over a request stays within the cap), and the
page's own points (every built-in at its starting values and at its declared ranges' ends)
answered, not refused."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest

from forceratio.app.model import REQUEST_STEPS, Explorer
from forceratio.app.server import create_app
from forceratio.errors import InputError
from forceratio.scenarios import builtins
from forceratio.simulator import solve

from .conftest import call_asgi, http_scope, response

STIFF = ("kiev-1941", {"operations.noncombat.Germany.tanks": 1000.0})


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer()


def test_a_stiff_point_is_refused_naming_values(explorer: Explorer) -> None:
    name, point = STIFF
    with pytest.raises(InputError) as err:
        explorer.run(name, point)
    assert err.value.field == "values"
    assert "operations.noncombat.Germany.tanks=1000" in err.value.problem
    assert f"{REQUEST_STEPS:,} integrator steps" in err.value.problem


@pytest.mark.parametrize(
    ("name", "point"),
    [STIFF, ("kiev-1941", {"operations.noncombat.Germany.tanks": 150.0}), ("kiev-1941", {})],
)
def test_the_engine_is_given_no_more_than_the_cap(
    explorer: Explorer, name: str, point: dict[str, float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Summed over the integrator's calls of one request, battles x their step limit is at
    most REQUEST_STEPS, whether the point is refused (1,000 a day), slow but within the cap
    (150 a day: some 12,000 steps a battle) or the scenario's own."""
    given: list[int] = []
    plain = solve.integrate

    def counted(eng: Any, **kwargs: Any) -> Any:
        given.append(eng.n * kwargs["max_steps"])
        return plain(eng, **kwargs)

    monkeypatch.setattr(solve, "integrate", counted)
    with contextlib.suppress(InputError):  # the stiff point's refusal: tested above
        explorer.run(name, point)
    assert given  # the integrator ran
    assert sum(given) <= REQUEST_STEPS


@pytest.mark.parametrize("name", builtins())
def test_the_pages_points_run_within_the_cap(explorer: Explorer, name: str) -> None:
    params = explorer.scenario(name)["parameters"]
    for point in (
        {p["path"]: p["value"] for p in params},
        {p["path"]: p["low"] for p in params},
        {p["path"]: p["high"] for p in params},
    ):
        assert explorer.run(name, point)["winner"]


def test_the_api_answers_a_stiff_point_with_a_400(explorer: Explorer) -> None:
    name, point = STIFF
    raw = json.dumps({"scenario": name, "values": point}).encode()
    sent = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        sent += 1
        if sent == 1:
            return {"type": "http.request", "body": raw, "more_body": False}
        return {"type": "http.disconnect"}

    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(raw))]
    scope = http_scope("POST", "/api/run", headers)
    status, got, body = response(call_asgi(create_app(explorer), scope, receive))
    assert status == 400
    error = json.loads(body)["error"]
    assert error.startswith("values: this point (operations.noncombat.Germany.tanks=1000)")
    assert got[b"content-security-policy"].startswith(b"default-src 'self'")
