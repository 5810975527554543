"""A user scenario's ``side_names`` name the sides in ``sweep --list``, the
sweep's printed summary and the sensitivity tables; the stored columns keep the slots'
machine names (``soviet_losses``, ``winner`` = the slot), as compare's JSON keeps its keys."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from forceratio.cli.app import app
from tests.scenario_files import ScenarioFile

runner = CliRunner()

FILE = ScenarioFile(
    name="named", description="square law, two named sides", date=None, duration_days=30,
    head='side_names = { USSR = "Blue", Germany = "Red" }',
)  # fmt: skip
VARY = ["--vary", "attrition.german_rate=0.01:0.014", "--vary", "modifiers.quality.USSR=0.8:1.2"]
OLD_WORDS = ("Soviet", "German")


def _file(tmp_path: Path) -> str:
    return str(FILE.write(tmp_path / "named.toml"))


def _text(output: str) -> str:
    return " ".join(output.replace("│", " ").split())


def test_sweep_list_labels_use_the_side_names(tmp_path: Path) -> None:
    res = runner.invoke(app, ["sweep", _file(tmp_path), "--list", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["path"]: r for r in json.loads(res.output)}
    assert rows["attrition.german_rate"]["label"] == "Red kill rate"
    assert rows["modifiers.quality.USSR"]["label"].startswith("Blue quality")
    assert "breakpoints.Germany" in rows  # the paths keep the slots
    for r in rows.values():
        assert not any(w in r["label"] for w in OLD_WORDS), r["label"]
    table = runner.invoke(app, ["sweep", _file(tmp_path), "--list"])
    assert "Red kill rate" in _text(table.output)


def test_sweep_prints_names_and_stores_slot_columns(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    res = runner.invoke(
        app, ["sweep", _file(tmp_path), *VARY, "--samples", "8", "--seed", "1", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    text = _text(res.output)
    assert "Blue men lost (soviet_losses)" in text
    assert "Red men lost (german_losses)" in text
    assert "Blue men lost per Red (loss_exchange_ratio)" in text
    df = pd.read_parquet(out)
    for col in ("soviet_losses", "german_losses", "winner", "attrition.german_rate"):
        assert col in df.columns
    assert set(df["winner"]) <= {"USSR", "Germany", "none"}
    csv = runner.invoke(
        app, ["sweep", _file(tmp_path), "--resume", *VARY, "--samples", "8", "--seed", "1",
              "--out", str(out), "--format", "csv"],
    )  # fmt: skip
    assert csv.exit_code == 0, csv.output
    assert "\nsoviet_losses," in csv.output  # CSV is for machines: the stored names


def test_sensitivity_tables_use_the_side_names(tmp_path: Path) -> None:
    sobol = runner.invoke(
        app, ["sensitivity", _file(tmp_path), *VARY, "--samples", "16", "--seed", "1",
              "--outcome", "soviet_losses"],
    )  # fmt: skip
    assert sobol.exit_code == 0, sobol.output
    text = _text(sobol.output)
    assert "Sobol indices of Blue men lost (soviet_losses)" in text
    assert "Red kill rate" in text
    assert "(attrition.german_rate)" in text
    assert "Blue quality" in text
    assert "(modifiers.quality.USSR)" in text
    morris = runner.invoke(
        app, ["sensitivity", _file(tmp_path), *VARY, "--method", "morris", "--trajectories",
              "4", "--seed", "1"],
    )  # fmt: skip
    assert morris.exit_code == 0, morris.output
    text = _text(morris.output)
    assert "Blue quality" in text
    assert "Red kill rate" in text
    assert not any(w in text for w in OLD_WORDS)
