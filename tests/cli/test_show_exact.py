"""``scenarios show`` prints every number as the file gives it (an outside review found an
arrival window ending on day 5.3125 shown as 5, and a kill rate of 1e-7 would have been
0.0000); a kill rate's unit is its law's."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.cli.output import Format, print_frame

runner = CliRunner()

FILE = """
name = "window"
description = "synthetic: an arrival window ending on day five and a sixteenth"
date = "1900-01-01"
attacker = "USSR"
duration_days = 10.0625
law = "linear"
combat_power = "personnel"
[attrition]
german_rate = 1.2345678e-7
soviet_rate = 2.5e-7
[[sectors]]
name = "field"
[[sectors.forces.USSR]]
inline = { personnel = 1000.5 }
[[sectors.forces.Germany]]
inline = { personnel = 12.25 }
[[sectors.arrivals.Germany]]
start_day = 0.5
end_day = 5.3125
parts = [{ inline = { personnel = 250.75 } }]
"""

#: The file's numbers, as written there (the oracle: the file itself).
WRITTEN = ("10.0625", "5.3125", "0.5", "250.75", "1,000.5", "12.25", "1.2345678e-07", "2.5e-07")


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_show_prints_the_files_numbers_as_written(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "window.toml"
    path.write_text(FILE, encoding="utf-8")
    res = runner.invoke(app, ["scenarios", "show", str(path), "--format", fmt])
    assert res.exit_code == 0, res.output
    for text in WRITTEN:
        assert text in res.output, text
    if fmt == "markdown":  # (a table folds the long unit over lines)
        # the linear law's rate is per unit of the firer and per unit of the target
        assert "per unit per enemy unit per day" in res.output


def test_a_frame_as_json_keeps_every_digit(capsys: pytest.CaptureFixture[str]) -> None:
    value = 0.0026374123456789  # pandas wrote 10 significant digits: 0.0026374123
    print_frame(pd.DataFrame([{"rate": value}]), Format.json)
    assert json.loads(capsys.readouterr().out) == [{"rate": value}]
