"""The capture share on a trajectory: its shortcut for smooth switches only (every width
> 0) gives capture_rate's numbers, where a side or its enemy has nothing left too."""

from __future__ import annotations

import numpy as np

from forceratio.simulator.operational import capture_rate, capture_share, make_flows


def test_smooth_switches_give_the_capture_rate() -> None:
    rng = np.random.default_rng(7)
    n, t = 40, 60
    own = rng.uniform(0.0, 3.0, (n, t)) * (rng.random((n, t)) > 0.1)
    enemy = rng.uniform(0.0, 5.0, (n, t)) * (rng.random((n, t)) > 0.1)
    c, star, width = rng.uniform(0, 0.1, n), rng.uniform(0.5, 3.0, n), rng.uniform(0.05, 2.0, n)
    flows = make_flows(n, 2, capture_rate=c, capture_ratio=star, capture_width=width)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(own > 0, enemy / own, np.inf)
    want = capture_rate(rho, flows.capture_rate[:, None], flows.capture_ratio[:, None],
                        flows.capture_width[:, None])  # fmt: skip
    got = capture_share(own, enemy, flows)
    np.testing.assert_array_equal(got, np.where(own > 0, want, 0.0))
    assert np.all(got[enemy == 0] == 0.0)
    assert np.all(got[own == 0] == 0.0)
