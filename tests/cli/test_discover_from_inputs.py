"""``discover FILE --from DIR`` on a sweep whose scenario file changed since (review17
finding 8): the old sweep's boxes were printed as the current file's; it is refused, as
``sweep --resume`` refuses the same change."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.cli import run
from tests.cli.refusals import refused

from .test_sweep_refusals import export_own_rates


def test_from_refuses_a_sweep_of_an_edited_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = export_own_rates(tmp_path / "base.toml", capsys)
    text = path.read_text()
    out = tmp_path / "r1"
    sweep = ["sweep", str(path), "--vary", "attrition.german_rate=0.001:0.03", "--samples", "32"]
    assert run([*sweep, "--seed", "1", "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    discover = ["discover", str(path), "--from", str(out), "--outcome", "soviet_losses<200000"]
    assert run(discover) == 0  # the file it was swept from: read
    capsys.readouterr()
    path.write_text(text.replace("soviet_rate = 0.003", "soviet_rate = 0.5"))
    line = refused(capsys, discover)
    assert line.startswith("forceratio: error: --from:")
    assert "swept from other inputs" in line
    assert "scenario's content" in line
