"""hinput23: scenario input loose ends.  Each refusal is one line naming the file and the
field, exit status 2, no traceback; each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio import data, scenarios
from forceratio.cli.app import app
from forceratio.errors import InputError
from tests.scenario_files import ScenarioFile

runner = CliRunner()


def _refused(path: Path, field: str, *words: str, args: tuple[str, ...] = ()) -> str:
    """``forceratio run PATH`` exits 2 with one line naming ``path: field`` and ``words``."""
    res = runner.invoke(app, ["run", str(path), "--uncalibrated", *args])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert "\n" not in err and "Traceback" not in res.output, res.output
    assert f"{path}: {field}: " in err, err
    for w in words:
        assert w in err, err
    return err


# ---------------------------------------------- 1: a dated change after the run's end
POSTURE = '[modifiers.posture]\nUSSR = "hasty"\nchanges = [{{ day = {day}, USSR = "attack" }}]\n'


def test_a_posture_change_after_the_end_is_refused(tmp_path: Path) -> None:
    """Before: a change on day 50 of a 10-day run was accepted and silently did nothing.
    Oracle: the run's length (a change after it cannot act), as mobile_changes and
    arrivals already refuse theirs; on the last day (as a mobile change) it is kept."""
    path = ScenarioFile(duration_days=10, tail=POSTURE.format(day=50)).write(tmp_path / "p.toml")
    _refused(path, "modifiers.posture.changes.0.day", "day 50", "duration_days 10")
    path = ScenarioFile(duration_days=10, tail=POSTURE.format(day=10)).write(tmp_path / "q.toml")
    assert scenarios.load(str(path)).scenario.modifiers.posture.changes[0].day == 10


def test_a_mobile_change_after_the_end_names_its_field(tmp_path: Path) -> None:
    """Before: the refusal named 'scenario', not the change's field."""
    path = ScenarioFile(
        duration_days=10,
        sector_lines="mobile = { Germany = 3 }\nmobile_changes = [{ day = 50, Germany = 2 }]",
        tail="[operations.capture]\nmobile_reference = { Germany = 3 }\n",
    ).write(tmp_path / "m.toml")
    _refused(path, "sectors.0.mobile_changes.0.day", "day 50", "duration_days 10")


# ---------------------------------------------- 2: mobile_reference has a lower bound
def _mobile(tmp_path: Path, ref: str) -> Path:
    return ScenarioFile(
        sector_lines="mobile = { Germany = 3 }",
        tail=f"[operations.capture]\nmobile_reference = {{ Germany = {ref} }}\nrate = {{ USSR = 0.01 }}",
    ).write(tmp_path / "r.toml")


def test_a_tiny_mobile_reference_is_refused(tmp_path: Path) -> None:
    """Before: accepted; 3 divisions over 1e-300 multiplied the capture rate by 3e300 and the
    defender was annihilated on day 7e-298.  Oracle: the bound (bounds.py, one division);
    at it a file runs, and 3 divisions over a reference of 3 multiply by (3 / 3) ** 1 = 1:
    the run without the count."""
    from forceratio.scenarios.run import run

    for ref in ("1e-300", "0.001", "0.5"):
        field = "operations.capture.mobile_reference.Germany"
        _refused(_mobile(tmp_path, ref), field, "must be 1 to 10000", f"got {ref}")
    with_count = run(scenarios.load(str(_mobile(tmp_path, "3"))), calibration={})
    plain = ScenarioFile(tail="[operations.capture]\nrate = { USSR = 0.01 }")
    without = run(scenarios.load(str(plain.write(tmp_path / "p.toml"))), calibration={})
    assert with_count.losses["USSR"][0, 0] == pytest.approx(without.losses["USSR"][0, 0], rel=1e-9)
    assert scenarios.load(str(_mobile(tmp_path, "1"))).scenario is not None


# ---------------------------------------------- 3: a table cell 300_000 is not 300000
UMAN = "USSR,Uman encirclement (within the Kiev operation),personnel,300000,"


@pytest.mark.parametrize(("cell", "words"), [("300_000", "underscore"), ("３００000", "ASCII")])
def test_a_table_cell_with_an_underscore_is_refused(tmp_path: Path, cell: str, words: str) -> None:
    """Before: Python's float() read 300_000 (and full-width digits) as 300000, exit 0; --set
    and --vary refuse 1_0 (hgen22).  Oracle: that refusal, and the unedited file reads."""
    shipped = (Path(data.__file__).parent / "tables" / "operations_1941.csv").read_text("utf-8")
    assert UMAN in shipped
    p = tmp_path / "ops.csv"
    p.write_text(shipped.replace(UMAN, UMAN.replace("300000", cell)), encoding="utf-8")
    res = runner.invoke(app, ["data", "check", "--table", f"operations_1941={p}"])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert "\n" not in err and "column value" in err and words in err and cell in err, err
    p.write_text(shipped, encoding="utf-8")
    assert runner.invoke(app, ["data", "check", "--table", f"operations_1941={p}"]).exit_code == 0
