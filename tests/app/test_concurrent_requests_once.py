"""Concurrent requests for the same scenario compute it once.

The scenario endpoints run on the server's worker threads (``run_in_threadpool``) and share
the explorer's caches: before a lock, every request that came in before the first had
filled them prepared the scenario, and built the calibration, again.  Counted here with
the preparation and the calibration made slow on purpose (a wider window for the race),
eight requests at once through a real server: one preparation of the scenario, one
calibration."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from forceratio.app.model import Explorer
from forceratio.scenarios.build import prepare
from forceratio.scenarios.rates import from_record

from .conftest import Serve

SCN = "smolensk-1941"
REQUESTS = 8
SLOW = 0.3  # seconds added to each computation counted


def _counted(fn: Callable[..., Any], key: Callable[..., str], seen: Counter[str]) -> Any:
    lock = threading.Lock()

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with lock:
            seen[key(*args)] += 1
        time.sleep(SLOW)
        return fn(*args, **kwargs)

    return wrapped


@pytest.fixture
def counted_server(
    monkeypatch: pytest.MonkeyPatch, serve: Serve
) -> Iterator[tuple[str, Counter[str]]]:
    seen: Counter[str] = Counter()
    # what Session.prepare (through scenarios.load_prepared) and Session.calibration_for call
    # to compute, where they look it up
    monkeypatch.setattr(
        "forceratio.scenarios.prepare",
        _counted(prepare, lambda scn, *_: f"prepare {scn.name}", seen),
    )
    monkeypatch.setattr(
        "forceratio.scenarios.session.from_record",
        _counted(from_record, lambda *_: "calibration", seen),
    )
    with serve(Explorer()) as url:
        yield url, seen


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=120) as r:
        assert r.status == 200
        answer: dict[str, Any] = json.loads(r.read())
        return answer


def test_concurrent_requests_for_one_scenario_prepare_and_calibrate_once(
    counted_server: tuple[str, Counter[str]],
) -> None:
    base, seen = counted_server
    url = f"{base}api/scenario/{SCN}"
    with ThreadPoolExecutor(REQUESTS) as pool:
        answers = list(pool.map(_get, [url] * REQUESTS))
    assert all(a == answers[0] for a in answers)  # the same answer to every request
    assert answers[0]["name"] == SCN
    assert seen[f"prepare {SCN}"] == 1, seen
    assert seen["calibration"] == 1, seen
