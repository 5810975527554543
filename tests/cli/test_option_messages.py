"""The low findings of review17 (11, 14-17): options that would be ignored, a percent
written '%', TOML after a line break in --set, Sobol indices of an outcome that never
varies, and messages that named the wrong thing or showed numpy's repr."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forceratio.errors import InputError
from tests.cli.refusals import refused
from tests.scenario_files import ScenarioFile

BASE = ScenarioFile(
    name="arms", date="1973-10-14", attacker="USSR", duration_days=20, law=None,
    soviet_rate=0.0134, german_rate=0.111, ussr=81160, germany=43400,
)  # fmt: skip


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return BASE.write(tmp_path / "base.toml")


def _strip(tmp_path: Path, unit: str) -> Path:
    text = resources.files("forceratio.data").joinpath("tables/strip.csv").read_text("utf-8")
    assert text.count(",percent,") == 5  # the shares present on 12 June
    path = tmp_path / f"strip_{unit.strip('%') or 'pct'}.csv"
    path.write_text(text.replace(",percent,", f",{unit},"))
    return path


# ---------------------------------------------------------------- 11: ignored options
def test_list_refuses_workers(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ["sweep", "strike-12june-strip", "--list", "--workers", "2"])
    assert line.startswith("forceratio: error: --workers:")


def test_a_table_given_twice(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["run", "strike-12june-strip", "--table", "strip=a.csv", "--table", "strip=b.csv"]
    assert "strip given twice" in refused(capsys, args)


def test_weights_without_custom_combat_power(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base.write_text(BASE.text() + '[weights]\npersonnel = { value = 2, source = "x" }\n')
    assert 'combat_power = "custom"' in refused(capsys, ["run", str(base)])


# ---------------------------------------------------------------- 14: a percent as '%'
def test_percent_sign_is_a_percent(tmp_path: Path) -> None:
    from forceratio.scenarios import load
    from forceratio.scenarios.registry import PARAMETERS

    path = _strip(tmp_path, "%")
    prep = load("strike-12june-strip", [], {"strip": str(path)})
    # the oracle: the table's own personnel share present, its value or (not found) the
    # midpoint of its sourced bounds, as a percent
    df = pd.read_csv(path)
    row = df[(df["unit"] == "%") & (df["category"] == "personnel")].iloc[0]
    pct = row["value"] if np.isfinite(row["value"]) else (row["low"] + row["high"]) / 2
    got = PARAMETERS["presence.strip.personnel"].value(prep)
    assert got == pytest.approx(pct / 100, rel=1e-12)
    assert 0 < got < 1


def test_other_percent_unit_is_named(tmp_path: Path) -> None:
    from forceratio.scenarios import load

    with pytest.raises(InputError, match=r"unit 'pct'.*percent or %"):
        load("strike-12june-strip", [], {"strip": str(_strip(tmp_path, "pct"))})


# ---------------------------------------------------------------- 15: --set line break
def test_set_with_a_line_break(base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ["run", str(base), "--set", "breakpoints.USSR=0.1\nfoo=1"])
    assert line.startswith("forceratio: error: --set:")
    assert "line break" in line


# ---------------------------------------------------------------- 16: a constant outcome
def test_sobol_of_an_outcome_that_never_varies(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vary = ["--vary", "attrition.german_rate=0.05:0.2", "--vary", "breakpoints.USSR=0.1:0.5"]
    args = ["sensitivity", str(base), *vary, "--samples", "8", "--outcome", "soviet_tanks_lost"]
    line = refused(capsys, args)
    assert "soviet_tanks_lost is 0 in every one of the" in line
    assert "undefined" in line


# ---------------------------------------------------------------- 17: messages
def test_times_shown_as_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ["battle", "--times", "-1,2"])
    assert "[-1.0, 2.0]" in line
    assert "array" not in line


def test_nan_readiness_says_finite(base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base.write_text(BASE.text() + "[operations.readiness.USSR]\npersonnel = nan\n")
    assert "finite" in refused(capsys, ["run", str(base)])


def test_nan_outcome_level_refused() -> None:
    from forceratio.sweeps.discover import outcome_holds

    df = pd.DataFrame({"soviet_losses": np.array([1.0, 2.0])})
    with pytest.raises(InputError, match="finite"):
        outcome_holds(df, "soviet_losses<nan")


def test_missing_table_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ["run", "strike-12june-strip", "--table", "strip=nosuch.csv"])
    assert line == "forceratio: error: --table strip=nosuch.csv: file not found"


def test_resume_names_what_differs(base: Path, tmp_path: Path) -> None:
    from forceratio.sweeps.store_checks import difference

    old = {"spec": {"design": {"seed": 1, "samples": 8}}, "chunk_size": 5}
    new = {"spec": {"design": {"seed": 5, "samples": 8}}, "chunk_size": 5}
    assert "spec.design.seed (1 then, 5 now)" in difference(old, new)


def test_walkers_help_gives_the_minimum() -> None:
    from typer.testing import CliRunner

    from forceratio.cli.app import app
    from forceratio.scenarios.record1941 import SHARED

    res = CliRunner().invoke(app, ["calibrate", "--help"], env={"COLUMNS": "200"})
    # the help's words, whatever the panel's width wraps (its borders and indents dropped)
    words = " ".join(res.output.replace("\u2502", " ").split())
    k = len(SHARED) + 1  # the whole record's free parameters: the shared ones and sigma
    assert f"{2 * k + 2} for the whole record's {k}" in words
    assert "x>=2" not in res.output
