"""The public :func:`~forceratio.simulate` takes the integrator's step cap
(``max_steps``), so the fitter, which caps its trial points at
:data:`~forceratio.fitting.model.TRIAL_STEPS`, runs through it rather than calling the
low-level ``integrate`` (one path).  Oracles: Lanchester's square law in closed form
(1916: R(t) = R0 cosh(w t) - sqrt(b/a) B0 sinh(w t), w = sqrt(a b)); a cap below the steps
a battle needs stops it with the engine's one-line error, a cap above leaves its numbers
unchanged; a stiff battle (a side held at 0 with arrivals under the power law with q = 2,
relaxing at 2 a / X* = 5e4 a day, beyond an explicit method) stops at the cap given.
(Until 4 December 2026 the held power law at q = 0.025 was the stiff case, until 5 December 2026
the linear law at k R = 1e6 a day; both are now held on their balance:
tests/simulator/test_held_balance.py, test_held_linear_balance.py.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import forceratio
from forceratio import Engagement, Reinforcements, get_law, make_side
from forceratio.errors import ForceratioError, InputError
from forceratio.fitting import model
from forceratio.fitting.data import read_battle
from forceratio.simulator import solve

R0, B0, A, B = 1000.0, 800.0, 0.02, 0.015  # strengths; red's and blue's kill rates a day


def _square() -> Engagement:
    red = make_side("red", R0, A, n=1, k_enemy=1)
    blue = make_side("blue", B0, B, n=1, k_enemy=1)
    return Engagement(get_law("square"), red, blue)


def test_simulate_follows_the_closed_form_under_any_cap_it_needs_no_more_than() -> None:
    times = np.array([0.0, 5.0, 10.0, 20.0])
    w = np.sqrt(A * B)  # red kills blue at A a red a day, blue kills red at B
    want_r = R0 * np.cosh(w * times) - np.sqrt(B / A) * B0 * np.sinh(w * times)
    want_b = B0 * np.cosh(w * times) - np.sqrt(A / B) * R0 * np.sinh(w * times)
    for cap in (solve.MAX_STEPS, 1000):
        res = forceratio.simulate(
            _square(), t_max=20.0, times=times, method="integrator", rtol=1e-10, max_steps=cap
        )
        assert res.red_trajectory is not None
        assert res.blue_trajectory is not None
        np.testing.assert_allclose(res.red_trajectory[0, :, 0], want_r, rtol=1e-8)
        np.testing.assert_allclose(res.blue_trajectory[0, :, 0], want_b, rtol=1e-8)


def test_a_cap_below_the_steps_a_battle_needs_stops_it_with_one_line() -> None:
    with pytest.raises(ForceratioError, match="after 2 steps"):
        forceratio.simulate(_square(), t_max=20.0, method="integrator", rtol=1e-10, max_steps=2)


def test_a_stiff_battle_stops_at_the_cap_given() -> None:
    """The fitter's case: a trial point the explicit engine cannot follow costs
    ``max_steps`` steps, not the default 200,000."""
    red = make_side("red", 100.0, 1e6, n=1, k_enemy=1)
    blue = make_side("blue", 0.0, 0.2, n=1, k_enemy=1,
                     reinforcements=Reinforcements.daily(0.0, 10.0, [6.0]))  # fmt: skip
    eng = Engagement(get_law("power", p=1.0, q=2.0), red, blue)
    with pytest.raises(ForceratioError, match="after 20000 steps"):
        forceratio.simulate(eng, t_max=30.0, max_steps=20_000)


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "100"])
def test_a_bad_cap_is_refused_naming_max_steps(bad: object) -> None:
    with pytest.raises(InputError) as err:
        forceratio.simulate(_square(), t_max=20.0, max_steps=bad)  # type: ignore[arg-type]
    assert err.value.field == "max_steps", err.value


SERIES = """day,red,blue
0,1000,800
1,985,781
2,970,763
3,955,746
4,941,729
"""


def test_the_fitter_runs_its_trial_points_through_simulate_with_its_cap(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Trial points (not ``strict``) run with :data:`TRIAL_STEPS`, the optimum with the
    default; both through the public ``simulate``, the integrator forced (a square law
    with no arrivals has a closed form, which the fitter's paths must not switch to)."""
    path = tmp_path / "s.csv"
    path.write_text(SERIES)
    battle = read_battle(path)
    spec = model.law_spec("square", initial=model.free_initial(battle))
    theta = np.array([np.log(0.02), np.log(0.015), 1.0, 1.0])
    seen: list[tuple[str, int]] = []
    real = solve.simulate

    def spy(*args: object, **kwargs: object) -> object:
        seen.append((str(kwargs["method"]), int(kwargs["max_steps"])))  # type: ignore[call-overload]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(model, "simulate", spy)
    trial = model.predict(battle, spec, theta)
    best = model.predict(battle, spec, theta, strict=True)
    assert seen == [
        ("integrator", model.TRIAL_STEPS),
        ("integrator", solve.MAX_STEPS),
    ]
    np.testing.assert_array_equal(trial[0], best[0])  # a followable point: the cap unused
