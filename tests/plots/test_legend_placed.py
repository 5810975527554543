"""No figure leaves its legend at matplotlib's "best" place.

"best" searches the axes for the emptiest spot; on a loaded machine that search takes long
enough for matplotlib to warn ("Creating legend with loc='best' can be slow"), a raw warning
a user must not see (and an error under this suite's warnings-as-errors: it made
``tests/plots/test_report.py`` fail under load).  The search is replaced here by one that
raises, so a figure that still asks for "best" fails whatever the machine's load.
"""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.legend import Legend

from forceratio.fitting import FitResult
from forceratio.plots import figure
from forceratio.plots.figures import fit_figure, prior_posterior


@pytest.fixture(autouse=True)
def no_best_search(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a legend was placed at loc='best'")

    monkeypatch.setattr(Legend, "_find_best_position", refuse)
    yield
    plt.close("all")


def test_distribution_places_its_legends() -> None:
    fig = figure("distribution", "sokolov-152v100", replications=20, seed=3)
    fig.canvas.draw()


def test_fit_places_its_legends() -> None:
    rows = [
        {"day": d, "side": s, "observed": 100.0 - d, "fitted": 100.0 - d, "residual": 0.0}
        for d in (2.0, 3.0, 4.0)
        for s in ("red", "blue")
    ]
    r = FitResult("square", 1.0, 1.0, (None, None), (None, None), 1.0, 0.0, 4)
    fig = fit_figure(rows, "square", "x.csv", r.caveats())
    fig.canvas.draw()


def test_prior_posterior_places_its_legends() -> None:
    from forceratio.calibration.priors import LogNormal, Normal

    rng = np.random.default_rng(0)
    draws = {"rate": np.exp(rng.normal(np.log(0.02), 0.2, 400)), "shift": rng.normal(0, 1, 400)}
    priors = {"rate": LogNormal(0.02, 0.5), "shift": Normal(0.0, 2.0)}
    fig = prior_posterior(draws, priors, "two parameters", "mcmc")
    fig.canvas.draw()
