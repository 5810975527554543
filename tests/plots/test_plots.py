"""Every plot kind writes a non-empty image of the expected size; bad outputs fail cleanly."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.plots.figures import DPI, SIZE

runner = CliRunner()
WIDTH, HEIGHT = int(SIZE[0] * DPI), int(SIZE[1] * DPI)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", head[16:24])
    return int(w), int(h)


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sw") / "res.parquet"
    r = runner.invoke(
        app,
        ["sweep", "strike-12june-strip", "--vary", "modifiers.quality.Germany=0.2:1.1",
         "--vary", "modifiers.posture.unprepared_factor=0.5:1", "--samples", "256", "--seed", "1",
         "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    return out


def declared(scenario: str) -> int:
    """The parameters with a declared range (`sweep --list`): the tornado's bars."""
    r = runner.invoke(app, ["sweep", scenario, "--list", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    return sum(
        1 for p in rows if p["low"] is not None and p["high"] is not None and p["low"] != p["high"]
    )


@pytest.mark.parametrize(
    ("kind", "scenario", "extra"),
    [
        ("trajectory", "barbarossa-22june", []),
        ("ratios", "strike-12june-strip", []),
        ("tornado", "strike-12june-strip", ["--samples", "16"]),
        ("distribution", "sokolov-152v100", ["--replications", "20", "--seed", "3"]),
        ("sweep", "strike-12june-strip", []),
    ],
)
def test_each_kind_writes_an_image_of_the_expected_size(
    kind: str, scenario: str, extra: list[str], tmp_path: Path, sweep_dir: Path
) -> None:
    out = tmp_path / f"{kind}.png"
    args = ["plot", scenario, "--kind", kind, "--out", str(out), *extra]
    if kind == "sweep":
        args += ["--from", str(sweep_dir)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 10_000
    width, height = png_size(out)
    assert width == WIDTH
    if kind == "tornado":  # taller with more parameters (two-line labels): one bar each
        assert height == round(DPI * (1.8 + 0.42 * declared(scenario)))
    else:
        assert height == HEIGHT


def test_svg_output(tmp_path: Path) -> None:
    out = tmp_path / "r.svg"
    r = runner.invoke(app, ["plot", "strike-12june-strip", "--kind", "ratios", "--out", str(out)])
    assert r.exit_code == 0
    text = out.read_text()
    assert text.lstrip().startswith("<?xml") or "<svg" in text[:500]
    assert "strike-12june-strip" in text  # the title names the scenario


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--kind", "pie", "--out", "x.png"], "'pie' is not one of"),
        (["--kind", "ratios", "--out", "x.jpg"], ".png or .svg"),
        (["--kind", "sweep", "--out", "x.png"], "--from"),
    ],
)
def test_bad_plot_options(args: list[str], needle: str, tmp_path: Path) -> None:
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    r = runner.invoke(app, ["plot", "strike-12june-strip", *args])
    assert r.exit_code == 2
    assert needle in r.stderr
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_sweep_of_another_scenario_is_not_drawn_as_this_ones(
    sweep_dir: Path, tmp_path: Path
) -> None:
    """review13: 'plot barbarossa-22june --kind sweep --from <a strike sweep>' drew it under
    the wrong title; the sweep's manifest names its scenario."""
    out = tmp_path / "x.png"
    r = runner.invoke(
        app, ["plot", "barbarossa-22june", "--kind", "sweep", "--from", str(sweep_dir),
              "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 2
    assert "is a sweep of strike-12june-strip, not of barbarossa-22june" in r.stderr
    assert not out.exists()
