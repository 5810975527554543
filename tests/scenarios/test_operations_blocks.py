"""The operational outputs are computed a block of samples at a time on threads: each
sample's numbers must not depend on the block size, the thread count or the batch it is
in, and skipping the loss split must leave the outcome rule as it was."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import pytest

from forceratio.scenarios import load, operations
from forceratio.scenarios.run import Outcome, run

CAL = {"german_rate": 0.0193, "soviet_rate": 0.002}


def _samples(n: int) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    return {  # the strike's declared ranges, so that every outcome rule decides some rows
        "modifiers.quality.Germany": rng.uniform(0.32, 15.38, n),
        "operations.capture.capacity.USSR": rng.uniform(0.05, 1.0, n),
        "modifiers.surprise.decay_days": rng.uniform(1.0, 10.0, n),
    }


def _run(monkeypatch: pytest.MonkeyPatch, block: int, threads: str, **kw: Any) -> Outcome:
    monkeypatch.setattr(operations, "BLOCK", block)
    monkeypatch.setenv("FORCERATIO_THREADS", threads)
    prep = load("strike-12june-strip")
    return run(prep, samples=_samples(1100), calibration=CAL, operational=True, **kw)


def _equal(a: Any, b: Any) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _equal(a[k], b[k])
    else:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_blocks_and_threads_do_not_change_a_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _run(monkeypatch, 10**9, "1").operations  # one block, this thread
    cut = _run(monkeypatch, 97, "2").operations  # 12 blocks (the last short) on 2 threads
    assert whole is not None
    assert cut is not None
    assert len(set(whole.decided_by[:, 0])) >= 3  # the rows exercise the outcome rule
    for f in fields(whole):
        _equal(getattr(whole, f.name), getattr(cut, f.name))


def test_a_sample_gives_the_same_numbers_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    batch = _run(monkeypatch, 97, "2").operations
    prep = load("strike-12june-strip")
    i = 500
    alone = run(
        prep, samples={k: v[i : i + 1] for k, v in _samples(1100).items()}, calibration=CAL,
        operational=True,
    ).operations  # fmt: skip
    assert batch is not None
    assert alone is not None
    for f in fields(batch):
        a, b = getattr(batch, f.name), getattr(alone, f.name)
        if isinstance(a, dict):
            for k in a:
                np.testing.assert_array_equal(a[k][i : i + 1], b[k])
        else:
            np.testing.assert_array_equal(a[i : i + 1], b)


def test_skipping_the_split_keeps_the_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    full = _run(monkeypatch, 256, "2")
    outcome_only = _run(monkeypatch, 256, "2", split=False)
    assert full.operations is not None
    assert outcome_only.operations is not None
    assert outcome_only.operations.captured == {}
    assert outcome_only.operations.fire == {}
    assert full.operations.captured["USSR"].shape == (1100, 1, 4)
    _equal(full.winner, outcome_only.winner)
    _equal(full.decided_by, outcome_only.decided_by)
    _equal(full.operations.depth_by_day, outcome_only.operations.depth_by_day)
    _equal(full.operations.captured_men, outcome_only.operations.captured_men)
