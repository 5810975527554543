"""The prior predictive check (``prior_predictive``, ``calibrate --prior-predictive``).

Oracles: (1) a rate with a log-normal prior, a loss proportional to it and a known log-normal
error: the record's prior predictive is log-normal with log-variance S0^2 + S^2, so its
quantiles and a record's percentile are closed forms; (2) the same with the error scale drawn
from a log-uniform prior: the percentile is an integral over that prior (scipy's quad);
(3) a record drawn from the prior predictive itself, by its own generative recipe (numpy, not
the module's draws), has a rank uniform over the draws: over repetitions, a chi-square bound
that fails when the check leaves out the observation error or the error scale's prior.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats
from typer.testing import CliRunner

from forceratio.calibration import (
    CalibratedParameter,
    LogNormal,
    LogNormalLikelihood,
    LogUniform,
    Parameters,
    Problem,
    Record,
    Records,
)
from forceratio.calibration.prior_predictive import prior_predictive
from forceratio.cli.app import app
from forceratio.errors import InputError
from tests.calibration import synthetic as syn

RATE_MEDIAN, S0 = 0.02, 0.5  # the rate's prior: log-normal, median 2% a day, log-sd 0.5
MEN, DAYS = 400_000.0, 10.0  # the model: loss = rate x men x days
LOG_CENTRE = math.log(RATE_MEDIAN * MEN * DAYS)


def _problem(record: float, likelihood: LogNormalLikelihood) -> Problem:
    def model(batch: np.ndarray) -> np.ndarray:
        return np.asarray(batch[:, :1] * MEN * DAYS)

    params = Parameters([CalibratedParameter("rate", LogNormal(RATE_MEDIAN, S0))])
    return Problem(params, Records([Record("losses", record)]), model, likelihood)


def test_quantiles_and_percentile_are_the_log_normal_closed_form() -> None:
    s_err, n = 0.3, 200_000
    record = 120_000.0
    check = prior_predictive(_problem(record, syn.known_sigma(s_err)), n, seed=3)
    row = check.table.iloc[0]
    for total, prefix in ((math.hypot(S0, s_err), ""), (S0, "model_")):
        for name, q in (("q05", 0.05), ("q50", 0.5), ("q95", 0.95)):
            z = stats.norm.ppf(q)
            want = LOG_CENTRE + z * total
            # the log-quantile's Monte Carlo sd: sqrt(q(1-q)/n) / phi(z) x total; 5 of them
            tol = 5 * math.sqrt(q * (1 - q) / n) / stats.norm.pdf(z) * total
            assert abs(math.log(row[prefix + name]) - want) < tol, (prefix, name)
        p = stats.norm.cdf((math.log(record) - LOG_CENTRE) / total)
        assert abs(row[prefix + "percentile"] - p) < 5 * math.sqrt(p * (1 - p) / n), prefix
    assert check.n_draws == check.n_used == n


def test_the_error_scale_is_drawn_from_its_prior() -> None:
    low, high, n = 0.05, 2.0, 200_000
    sigma = CalibratedParameter("sigma", LogUniform(low, high))
    record = 400_000.0  # well above the centre (80,000): the error scale's tail matters

    def below(s: float) -> float:  # P(Y < record | sigma = s) x the log-uniform density
        return float(stats.norm.cdf((math.log(record) - LOG_CENTRE) / math.hypot(S0, s))) / (
            s * math.log(high / low)
        )

    p = integrate.quad(below, low, high)[0]
    check = prior_predictive(_problem(record, LogNormalLikelihood(sigma=sigma)), n, seed=4)
    got = float(check.table["percentile"].iloc[0])
    assert abs(got - p) < 5 * math.sqrt(p * (1 - p) / n), (got, p)
    # the model alone: the rate's prior only (a fixed error scale at its median, 0.32, would
    # put the record at 0.9967, far outside the bound above)
    alone = stats.norm.cdf((math.log(record) - LOG_CENTRE) / S0)
    tol = 5 * math.sqrt(alone * (1 - alone) / n)
    assert abs(check.table["model_percentile"].iloc[0] - alone) < tol


def test_a_bound_counts_only_in_the_tail_it_refuses() -> None:
    # six records at the closed-form 1st and 99th percentiles: plain, lower bound (the truth is
    # at least the record) and upper bound.  A lower bound at p 0.01 is met by 99% of the draws
    # and an upper bound at p 0.99 likewise: neither is outside; the other four are.
    total = math.hypot(S0, 0.3)
    at = {p: math.exp(LOG_CENTRE + stats.norm.ppf(p) * total) for p in (0.01, 0.99)}
    records = [
        Record(
            f"{bound or 'plain'} {p}",
            v,
            lower_bound=bound == "lower_bound",
            upper_bound=bound == "upper_bound",
        )
        for bound in ("", "lower_bound", "upper_bound")
        for p, v in at.items()
    ]

    def model(batch: np.ndarray) -> np.ndarray:
        return np.repeat(batch[:, :1] * MEN * DAYS, len(records), axis=1)

    params = Parameters([CalibratedParameter("rate", LogNormal(RATE_MEDIAN, S0))])
    problem = Problem(params, Records(records), model, syn.known_sigma(0.3))
    check = prior_predictive(problem, 20_000, seed=5)
    want = ["plain 0.01", "plain 0.99", "lower_bound 0.99", "upper_bound 0.01"]
    for column in ("percentile", "model_percentile"):
        assert sorted(check.outside(column)["record"]) == sorted(want), column
    assert check.to_dict()["summary"]["outside_band"] == 4


N_RANK, N_REPEATS, BINS = 199, 200, 10  # ranks 0..199: 20 to a bin, uniform when exact


@settings(max_examples=5, deadline=None, derandomize=True)
@given(
    s0=st.floats(0.2, 1.5),
    low=st.floats(0.02, 0.5),
    span=st.floats(1.5, 20.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_record_drawn_from_the_prior_predictive_has_a_uniform_percentile(
    s0: float, low: float, span: float, seed: int
) -> None:
    high = low * span
    rng = np.random.default_rng(seed)
    sigma = CalibratedParameter("sigma", LogUniform(low, high))
    counts = np.zeros(BINS, dtype=int)
    for i in range(N_REPEATS):
        # the truth by the generative recipe: log rate normal, error scale log-uniform
        rate = RATE_MEDIAN * math.exp(s0 * rng.standard_normal())
        s = math.exp(rng.uniform(math.log(low), math.log(high)))
        record = rate * MEN * DAYS * math.exp(s * rng.standard_normal())

        def model(batch: np.ndarray) -> np.ndarray:
            return np.asarray(batch[:, :1] * MEN * DAYS)

        params = Parameters([CalibratedParameter("rate", LogNormal(RATE_MEDIAN, s0))])
        problem = Problem(params, Records([Record("r", record)]), model, LogNormalLikelihood(sigma))
        p = float(prior_predictive(problem, N_RANK, seed=seed + i).table["percentile"].iloc[0])
        rank = round(p * N_RANK)
        counts[rank * BINS // (N_RANK + 1)] += 1
    expected = N_REPEATS / BINS
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    # P(chi2_9 > 33.7) = 1e-4 per example under uniformity
    assert chi2 < stats.chi2.isf(1e-4, BINS - 1), (counts.tolist(), chi2)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"n_draws": 0}, "n_draws"), ({"n_draws": 2.5}, "n_draws"), ({"seed": -1}, "seed")],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as err:
        prior_predictive(_problem(1.0, syn.known_sigma(0.3)), **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_more_draws_than_memory_holds_are_refused_before_drawing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "10M")
    with pytest.raises(InputError) as err:
        prior_predictive(_problem(1.0, syn.known_sigma(0.3)), 10**6)
    assert err.value.field == "n_draws"
    assert "memory" in err.value.problem


runner = CliRunner()


def test_calibrate_prior_predictive_json_gives_every_record() -> None:
    res = runner.invoke(
        app, ["calibrate", "--prior-predictive", "--draws", "40", "--seed", "2", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["draws"] == 40
    assert data["seed"] == 2
    rows = data["records"]
    assert len(rows) == data["summary"]["records"] >= 20
    for r in rows:
        assert {"record", "historical", "q05", "q50", "q95", "percentile"} <= set(r)
        assert r["q05"] <= r["q50"] <= r["q95"]
        assert 0.0 <= r["percentile"] <= 1.0
    outside = [
        r["record"]
        for r in rows
        if (r["percentile"] < 0.05 and not r["lower_bound"])
        or (r["percentile"] > 0.95 and not r.get("upper_bound", False))
    ]
    assert data["summary"]["outside_band"] == len(outside)
    assert data["summary"]["outside"] == outside


def test_calibrate_prior_predictive_table_ends_with_the_band_count() -> None:
    res = runner.invoke(app, ["calibrate", "--prior-predictive", "--draws", "20"])
    assert res.exit_code == 0, res.output
    assert "records outside the prior predictive's 5-95% band" in res.output.splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draws", "10"], "--draws: applies only with --prior-predictive"),
        (["--prior-predictive", "--single"], "--prior-predictive"),
        (["--prior-predictive", "--mode", "map"], "--prior-predictive"),
        # given options count whatever their value (were read by truthiness, or defaulted)
        (["--prior-predictive", "--walkers", "0"], "--prior-predictive"),
        (["--prior-predictive", "--mode", "posterior"], "--prior-predictive: fits nothing"),
        (["--single", "--mode", "posterior"], "--single"),
    ],
)
def test_calibrate_prior_predictive_refuses_in_one_line(args: list[str], message: str) -> None:
    res = runner.invoke(app, ["calibrate", *args])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1, res.output


def test_calibrate_prior_predictive_refuses_zero_draws_in_one_line() -> None:
    # a real process: typer's own range check prints one line only through the entry point
    done = subprocess.run(
        [sys.executable, "-m", "forceratio", "calibrate", "--prior-predictive", "--draws", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "forceratio: error: --draws: Input should be greater than or equal to 1"
    ], done.stderr


def test_calibrate_prior_predictive_refuses_draws_beyond_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "200M")
    res = runner.invoke(app, ["calibrate", "--prior-predictive", "--draws", "1000000"])
    assert res.exit_code == 2
    assert res.output.startswith("forceratio: error: --draws:"), res.output
    assert len(res.output.strip().splitlines()) == 1, res.output
