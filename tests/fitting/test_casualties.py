"""Daily casualties as counts (Engel's and Bracken's form): Poisson and negative binomial
draws around a square law with known rates are recovered, and only the negative binomial's
intervals hold when the days vary more than a Poisson count does."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.fitting import read_battle
from forceratio.fitting.casualties import fit_casualties

runner = CliRunner()


def count_series(a: float, b: float, *, days: int, seed: int, k: float | None) -> pd.DataFrame:
    """Each day's losses drawn from the square law's mean at the day's starting strengths:
    Poisson (k None) or negative binomial with dispersion k."""
    rng = np.random.default_rng(seed)
    r, bl = [20000.0], [15000.0]
    for _ in range(days):
        out = []
        for mean in (b * bl[-1], a * r[-1]):
            if k is None:
                out.append(rng.poisson(mean))
            else:
                out.append(rng.negative_binomial(k, k / (k + mean)))
        r.append(r[-1] - out[0])
        bl.append(bl[-1] - out[1])
    return pd.DataFrame({"day": np.arange(days + 1.0), "red": r, "blue": bl})


def _inside(ci: tuple[float | None, float | None], x: float) -> bool:
    lo, hi = ci
    return (lo is None or lo < x) and (hi is None or x < hi)


def test_poisson_counts_recover_the_rates() -> None:
    hits = 0
    for seed in range(20):
        f = fit_casualties(read_battle(count_series(0.02, 0.03, days=15, seed=seed, k=None)))
        assert f.red_rate == pytest.approx(0.02, rel=0.05)
        hits += int(_inside(f.red_rate_ci, 0.02))
        hits += int(_inside(f.blue_rate_ci, 0.03))
    assert hits >= 35  # of 40 (95% expected)


def test_negative_binomial_holds_where_poisson_is_too_narrow() -> None:
    nb_hits = po_hits = 0
    for seed in range(20):
        b = read_battle(count_series(0.02, 0.03, days=15, seed=100 + seed, k=10.0))
        nb = fit_casualties(b, likelihood="negbin")
        po = fit_casualties(b, likelihood="poisson")
        nb_hits += int(_inside(nb.blue_rate_ci, 0.03))
        po_hits += int(_inside(po.blue_rate_ci, 0.03))
        assert nb.dispersion is not None
    assert nb_hits >= 16
    assert po_hits < nb_hits


def test_cli_likelihood_option(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    count_series(0.02, 0.03, days=15, seed=1, k=None).to_csv(path, index=False)
    res = runner.invoke(app, ["fit", str(path), "--likelihood", "negbin", "--format", "json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["likelihood"] == "negbin"
    assert obj["red_rate"] == pytest.approx(0.02, rel=0.1)
    res = runner.invoke(app, ["fit", str(path), "--likelihood", "poisson", "--law", "all"])
    assert res.exit_code == 0, res.output
    assert "Daily losses (poisson)" in res.stdout


QUIET = "day,red,blue\n0,1000,800\n1,1000,800\n2,1000,800\n3,1000,800\n"


@pytest.mark.parametrize("likelihood", ["poisson", "negbin"])
def test_a_quiet_front_gives_rates_at_zero_and_the_rule_of_three_bound(
    tmp_path: Path, likelihood: str
) -> None:
    """No losses at all (review13 D-fit-counts-zero: an OverflowError): the rates sit at
    their lower bound, flagged, with the interval 0 .. the profile-likelihood bound.  Oracle:
    with no losses the Poisson log-likelihood is -rate * exposure, so the 95% bound solves
    rate * exposure = chi2_1(0.95) / 2, exposure = the enemy's strength times the days
    (square law).  The negative binomial explains zeros at any mean by a dispersion k -> 0
    (its log-likelihood -k log(1 + mean / k) -> 0), so its upper end is open."""
    from scipy import stats

    path = tmp_path / "const.csv"
    path.write_text(QUIET)
    half = float(stats.chi2.ppf(0.95, 1)) / 2
    res = runner.invoke(
        app, ["fit", str(path), "--likelihood", likelihood, "--law", "all", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert "NaN" not in res.stdout
    assert "Infinity" not in res.stdout
    fits = json.loads(res.stdout)
    square = fits[0]
    assert square["law"] == "square"
    assert square["red_rate"] < 1e-6
    assert square["blue_rate"] < 1e-6
    assert {"red_rate", "blue_rate"} <= set(square["at_bound"])
    assert square["red_rate_ci"][0] == 0.0
    if likelihood == "poisson":
        assert square["red_rate_ci"][1] == pytest.approx(half / (1000 * 3), rel=1e-3)
        assert square["blue_rate_ci"][1] == pytest.approx(half / (800 * 3), rel=1e-3)
    else:
        assert square["red_rate_ci"][1] is None
        assert square["blue_rate_ci"][1] is None
        assert {"red_rate", "blue_rate"} <= set(square["not_identifiable"])
    table = runner.invoke(app, ["fit", str(path), "--likelihood", likelihood, "--law", "all"])
    assert table.exit_code == 0, table.output
    assert "at a bound" in table.stdout


def test_one_side_without_losses_is_bounded_by_the_other_sides_exposure(tmp_path: Path) -> None:
    """Blue loses nothing, red does: red's rate is at zero (the optimiser used to stop short
    of it, with a Wald interval of 1e-99 .. 1e83) and bounded by the Poisson profile,
    rate * sum of red's starting strengths = chi2_1(0.95) / 2; blue's rate keeps its Wald
    interval."""
    from scipy import stats

    path = tmp_path / "onesided.csv"
    path.write_text("day,red,blue\n0,1000,800\n1,990,800\n2,980,800\n3,975,800\n")
    f = fit_casualties(read_battle(path), "square", "poisson")
    assert f.at_bound == ["red_rate"]
    assert f.red_rate_ci[0] == 0.0
    half = float(stats.chi2.ppf(0.95, 1)) / 2
    assert f.red_rate_ci[1] == pytest.approx(half / (1000 + 990 + 980), rel=1e-4)
    assert _inside(f.blue_rate_ci, f.blue_rate)


def test_exponent_intervals_stay_in_their_range_and_open_beyond_it(tmp_path: Path) -> None:
    """An exponent's Wald interval was reported beyond its range (Helmbold's w, in [0, 1],
    as -24 .. 24); then ended at the range.  As the strengths' fit now reports it (review15fit
    D3), an end beyond the range is open (None) and the exponent not identifiable."""
    path = tmp_path / "onesided.csv"
    path.write_text("day,red,blue\n0,1000,800\n1,990,800\n2,980,800\n3,975,800\n")
    for law, names in (("helmbold", ("w",)), ("power", ("p", "q"))):
        f = fit_casualties(read_battle(path), law, "negbin")
        for name in names:
            lo, hi = f.exponents_ci[name]
            bound = (0.0, 1.0) if name == "w" else (0.0, 3.0)
            assert lo is None or bound[0] < lo <= f.exponents[name]
            assert hi is None or f.exponents[name] <= hi < bound[1]
            assert (name in f.not_identifiable) == (None in (lo, hi))
        # engine-unit rate intervals only where the exponents are fixed (review15fit D9)
        assert f.red_rate_ci == (None, None)
        assert f.blue_rate_ci == (None, None)
        assert f.blue_rate_normalised_ci[0] is not None
    assert fit_casualties(read_battle(path), "helmbold", "negbin").exponents_ci["w"] == (
        None,
        None,
    )


@pytest.mark.parametrize("likelihood", ["poisson", "negbin"])
def test_a_rate_at_its_floor_with_the_rest_at_an_optimum_is_converged(
    tmp_path: Path, likelihood: str
) -> None:
    """review13b: one side without losses, the other losing steadily: the rate is at its
    floor and bounded as above (Poisson: 1.92 / the sum of red's strengths, 4,530), but the
    fit said converged: false, because the optimiser's line search had failed on the flat
    side before the floor was set.  The rest is now checked at the floor."""
    from scipy import stats

    path = tmp_path / "zero.csv"
    path.write_text(
        "day,red,blue\n0,1000,900\n1,950,900\n2,900,900\n3,860,900\n4,820,900\n5,790,900\n"
    )
    f = fit_casualties(read_battle(path), "square", likelihood)
    assert f.converged
    assert f.at_bound == ["red_rate"]
    half = float(stats.chi2.ppf(0.95, 1)) / 2
    if likelihood == "poisson":
        assert f.red_rate_ci[1] == pytest.approx(half / 4530, rel=1e-3)
    # blue's rate: red's losses over the days over blue's strength (square law), about 0.0467
    assert f.blue_rate == pytest.approx(210 / (5 * 900), rel=1e-3)
