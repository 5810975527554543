"""``forceratio.fit`` takes the command line's ``--likelihood`` (review21e, item 4: the
Python API had no count likelihood, and ``forceratio.fitting.__all__`` lacked
``fit_casualties``).  Oracle: under the square law the Poisson maximum-likelihood rate is
Engel's ratio estimator, a closed form: a side's summed losses over the summed enemy
strength x dt (README, "Casualties as counts")."""

from __future__ import annotations

import numpy as np
import pytest

import forceratio.fitting
from forceratio.errors import InputError
from forceratio.fitting import CasualtyFit, fit
from tests.fitting.test_casualties import count_series


def test_poisson_from_fit_is_engels_ratio() -> None:
    df = count_series(0.02, 0.03, days=12, seed=3, k=None)
    r = fit(df, "square", likelihood="poisson")
    assert isinstance(r, CasualtyFit)
    red, blue = df["red"].to_numpy(float), df["blue"].to_numpy(float)
    # red's rate: blue's losses over red's strength-days (dt = 1)
    engel_red = (blue[:-1] - blue[1:]).sum() / red[:-1].sum()
    engel_blue = (red[:-1] - red[1:]).sum() / blue[:-1].sum()
    np.testing.assert_allclose([r.red_rate, r.blue_rate], [engel_red, engel_blue], rtol=1e-4)


def test_all_laws_and_names() -> None:
    df = count_series(0.02, 0.03, days=12, seed=3, k=10.0)
    rs = fit(df, "all", likelihood="negbin")
    assert isinstance(rs, list)
    assert {x.law for x in rs} == set(forceratio.fitting.FIT_LAWS)
    assert all(x.likelihood == "negbin" for x in rs)
    assert "fit_casualties" in forceratio.fitting.__all__


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"likelihood": "counts"}, "likelihood"), ({"likelihood": "poisson", "refits": 10}, "refits")],
)
def test_refusals_name_the_argument(kwargs: dict[str, object], field: str) -> None:
    df = count_series(0.02, 0.03, days=12, seed=3, k=None)
    with pytest.raises(InputError, match=field):
        fit(df, "square", **kwargs)  # type: ignore[call-overload]
