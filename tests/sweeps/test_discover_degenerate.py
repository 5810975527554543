"""discover() on degenerate sweep tables: a parameter column that is not a number is
refused naming the column, and an outcome column with no number in it is refused saying so
(not "in none of the samples", as if the outcome had been measured and failed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forceratio.errors import InputError
from forceratio.sweeps.discover import discover

PARAMS = ["p.x", "p.y"]


def _table(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    x = rng.uniform(size=(n, 2))
    holds = (x[:, 0] >= 0.2) & (x[:, 0] <= 0.5) & (x[:, 1] < 0.3)
    return pd.DataFrame(
        {"p.x": x[:, 0], "p.y": x[:, 1], "attacker_wins": holds, "winner": "x",
         "loss_exchange_ratio": np.where(holds, 0.5, 2.0)}
    )  # fmt: skip


def test_a_parameter_column_with_nan_is_refused_by_name() -> None:
    df = _table()
    df.loc[df.index[:7], "p.y"] = np.nan
    with pytest.raises(InputError) as err:
        discover(df, PARAMS)
    assert err.value.field == "p.y"
    assert "7 of 400" in str(err.value)


def test_an_outcome_column_with_no_number_is_refused_as_such() -> None:
    df = _table().assign(loss_exchange_ratio=np.nan)
    with pytest.raises(InputError) as err:
        discover(df, PARAMS, "loss_exchange_ratio<1")
    assert "not a number in any of the 400 rows" in str(err.value)
    assert "in none of" not in str(err.value)


@pytest.mark.parametrize("n", [1, 15])
def test_too_few_samples_to_peel_are_refused(n: int) -> None:
    """One sample, or fewer than a fresh ``discover`` sweep may have (16): no share of the
    points can be peeled, and a "box" of the whole space at density 1 (what one winning
    sample gave) says nothing. With 16 the search runs."""
    with pytest.raises(InputError) as err:
        discover(_table(n).assign(attacker_wins=True), PARAMS)
    assert err.value.field == "samples"
    assert f"got {n}" in str(err.value)
    assert discover(_table(16).assign(attacker_wins=True), PARAMS)[2] == 16
