"""A single rise beyond the arrivals recorded is named only when the reports' own noise
cannot explain it (hfit7): the single-step 5% rule alone named rises in 2% reporting noise
(seed 26 of ``synth.series(0.02, 0.03, noise=0.02)``) and in most series at 3%.  Now the step
must also be above 3.5 times the spread of the series' other steps, net of the side's usual
change (``rises._rises``).  Oracle: synthetic square-law series from ``solve_ivp``
(``synth.series``) with and without a hidden one-day arrival of known size and day; rates
over repeated draws.

Measured (2026-12-04, seeds 0-99; a hidden arrival of 5%, 7.5% or 10% of red's strength
after day d, d drawn from 3-16 by ``default_rng(10_000 + seed)``, found when red's note
names the step to day d + 1):

=========================  ==============  ===============
                           5% rule (old)   this rule
=========================  ==============  ===============
false note, 2% noise       8 / 100         4 / 100
false note, 3% noise       78 / 100        5 / 100
5% / 7.5% / 10%, 2% noise  22 / 64 / 89    7 / 29 / 55
5% / 7.5% / 10%, 3% noise  33 / 64 / 82    5 / 8 / 17
=========================  ==============  ===============

A one-day rise of 10% or less cannot be told from 2-3% reporting noise in one step without
false notes; at 3% the old rule's "detections" were mostly the noise it named everywhere.
Seed 26 itself is still named: blue's day-1 report is about 5% low and day 2's about 2%
high, a step 3.1 sd of the true noise and 4.3 times this series' own spread of steps (an
unlucky draw, one of the 4 in 100).
"""

from __future__ import annotations

import numpy as np

from forceratio.fitting import read_battle
from forceratio.fitting.data import Battle
from tests.fitting.synth import series

DRAWS = 40


def _single(b: Battle, side: str) -> list[str]:
    return [n for n in b.notes if n.startswith(f"{side} rises beyond")]


def _false_notes(noise: float) -> int:
    hits = 0
    for seed in range(DRAWS):
        df = series(0.02, 0.03, noise=noise, seed=seed).drop(columns=["red_reinforcements"])
        b = read_battle(df)
        hits += bool(_single(b, "red") or _single(b, "blue"))
    return hits


def _found(noise: float, size: float) -> int:
    hits = 0
    for seed in range(DRAWS):
        d = int(np.random.default_rng(10_000 + seed).integers(3, 17))
        men = size * float(series(0.02, 0.03, seed=seed)["red"].iloc[d])
        df = series(0.02, 0.03, noise=noise, seed=seed, red_arrivals={d: men})
        b = read_battle(df.drop(columns=["red_reinforcements"]))
        hits += any(f"to day {d + 1:g}" in n for n in _single(b, "red"))
    return hits


def test_false_notes_and_detections_over_repeated_draws() -> None:
    """40 draws each: at most 5 false notes at 2% or 3% noise (measured 3 and 3 on these
    seeds; the old rule 4 and 29), and a hidden 10% one-day rise found at least 18 times
    at 2% noise (measured 22; the old rule 39: the price of the false notes it saves)."""
    assert _false_notes(0.02) <= 5
    assert _false_notes(0.03) <= 5
    assert _found(0.02, 0.10) >= 18
