"""``forceratio compare``: the 12 June rows carry the outcome over posterior draws by
default, in every format; the probability is the count of draws the attacker wins, found
again through the sweep machinery (paired draws), a separate code path."""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import forceratio.sweeps.posterior as posterior_mod
from forceratio.cli.app import app
from forceratio.sweeps.design import Design
from forceratio.sweeps.evaluate import SweepSpec, evaluate_chunk
from forceratio.sweeps.posterior import PosteriorDraws

runner = CliRunner()
NAMES = ["strike-12june-strip", "barbarossa-22june-strip"]
RATES = ("attrition.german_rate", "attrition.soviet_rate", "operations.advance.scale")
KEYS = ("p_attacker_wins", "p_attacker_wins_ci", "decided_by", "soviet_losses_posterior_q50")


def fake_posterior() -> Any:
    """A posterior wide enough that the strike is won in some draws and lost in others."""
    rng = np.random.default_rng(0)
    g = np.exp(rng.uniform(np.log(0.004), np.log(0.04), 500))
    s = np.exp(rng.uniform(np.log(0.001), np.log(0.02), 500))
    a = np.exp(rng.uniform(np.log(0.05), np.log(20.0), 500))
    return SimpleNamespace(
        posterior_draws=500,
        names=RATES,
        model_names=RATES,
        draws=np.stack([g, s, a], axis=1),
        fixed={},
        method="fake",
    )


@pytest.fixture(autouse=True)
def posterior(monkeypatch: pytest.MonkeyPatch) -> Any:
    fake = fake_posterior()
    monkeypatch.setattr(posterior_mod, "record_posterior", lambda session: fake)
    return fake


def _compare(*args: str) -> str:
    res = runner.invoke(app, ["compare", *NAMES, *args])
    assert res.exit_code == 0, res.output
    return res.output


def test_json_rows_carry_the_posterior_outcome_by_default(posterior: Any) -> None:
    rows = json.loads(_compare("--format", "json"))
    strike, june22 = rows
    for key in KEYS:
        assert key in strike
        assert key not in june22  # only the 12 June rows
    assert strike["posterior_draws_used"] == 200
    lo, hi = strike["p_attacker_wins_ci"]
    assert lo <= strike["p_attacker_wins"] <= hi
    assert 0.0 <= strike["p_attacker_wins"] <= 1.0
    assert hi - lo > 0  # a Jeffreys interval over 200 draws is never a point
    assert sum(strike["decided_by"].values()) == pytest.approx(1.0)
    q = [strike[f"soviet_losses_posterior_q{k}"] for k in ("05", "50", "95")]
    assert q == sorted(q)
    # the same 200 draws (seed 0) through the sweep runner, paired with one design point
    draws = PosteriorDraws.from_result(posterior, 200, 0)
    # (compare runs the draws alone: what they do not draw at the raw defaults, calibration=())
    design = Design.make("random", [], 200, 0)
    spec = SweepSpec(NAMES[0], design, calibration=(), posterior=draws, paired=True)
    df = evaluate_chunk(spec, 0, 200)
    assert strike["p_attacker_wins"] == df["attacker_wins"].sum() / 200
    shares = df["decided_by"].value_counts(normalize=True).to_dict()
    assert strike["decided_by"] == pytest.approx(shares)


def test_seed_and_draws_options() -> None:
    a = json.loads(_compare("--format", "json", "--posterior", "50", "--seed", "3"))[0]
    b = json.loads(_compare("--format", "json", "--posterior", "50", "--seed", "3"))[0]
    assert a["posterior_draws_used"] == 50
    assert a["p_attacker_wins"] == b["p_attacker_wins"]
    none = json.loads(_compare("--format", "json", "--posterior", "0"))[0]
    assert "p_attacker_wins" not in none
    unc = json.loads(_compare("--format", "json", "--uncalibrated"))[0]
    assert "p_attacker_wins" not in unc


def test_every_format_carries_the_keys() -> None:
    rows = list(csv.DictReader(io.StringIO(_compare("--format", "csv"))))
    # the flat formats split the interval and the shares (hrep20: no Python reprs in a cell)
    flat_keys = ("p_attacker_wins", "p_attacker_wins_ci_low", "p_attacker_wins_ci_high",
                 "soviet_losses_posterior_q50")  # fmt: skip
    shares = [k for k in rows[0] if k.startswith("decided_by_") and k != "decided_by_text"]
    assert shares
    for key in (*flat_keys, *shares):
        assert rows[0][key] != ""
        assert rows[1][key] == ""
    md = _compare("--format", "markdown")
    tex = _compare("--format", "latex")
    for key in flat_keys:
        assert f" {key} " in md.splitlines()[2]
        assert key.replace("_", r"\_") in tex
    table = _compare("--format", "table")
    assert "P(attacker wins) over" in table  # the label wraps on a narrow terminal
    assert "decided by" in table
    assert "(d) the 12 June scenarios run once per draw" in table


def test_sweep_posterior_cli(tmp_path: Any) -> None:
    args = ["sweep", NAMES[0], "--vary", "modifiers.quality.Germany=0.5:1.5", "--samples", "4"]
    res = runner.invoke(
        app,
        [
            *args,
            "--posterior",
            "3",
            "--seed",
            "2",
            "--out",
            str(tmp_path / "c"),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["rows"] == 12
    assert out["posterior_draws"] == 3
    res = runner.invoke(
        app,
        [
            *args,
            "--posterior",
            "3",
            "--paired",
            "--seed",
            "2",
            "--out",
            str(tmp_path / "p"),
            "--format",
            "json",
        ],
    )
    assert json.loads(res.output)["rows"] == 4
    res = runner.invoke(app, [*args, "--paired", "--seed", "2", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2
    assert "--posterior" in res.output


def test_sensitivity_posterior_cli() -> None:
    res = runner.invoke(
        app, ["sensitivity", NAMES[0], "--posterior", "256", "--seed", "1", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["runs"] == 256
    assert {g["outcome"] for g in out["groups"]} >= {"attacker_wins"}
    kinds = {r["parameter"]: r["kind"] for r in out["indices"]}
    assert kinds["attrition.german_rate"] == "posterior"
    assert kinds["modifiers.quality.Germany"] == "assumption"
    assert out["flip"]["outcome"] in ("defender", "winner")
