"""The explorer's model work runs off the event loop.  hweb18 measured runs done
synchronously inside ``async def`` handlers: one slow run held up every other request.
Checked with a run held on purpose: while it is held (an event the test sets only after),
the scenario list answers.  On the event loop the list could not answer until the run
ended, so no timing is compared; the requests' timeouts only end a hang."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from forceratio.app.model import Explorer

from .conftest import Serve

HANG = 60.0  # seconds before a request that never answers fails the test (not a threshold)


class HeldExplorer(Explorer):
    """An explorer whose runs wait for :attr:`release` (a long model run, held until the
    test has made its other requests)."""

    started = threading.Event()
    release = threading.Event()

    def run(self, name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        self.started.set()
        self.release.wait(5 * HANG)
        return super().run(name, values)


@pytest.fixture(scope="module")
def slow_server(serve: Serve) -> Iterator[str]:
    ex = HeldExplorer()
    ex.scenarios()  # warm, as serve() does
    with serve(ex) as url:
        yield url


def _status(url: str, body: bytes | None = None) -> int:
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=HANG) as r:
        r.read()
        return int(r.status)


def test_the_scenario_list_answers_while_a_run_is_in_flight(slow_server: str) -> None:
    body = json.dumps({"scenario": "smolensk-1941", "values": {}}).encode()
    HeldExplorer.started.clear()
    HeldExplorer.release.clear()
    with ThreadPoolExecutor(2) as pool:
        ran = pool.submit(_status, slow_server + "api/run", body)
        try:
            assert HeldExplorer.started.wait(HANG)  # the run is in flight
            status = _status(slow_server + "api/scenarios")
            held = not ran.done()  # the list answered while the run was still held
        finally:
            HeldExplorer.release.set()
        ran_status = ran.result()
    assert (status, ran_status) == (200, 200)
    assert held, "the run had finished before the list answered"
