"""The count likelihoods on armies of millions: the Poisson fit of a law with fixed exponents
has a closed form (a log-linear model with an offset: the rate is the losses over the
exposure, red's rate sum(blue's losses) / sum(red's strength x days) under the square law,
sum(blue's losses) / sum(blue's strength x days) under the logarithmic), so its estimate is
known without the optimiser.  With daily losses of about 1e5 the negative log-likelihood is
about 1e6 and L-BFGS-B's line search stops at its start ("ABNORMAL"), which is already the
optimum: the fit said ``converged`` False (a "NO" in the table) beside the exact estimate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forceratio import fit
from forceratio.fitting.casualties import CasualtyFit
from tests.fitting.synth import series


def _huge() -> pd.DataFrame:
    df = series(0.03, 0.04, red0=1.2e7, blue0=9.6e6, days=15, noise=0.01, seed=3, noisy_first=True)
    df = df[["day", "red", "blue"]].copy()
    df[["red", "blue"]] = (df[["red", "blue"]] / 1000).round() * 1000
    df["red_losses"] = (-df["red"].diff()).clip(lower=0)
    df["blue_losses"] = (-df["blue"].diff()).clip(lower=0)
    return df


@pytest.mark.parametrize("law", ["square", "logarithmic"])
def test_a_poisson_fit_at_its_closed_form_optimum_says_it_converged(law: str) -> None:
    df = _huge()
    red, blue = df["red"].to_numpy()[:-1], df["blue"].to_numpy()[:-1]
    red_exposure, blue_exposure = (red, blue) if law == "square" else (blue, red)
    f = fit(df, law, likelihood="poisson")
    assert isinstance(f, CasualtyFit)
    assert f.red_rate == pytest.approx(df["blue_losses"][1:].sum() / red_exposure.sum(), 1e-9)
    assert f.blue_rate == pytest.approx(df["red_losses"][1:].sum() / blue_exposure.sum(), 1e-9)
    assert f.converged


def test_a_poisson_fit_away_from_its_optimum_is_not_called_converged() -> None:
    """The check is of the optimum, not a relabelling: a point off it by 10 standard errors
    fails it."""
    from forceratio.fitting.likelihood_intervals import at_optimum

    def nll(x: np.ndarray) -> float:
        return float(0.5 * np.sum((x / 0.01) ** 2))

    assert at_optimum(nll, np.array([0.0, 0.0]), np.array([0.01, 0.01]))
    assert not at_optimum(nll, np.array([0.1, 0.0]), np.array([0.01, 0.01]))
