"""discover's "swept" column is the range the design swept (review20a L7: it showed the
samples' least and greatest, "0.00627 to 1" for a factor declared 0.0044-1); a parameter
with no declared range (a posterior draw) shows the samples' range marked "sampled"."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from forceratio import scenarios
from forceratio.cli import run
from forceratio.cli.discover import box_rows
from tests.calibration.shipped_posterior import shipped_medians

NAME = "strike-12june-strip"
# the outcome rule's thresholds held at their central values (fixed by --set, so not dimensions
# of the design): the boxes these tests read come from the design without them (session 22
# declared them uncertain; a new design draws other boxes).  Seed 1: its boxes hold the capture
# factors these tests read on the posterior regenerated on 5 December 2026 (seed 3's, chosen on
# the posterior before, no longer restrict the defender's; the oracle, the declared range, is
# unchanged)
SEED = "1"
FIXED = [
    "--set",
    "operations.outcome.captured_share=0.25",
    "--set",
    "operations.outcome.depth_km=300",
]


def _csv(capsys: pytest.CaptureFixture[str], args: list[str]) -> list[dict[str, str]]:
    assert run(["discover", NAME, *args, "--no-progress", "--format", "csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_a_fresh_sweep_shows_the_declared_ranges(capsys: pytest.CaptureFixture[str]) -> None:
    declared = scenarios.load(NAME).scenario.uncertainty  # the scenario file's [uncertainty]
    rows = _csv(capsys, ["--samples", "2048", "--seed", SEED, *FIXED])
    assert rows
    for r in rows:
        lo, hi = declared[r["parameter"]]
        assert (float(r["swept_from"]), float(r["swept_to"])) == (lo, hi)
        assert r["swept_range"] == "declared"
    args = ["--samples", "2048", "--seed", SEED, "--no-progress", *FIXED]
    assert run(["discover", NAME, *args]) == 0
    text = capsys.readouterr().out
    assert "0.005 to 1 " in text  # the defender's factor, as declared (not the samples' range)
    assert "sampled" not in text


def test_from_a_sweep_shows_its_designs_ranges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "joint"
    args = ["--samples", "256", "--posterior", "256", "--paired", "--seed", "1"]
    assert run(["sweep", NAME, *args, *FIXED, "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    rows = _csv(capsys, ["--from", str(out), "--outcome", "defender"])
    # the design: the declared ranges less those of the parameters the posterior draws (sweep
    # --posterior leaves them to the draws; the unprepared factor, declared 0.5-1 then (0.4-1
    # now) and fitted, stood in the first box on 6 December 2026 with its draws' range,
    # 0.5015-0.9897)
    drawn = set(shipped_medians())
    declared = scenarios.load(NAME).scenario.uncertainty
    design = {p: r for p, r in declared.items() if p not in drawn}
    assert [r for r in rows if r["parameter"] in design]
    for r in rows:
        if r["parameter"] in design:
            assert (float(r["swept_from"]), float(r["swept_to"])) == design[r["parameter"]]
            assert r["swept_range"] == "declared", r
        else:  # a posterior-drawn parameter (in these boxes since the posterior of 5 December)
            assert r["parameter"] in drawn, r
            assert r["swept_range"] == "sampled", r


def test_a_parameter_with_no_design_range_is_marked_sampled() -> None:
    box = SimpleNamespace(
        names=["a.b", "c.d"],
        bounds=((0.0063, 1.0), (2.0, 3.0)),  # the samples' least and greatest
        density=0.9, coverage=0.5, mass=0.1,
        conditions=lambda: [{"parameter": "a.b", "low": 0.1, "high": 1.0},
                            {"parameter": "c.d", "low": 2.5, "high": 3.0}],
    )  # fmt: skip
    rows = box_rows([box], {"a.b": (0.0044, 1.0)}).to_dict("records")
    assert (rows[0]["swept_from"], rows[0]["swept_to"], rows[0]["swept_range"]) == (
        0.0044, 1.0, "declared",
    )  # fmt: skip
    assert (rows[1]["swept_from"], rows[1]["swept_to"], rows[1]["swept_range"]) == (
        2.0, 3.0, "sampled",
    )  # fmt: skip


def test_sensitivity_posterior_boxes_show_declared_and_sampled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The flip boxes of ``sensitivity --posterior``: an assumption at its declared range (on
    the posterior of 8.31: German quality, 0.8 to 23.9, among others; the defender's capture
    factor, 0.005 to 1, before it), a posterior-drawn parameter at its samples', marked;
    every row so (oracle: the scenario's declared ranges less the parameters the shipped
    posterior draws; a long label's wrapped line joined to its row).  The attacker's capture
    factor, the drawn parameter this read before, is in no box on the posterior of 6 December
    2026 (the German kill rate and the unprepared factor, declared 0.5-1 then, 0.4-1 now, but
    drawn, are)."""
    import re

    assert run(["sensitivity", NAME, "--posterior", "256", "--seed", SEED, *FIXED]) == 0
    lines = capsys.readouterr().out.splitlines()
    cells: list[list[str]] = []
    for x in lines:
        if x.count("│") != 5:
            continue
        c = x.split("│")
        if cells and not c[2].strip() and not c[-2].strip():  # a long label's wrapped line
            cells[-1][1] += " " + c[1].strip()
        else:
            cells.append(c)
    box = [c for c in cells if " to " in c[-2]]  # the boxes' rows (their "swept" column)
    assert box
    drawn = set(shipped_medians())
    declared = scenarios.load(NAME).scenario.uncertainty
    seen = {"declared": 0, "sampled": 0}
    for c in box:
        path = re.findall(r"\(([\w.]+)\)", c[1])[-1]
        swept = c[-2].strip()
        if path in drawn:
            assert swept.endswith("(sampled)"), c
            seen["sampled"] += 1
        else:
            lo, hi = declared[path]
            assert swept == f"{lo:.3g} to {hi:.3g}", c
            seen["declared"] += 1
    assert min(seen.values()) > 0, seen
