"""Hostile input (review22a, part 1): each case is read right or refused in one line naming
the field, exit status 2 from the command line, forceratio's own InputError from Python."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio import data
from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.scenarios import load_scenario
from tests.scenario_files import ScenarioFile

runner = CliRunner()
TABLES = Path(data.__file__).parent / "tables"
UMAN = "USSR,Uman encirclement (within the Kiev operation),personnel,"


def _one_line_refusal(args: list[str], *said: str) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    err = res.stderr.strip()
    assert err.startswith("forceratio: error: ") and "\n" not in err, err
    for s in said:
        assert s in err, err
    return err


# ------------------------------------------------------------ H1: dot thousands, --table
def test_data_show_csv_writes_the_shipped_file_again() -> None:
    """Before: every count came out as 498000.0.  Oracle: the shipped CSV itself."""
    for name in ("operations_1941", "strip", "north", "modifiers"):
        res = runner.invoke(app, ["data", "show", name, "--format", "csv"])
        assert res.exit_code == 0, res.output
        shipped = (TABLES / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        assert res.stdout.splitlines() == [x for x in shipped if not x.startswith("#")], name


@pytest.mark.parametrize("sep", [",", ";"])
def test_dot_thousands_beside_whole_floats_is_refused(tmp_path: Path, sep: str) -> None:
    """Before: a table written with 300000.0 everywhere (pandas, the old ``data show``),
    Uman's USSR personnel edited to 300.000, read as 300 men, exit 0.  Oracle: the same
    edit in the shipped integer file is refused, whichever way 300.000 is meant."""
    df = pd.read_csv(TABLES / "operations_1941.csv", comment="#")
    text = df.to_csv(index=False, sep=sep)
    cell = f"{UMAN.replace(',', sep)}300000.0{sep}"
    assert cell in text
    p = tmp_path / "ops.csv"
    p.write_text(text.replace(cell, cell.replace("300000.0", "300.000")), encoding="utf-8")
    _one_line_refusal(
        ["data", "check", "--table", f"operations_1941={p}"], "column value", "'300.000'"
    )
    # the file as pandas wrote it, unedited, still reads: zero decimals are numbers
    p.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["data", "check", "--table", f"operations_1941={p}"])
    assert res.exit_code == 0, res.output


# ---------------------------------------------------------------- M3: deep nesting
DEEP = {
    "list": "[" * 3000 + "]" * 3000,  # past Python's recursion in tomllib
    "table": "{a=" * 40 + "1" + "}" * 40,  # readable, but 40 levels past any scenario's 6
}


@pytest.mark.parametrize("kind", sorted(DEEP))
def test_deeply_nested_toml_is_one_line(tmp_path: Path, kind: str) -> None:
    """Before: a RecursionError traceback of ~3,000 lines, exit 1 (the table: a one-line
    message holding the whole nested value).  Oracle: the refusal names the file or the
    --set and says why, in one line."""
    p = ScenarioFile(head=f"notes = {DEEP[kind]}").write(tmp_path / "deep.toml")
    _one_line_refusal(["run", str(p)], f"{p}: tables or lists nested more than 32 deep")
    ok = ScenarioFile().write(tmp_path / "ok.toml")
    err = _one_line_refusal(["run", str(ok), "--set", f"notes={DEEP[kind]}"], "nested more than")
    assert "--set" in err and "notes" in err and len(err) < 200, err
