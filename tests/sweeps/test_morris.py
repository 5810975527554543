"""Morris screening against functions whose elementary effects are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.errors import InputError
from forceratio.sweeps.morris import morris, trajectories


def test_trajectories_move_one_parameter_at_a_time() -> None:
    pts = trajectories(5, 10, 4, np.random.default_rng(0))
    assert pts.shape == (10, 6, 5)
    step = np.diff(pts, axis=1)
    assert np.all(np.count_nonzero(step, axis=2) == 1)
    np.testing.assert_allclose(np.abs(step[step != 0]), 4 / 6)  # delta = p / (2 (p - 1))
    assert pts.min() >= 0.0
    assert pts.max() <= 1.0
    # every parameter moves exactly once per trajectory
    assert np.all(np.sort(np.argmax(np.abs(step), axis=2), axis=1) == np.arange(5))


def test_linear_function_effects_are_its_coefficients() -> None:
    c = np.array([3.0, -2.0, 0.0, 0.5])
    rows = morris(lambda u: u @ c, ["a", "b", "c", "d"], r=20, seed=1)
    by = {row["parameter"]: row for row in rows}
    for name, coef in zip("abcd", c, strict=True):
        assert by[name]["mu"] == pytest.approx(coef)
        assert by[name]["mu_star"] == pytest.approx(abs(coef))
        assert by[name]["sigma"] == pytest.approx(0.0, abs=1e-12)
    assert [row["parameter"] for row in rows] == ["a", "b", "d", "c"]


def test_interaction_shows_in_sigma() -> None:
    # f = u0 * u1 + u2: EE of u0 is u1 (varies), of u2 is 1 (constant)
    rows = morris(lambda u: u[:, 0] * u[:, 1] + u[:, 2], ["x", "y", "z"], r=64, seed=2)
    by = {row["parameter"]: row for row in rows}
    assert by["z"]["sigma"] == pytest.approx(0.0, abs=1e-12)
    assert by["x"]["sigma"] > 0.1
    assert by["y"]["sigma"] > 0.1
    # E|EE_x| = E[u1] over the grid points where u1 sits = 0.5 in expectation
    assert 0.3 < by["x"]["mu_star"] < 0.7
    lo, hi = by["x"]["mu_star_ci"]
    assert lo <= by["x"]["mu_star"] <= hi


def test_seeded() -> None:
    f = lambda u: np.sin(3 * u[:, 0]) + u[:, 1] ** 2  # noqa: E731
    assert morris(f, ["a", "b"], seed=5) == morris(f, ["a", "b"], seed=5)


@pytest.mark.parametrize(("kw", "field"), [({"r": 1}, "r"), ({"levels": 3}, "levels")])
def test_bad_options(kw: dict[str, int], field: str) -> None:
    with pytest.raises(InputError) as err:
        morris(lambda u: u[:, 0], ["a"], **kw)
    assert err.value.field == field
