"""The shipped tables: schema, provenance, derived rows, and strict failure on bad files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio import data
from forceratio.cli import run
from forceratio.cli.app import app
from forceratio.errors import InputError

runner = CliRunner()


@pytest.mark.parametrize("name", data.tables())
def test_table_loads_and_keeps_its_provenance(name: str) -> None:
    df = data.load(name)
    assert list(df.columns) == list(data.COLUMNS)
    assert len(df) > 0
    keys = set(data.sources()["key"])
    assert set(df["source"]) <= keys
    verified = df[df["verified"] == "yes"]
    assert (verified["locator"] != "").all()
    assert verified["value"].notna().all()
    rng = df.dropna(subset=["low", "high", "value"])
    assert (rng["low"] <= rng["value"]).all()
    assert (rng["value"] <= rng["high"]).all()


@pytest.mark.parametrize("name", data.tables())
def test_derived_rows_recompute(name: str) -> None:
    """Each derivation 'words = arithmetic' uses only figures of the same table (values, and
    the bounds of a figure not found; and 1, 2 or 100, as the schema's STRUCTURAL) and
    recomputes to the stored value, to its rounding."""
    df = data.load(name)
    figures = set(pd.concat([df[c] for c in ("value", "low", "high")]).dropna()) | {1.0, 2.0, 100.0}
    for rec in df[df["source"] == "derived"].to_dict(orient="records"):
        expr = str(rec["derivation"]).rsplit("=", 1)[-1]
        assert re.fullmatch(r"[\d.+\-*/() ]+", expr), expr
        numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", expr)]
        assert set(numbers) <= figures, f"inputs {numbers} not all figures of {name}"
        result = eval(expr, {"__builtins__": {}})  # digits and operators only (checked above)
        value = float(rec["value"])
        assert abs(result - value) <= (0.5 if value >= 100 else 5e-4), rec["derivation"]


def test_unfound_figures_stay_empty_and_flagged() -> None:
    df = data.load("outcome_22june")
    gaps = df[df["value"].isna()]
    assert len(gaps) >= 2  # Belorussian initial strength, Lvov-Chernovtsy sanitary losses
    assert (gaps["verified"] == "no").all()
    assert gaps["note"].str.contains("NOT FOUND").all()


def test_krivosheev_sum_is_the_border_battle_total() -> None:
    df = data.load("outcome_22june")
    irr = df[(df["category"] == "irrecoverable_losses") & (df["source"] == "krivosheev")]
    total = df[(df["category"] == "irrecoverable_losses") & (df["source"] == "derived")]
    assert irr["value"].sum() == pytest.approx(float(total["value"].iloc[0]))
    assert float(total["value"].iloc[0]) == pytest.approx(589_000, rel=0.001)  # Solonin's figure


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "user.csv"
    p.write_text(text)
    return p


HEADER = ",".join(data.COLUMNS)
GOOD = "USSR,x,divisions,10,,,count,1941-06-12,article,p. 1,yes,,"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("USSR,x,divisions,ten,,,count,1941-06-12,article,p. 1,yes,,", "value"),
        ("USSR,x,divisions,-3,,,count,1941-06-12,article,p. 1,yes,,", "value"),
        ("USSR,x,divisions,nan,,,count,1941-06-12,article,p. 1,yes,,", "value"),
        ("USSR,x,divisions,10,12,15,count,1941-06-12,article,p. 1,yes,,", "value"),
        ("USSR,x,divisions,10,,,count,1941-02-30,article,p. 1,yes,,", "as_of"),
        ("USSR,x,divisions,10,,,count,12 June,article,p. 1,yes,,", "as_of"),
        ("USSR,x,divisions,10,,,count,1941-06-12,nobody,p. 1,yes,,", "source"),
        ("USSR,x,divisions,10,,,count,1941-06-12,article,,yes,,", "locator"),
        ("USSR,x,divisions,10,,,count,1941-06-12,derived,,no,,", "derivation"),
        ("USSR,x,divisions,10,,,count,1941-06-12,article,p. 1,maybe,,", "verified"),
        ("France,x,divisions,10,,,count,1941-06-12,article,p. 1,yes,,", "side"),
        ("USSR,x,horses,10,,,count,1941-06-12,article,p. 1,yes,,", "category"),
        ("USSR,x,division,10,,,count,1941-06-12,article,p. 1,yes,,", "category"),
        (GOOD, "formation"),  # the same row twice
        (
            "USSR,x,divisions,11,,,count,1941-06-12,article,p. 2,yes,,",
            "formation",
        ),  # one figure, two values
    ],
)
def test_malformed_user_table_names_file_row_and_column(
    tmp_path: Path, row: str, column: str
) -> None:
    p = _write(tmp_path, f"{HEADER}\n{GOOD}\n{row}\n")
    with pytest.raises(InputError) as exc:
        data.load("sokolov", p)
    msg = str(exc.value)
    assert str(p) in msg
    assert "row 3" in msg
    assert f"column {column}" in msg


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ("USSR,x,divisions,ten,,,count,1941-06-12,article,p. 1,yes,,", "column value"),
        ("USSR,y,divisions,1e,,,count,1941-06-12,article,p. 1,yes,,", "column value"),
        (GOOD, "column formation: repeats row 4's figure"),
    ],
)
def test_rows_are_the_files_lines_with_blank_lines_and_a_two_line_note(
    tmp_path: Path, row: str, needle: str
) -> None:
    """review13 D-fit-row: blank lines shifted the row numbers.  The expected row is the
    line the bad row is on (found in the text itself); the good row's note spans lines 4-5
    (a quoted cell), so the bad row's line is not its position + 2 either way."""
    good = GOOD.removesuffix(",") + ',"a note\nover two lines"'
    text = f"{HEADER}\n\n\n{good}\n\n{row}\n"
    line = text.splitlines().index(row) + 1
    assert line == 7
    p = _write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        data.load("sokolov", p)
    assert f"row {line}, {needle}" in str(exc.value)


def test_a_huge_figure_is_named_itself_not_the_derivation_using_it(tmp_path: Path) -> None:
    """review13 t_huge: 1e308 in strip.csv's line 22 (461680, an input of line 67's
    derivation) was blamed on line 67 ("461680 is not a figure of this table")."""
    shipped = Path(data.__file__).parent / "tables" / "strip.csv"
    lines = shipped.read_text().splitlines()
    assert ",personnel,461680," in lines[21]
    lines[21] = lines[21].replace(",personnel,461680,", ",personnel,1e308,")
    p = _write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"row 22, column value: 1e\+308 is above"):
        data.load("strip", p)
    from forceratio.data.schema import MAX_FIGURE
    from forceratio.simulator.magnitudes import STRENGTH_RANGE

    assert STRENGTH_RANGE[1] == MAX_FIGURE


def test_a_misspelt_category_is_named_with_the_nearest_known_one(tmp_path: Path) -> None:
    p = _write(tmp_path, f"{HEADER}\nUSSR,x,tank,10,,,count,1941-06-12,article,p. 1,yes,,\n")
    with pytest.raises(InputError, match="unknown category 'tank'; did you mean 'tanks'"):
        data.load("sokolov", p)


def test_a_misspelt_source_key_is_named_with_the_nearest_known_one(tmp_path: Path) -> None:
    p = _write(tmp_path, f"{HEADER}\nUSSR,x,tanks,10,,,count,1941-06-12,krivoshev,p. 1,yes,,\n")
    with pytest.raises(
        InputError, match="unknown source key 'krivoshev'; did you mean 'krivosheev'"
    ):
        data.load("sokolov", p)


def test_cli_bad_user_table_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = _write(
        tmp_path, f"{HEADER}\n{GOOD}\nUSSR,x,divisions,abc,,,count,1941-06-12,article,p. 1,yes,,\n"
    )
    before = p.read_text()
    code = run(["data", "check", "--table", f"sokolov={p}"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "row 3, column value" in err
    assert p.read_text() == before  # nothing written over the user's file


def test_user_table_replaces_builtin(tmp_path: Path) -> None:
    p = _write(tmp_path, f"{HEADER}\n{GOOD}\n")
    res = runner.invoke(
        app, ["data", "show", "sokolov", "--table", f"sokolov={p}", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 1
    assert rows[0]["value"] == 10.0


def test_cli_list_json_and_check() -> None:
    res = runner.invoke(app, ["data", "list", "--format", "json"])
    listed = json.loads(res.stdout)
    assert {r["name"] for r in listed} == set(data.tables())
    assert all({"name", "rows", "description"} <= set(r) for r in listed)
    assert runner.invoke(app, ["data", "check"]).exit_code == 0
    shown = json.loads(
        runner.invoke(app, ["data", "show", "outcome_22june", "--format", "json"]).stdout
    )
    assert set(shown[0]) == set(data.COLUMNS)
    assert any(r["value"] is None for r in shown)  # gaps stay empty (null)


def test_unknown_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["data", "show", "nope"]) == 2
    assert "unknown table" in capsys.readouterr().err


def test_sources_have_citations() -> None:
    s = data.sources()
    assert (s["citation"].str.len() > 10).all()
    assert not s["key"].duplicated().any()
    assert isinstance(s, pd.DataFrame)
    assert np.all(s["key"] != "")
