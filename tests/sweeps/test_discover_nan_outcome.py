"""``discover`` on an outcome column that is not a number in some runs: those runs are left
out and counted, not read as the outcome failing.

Oracle: 2,000 uniform points where ``loss_exchange_ratio < 1`` holds exactly in the box
0.2 <= x <= 0.5, y < 0.3 (density 1, coverage 1 by construction), with the column made NaN
in 40% of the points inside the box (as a ratio 0/0 is where nobody is lost).  Read as "does
not hold", those points dilute the true box to a density near 0.6, under the 0.8 threshold,
and PRIM reports a box that is not the one planted; left out, the planted box is found with
density and coverage 1 and the count of points left out is the number made NaN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.errors import InputError
from forceratio.sweeps.discover import discover

PARAMS = ["p.x", "p.y"]


def _table(n: int = 2000, nan_share: float = 0.4, seed: int = 11) -> tuple[pd.DataFrame, int]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 2))
    inside = (x[:, 0] >= 0.2) & (x[:, 0] <= 0.5) & (x[:, 1] < 0.3)
    ratio = np.where(inside, 0.5, 2.0)
    gone = inside & (rng.uniform(size=n) < nan_share)
    ratio[gone] = np.nan
    df = pd.DataFrame({"p.x": x[:, 0], "p.y": x[:, 1], "attacker_wins": inside, "winner": "x",
                       "loss_exchange_ratio": ratio})  # fmt: skip
    return df, int(gone.sum())


def test_nan_outcomes_are_left_out_and_counted_and_the_planted_box_is_found() -> None:
    df, gone = _table()
    assert gone > 50
    found = discover(df, PARAMS, "loss_exchange_ratio<1")
    assert found.unknown == gone
    assert found.samples == len(df) - gone
    box = found.boxes[0]
    assert box.density == 1.0
    assert box.coverage == 1.0
    edges = {c["parameter"]: (c["low"], c["high"]) for c in box.conditions()}
    assert edges["p.x"] == pytest.approx((0.2, 0.5), abs=0.01)
    assert edges["p.y"][1] == pytest.approx(0.3, abs=0.01)
    assert edges["p.y"][0] == pytest.approx(df["p.y"].min())


def test_an_infinite_outcome_compares_as_a_number() -> None:
    """+inf is a measured value (a ratio over nothing lost), greater than any level: it
    holds for ``>1`` wherever it is (outside the planted box), not "in none of the samples"."""
    from forceratio.sweeps.discover import outcome_holds

    df, _ = _table(nan_share=0.0)
    df.loc[df["loss_exchange_ratio"] == 2.0, "loss_exchange_ratio"] = np.inf
    held, known, _ = outcome_holds(df, "loss_exchange_ratio>1")
    assert known.all()
    assert np.array_equal(held, ~df["attacker_wins"].to_numpy())
    assert discover(df, PARAMS, "loss_exchange_ratio>1").boxes[0].coverage == 1.0


def test_replicated_samples_decide_by_their_known_runs() -> None:
    """Three runs a sample: where the outcome holds in its one known run (the other two NaN)
    it holds (1 of 1), not fails (1 of 3); a sample with no known run is left out."""
    df, _ = _table(n=400, nan_share=0.0)
    runs = df.loc[df.index.repeat(3)].reset_index(drop=True)
    runs["sample"] = np.repeat(np.arange(400), 3)
    rep = np.tile(np.arange(3), 400)
    runs.loc[rep > 0, "loss_exchange_ratio"] = np.nan
    runs.loc[runs["sample"] < 10, "loss_exchange_ratio"] = np.nan
    found = discover(runs, PARAMS, "loss_exchange_ratio<1", threshold=0.95)
    assert found.unknown == 10
    assert found.samples == 390
    assert found.boxes[0].density == 1.0
    assert found.boxes[0].coverage == 1.0


def test_too_few_known_samples_are_refused_saying_how_many_were_left_out() -> None:
    df, _ = _table(n=40, nan_share=0.0)
    df.loc[df.index[:30], "loss_exchange_ratio"] = np.nan
    with pytest.raises(InputError) as err:
        discover(df, PARAMS, "loss_exchange_ratio<1")
    assert err.value.field == "samples"
    assert "got 10 (30 more left out" in str(err.value)


def test_the_command_says_how_many_samples_it_left_out(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's table says the count; its JSON carries ``left_out`` on every box."""
    import json

    from forceratio.cli import discover as command
    from forceratio.cli.app import app

    df, gone = _table()
    ranges = {"p.x": (0.0, 1.0), "p.y": (0.0, 1.0)}
    monkeypatch.setattr(command, "_sweep", lambda *a, **k: (df, ranges))
    base = ["discover", "strike-12june-strip", "--outcome", "loss_exchange_ratio<1"]
    r = CliRunner().invoke(app, [*base, "--format", "json"])
    assert r.exit_code == 0, r.output
    assert all(b["left_out"] == gone for b in json.loads(r.stdout))
    r = CliRunner().invoke(app, base)
    assert r.exit_code == 0, r.output
    assert f"note: {gone:,} samples left out" in r.stdout
