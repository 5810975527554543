"""The operational quadratures taken as weights on the recorded trajectory (issue 11, the
first sweep): against the direct computation, written here with numpy's own interpolation
and a loop over the intervals."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.scenarios.operations import _multiplier_at, refine
from forceratio.simulator.operational import capture_rate, make_flows, split_losses


def _direct_trapezoid(f: np.ndarray, times: np.ndarray, t_end: float) -> float:
    """Trapezoid rule over the intervals of ``times`` cut at ``t_end`` (held values after)."""
    total = 0.0
    for i in range(times.size - 1):
        span = max(min(times[i + 1], t_end) - times[i], 0.0)
        total += span * 0.5 * (f[i] + f[i + 1])
    return total


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_split_on_a_coarse_trajectory_equals_the_direct_quadrature(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = 5, 3
    coarse = np.concatenate([[0.0], np.sort(rng.uniform(0.1, 20.0, 7)), [21.0]])
    fine, to_fine = refine(coarse, 4)
    assert to_fine is not None
    own = rng.uniform(0.0, 1e4, (n, coarse.size, k))
    own_power = rng.uniform(0.0, 2.0, (n, fine.size)) * (rng.random((n, fine.size)) > 0.1)
    enemy_power = rng.uniform(0.0, 4.0, (n, fine.size))
    t_end = rng.uniform(5.0, 25.0, n)
    flows = make_flows(
        n, k, capture_rate=rng.uniform(0, 0.1, n), capture_ratio=rng.uniform(0.5, 3.0, n),
        capture_width=np.where(rng.random(n) < 0.4, 0.0, rng.uniform(0.05, 0.5, n)),
        noncombat=rng.uniform(0, 0.05, (n, k)),
    )  # fmt: skip
    cap, nc = split_losses(fine, t_end, own, own_power, enemy_power, flows, project=to_fine)
    for i in range(n):
        dense = np.stack([np.interp(fine, coarse, own[i, :, j]) for j in range(k)], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.log(enemy_power[i] / own_power[i]) - np.log(flows.capture_ratio[i])
        wd = flows.capture_width[i]
        eps = (
            flows.capture_rate[i] / (1.0 + np.exp(-z / wd))
            if wd > 0
            else np.where(z >= 0, flows.capture_rate[i], 0.0)
        )
        eps = np.where(own_power[i] > 0, eps, 0.0)
        for j in range(k):
            want = _direct_trapezoid(eps * dense[:, j], fine, t_end[i])
            assert cap[i, j] == pytest.approx(want, rel=1e-10, abs=1e-9)
            want_nc = flows.noncombat[i, j] * _direct_trapezoid(dense[:, j], fine, t_end[i])
            assert nc[i, j] == pytest.approx(want_nc, rel=1e-10, abs=1e-9)


def test_refined_grid_interpolates_and_sums_back() -> None:
    rng = np.random.default_rng(4)
    coarse = np.array([0.0, 1.0, 2.5, 3.0, 7.0])
    fine, to_fine = refine(coarse, 4)
    assert to_fine is not None
    np.testing.assert_allclose(fine[::4], coarse)
    a = rng.normal(size=(3, coarse.size))
    want = np.stack([np.interp(fine, coarse, row) for row in a])
    np.testing.assert_allclose(to_fine(a), want, rtol=1e-14, atol=1e-14)
    f = rng.normal(size=(3, fine.size))  # the transpose: <f, to_fine(a)> = <back(f), a>
    np.testing.assert_allclose(
        (f * to_fine(a)).sum(axis=1), (to_fine(f, back=True) * a).sum(axis=1), rtol=1e-12
    )
    assert refine(coarse, 1)[1] is None


def test_capture_rate_is_the_logistic_in_log_ratio() -> None:
    rho = np.array([0.0, 0.3, 1.0, 1.5, 2.0, 7.0, 1e12, np.inf])
    c, star = 0.05, 1.5
    for width in (0.1, 0.3, 2.0):
        with np.errstate(divide="ignore", over="ignore"):
            want = c / (1.0 + np.exp(-(np.log(rho) - np.log(star)) / width))
        want = np.where(np.isfinite(rho) & (rho > 0), want, 0.0)
        got = capture_rate(
            rho, np.full(rho.size, c), np.full(rho.size, star), np.full(rho.size, width)
        )
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)
    step = capture_rate(rho, np.full(rho.size, c), np.full(rho.size, star), np.zeros(rho.size))
    np.testing.assert_array_equal(step, [0, 0, 0, c, c, c, c, 0])


def test_multiplier_at_matches_numpy_interp() -> None:
    rng = np.random.default_rng(3)
    times = np.linspace(-1.0, 31.0, 97)
    shared = np.array([0.0, 2.5, 4.0, 30.0])
    values = rng.uniform(0.5, 2.0, (6, shared.size))
    want = np.stack([np.interp(times, shared, v) for v in values])
    np.testing.assert_allclose(_multiplier_at(shared, values, times), want, rtol=1e-14)
    own = np.stack([np.zeros(6), rng.uniform(0.5, 9.0, 6)], axis=1)
    v2 = rng.uniform(0.5, 2.0, (6, 2))
    want2 = np.stack([np.interp(times, kn, v) for kn, v in zip(own, v2, strict=True)])
    np.testing.assert_allclose(_multiplier_at(own, v2, times), want2, rtol=1e-14)
    flat = _multiplier_at(np.array([0.0]), v2[:, :1], times)
    np.testing.assert_array_equal(flat, np.repeat(v2[:, :1], times.size, axis=1))
