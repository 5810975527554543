"""The CDB90 validation's bootstrap resampling in bounded memory, and the Eastern Front edge's
summary (:func:`edge_summary`) and the range the ``modifiers`` table carries from it.

A bootstrap of ``draws`` resamples of ``n`` battles needs a (draws, n) index array and the
values gathered through it: 4000 x 100,000 battles took 6.6 GB.  :func:`resampled` draws the
indices a block of resamples at a time, each block within :data:`CHUNK_BYTES`, from one
generator in order; numpy's ``Generator.integers`` gives the same stream whatever the blocks
(tests/fitting/test_cdb90_resampling.py checks it), so the numbers do not depend on the chunking.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
#: The most memory one block of resamples may take: its indices and one gathered array.
CHUNK_BYTES = 64 * 1024**2
LAWS_EDGE = ("square", "linear", "logarithmic")
#: Fewer battles leave the median's 95% interval open: without assuming the edges' shape the
#: widest interval, smallest to largest, covers the median 1 - 2**(1 - n) of the time (0.94 at
#: 5, 0.97 at 6), and the percentile bootstrap's covered 0, 51% and 72% of the time at 1, 2 and
#: 3 battles (lognormal edges, 300 draws each).
MIN_EDGE_BATTLES = 6


def resampled(
    values: Sequence[FloatArray],
    draws: int,
    rng: np.random.Generator,
    stat: Callable[..., FloatArray],
    chunk_bytes: int | None = None,
) -> list[FloatArray]:
    """For each of ``values`` (1-D, all of one length n): ``stat(v[idx], axis=1)`` over
    ``draws`` resamples of the n positions, the same resamples for every array (a paired
    bootstrap), drawn a block at a time (:data:`CHUNK_BYTES` or ``chunk_bytes``)."""
    n = len(values[0]) if values else 0
    out = [np.empty(draws) for _ in values]
    if n == 0 or not values:
        return out
    rows = max(1, (chunk_bytes or CHUNK_BYTES) // (16 * n))  # int64 indices + float64 values
    for start in range(0, draws, rows):
        stop = min(draws, start + rows)
        idx = rng.integers(0, n, (stop - start, n))
        for v, o in zip(values, out, strict=True):
            o[start:stop] = stat(v[idx], axis=1)
    return out


def edge_summary(ef: pd.DataFrame, seed: int = 1990, draws: int = 2000) -> pd.DataFrame:
    """Per law: battles, median with a bootstrap 95% interval (battles resampled; open,
    NaN, with fewer than :data:`MIN_EDGE_BATTLES`), quartiles, 5% and 95% quantiles and the
    geometric mean of the German edge; a law with no battle (no German-Soviet battle in the
    tables) has 0 battles and no numbers."""
    rng = np.random.default_rng(seed)
    rows = []
    for law in LAWS_EDGE:
        col = f"edge_{law}"
        r = ef[col].to_numpy(dtype=float) if col in ef.columns else np.empty(0)
        r = r[np.isfinite(r)]
        row: dict[str, float | int | str] = {"law": law, "battles": int(r.size)}
        if r.size == 0:
            keys = ("median", "median_lo95", "median_hi95", "q25", "q75", "q05", "q95")
            rows.append(row | dict.fromkeys((*keys, "geometric_mean"), math.nan))
            continue
        (boot,) = resampled([r], draws, rng, np.median)
        few = r.size < MIN_EDGE_BATTLES  # drawn all the same: the other laws' draws unchanged
        rows.append(
            row
            | {
                "median": float(np.median(r)),
                "median_lo95": math.nan if few else float(np.quantile(boot, 0.025)),
                "median_hi95": math.nan if few else float(np.quantile(boot, 0.975)),
                "q25": float(np.quantile(r, 0.25)),
                "q75": float(np.quantile(r, 0.75)),
                "q05": float(np.quantile(r, 0.05)),
                "q95": float(np.quantile(r, 0.95)),
                "geometric_mean": float(np.exp(np.mean(np.log(r)))),
            }
        )
    return pd.DataFrame(rows)


def carried_range(summary: pd.DataFrame) -> dict[str, float]:
    """What the ``modifiers`` table carries: the square-law median (the engine's law) with
    a range that spans the law: the lowest lower quartile and the highest upper quartile
    over the three laws (NaN each when no battle gives an edge)."""
    by = summary.set_index("law")
    square = by["median"].to_dict()["square"]
    return {
        "value": float(square),
        "low": float(by["q25"].min()),
        "high": float(by["q75"].max()),
    }
