"""The fitting model's paths come from the package's one engine: checked against
``scipy.integrate.solve_ivp`` (synth.py, an oracle independent of the engine) with the true
parameters, for the attack factor's day-by-day jumps, arrivals after a side was annihilated
(the engine ends a battle there; the model resumes it at the next arrival) and a batch
whose parameter vectors differ in their exponents (one engine call per exponent pair)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forceratio.fitting.data import Battle, read_battle
from forceratio.fitting.model import law_spec, predict

from .synth import series


def normalised(b: Battle, red_rate: float, blue_rate: float, p: float, q: float) -> list[float]:
    """log alpha, log beta of the engine's rates (model.py's mapping, inverted)."""
    sr, sb = b.scale
    return [
        float(np.log(red_rate * sr**p * sb**q / sb)),
        float(np.log(blue_rate * sb**p * sr**q / sr)),
    ]


def paths_match(b: Battle, df: pd.DataFrame, xs: np.ndarray, ys: np.ndarray) -> None:
    sr, sb = b.scale
    np.testing.assert_allclose(xs * sr, df["red"].to_numpy(), rtol=1e-6, atol=1e-3)
    np.testing.assert_allclose(ys * sb, df["blue"].to_numpy(), rtol=1e-6, atol=1e-3)


def test_attack_days_follow_the_oracle() -> None:
    attack = [1, 1, -1, 0, -1, 1, 1, 1, -1, -1, 1, 0, 1, -1, 1]
    df = series(0.02, 0.03, days=15, attack=attack, attack_factor=1.8, red_arrivals={4: 3000.0})
    b = read_battle(df)
    spec = law_spec("square", attack=True)
    theta = np.array([*normalised(b, 0.02, 0.03, 1.0, 0.0), np.log(1.8)])
    xs, ys = predict(b, spec, theta)
    paths_match(b, df, xs[0], ys[0])
    # the factor matters: without it the paths differ far beyond the tolerance
    xs1, _ = predict(b, spec, np.array([*theta[:2], 0.0]))
    assert np.max(np.abs(xs1[0] - xs[0])) * b.scale[0] > 100.0


def test_a_side_annihilated_fights_again_after_its_next_arrivals() -> None:
    # red (2,000) is destroyed within two days, lands 3,000 after day 6 and is destroyed
    # again; blue's losses resume only then
    df = series(0.01, 0.1, red0=2000.0, blue0=10000.0, days=14, red_arrivals={6: 3000.0})
    red = df["red"].to_numpy()
    assert red[3:7].max() == 0.0
    assert red[7] > 0.0
    b = read_battle(df)
    spec = law_spec("square")
    xs, ys = predict(b, spec, np.array(normalised(b, 0.01, 0.1, 1.0, 0.0)))
    paths_match(b, df, xs[0], ys[0])
    assert ys[0, -1] < ys[0, 6]  # blue lost men after the landing


@pytest.mark.parametrize(
    ("p", "q"), [(1.0, 0.0), (0.5, 0.5), (1.2, 0.4), (2.0, 1.0), (0.0, 1.0)]
)  # fmt: skip
def test_power_law_batches_mix_exponents(p: float, q: float) -> None:
    df = series(0.02, 0.03, p=p, q=q, days=12, red_arrivals={3: 1500.0})
    b = read_battle(df)
    spec = law_spec("power")
    base = np.array([-3.0, -2.5, 1.0, 0.0])
    moved = base + np.array([0.1, 0.0, 0.3, 0.2])
    truth = np.array([*normalised(b, 0.02, 0.03, p, q), p, q])
    batch = np.array([base, truth, moved])
    xs, ys = predict(b, spec, batch)
    paths_match(b, df, xs[1], ys[1])
    alone = predict(b, spec, truth)
    assert np.array_equal(alone[0][0], xs[1])  # a vector's paths do not depend on its batch
    assert np.array_equal(alone[1][0], ys[1])
