"""review21d L1: ``battle --replications`` shows the losses in its table as in its JSON,
and the annihilation-level note is kept for a level that looks wrong for the scale (not
for whole counts at the default half a unit, the count's own end)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app

runner = CliRunner()
ARGS = ["battle", "--law", "square", "--red-rate", "0.15", "--blue-rate", "0.05"]


def test_the_replications_table_has_the_loss_rows() -> None:
    args = [*ARGS, "--red", "20", "--blue", "30", "--replications", "400", "--seed", "1"]
    table = runner.invoke(app, [*args, "--format", "csv"])
    assert table.exit_code == 0, table.output
    rows = {line.split(",")[0]: line.split(",")[1:] for line in table.stdout.splitlines()}
    # the invariant: a side's losses are its start less what is left
    for side, start in (("red", 20.0), ("blue", 30.0)):
        mean_final, mean_lost = float(rows[f"{side}_final"][0]), float(rows[f"{side}_losses"][0])
        assert mean_lost == pytest.approx(start - mean_final, abs=1e-9)
    assert table.stderr == ""  # 20 v 30 men at half a man: no note


@pytest.mark.parametrize(
    ("red", "blue", "level", "noted"),
    [("20", "30", "0.5", False), ("20", "30.5", "0.5", True), ("20", "30", "1", True)],
)
def test_the_level_note_only_when_the_level_looks_wrong(
    red: str, blue: str, level: str, noted: bool
) -> None:
    res = runner.invoke(
        app, [*ARGS, "--red", red, "--blue", blue, "--annihilation", level, "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert bool(json.loads(res.stdout)["notes"]) is noted
