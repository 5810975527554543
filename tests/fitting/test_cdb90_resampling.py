"""The CDB90 validation's bootstraps in bounded memory: 100,000 battles took 6.6 GB (a
(4000, n) index array and the losses gathered through it); the resamples are now drawn a
block at a time, and give the same numbers whatever the blocks."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from forceratio.fitting import cdb90_report, cdb90_summary


def _pred(n: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(float)
    out = pd.DataFrame({"y": y, "era": rng.choice(["1600-1799", "1939-1945"], n)})
    for k in ("base", "force_ratio", "square", "linear"):
        out[f"p_{k}"] = rng.uniform(0.05, 0.95, n)
    return out


@pytest.mark.parametrize("chunk", [1, 16 * 7 * 3, 10**6])
def test_comparisons_do_not_depend_on_the_blocks(chunk: int) -> None:
    pred = _pred(300)
    whole = cdb90_report.comparisons(pred, chunk_bytes=10**12)
    pd.testing.assert_frame_equal(cdb90_report.comparisons(pred, chunk_bytes=chunk), whole)


def test_resampled_is_the_one_array_bootstrap() -> None:
    """The independent oracle: the (draws, n) index array drawn at once, as before."""
    v = np.random.default_rng(1).normal(size=77)
    want = np.median(v[np.random.default_rng(9).integers(0, 77, (500, 77))], axis=1)
    (got,) = cdb90_summary.resampled([v], 500, np.random.default_rng(9), np.median, 77 * 16 * 3)
    np.testing.assert_array_equal(got, want)


def test_edge_summary_does_not_depend_on_the_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    ef = pd.DataFrame(
        {f"edge_{law}": np.random.default_rng(2).lognormal(size=40) for law in ("square",
         "linear", "logarithmic")}
    )  # fmt: skip
    whole = cdb90_summary.edge_summary(ef)
    monkeypatch.setattr(cdb90_summary, "CHUNK_BYTES", 40 * 16 * 5)
    pd.testing.assert_frame_equal(cdb90_summary.edge_summary(ef), whole)


def test_comparisons_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 battles: the index array alone was 4000 x 5000 x 8 B = 160 MB; in blocks of
    4 MB the peak stays far below."""
    pred = _pred(5_000)
    monkeypatch.setattr(cdb90_summary, "CHUNK_BYTES", 4 * 1024**2)
    tracemalloc.start()
    try:
        cdb90_report.comparisons(pred)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024**2, peak
