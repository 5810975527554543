"""Scenario input loose ends.  Each refusal is one line naming the file and the
field, exit status 2, no traceback; each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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
    assert "\n" not in err, err
    assert "Traceback" not in res.output, res.output
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


TRANSFER = """[[sectors]]
name = "B"
mobile = { Germany = 1 }
[[sectors.forces.USSR]]
inline = { personnel = 1000 }
[[sectors.forces.Germany]]
inline = { personnel = 1000 }
[operations.capture]
mobile_reference = { Germany = 3 }
[transfers.t]
side = "Germany"
from_sector = "A"
to = "B"
share = 1.0
mobile = 3
part = { inline = { personnel = 1000 } }
"""


def test_a_transfer_beyond_a_dated_count_is_refused_on_load(tmp_path: Path) -> None:
    """Before: 3 mobile divisions moving out of a sector whose count falls to 1 on day 5
    loaded, and the run failed with 'transfers: more Germany mobile divisions move out of
    'A' ...', naming no file.  Oracle: the rule for the first count (consistency.py)."""
    lines = "mobile = { Germany = 3 }\nmobile_changes = [{ day = 5, Germany = 1 }]"
    path = ScenarioFile(duration_days=10, sector_lines=lines, tail=TRANSFER).write(
        tmp_path / "t.toml"
    )
    _refused(path, "transfers.t.mobile", "more mobile than 'A'", "(3 > 1, after a dated change)")


def test_a_change_on_the_last_day_does_not_limit_a_transfer(tmp_path: Path) -> None:
    """review23d: a mobile change dated on the run's last day never acts (the engine stops
    there), yet it capped a transfer: 3 divisions moving out of a sector whose count falls to
    1 on day 10 of a 10-day run was refused.  Oracle: the same file without that change."""
    from forceratio.scenarios.run import run

    lines = "mobile = { Germany = 3 }\nmobile_changes = [{ day = 10, Germany = 1 }]"
    last = ScenarioFile(duration_days=10, sector_lines=lines, tail=TRANSFER)
    plain = ScenarioFile(duration_days=10, sector_lines="mobile = { Germany = 3 }", tail=TRANSFER)
    got = run(scenarios.load(str(last.write(tmp_path / "l.toml"))), calibration={})
    want = run(scenarios.load(str(plain.write(tmp_path / "p.toml"))), calibration={})
    for side in ("USSR", "Germany"):
        assert got.losses[side][0, 0] == pytest.approx(want.losses[side][0, 0], rel=1e-12)


# ---------------------------------------------- 2: mobile_reference has a lower bound
def _mobile(tmp_path: Path, ref: str) -> Path:
    return ScenarioFile(
        sector_lines="mobile = { Germany = 3 }",
        tail=f"[operations.capture]\nmobile_reference = {{ Germany = {ref} }}\n"
        "rate = { USSR = 0.01 }",
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
    assert "\n" not in err, err
    for said in ("column value", words, cell):
        assert said in err, err
    p.write_text(shipped, encoding="utf-8")
    assert runner.invoke(app, ["data", "check", "--table", f"operations_1941={p}"]).exit_code == 0


# ---------------------------------------------- 5: side names that only look different
def _names(tmp_path: Path, names: str) -> Path:
    return ScenarioFile(head=f"side_names = {{ {names} }}").write(tmp_path / "n.toml")


@pytest.mark.parametrize(
    ("names", "field", "words"),
    [
        ('USSR = "G\u0435rmany"', "side_names.USSR", "mixes Latin and Cyrillic"),
        ('USSR = "Blue", Germany = "Bl\u0443e"', "side_names.Germany", "U+0443"),
        ('USSR = "\u0391lpha", Germany = "Beta"', "side_names.USSR", "Greek and Latin"),
        ('USSR = "\u0421\u0421\u0421\u0420", Germany = "CCCP"', "side_names.Germany", "two names"),
    ],
)
def test_look_alike_side_names_are_refused(
    tmp_path: Path, names: str, field: str, words: str
) -> None:
    """Before: 'Gеrmany' with a Cyrillic е (U+0435) passed as a third name beside the
    slot's Germany; 'СССР' (Cyrillic) and 'CCCP' (Latin) as two names.  Oracle: the
    Unicode database names each letter's alphabet (checked here); one alphabet per name,
    however unlike Latin, still loads (Russian, German umlauts, a word in each)."""
    import unicodedata

    assert unicodedata.name("\u0435").startswith("CYRILLIC")
    assert unicodedata.name("\u0391").startswith("GREEK")
    _refused(_names(tmp_path, names), field, words)
    for ok in ('USSR = "\u0421\u0421\u0421\u0420"', 'USSR = "Blau", Germany = "Grün"',
               'USSR = "Red Army (\u0420\u041a\u041a\u0410)"'):  # fmt: skip
        assert scenarios.load(str(_names(tmp_path, ok))).scenario.side_names


# ---------------------------------------------- 6: control characters in names and labels
RECORD = """[[records]]
side = "USSR"
day = 5
label = "{label}"
parts = [{{ table = "strip", formation = "x", category = "personnel" }}]
"""


@pytest.mark.parametrize("bad", ["\\u001b[31m", "\\u0000", "\\u007f", "\\u202e", "\\u2066"])
def test_control_characters_in_a_sector_name_are_refused(tmp_path: Path, bad: str) -> None:
    """Before: a sector named 'A' + ESC[31m (or a right-to-left override) loaded and ran,
    its name reaching the terminal.  Oracle: the side names' rule (hmendb22) and the
    Unicode categories Cc and Cf."""
    path = ScenarioFile(sector=f"A{bad}B").write(tmp_path / "s.toml")
    _refused(path, "sectors.0.name", "printable", "U+")


def test_control_characters_in_a_record_label_are_refused(tmp_path: Path) -> None:
    """Before: the label was free text (here refused for its label before its part is
    read).  A sector named like another in another alphabet ('A' and a
    Cyrillic 'А') is refused too: the two rows of a table would read alike."""
    path = ScenarioFile(tail=RECORD.format(label="x\\u0007y")).write(tmp_path / "r.toml")
    _refused(path, "records.0.label", "a label must be printable", "U+0007")
    twin = '[[sectors]]\nname = "\u0410"\n[[sectors.forces.USSR]]\ninline = { personnel = 1 }\n'
    twin += "[[sectors.forces.Germany]]\ninline = { personnel = 1 }\n"
    path = ScenarioFile(tail=twin).write(tmp_path / "t.toml")
    _refused(path, "sectors.1.name", "unique", "looks like 'A'")


# ---------------------------------------------- 4: errors after loading name the file
MOBILE = "mobile = { Germany = 3 }\nmobile_changes = [{ day = 5, Germany = 2 }]"
CAPTURE = "[operations.capture]\nmobile_reference = { Germany = 3 }\n"


@pytest.mark.parametrize(
    ("file", "args", "field"),
    [
        ({"sector_lines": MOBILE, "tail": CAPTURE}, ("--replications", "3"),
         "sectors.mobile_changes"),
        ({"german_rate": '"calibrated"\ncalibrate_on = "toy"'}, (), "attrition.calibrate_on"),
        ({"law": "linear", "german_rate": '"calibrated"\ncalibrate_on = "barbarossa-22june"'},
         (), "law"),
    ],
)  # fmt: skip
def test_an_error_after_loading_names_the_file(
    tmp_path: Path, file: dict[str, str], args: tuple[str, ...], field: str
) -> None:
    """Before: 'sectors.mobile_changes: toy: ...', 'attrition.calibrate_on: ...' and 'law:
    toy: ...': the scenario's name (or nothing) where the user gave s1.toml.  Oracle: the
    errors found while loading, which name the file and the field (hgen22)."""
    path = ScenarioFile(name="toy", **file).write(tmp_path / "s1.toml")  # type: ignore[arg-type]
    err = runner.invoke(app, ["run", str(path), *args]).stderr
    assert f"error: {path}: {field}: " in err, err
    assert "toy:" not in err, err


def test_python_and_sweep_errors_after_loading_name_the_file(tmp_path: Path) -> None:
    """The same from Python (calibrate on a file whose rates are given) and for a --vary
    the file has no parameter for (before: 'toy has no rate marked ...', 'not a parameter
    of toy')."""
    from forceratio.scenarios.calibrate import calibrate

    path = ScenarioFile(name="toy").write(tmp_path / "s1.toml")
    with pytest.raises(InputError) as exc:
        calibrate(scenarios.load(str(path)))
    assert exc.value.field == f"{path}: attrition"
    vary = ["--vary", "operations.capture.factor.attacker=0.5:2", "--out", str(tmp_path / "o")]
    err = runner.invoke(app, ["sweep", str(path), *vary]).stderr
    assert f"is not a parameter of {path}" in err, err


def test_the_mobile_exponent_is_bounded(tmp_path: Path) -> None:
    """review: 10,000 divisions over a reference of 1 raised to 500 overflowed to an infinite
    capture rate (a raw 'numerical trouble' warning, then an error naming the engine's
    capture_rate, not the file's field).  Oracle: the bound (bounds.MOBILE_EXPONENT_MAX, 10):
    at it the largest count over the least reference stays finite (1e40) and the run ends."""
    from forceratio.scenarios.bounds import MAX_DIVISIONS, MOBILE_EXPONENT_MAX
    from forceratio.scenarios.run import run

    assert np.isfinite(np.float64(MAX_DIVISIONS) ** MOBILE_EXPONENT_MAX)

    def write(exponent: str) -> Path:
        return ScenarioFile(
            sector_lines="mobile = { Germany = 10000 }",
            tail="[operations.capture]\nmobile_reference = { Germany = 1 }\n"
            f"mobile_exponent = {exponent}\nrate = {{ USSR = 0.01 }}\n",
        ).write(tmp_path / "x.toml")

    _refused(write("500"), "operations.capture.mobile_exponent", "must be <= 10", "got 500")
    out = run(scenarios.load(str(write("10"))), calibration={})
    assert np.isfinite(out.losses["USSR"]).all()
