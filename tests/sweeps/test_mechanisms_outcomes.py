"""``mechanisms.outcomes`` (every decomposed outcome) and ``outcome_of`` (the one asked)
give the same values, and differ only where a value is not finite: ``outcomes`` leaves
that outcome out, ``outcome_of`` refuses it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forceratio.errors import InputError
from forceratio.sweeps.mechanisms import outcome_of, outcomes


def runs(ler: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "attacker_wins": [True, False, True, False],
            "loss_exchange_ratio": ler,
            "decided_by": ["captured", "break", "captured", "depth"],
            "soviet_losses": [1.0, 2.0, 3.0, 4.0],
        }
    )


def test_outcomes_are_the_values_outcome_of_gives() -> None:
    df = runs([0.5, 2.0, 10.0, 1.0])
    out = outcomes(df)
    assert set(out) == {
        "attacker_wins",
        "log10_loss_exchange_ratio",
        "decided_by=break",
        "decided_by=captured",
        "decided_by=depth",
    }
    np.testing.assert_array_equal(
        out["log10_loss_exchange_ratio"], [np.log10(0.5), np.log10(2.0), 1.0, 0.0]
    )
    np.testing.assert_array_equal(out["decided_by=captured"], [1.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(out["attacker_wins"], [1.0, 0.0, 1.0, 0.0])
    for name, y in out.items():
        np.testing.assert_array_equal(outcome_of(df, name), y)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.inf, np.nan])
def test_a_ratio_not_finite_in_log_is_left_out_or_refused(bad: float) -> None:
    df = runs([0.5, bad, 10.0, 1.0])
    assert "log10_loss_exchange_ratio" not in outcomes(df)
    with pytest.raises(InputError, match="not finite in 1 of 4 runs"):
        outcome_of(df, "log10_loss_exchange_ratio")


def test_a_rule_deciding_every_run_is_no_outcome() -> None:
    df = runs([0.5, 2.0, 10.0, 1.0]).assign(decided_by="captured")
    assert not any(k.startswith("decided_by=") for k in outcomes(df))


def test_morris_refuses_a_value_not_finite_naming_how_many_runs() -> None:
    from forceratio.sweeps.morris import morris

    def one_nan(u: np.ndarray) -> np.ndarray:
        y: np.ndarray = np.asarray(u.sum(axis=1), dtype=float)
        y[3] = np.nan
        return y

    with pytest.raises(InputError, match=r"the outcome is not finite in 1 of 12 runs"):
        morris(one_nan, ["a", "b"], r=4, levels=4, seed=0)
