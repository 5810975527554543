"""Hostile input (review22a, part 1): each case is read right or refused in one line naming
the field, exit status 2 from the command line, forceratio's own InputError from Python."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import forceratio
from forceratio import Multiplier, Reinforcements, data, scenarios, simulate, simulate_stochastic
from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting.data import read_battle
from forceratio.scenarios import load_scenario
from forceratio.scenarios.schema import CATEGORIES
from tests.scenario_files import ScenarioFile, arrival

runner = CliRunner()
TABLES = Path(data.__file__).parent / "tables"
UMAN = "USSR,Uman encirclement (within the Kiev operation),personnel,"


def _one_line_refusal(args: list[str], *said: str) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    err = res.stderr.strip()
    assert err.startswith("forceratio: error: "), err
    assert "\n" not in err, err
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
    assert "--set" in err, err
    assert "notes" in err, err
    assert len(err) < 200, err


# ------------------------------------------------------------- M6: the Python API's types
@pytest.mark.parametrize("bad", [5, None, b"base.toml"])
def test_load_scenario_of_no_path_is_an_input_error(bad: object) -> None:
    """Before: TypeError from os/pathlib."""
    with pytest.raises(InputError, match=r"^name_or_path: expected a built-in name or a file"):
        load_scenario(bad)  # type: ignore[arg-type]


def test_simulate_and_schedules_of_wrong_types_are_input_errors() -> None:
    """Before: AttributeError ('NoneType' object has no attribute 'time_dependent'),
    ValueError (could not convert string to float: 'a')."""
    for call, field in (
        (lambda: simulate(None), "eng"),  # type: ignore[arg-type]
        (lambda: simulate({"red": 1}), "eng"),  # type: ignore[arg-type]
        (lambda: simulate_stochastic(None, replications=2, seed=1), "eng"),  # type: ignore[arg-type]
        (lambda: Reinforcements(transit_loss="a"), "reinforcements.transit_loss"),  # type: ignore[arg-type]
        (lambda: Reinforcements.arrivals(["x"], [[1.0]]), "reinforcements.times"),  # type: ignore[list-item]
        (lambda: Multiplier(np.zeros(1), "a"), "multiplier.values"),  # type: ignore[arg-type]
    ):
        with pytest.raises(InputError) as exc:
            call()
        assert exc.value.field == field, exc.value
        assert "\n" not in str(exc.value), exc.value


@pytest.mark.parametrize(
    ("key", "value", "toml"),
    [
        ("side_names", {"USSR": "Blue", "Germany": "Red"},
         'side_names = { USSR = "Blue", Germany = "Red" }'),
        ("operations", {"outcome": {"depth_km": 50}}, "[operations.outcome]\ndepth_km = 50"),
        ("uncertainty", {"breakpoints.USSR": [0, 0.5]},
         '[uncertainty]\n"breakpoints.USSR" = [0, 0.5]'),
    ],
)  # fmt: skip
def test_a_mapping_of_sets_takes_tables_as_they_are(
    tmp_path: Path, key: str, value: dict[str, object], toml: str
) -> None:
    """Before: 'Input should be a valid dictionary, got "{...}"' (the dict's repr read as a
    bare word).  Oracle: the same table written in the file."""
    base = ScenarioFile().write(tmp_path / "base.toml")
    given = ScenarioFile(head=toml).write(tmp_path / "given.toml")
    assert load_scenario(str(base), {key: value}) == load_scenario(str(given))


# ------------------------------------------------------------- M7: unknown [weights] keys
@pytest.mark.parametrize(("key", "hint"), [("horses", ""), ("tank", "did you mean 'tanks'? ")])
def test_an_unknown_weight_category_is_refused(tmp_path: Path, key: str, hint: str) -> None:
    """Before: ``horses = { value = 1, source = "x" }`` ran, exit 0, the weight ignored.
    Oracle: the categories a scenario counts (model.CATEGORIES)."""
    weights = (
        'combat_power = "custom"\n[weights]\npersonnel = { value = 1, source = "x" }\n'
        f'{key} = {{ value = 1, source = "x" }}'
    )
    p = ScenarioFile(combat_power=None, head=weights).write(tmp_path / "w.toml")
    _one_line_refusal(
        ["run", str(p)],
        f"{p}: weights.{key}: unknown key; {hint}allowed here: {', '.join(CATEGORIES)}",
    )


# ------------------------------------------------------- M5: advances and divisions, bounded
@pytest.mark.parametrize(
    ("toml", "field", "bound"),
    [
        ("[operations.advance]\nscale = 1e308\ncap = 1e308", "operations.advance.scale", "1000"),
        ("[operations.advance]\ncap = 1e308", "operations.advance.cap", "1000"),
        ("[operations.outcome]\ndepth_km = 1e300", "operations.outcome.depth_km", "40000"),
    ],
)
def test_an_advance_past_any_battle_is_refused(
    tmp_path: Path, toml: str, field: str, bound: str
) -> None:
    """Before: exit 0 with 'numerical trouble (overflow...)' and a win by depth on day 0
    with no depth shown.  Oracle: the bounds (km/day, km) in scenarios/bounds.py; the
    same value from --vary is refused alike, and the bound itself is taken."""
    p = ScenarioFile(head=toml).write(tmp_path / "a.toml")
    _one_line_refusal(["run", str(p)], f"{p}: {field}: must be <= {bound}, got 1e+")
    ok = ScenarioFile().write(tmp_path / "ok.toml")
    _one_line_refusal(
        ["sweep", str(ok), "--vary", f"{field}=1:1e300", "--samples", "4", "--out",
         str(tmp_path / "sw")],
        f"{field}: must be in", f"{bound}], got 1e+300",
    )  # fmt: skip
    load_scenario(str(ok), {field: float(bound)})


def test_mobile_divisions_past_any_army_are_refused(tmp_path: Path) -> None:
    """Before: a sector's panzer divisions changed to 1e300 on day 5 ran to an annihilation
    on day 5, exit 0.  Oracle: the bound of 10,000 divisions in scenarios/bounds.py."""
    text = ScenarioFile().text().replace(
        'name = "A"\n', 'name = "A"\nmobile = { USSR = 2, Germany = 4 }\n'
        "mobile_changes = [{ day = 5, Germany = 1e300 }]\n",
    )  # fmt: skip
    assert "mobile_changes" in text
    p = tmp_path / "m.toml"
    p.write_text(text, encoding="utf-8")
    _one_line_refusal(
        ["run", str(p)], f"{p}: sectors.0.mobile_changes.0.Germany: must be <= 10000, got 1e+300"
    )


# ------------------------------------------------- L2, L3: windows and changes of no length
def _json(args: list[str]) -> dict[str, object]:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    return dict(out[0] if isinstance(out, list) else out)


def test_an_arrival_window_of_no_real_length_is_an_arrival_on_its_day(tmp_path: Path) -> None:
    """Before: end_day = start_day + 1e-10 refused as '6e+14 is outside the range the engine
    resolves' with neither file nor field.  Oracle: the same men all on that day (end_day =
    start_day), the documented discrete arrival."""
    runs = []
    for end in (3.0000000001, 3):
        p = ScenarioFile(tail=arrival("Germany", 3, end, 60000)).write(tmp_path / f"{end}.toml")
        runs.append(_json(["run", str(p), "--uncalibrated", "--format", "json"]))
    for key in ("soviet_losses", "german_losses"):
        assert runs[0][key] == pytest.approx(runs[1][key], rel=1e-9), key


def test_a_mobile_change_past_the_run_is_refused(tmp_path: Path) -> None:
    """Before: a change on day 50 of a 20-day run accepted silently (an arrival there is
    refused).  Oracle: the arrivals' refusal, worded alike."""
    text = ScenarioFile(duration_days=20).text()
    mobile = "mobile = { Germany = 4 }\nmobile_changes = [{ day = 50, Germany = 1 }]\n"
    text = text.replace('name = "A"\n', f'name = "A"\n{mobile}')
    text = text.replace(
        "[attrition]", "[operations.capture]\nmobile_reference = { Germany = 4 }\n[attrition]"
    )
    p = tmp_path / "mc.toml"
    p.write_text(text, encoding="utf-8")
    _one_line_refusal(
        ["run", str(p)],
        f"{p}: sectors.0.mobile_changes.0.day: sector 'A': day 50 is after the run ends",
    )


# ------------------------------------------------ L5: a zero weight named as the file's
def test_every_weight_zero_names_the_file_and_weight(tmp_path: Path) -> None:
    """Before: 'red.weights: at least one category weight must be > 0' (the engine's side,
    no file).  Oracle: the other weight refusals, '<file>: weights.<category>: ...'."""
    head = 'combat_power = "custom"\n[weights]\npersonnel = { value = 0, source = "x" }'
    p = ScenarioFile(combat_power=None, head=head).write(tmp_path / "s.toml")
    said = "weights.personnel: every category the scenario has weighs 0 (personnel)"
    _one_line_refusal(["run", str(p)], f"forceratio: error: {p}: {said}")
    with pytest.raises(InputError, match=rf"^{re.escape(str(p))}: {re.escape(said)}"):
        scenarios.load(str(p))


# ------------------------------------------------------- L6: the fit's refusals name the file
@pytest.mark.parametrize(
    ("extra", "said"),
    [([], "too few observations to fit any law: 4"),
     (["--likelihood", "poisson"], "2 days of known losses for 2 parameters")],
)  # fmt: skip
def test_a_fit_of_too_few_rows_names_the_file(tmp_path: Path, extra: list[str], said: str) -> None:
    """Before: 'DATA: ...', the argument, where every other problem of the file names it.
    Oracle: the reader's refusals ('<file>: row R, column C: ...')."""
    p = tmp_path / "two.csv"
    p.write_text("day,red,blue\n0,2000,900\n1,1850,860\n", encoding="utf-8")
    _one_line_refusal(["fit", str(p), *extra], f"forceratio: error: {p}: {said}")


# ------------------------------------------------------------------- L8: CSV oddities
CLEAN = "day,red,blue\n0,2000,900\n1,1850,860\n2,1710,825\n3,1580,792\n4,1460,761\n"


def test_an_empty_sep_line_is_named(tmp_path: Path) -> None:
    """Before: 'row 2: 3 cells where the header names 1 columns' (sep= read as the header).
    Oracle: Excel's sep= line names one character."""
    p = tmp_path / "sep.csv"
    p.write_text("sep=\n" + CLEAN, encoding="utf-8")
    with pytest.raises(InputError, match=r"the first line 'sep=' names no one delimiter"):
        read_battle(p)


def test_utf32_with_its_mark_reads_as_the_clean_file(tmp_path: Path) -> None:
    """Before: 'contains NUL bytes (a binary file?)' (its mark FF FE 00 00 read as UTF-16's).
    Oracle: the same text in UTF-8."""
    p, q = tmp_path / "u32.csv", tmp_path / "u8.csv"
    p.write_bytes(CLEAN.encode("utf-32"))
    q.write_text(CLEAN, encoding="utf-8")
    a, b = read_battle(p), read_battle(q)
    for x, y in ((a.t, b.t), (a.red, b.red), (a.blue, b.blue)):
        np.testing.assert_array_equal(x, y)


def test_csv_text_given_for_a_path_is_one_line() -> None:
    """Before: '<the whole text>: file not found', one line per row of the text."""
    with pytest.raises(InputError) as exc:
        forceratio.fit(CLEAN)
    assert exc.value.field == "data", exc.value
    assert "\n" not in str(exc.value), exc.value
    assert "text of several lines" in exc.value.problem
