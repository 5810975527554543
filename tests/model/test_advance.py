"""Oracle tests of the advance law (issue 13): Dupuy's opposed advance rates as a power law
in the combat-power ratio, integrated over a trajectory."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from forceratio.simulator.operational import ADVANCE_FIT, advance_rate, depth

#: Dupuy's opposed advance rates, armoured, km/day, as transcribed in HerrTom/OPORD-QJM
#: database/tables/AdvanceRates.csv (docs/design/issue13-mechanisms.md, table 1.2; T).
TABLE_PP = np.array([1.00, 1.11, 1.26, 1.46, 1.76, 2.26, 3.01, 4.26])
TABLE = {
    "hasty": np.array([4, 5, 6, 9, 12, 16, 20, 40.0]),
    "prepared": np.array([2, 2.25, 2.5, 4, 6, 8, 10, 20.0]),
}


@pytest.mark.parametrize("posture", ["hasty", "prepared"])
def test_fit_is_within_its_stated_residual_of_the_table(posture: str) -> None:
    a, b = ADVANCE_FIT[posture]
    fitted = advance_rate(TABLE_PP, np.array(a), np.array(b), np.array(np.inf))
    worst = {"hasty": 0.16, "prepared": 0.19}[posture]
    assert np.max(np.abs(np.log(fitted / TABLE[posture]))) <= worst + 0.01


def test_no_advance_below_parity_and_the_cap_holds() -> None:
    v = advance_rate(
        np.array([0.5, 0.99, 1.0, 10.0]), np.array(4.43), np.array(1.51), np.array(30.0)
    )
    np.testing.assert_allclose(v, [0.0, 0.0, 4.43, 30.0])


def test_constant_ratio_gives_v_times_t() -> None:
    times = np.linspace(0.0, 18.0, 7)
    att, dfn = np.full((1, 7), 3.0), np.ones((1, 7))
    x = depth(
        times, np.array([18.0]), att, dfn, np.array([4.43]), np.array([1.51]), np.array([99.0])
    )
    assert x[0] == pytest.approx(18 * 4.43 * 3.0**1.51)
    # a run that ended on day 9 advances no further
    x9 = depth(
        times, np.array([9.0]), att, dfn, np.array([4.43]), np.array([1.51]), np.array([99.0])
    )
    assert x9[0] == pytest.approx(9 * 4.43 * 3.0**1.51)


def test_square_law_ratio_matches_quadrature() -> None:
    """rho(t) from the square law's closed form (A attacks B, kill rates a, b):
    A = A0 cosh(s t) - B0 sqrt(kb/ka) sinh(s t), s = sqrt(ka kb); depth by scipy quad."""
    a0, b0, ka, kb = 3000.0, 1000.0, 0.01, 0.03
    s = np.sqrt(ka * kb)

    def strengths(t: float) -> tuple[float, float]:
        att = a0 * np.cosh(s * t) - b0 * np.sqrt(kb / ka) * np.sinh(s * t)
        dfn = b0 * np.cosh(s * t) - a0 * np.sqrt(ka / kb) * np.sinh(s * t)
        return att, dfn

    t_end = 20.0
    assert strengths(t_end)[1] > 0

    def v(t: float) -> float:
        att, dfn = strengths(t)
        return float(
            advance_rate(np.array(att / dfn), np.array(2.01), np.array(1.59), np.array(60.0))
        )

    exact, _ = quad(v, 0.0, t_end, limit=200)
    times = np.linspace(0.0, t_end, 2001)
    att, dfn = np.vectorize(strengths)(times)
    got = depth(
        times, np.array([t_end]), att[None, :], dfn[None, :],
        np.array([2.01]), np.array([1.59]), np.array([60.0]),
    )  # fmt: skip
    assert got[0] == pytest.approx(exact, rel=1e-4)
