"""``sweep --list`` and ``scenarios show`` print the values a calibrated run uses: the whole
1941 record's posterior medians of all thirteen shared parameters, not the file's or table's raw
values (an outside review found seven of them raw: the Soviet capture rate 0.028 where runs
use 0.067, the attacker's capture factor 0.005, outside its own swept range, where runs use
0.00066), and mark them as calibrated."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from tests.calibration.shipped_posterior import shipped_medians

runner = CliRunner()


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "strike-12june-strip", "--list", "--format", "json"],
        ["scenarios", "show", "strike-12june-strip", "--format", "json"],
    ],
)
def test_the_listed_values_are_the_posterior_medians_a_run_uses(argv: list[str]) -> None:
    res = runner.invoke(app, argv)
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    rows = data if isinstance(data, list) else data["parameters"]
    listed = {r.get("path", r.get("parameter")): r for r in rows}
    medians = shipped_medians()
    assert len(medians) == 13  # the 13 shared parameters (killed_share the 13th), not sigma
    for path, median in medians.items():
        assert listed[path]["value"] == pytest.approx(median, rel=1e-9), path
        assert listed[path]["source"].startswith("calibrated on the 1941 record"), path
    # the attacker's factor now lies inside its own declared range
    factor = listed["operations.capture.factor.attacker"]
    if "low" in factor:
        assert factor["low"] <= factor["value"] <= factor["high"]


def test_uncalibrated_lists_the_raw_values() -> None:
    res = runner.invoke(
        app, ["sweep", "strike-12june-strip", "--list", "--format", "json", "--uncalibrated"]
    )
    assert res.exit_code == 0, res.output
    listed = {r["path"]: r for r in json.loads(res.output)}
    # the file's own value, derived there: 338500 / 671165 / 18 = 0.028 a day
    assert listed["operations.capture.rate.USSR"]["value"] == pytest.approx(0.028)
    assert not listed["operations.capture.rate.USSR"]["source"].startswith("calibrated")


def test_a_set_value_is_listed_as_set() -> None:
    argv = ["sweep", "strike-12june-strip", "--list", "--format", "json"]
    res = runner.invoke(app, [*argv, "--set", "operations.capture.width=0.5"])
    assert res.exit_code == 0, res.output
    listed = {r["path"]: r for r in json.loads(res.output)}
    assert listed["operations.capture.width"]["value"] == 0.5
    assert not listed["operations.capture.width"]["source"].startswith("calibrated")
