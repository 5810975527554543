"""`sensitivity FILE --posterior` on a file that gives its own rates (review16gen D10): the
1941 posterior does not apply; it was refused with a message about --vary, never given."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.cli import run
from tests.cli.refusals import refused


def test_posterior_refused_for_a_file_with_its_own_rates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["scenarios", "export", "smolensk-1941"]) == 0
    text = capsys.readouterr().out
    assert 'german_rate = "calibrated"' in text
    text = text.replace('german_rate = "calibrated"', "german_rate = 0.003")
    text = text.replace('soviet_rate = "calibrated"', "soviet_rate = 0.003")
    path = tmp_path / "own.toml"
    path.write_text(text)
    line = refused(capsys, ["sensitivity", str(path), "--posterior", "64", "--seed", "1"])
    assert line.startswith("forceratio: error: --posterior:")
    assert "gives its own rates" in line
    assert "--vary" not in line
