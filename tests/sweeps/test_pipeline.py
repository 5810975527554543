"""The first sweep's pipeline (issue 11, defect 7): chunks evaluated two at a time on
threads land the same rows as one at a time, and the outcome-only operational outputs a
sweep asks for (``outcome_only``) decide every run as the full ones do."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import forceratio.scenarios.operations as operations
import forceratio.sweeps.runner as runner
from forceratio.errors import InputError
from forceratio.scenarios.run import run
from forceratio.scenarios.session import Session
from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec

CAL = (("german_rate", 0.0193), ("soviet_rate", 0.002))
VARY = [
    Vary("modifiers.quality.Germany", 0.67, 1.5),
    Vary("modifiers.posture.unprepared_factor", 0.5, 1.0),
]


def _spec(samples: int) -> SweepSpec:
    return SweepSpec(
        "strike-12june-strip", Design.make("sobol", list(VARY), samples, 5), calibration=CAL
    )


def _rows(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path).sort_values("sample", ignore_index=True)


def test_overlapped_chunks_land_the_rows_of_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two chunks in flight at once (the first waits until the second has started, so the
    overlap is real), every part in order, and the same bits as the serial loop."""
    s = _spec(500)
    monkeypatch.setenv("FORCERATIO_THREADS", "1")  # one engine thread: the serial loop
    runner.run_sweep(s, tmp_path / "serial", chunk_size=120)
    monkeypatch.setenv("FORCERATIO_THREADS", "2")
    started: list[int] = []
    both = threading.Barrier(2, timeout=60)
    plain = runner.evaluate_chunk  # type: ignore[attr-defined]

    def watched(spec: SweepSpec, a: int, b: int) -> pd.DataFrame:
        started.append(a)
        if a in (0, 120):
            both.wait()  # breaks (an error) unless chunks 0 and 1 run at the same time
        return plain(spec, a, b)

    monkeypatch.setattr(runner, "evaluate_chunk", watched)
    landed: list[int] = []
    res = runner.run_sweep(
        s, tmp_path / "overlap", chunk_size=120, progress=lambda done, _: landed.append(done)
    )
    assert res.computed == 5
    assert res.rows == 500
    assert sorted(started) == [0, 120, 240, 360, 480]
    assert landed == [0, 1, 2, 3, 4, 5]
    pd.testing.assert_frame_equal(
        _rows(tmp_path / "serial"), _rows(tmp_path / "overlap"), check_exact=True
    )


def test_a_failing_chunk_stops_the_overlap_and_resume_completes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = _spec(400)
    monkeypatch.setenv("FORCERATIO_THREADS", "2")
    runner.run_sweep(s, tmp_path / "whole", chunk_size=100)
    plain = runner.evaluate_chunk  # type: ignore[attr-defined]

    def failing(spec: SweepSpec, a: int, b: int) -> pd.DataFrame:
        if a == 100:
            raise InputError("--out", "disk full (simulated)")
        return plain(spec, a, b)

    monkeypatch.setattr(runner, "evaluate_chunk", failing)
    with pytest.raises(InputError, match="simulated"):
        runner.run_sweep(s, tmp_path / "cut", chunk_size=100)
    parts = sorted(p.name for p in (tmp_path / "cut").glob("part-*.parquet"))
    assert "part-0000000.parquet" in parts
    assert "part-0000001.parquet" not in parts
    assert "part-0000003.parquet" not in parts  # queued behind the failure: never started
    monkeypatch.setattr(runner, "evaluate_chunk", plain)
    runner.run_sweep(s, tmp_path / "cut", chunk_size=100, resume=True)
    pd.testing.assert_frame_equal(
        _rows(tmp_path / "whole"), _rows(tmp_path / "cut"), check_exact=True
    )


def test_outcome_only_decides_every_run_as_the_full_outputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``outcome_only`` leaves out a side's capture quadrature where its captured men cannot
    reach the captured share; the winner, the deciding rule, the depth and the margin stay
    bit for bit those of the full outputs, whose captured men (the oracle) indeed stay
    below the share wherever the quadrature was left out."""
    session = Session()
    prep = session.prepare("strike-12june-strip")
    rates = session.rates(prep)
    ranges = prep.scenario.uncertainty.items()
    design = Design.make("sobol", [Vary(p, lo, hi) for p, (lo, hi) in ranges], 1500, 3)
    pts = design.points(0, design.samples)
    skipped: list[Any] = []
    bound = operations._may_capture

    def spy(rate: Any, men: Any, days: Any, threshold: Any) -> bool:
        may = bound(rate, men, days, threshold)
        if not may:
            skipped.append((rate, men, threshold))
        return may

    monkeypatch.setattr(operations, "_may_capture", spy)
    full = run(prep, samples=pts, calibration=rates, keys=np.arange(1500))
    part = run(prep, samples=pts, calibration=rates, keys=np.arange(1500), outcome_only=True)
    assert full.operations is not None
    assert part.operations is not None
    assert skipped, "no block was left out: the test would not test the bound"
    for name in ("winner", "decided_by", "depth", "margin", "depth_by_day"):
        np.testing.assert_array_equal(
            getattr(full.operations, name), getattr(part.operations, name), err_msg=name
        )
    assert part.operations.captured_men == {}
    assert part.operations.captured == {}
    assert (part.decided_by == "captured").any()  # the other side's capture still decides


@pytest.mark.parametrize("seed", range(5))
def test_the_capture_bound_never_leaves_out_a_run_that_crosses(seed: int) -> None:
    """Oracle: the captured men integrated on the refined grid (as the outcome rule does)
    at the largest capture rate; wherever they pass the threshold, the bound says so."""
    from forceratio.simulator.operational import cumulative, spans

    rng = np.random.default_rng(seed)
    n, r, s, t0 = 40, 2, 3, 9
    days = np.concatenate([[0.0], np.sort(rng.uniform(0.5, 29.5, t0 - 2)), [30.0]])
    fine, to_fine = operations.refine(days, operations.REFINE)
    assert to_fine is not None
    men = rng.uniform(0.0, 1e5, (n * r * s, t0)) * np.linspace(1.0, rng.uniform(0.2, 1.5), t0)
    rate = 10.0 ** rng.uniform(-4.0, -1.0, n * r * s)
    t_end = rng.uniform(1.0, 40.0, n * r * s)
    got = cumulative(rate * to_fine(men.T, time_major=True), spans(fine, t_end))
    most = got.max(axis=0).reshape(n, r, s).sum(axis=2)  # (N, R)
    for scale in (0.3, 0.9, 1.0, 1.1, 3.0):  # thresholds around what the runs reach
        threshold = scale * most
        crosses = bool((most > threshold).any())
        may = operations._may_capture(rate, men, days, threshold)
        assert may or not crosses, scale
    assert not operations._may_capture(rate, men, days, 31.0 * (rate * men.max(axis=1)).reshape(
        n, r, s).sum(axis=2))  # fmt: skip
