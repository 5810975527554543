"""review22a L11: ``discover FILE --from DIR`` read a sweep of another scenario file that
has the same name (the names were compared, not the contents), and printed its boxes as
FILE's.  The given file's content is now checked against the digest the sweep's manifest
keeps: another file of that name is refused naming both; a copy of the swept file is
read."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from forceratio.cli import run
from tests.cli.refusals import refused
from tests.scenario_files import ScenarioFile

BASE = ScenarioFile(name="mine", german_rate=0.02, soviet_rate=0.02, ussr=150000, germany=180000)
SWEEP = ["--vary", "attrition.german_rate=0.01:0.03", "--samples", "16", "--seed", "1"]


def test_another_file_of_the_same_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    swept = BASE.write(tmp_path / "base.toml")
    other = dataclasses.replace(BASE, ussr=90000).write(tmp_path / "other.toml")
    out = tmp_path / "sw"
    assert run(["sweep", str(swept), *SWEEP, "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    line = refused(capsys, ["discover", str(other), "--from", str(out)])
    assert line == (
        f"forceratio: error: --from: {out} is a sweep of {swept}, and {other} is another "
        f"scenario of the same name (their contents differ); give {swept}, or sweep {other}"
    )
    copy = tmp_path / "copy" / "base.toml"  # the same scenario elsewhere: read
    copy.parent.mkdir()
    shutil.copy(swept, copy)
    assert run(["discover", str(copy), "--from", str(out)]) == 0
    assert "Box 1" in capsys.readouterr().out
