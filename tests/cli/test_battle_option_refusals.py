"""``forceratio battle``'s options that describe no battle: an annihilation level a side
starts at or below (the battle over before it starts) and an empty snapshot time; each
refused in one line naming the option, exit status 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app

runner = CliRunner()


def _refused(args: list[str], *said: str) -> None:
    res = runner.invoke(app, ["battle", *args])
    assert res.exit_code == 2, (res.exit_code, res.output)
    err = res.stderr.strip()
    assert err.startswith("forceratio: error: "), err
    assert "\n" not in err, err
    for s in said:
        assert s in err, err


@pytest.mark.parametrize(
    ("level", "side"), [("1e308", "red at 10"), ("10", "red at 10"), ("15", "red at 10")]
)
def test_a_level_a_side_starts_at_is_refused(level: str, side: str) -> None:
    """Before: exit 0, 'winner none', duration 0, both sides 'annihilated' at the start.
    Oracle: the option's own definition, 'strength at or below which a side is
    annihilated': red at 10 is out before any fire when the level is 10 or more."""
    _refused(
        ["--red", "10", "--blue", "20", "--annihilation", level],
        "--annihilation:", side, "at or below",
    )  # fmt: skip
    # the bound itself: a level just under the smaller side runs a battle of some length
    res = runner.invoke(
        app, ["battle", "--red", "10", "--blue", "20", "--annihilation", "9.99", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["duration"] > 0


@pytest.mark.parametrize("times", ["1,,2", "1,2,", ",1", "1, ,2"])
def test_an_empty_snapshot_time_is_refused(times: str) -> None:
    """Before: the empty item dropped silently (snapshots at 1 and 2).  Oracle: the
    option's form, comma-separated days, each one a number."""
    _refused(["--times", times], "--times:", "empty")
