"""hdup: the explorer's model work runs off the event loop.  hweb18 measured runs done
synchronously inside ``async def`` handlers: one slow run held up every other request.
Checked with a run made slow on purpose: while it is in flight, the scenario list answers
in a small share of the run's time (a ratio, not an absolute time)."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from forceratio.app.model import Explorer

from .conftest import Serve

SLOW = 3.0  # seconds a run takes here


class SlowExplorer(Explorer):
    """An explorer whose runs take :data:`SLOW` seconds longer (a long model run)."""

    started = threading.Event()

    def run(self, name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        self.started.set()
        time.sleep(SLOW)
        return super().run(name, values)


@pytest.fixture(scope="module")
def slow_server(serve: Serve) -> Iterator[str]:
    ex = SlowExplorer()
    ex.scenarios()  # warm, as serve() does
    with serve(ex) as url:
        yield url


def _timed(url: str, body: bytes | None = None) -> tuple[float, int]:
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    req.add_header("Content-Type", "application/json")
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as r:
        r.read()
        return time.perf_counter() - start, r.status


def test_the_scenario_list_answers_while_a_run_is_in_flight(slow_server: str) -> None:
    body = json.dumps({"scenario": "smolensk-1941", "values": {}}).encode()
    SlowExplorer.started.clear()
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(_timed, slow_server + "api/run", body)
        assert SlowExplorer.started.wait(30)  # the run is in flight
        listed, status = _timed(slow_server + "api/scenarios")
        ran, ran_status = slow.result()
    assert (status, ran_status) == (200, 200)
    assert ran >= SLOW
    assert listed < 0.25 * ran, f"the list took {listed:.2f} s during a {ran:.2f} s run"
