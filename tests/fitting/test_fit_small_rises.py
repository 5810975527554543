"""A hidden one-day rise well above a series' own noise is named however small its share of
the strength (review21e, item 1): a flat 5%-of-strength floor let a hidden 2.5-5% rise in a
low-noise series through with no note, and the fit took the arrival as noise (the Ardennes
series with 20,000 red men hidden after day 11 moved blue's rate from 0.003586 to
0.002421).  The rule is now relative to the series' own noise (``rises._rises``): the jump
over the trend and the net rise across the step, each fitted on up to five reports on
each side, above 3.5 standard errors of the reports' noise measured from the series.

Oracle: synthetic square-law series from ``solve_ivp`` (``synth.series``) with lognormal
reporting noise of known size, without and with a hidden one-day arrival of known day and
size (the strength rises by 2.5% or 5% net of that day's losses), in two shapes: the tests'
10,000 v 8,000 (losses 2-3% a day, 20 days) and an Ardennes-like 835,178 v 616,924 (losses
about 0.3% a day, 31 days).  Rates over repeated draws.

Measured (2026-12-05, seeds 0-99; a noise-only series counts when either side is named, a
rise when red's note names the step to day d + 1; d from ``default_rng(10_000 + seed)``):

========================  =================  =================
noise-only / hidden rise  10,000 v 8,000     Ardennes-like
========================  =================  =================
false note, 0.5% noise    0 (main 0)         0 (main 0)
false note, 1%            0 (main 0)         1 (main 0)
false note, 2%            0 (main 4)         2 (main 2)
false note, 3%            0 (main 5)         2 (main 1)
false note, 5%            2 (main 4)         2 (main 1)
2.5% rise, 0.5% noise     91 (main 0)        77 (main 0)
2.5% rise, 1%             24 (main 6)        5 (main 1)
5% rise, 0.5%             100 (main 44)      100 (main 33)
5% rise, 1%               89 (main 52)       68 (main 34)
5% rise, 2%               22 (main 28)       4 (main 3)
========================  =================  =================

The false-note rate stays at or below 3 in 100 series at every noise level (it was 4-5 at
2-5% noise); a rise of five times the reports' noise is found in most draws, one of 2.5
times rarely (it cannot be told from noise in one step).  At 2% noise the tests' shape
finds a 5% rise slightly less often than the 5% rule (22 v 28), which named 4 noise-only
series in 100 there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceratio.fitting import read_battle
from forceratio.fitting.data import Battle
from tests.fitting.synth import series

DRAWS = 50
SHAPES: dict[str, dict[str, float]] = {
    "tests": {"red_rate": 0.02, "blue_rate": 0.03},
    "ardennes": {
        "red_rate": 0.0039, "blue_rate": 0.0036, "red0": 835_178.0, "blue0": 616_924.0,
        "days": 31,
    },
}  # fmt: skip


def _named(b: Battle, side: str) -> list[str]:
    return [n for n in b.notes if n.startswith(f"{side} rises beyond")]


def _series(shape: str, noise: float, seed: int, arrivals: dict[int, float]) -> pd.DataFrame:
    kw = SHAPES[shape]
    df = series(
        kw["red_rate"], kw["blue_rate"], red0=kw.get("red0", 10000.0),
        blue0=kw.get("blue0", 8000.0), days=int(kw.get("days", 20)), noise=noise, seed=seed,
        red_arrivals=arrivals,
    )  # fmt: skip
    return df.drop(columns=["red_reinforcements"])


def _false_notes(shape: str, noise: float) -> int:
    hits = 0
    for seed in range(DRAWS):
        b = read_battle(_series(shape, noise, seed, {}))
        hits += bool(_named(b, "red") or _named(b, "blue"))
    return hits


def _found(shape: str, noise: float, net: float) -> int:
    """Draws in which a hidden arrival that lifts red by ``net`` of its strength over one
    day (the arrival less that day's losses) is named at its step."""
    hits = 0
    days = int(SHAPES[shape].get("days", 20))
    for seed in range(DRAWS):
        d = int(np.random.default_rng(10_000 + seed).integers(3, days - 3))
        clean = _series(shape, 0.0, seed, {})["red"]
        men = net * float(clean.iloc[d]) + float(clean.iloc[d] - clean.iloc[d + 1])
        b = read_battle(_series(shape, noise, seed, {d: men}))
        hits += any(f"from day {d} to day {d + 1} " in n for n in _named(b, "red"))
    return hits


def test_a_hidden_small_rise_is_named_and_noise_alone_rarely() -> None:
    """50 draws each.  Noise alone at 0.5%, 1%, 2% and 5%, both shapes: at most 3 false
    notes (measured 0, 0, 0, 2 and 0, 0, 0, 0; the stated rate is 3 in 100).  A 2.5% rise
    in 0.5% noise (five report sd) named in at least 30 of 50 draws in both shapes
    (measured 46 and 36; main: 0, its 5% floor); a 5% rise in 0.5% noise in at least
    47 (50 and 49), in 1% noise at least 27 (44 and 32; main: about half)."""
    for shape in SHAPES:
        for noise in (0.005, 0.01, 0.02, 0.05):
            assert _false_notes(shape, noise) <= 3, (shape, noise)
        assert _found(shape, 0.005, 0.025) >= 30, shape
        assert _found(shape, 0.005, 0.05) >= 47, shape
        assert _found(shape, 0.01, 0.05) >= 27, shape
