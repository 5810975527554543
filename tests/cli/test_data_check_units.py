"""``data check --table NAME=FILE`` reads the figures the built-in scenarios take from the
replaced table as a run reads them: a share present written 81.6 with unit 'pct' (a percent
the reader does not know as one) said "strip: 100 rows ok", and then ``run`` failed with
"presence.strip.personnel: must be in [0, 1], got 81.6".  The oracle is the run's own
reader (``load``): data check refuses exactly what it refuses."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from forceratio.cli import run
from forceratio.errors import InputError
from forceratio.scenarios import load
from tests.cli.refusals import refused


def strip_in(tmp_path: Path, unit: str) -> Path:
    """The shipped strip table with its five percent rows' unit written ``unit``."""
    text = resources.files("forceratio.data").joinpath("tables/strip.csv").read_text("utf-8")
    assert text.count(",percent,") == 5  # the shares present on 12 June
    path = tmp_path / "strip_user.csv"
    path.write_text(text.replace(",percent,", f",{unit},"))
    return path


def test_a_percent_in_an_unknown_unit_is_refused_by_data_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = strip_in(tmp_path, "pct")
    with pytest.raises(InputError, match=r"presence\.strip\.personnel: must be in \[0, 1\]"):
        load("strike-12june-strip", [], {"strip": str(path)})  # what a run says
    line = refused(capsys, ["data", "check", "--table", f"strip={path}"])
    assert line.startswith(f"forceratio: error: {path} (read by ")
    assert "presence.strip.personnel: must be in [0, 1], got 81.6" in line
    assert "unit 'pct'" in line


@pytest.mark.parametrize("unit", ["%", "percent", "Percent"])
def test_a_percent_the_run_reads_passes_data_check(
    unit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = strip_in(tmp_path, unit)
    load("strike-12june-strip", [], {"strip": str(path)})  # the run reads it
    assert run(["data", "check", "--table", f"strip={path}"]) == 0
    assert "strip: 100 rows ok" in capsys.readouterr().out
