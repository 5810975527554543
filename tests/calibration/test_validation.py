"""Leave-one-group-out: one error per group, small where the model holds, large for a
group whose records do not follow it; and the downstream draw helpers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from forceratio.calibration import CalibrationResult, Problem, fit_map
from forceratio.calibration.draws import (
    posterior_batch,
    probability_interval,
    summarise_over_draws,
)
from forceratio.calibration.validation import group_bias, group_error, leave_one_group_out
from forceratio.errors import InputError
from tests.calibration import synthetic as syn


def quick(problem: Problem, seed: np.random.SeedSequence) -> CalibrationResult:
    return fit_map(problem, n_starts=2, n_draws=200, seed=seed)


def test_one_error_per_group_and_a_bad_group_stands_out() -> None:
    obs = syn.observe(syn.TRUTH, 0.03, np.random.default_rng(2))
    names = [n for n, _, _ in syn.record_names()]
    bad = obs.copy()
    for j, n in enumerate(names):
        if n.startswith("flank."):
            bad[j] *= 3.0  # a group the model cannot explain
    loo = leave_one_group_out(syn.problem(bad), fit=quick, seed=0)
    groups = [op[0] for op in syn.OPERATIONS]
    assert list(loo.groups["held_out"]) == groups
    assert len(loo.records) == 12
    assert set(loo.fits) == set(groups)
    err = loo.groups.set_index("held_out")["relative_error"]
    # predicted from the others, the tripled group is off by about a factor 3: the
    # non-cancelling error exp(|ln 1/3|) - 1 = 2, the signed one 1/3 - 1 = -2/3
    assert err["flank"] == pytest.approx(2.0, abs=0.3)
    bias = loo.groups.set_index("held_out")["geometric_mean_error"]
    assert bias["flank"] == pytest.approx(-2 / 3, abs=0.1)
    # it stands out (the others are predicted from fits that include the bad group)
    assert err.abs().idxmax() == "flank"
    assert err.drop("flank").abs().max() < 0.4
    # where the model holds, every left-out operation is predicted closely
    clean = leave_one_group_out(syn.problem(obs), fit=quick, seed=0).groups["relative_error"]
    assert clean.abs().max() < 0.1
    rec = loo.records
    np.testing.assert_allclose(rec["relative_error"], rec["model"] / rec["historical"] - 1)
    assert loo.median_absolute_error == pytest.approx(np.median(np.abs(err)))


def test_group_error_treats_met_bounds_as_exact_and_cannot_cancel() -> None:
    hist = np.array([100.0, 100.0])
    no = np.array([False, False])
    assert group_error(np.array([150.0, 100.0]), hist, np.array([True, False])) == 0.0
    # an unmet lower bound (50 v 100) counts: exp(mean(|ln 0.5|, 0)) - 1 = sqrt(2) - 1
    assert group_error(np.array([50.0, 100.0]), hist, np.array([True, False])) == pytest.approx(
        np.sqrt(2.0) - 1
    )
    assert group_bias(np.array([50.0, 100.0]), hist, no) == pytest.approx(np.sqrt(0.5) - 1)
    # +50% and -33% cancel in the signed mean (ln 1.5 + ln 2/3 = 0), not in the error
    both = np.array([150.0, 200.0 / 3.0])
    assert group_bias(both, hist, no) == pytest.approx(0.0, abs=1e-12)
    assert group_error(both, hist, no) == pytest.approx(0.5)
    # an upper bound the model stays under is met; one it exceeds counts
    up = np.array([True, False])
    assert group_error(np.array([20.0, 100.0]), hist, no, up) == 0.0
    assert group_error(np.array([400.0, 100.0]), hist, no, up) == pytest.approx(1.0)


def test_leave_one_out_refuses_unknown_or_single_groups() -> None:
    obs = syn.observe(syn.TRUTH, 0.03, np.random.default_rng(2))
    with pytest.raises(InputError, match="groups"):
        leave_one_group_out(syn.problem(obs), groups=["nowhere", "north"])
    with pytest.raises(InputError, match="groups"):
        leave_one_group_out(syn.problem(obs), groups=["north"])


def test_posterior_batch_feeds_the_engine() -> None:
    obs = syn.observe(syn.TRUTH, 0.1, np.random.default_rng(3))
    base = syn.problem(obs)
    fixed = base.parameters.items[2]
    params = type(base.parameters)(
        [*base.parameters.items[:2], type(fixed)(fixed.name, fixed.prior, 2.0, vary=False)]
    )
    problem = type(base)(params, base.records, base.model, base.likelihood)
    result = fit_map(problem, n_draws=300, seed=0)
    batch = posterior_batch(result, 50, seed=1)
    assert list(batch.columns) == list(syn.NAMES)
    assert batch.shape == (50, 3)
    assert (batch["surprise"] == 2.0).all()
    assert batch.index.is_unique  # without replacement when there are enough draws
    np.testing.assert_array_equal(batch["attacker_rate"], result.draws[batch.index, 0])
    # one call of the engine on the whole batch
    assert syn.losses(batch.to_numpy()).shape == (50, 12)
    more = posterior_batch(result, 1000, seed=1)
    assert len(more) == 1000
    pd_equal = posterior_batch(result, 50, seed=1)
    assert pd_equal.equals(batch)


def test_summaries_over_draws() -> None:
    v = np.random.default_rng(0).uniform(0, 1, 100_000)
    s = summarise_over_draws(v, 0.9)
    assert (s.low, s.median, s.high) == pytest.approx((0.05, 0.5, 0.95), abs=0.01)
    assert s.n_draws == 100_000
    p, lo, hi = probability_interval(30, 100)
    assert p == 0.3

    # the Jeffreys posterior Beta(30.5, 70.5) holds 2.5 % on each side (by quadrature)
    def density(x: float) -> float:
        return float(x**29.5 * (1 - x) ** 69.5)

    total = integrate.quad(density, 0, 1)[0]
    assert integrate.quad(density, 0, lo)[0] / total == pytest.approx(0.025, abs=1e-6)
    assert integrate.quad(density, hi, 1)[0] / total == pytest.approx(0.025, abs=1e-6)
    assert probability_interval(0, 10)[1] == 0.0
    assert probability_interval(10, 10)[2] == 1.0
    with pytest.raises(InputError):
        probability_interval(11, 10)
    with pytest.raises(InputError):
        summarise_over_draws([np.nan])
