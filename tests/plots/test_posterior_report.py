"""The report's posterior section: prior v posterior (how much the record narrowed each
parameter, checked against hand-computed widths), the figure, the indices and the boxes."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forceratio.calibration import LogNormal, Normal
from forceratio.plots.posterior_html import posterior_section, prior_posterior_table
from forceratio.sweeps.mechanisms import decompose


def fake_result() -> SimpleNamespace:
    rng = np.random.default_rng(0)
    draws = np.stack([np.exp(rng.normal(np.log(0.02), 0.2, 400)), rng.normal(0, 1, 400)], 1)
    params = pd.DataFrame(
        {
            "median": [0.02, 0.0],
            "ci95_low": [0.02, -1.0],
            "ci95_high": [0.2, 1.0],
            "prior_low": [0.002, -4.0],
            "prior_high": [0.2, 4.0],
        },
        index=pd.Index(["attrition.german_rate", "x.linear"], name="name"),
    )
    return SimpleNamespace(
        method="map",
        posterior_draws=400,
        names=("attrition.german_rate", "x.linear"),
        draws=draws,
        parameters=params,
    )


def test_width_ratio_is_log_for_positive_parameters() -> None:
    table = prior_posterior_table(fake_result())
    # log(0.2 / 0.02) / log(0.2 / 0.002) = 1/2; linear: 2 / 8
    assert table["posterior width / prior width"].tolist() == pytest.approx([0.5, 0.25])


def test_section_has_table_figure_indices_and_boxes() -> None:
    rng = np.random.default_rng(1)
    u = rng.random(400)
    wins = u < 0.8
    joint = pd.DataFrame(
        {
            "sample": np.arange(400),
            "point": np.arange(400),
            "draw": np.arange(400),
            "u": u,
            "attacker_wins": wins,
            "winner": np.where(wins, "USSR", "Germany"),
            "loss_exchange_ratio": np.exp(u),
            "decided_by": np.where(wins, "depth", "attrition margin"),
        }
    )
    crossed = joint.assign(point=np.repeat(np.arange(20), 20))
    dec = decompose(crossed, joint, ["u"], [], n_resamples=0)
    priors = {"attrition.german_rate": LogNormal.from_range(0.002, 0.2), "x.linear": Normal(0, 2)}
    text = "\n".join(posterior_section(fake_result(), priors, {"strike": dec}))
    assert "The posterior on the whole 1941 record" in text
    assert text.count("<img") == 1
    assert "P(attacker wins) 0.8" in text or "P(attacker wins) 0.7" in text
    assert "Box 1: the defender wins" in text
