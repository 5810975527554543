"""``forceratio discover``: JSON boxes from a fresh sweep and from a sweep on disk, the
peeling trajectory on request, clean refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app

runner = CliRunner()
SCN = "strike-12june-strip"
VARY = ["--vary", "modifiers.quality.Germany=0.31:14.78", "--vary",
        "modifiers.posture.unprepared_factor=0.5:1"]  # fmt: skip


def test_json_boxes_from_a_fresh_sweep() -> None:
    r = runner.invoke(
        app, ["discover", SCN, *VARY, "--samples", "512", "--seed", "4", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    boxes = json.loads(r.stdout)
    assert boxes
    for b in boxes:
        assert set(b) == {"conditions", "coverage", "density", "mass", "seed", "threshold",
                          "reaches_threshold"}  # fmt: skip
        assert b["reaches_threshold"] is (b["density"] >= b["threshold"] == 0.8)
        assert b["seed"] == 4  # the fresh sweep's seed (hgen)
        assert 0 < b["mass"] <= 1
        assert 0 < b["coverage"] <= 1
        assert 0 <= b["density"] <= 1
        for c in b["conditions"]:
            assert set(c) == {"parameter", "low", "high"}
            assert c["low"] <= c["high"]
    # German quality decides the strike: the first box restricts it
    assert any(c["parameter"] == "modifiers.quality.Germany" for c in boxes[0]["conditions"])


def test_same_seed_same_boxes_and_trajectory_on_request() -> None:
    args = ["discover", SCN, *VARY, "--samples", "256", "--seed", "9", "--format", "json"]
    a = runner.invoke(app, args)
    b = runner.invoke(app, [*args, "--trajectory"])
    assert a.exit_code == b.exit_code == 0
    boxes_a, boxes_b = json.loads(a.stdout), json.loads(b.stdout)
    assert [x["conditions"] for x in boxes_a] == [x["conditions"] for x in boxes_b]
    traj = boxes_b[0]["trajectory"]
    assert traj[0]["mass"] == 1.0
    assert len(traj) > 3
    assert 0 <= boxes_b[0]["chosen_step"] < len(traj)


def test_from_a_sweep_directory_and_the_table(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    r = runner.invoke(
        app, ["sweep", SCN, *VARY, "--samples", "256", "--seed", "2", "--out", str(out),
              "--no-progress"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["discover", SCN, "--from", str(out), "--outcome", "winner"])
    assert r.exit_code == 0, r.output
    assert "Box 1: the attacker wins" in r.stdout
    assert "In words: the attacker wins when" in r.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--samples", "64", "--seed", "-1"], "--seed"),
        (["--samples", "64", "--seed", "1", "--outcome", "nonsense<3"], "unknown outcome"),
        (["--samples", "64", "--seed", "1", "--outcome", "soviet_losses<"], "not a number"),
        (["--samples", "64", "--seed", "1", "--alpha", "0.7"], "--alpha"),
        (["--from", "/nonexistent"], "not a sweep directory"),
    ],
)
def test_refusals(args: list[str], needle: str) -> None:
    vary = [] if "--from" in args else VARY[:2]
    r = runner.invoke(app, ["discover", SCN, *vary, *args])
    assert r.exit_code == 2, r.output
    assert needle in r.stderr
    assert "Traceback" not in r.output
