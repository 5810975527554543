"""Parametric-bootstrap intervals for a side seen only at the start and at its annihilation
(review15fit D5, closing15: the profile intervals covered the true rates in 21-22 of 30
Iwo Jima-like draws).

Oracles: the simulator with no noise against the engine's path (:func:`.model.predict`);
coverage over synthetic Engel-type draws from ``solve_ivp`` with known rates
(review15fit's ``iwo_synth.py``, rewritten here: square law, red (US) lands 54,000 after
day 0's count, 6,000 after day 2 and 13,000 after day 5; blue (Japan) 21,500, seen only at
day 0 and at its annihilation; day-to-day loss variation sd 0.2 on both sides, 1% reporting
noise, rounded to 100).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import solve_ivp
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting import bootstrap, fit_battle, read_battle
from forceratio.fitting.daily import _guess
from forceratio.fitting.error_model import _noise
from forceratio.fitting.estimate import Objective, best_of
from forceratio.fitting.model import free_initial, law_spec, physical_rates, predict
from forceratio.fitting.noise import Noise
from tests.fitting.synth import series

runner = CliRunner()
RED, BLUE = 0.0106, 0.0544
ARRIVALS = {0: 54000.0, 2: 6000.0, 5: 13000.0}
IWO = Path(__file__).parent / "fixtures" / "iwo_1.csv"


def engel(seed: int, sd: float = 0.2, report: float = 0.01) -> pd.DataFrame:
    """One Iwo Jima-like draw (see the module docstring)."""
    rng = np.random.default_rng(seed)
    x, y = 0.0, 21500.0
    xs = [x]
    while y > 0 and len(xs) < 80:
        x += ARRIVALS.get(len(xs) - 1, 0.0)
        s = solve_ivp(lambda _t, v: [-BLUE * v[1], -RED * v[0]], (0, 1), [x, y], rtol=1e-10)
        z = rng.normal(0.0, sd, 2) - sd**2 / 2
        x = x - (x - s.y[0, -1]) * math.exp(z[0])
        y = max(y - (y - s.y[1, -1]) * math.exp(z[1]), 0.0)
        xs.append(x)
    end = len(xs) - 1
    red = np.round(np.array(xs) * (1 + report * rng.normal(size=end + 1)) / 100) * 100
    red[0] = 0.0
    return pd.DataFrame(
        {
            "day": np.arange(end + 1),
            "red": red,
            "blue": [21500.0] + [math.nan] * (end - 1) + [0.0],
            "red_reinforcements": [ARRIVALS.get(d, 0.0) for d in range(end + 1)],
        }
    )


def _fitted(df: pd.DataFrame) -> tuple[Objective, np.ndarray, Noise, int]:
    """The square law's generalised least-squares fit with its own error model (as the
    fit does, the reference law being the square law itself)."""
    b = read_battle(df)
    spec = law_spec("square", initial=free_initial(b))  # as the fit: blue's start estimated
    plain = Objective(b, spec, None)
    ols = best_of(plain, [_guess(b, spec)])
    e, _ = plain.raw(ols.theta[None, :])
    nz = _noise(b, plain, ols, e.shape[1], e.shape[1] + 1)
    obj = Objective(b, spec, nz.whiten)
    return obj, best_of(obj, [ols.theta]).theta, nz, e.shape[1] + 1


def test_the_simulator_without_noise_follows_the_engine() -> None:
    obj, theta, _nz, _ = _fitted(engel(3))
    zero = (np.zeros(2), np.zeros(2))
    sims = bootstrap.draw_battles(obj, theta, zero, np.random.default_rng(0))
    xs, _ys = predict(obj.battle, obj.spec, theta)
    sr, _ = obj.battle.scale
    for sim in sims:
        # the annihilation row: the engine's, give or take the row it falls next to
        assert abs(sim.t.size - obj.battle.t.size) <= 1
        rows = min(sim.t.size, xs.shape[1]) - 1  # before the row blue dies in
        seen = np.isfinite(sim.red[:rows])
        # written to the series' last digit, the whole man (tests/fitting/
        # test_bootstrap_rounding.py): within half a man of the engine's path
        np.testing.assert_allclose(sim.red[:rows][seen], xs[0, :rows][seen] * sr, atol=0.5)
        assert sim.blue[-1] == 0.0
        assert np.isnan(sim.blue[1:-1]).all()


def test_the_bootstrap_is_seeded_and_named(tmp_path: Path) -> None:
    a = fit_battle(IWO, "square", refits=10, seed=3)
    b = fit_battle(IWO, "square", refits=10, seed=3)
    assert a.red_rate_ci == b.red_rate_ci
    assert a.interval_method.startswith("rates: parametric bootstrap, percentile 95% (10 of 10")
    assert any("parametric-bootstrap percentile intervals" in n for n in a.notes)
    lo, hi = a.red_rate_ci
    assert lo is not None
    assert hi is not None
    assert lo < a.red_rate < hi
    plain = series(0.02, 0.03, days=8, noise=0.01, seed=1)  # both sides seen: no bootstrap
    with pytest.raises(InputError, match=r"^refits: applies only to a side seen only"):
        fit_battle(plain, "square", refits=10)  # refused, not ignored (hfit5)
    for bad, needle in (
        (["--bootstrap", "5"], "--bootstrap: must be 0"),
        (["--seed", "-1"], "--seed"),
    ):
        res = runner.invoke(app, ["fit", str(IWO), *bad])
        assert res.exit_code == 2
        assert needle in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1
    with pytest.raises(InputError, match=r"^refits: must be 0"):
        fit_battle(IWO, "square", refits=True)


#: Draws, refits per draw, and the coverage each rate's 95% interval must reach.  With 39
#: refits the 2.5% and 97.5% percentiles are about the extremes (a 95% rank interval).
#: Measured on these 12 draws (seeds 0-11, /tmp work of hfit2, 2026-12-03): the bootstrap
#: covered red's rate 11 and blue's 10 times; the profile intervals of the same fit covered
#: them 6 and 7 times, so the threshold fails them.  On 40 draws (seeds 0-39, hfit3,
#: 2026-12-04, with or without blue's start estimated) 38 and 37: 75 of 80, within chance of
#: 95% (P(<= 75 | 0.95) = 0.37); the "about 85%" read from these 12 was binomial noise.
#: Re-measured 2026-12-05 with the battles drawn through the engine: 39 and 37 of 40 (the
#: first 12: 11 and 10, as before).
DRAWS, REFITS, NEEDED = 12, 39, 9


@pytest.mark.slow  # 12 x 39 refits at 0.2-0.3 s: ~2-3 min idle; ~25 min at load 11
def test_bootstrap_intervals_cover_the_true_rates_on_engel_type_draws() -> None:
    hits = np.zeros(2, dtype=int)
    for seed in range(DRAWS):
        obj, theta, nz, _ = _fitted(engel(seed))
        (alpha, beta), done = bootstrap.intervals(obj, theta, nz, REFITS, seed)
        assert done >= REFITS - 2
        red, blue = physical_rates(obj.battle, obj.spec, theta)
        to = (red / math.exp(theta[0]), blue / math.exp(theta[1]))
        for i, (lo, hi), truth in ((0, alpha, RED), (1, beta, BLUE)):
            hits[i] += int(to[i] * lo <= truth <= to[i] * hi)
    assert hits[0] >= NEEDED, hits
    assert hits[1] >= NEEDED, hits
