"""Sweeps: chunk-invariant designs, durable resumable output, equal results in one
process, local workers and a Dask LocalCluster; sensitivity and thresholds."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.scenarios.compare import compare
from forceratio.sweeps.design import BLOCK, Design, Vary
from forceratio.sweeps.evaluate import SweepSpec, evaluate_chunk
from forceratio.sweeps.runner import run_sweep
from forceratio.sweeps.sensitivity import sobol, threshold

runner = CliRunner()
CAL = (("german_rate", 0.0193), ("soviet_rate", 0.002))
#: issue 13: the rebuilt strike at the low end of the Soviet capacity to encircle, where
#: German quality decides the winner (at the central capacity the strike wins at any quality)
LOW_CAPACITY = "operations.capture.capacity.USSR=0.1"
VARY = [
    Vary("modifiers.quality.Germany", 0.67, 1.5),
    Vary("modifiers.posture.unprepared_factor", 0.5, 1.0),
]


def spec(method: str = "sobol", samples: int = 600, reps: int = 0, data: bool = False) -> SweepSpec:
    return SweepSpec(
        "strike-12june-strip",
        Design.make(method, list(VARY), samples if method != "grid" else None, 11),
        calibration=CAL,
        replications=reps,
        data_uncertainty=data,
    )


@pytest.mark.parametrize("method", ["sobol", "lhs", "random", "grid"])
def test_design_points_do_not_depend_on_chunking(method: str) -> None:
    vary = [Vary(v.path, v.low, v.high, 7 if method == "grid" else None) for v in VARY]
    d = Design.make(method, vary, None if method == "grid" else BLOCK + 900, 3)
    whole = d.unit(0, d.samples)
    cuts = sorted({min(c, d.samples) for c in (0, 1, 17, 333, BLOCK - 1, BLOCK + 5, d.samples)})
    pieces = np.concatenate([d.unit(a, b) for a, b in itertools.pairwise(cuts)])
    np.testing.assert_array_equal(whole, pieces)
    assert ((whole >= 0) & (whole <= 1)).all()
    if method == "grid":
        assert d.samples == 49
        assert len({tuple(r) for r in whole}) == 49


def test_vary_parsing_errors() -> None:
    assert Vary.parse("a.b=1:2:5") == Vary("a.b", 1.0, 2.0, 5)
    for bad, needle in (
        ("a.b", "expected"),
        ("a.b=2:1", "lo 2 > hi 1"),
        ("a.b=x:1", "numbers"),
        ("a.b=1:2:0", "n must be >= 1"),
        ("a.b=1:2:3:4", "lo:hi"),
    ):
        with pytest.raises(InputError, match=needle):
            Vary.parse(bad)


def test_rows_are_the_scenario_run_at_the_sampled_values() -> None:
    """A sweep row equals 'forceratio run' with the same values set."""
    s = spec(samples=4)
    df = evaluate_chunk(s, 0, 4)
    row = df.iloc[2]
    ref = compare(
        ["strike-12june-strip"],
        sets=[f"{v.path}={float(row[v.path])!r}" for v in VARY]
        + ["attrition.german_rate=0.0193", "attrition.soviet_rate=0.002"],
    )[0]
    assert row["soviet_losses"] == pytest.approx(ref["soviet_losses"], rel=1e-9)
    assert row["winner"] == ref["winner"]


def test_chunked_interrupted_and_resumed_equals_uninterrupted(tmp_path: Path) -> None:
    s = spec(samples=700)
    whole = run_sweep(s, tmp_path / "a", chunk_size=700)
    assert whole.rows == 700
    a = pd.read_parquet(tmp_path / "a").sort_values("sample", ignore_index=True)
    # interrupted after two chunks (as if killed), a stray temp file left behind
    run_sweep(s, tmp_path / "b", chunk_size=150, max_chunks=2)
    stray = tmp_path / "b" / ".part-0000002.parquet.999.tmp"
    stray.write_bytes(b"half a file")
    pd.read_parquet(tmp_path / "b")  # readable meanwhile: the half-written part is invisible
    with pytest.raises(InputError, match="--resume"):
        run_sweep(s, tmp_path / "b", chunk_size=150)
    res = run_sweep(s, tmp_path / "b", chunk_size=150, resume=True)
    assert res.computed == 3
    assert not stray.exists()
    b = pd.read_parquet(tmp_path / "b").sort_values("sample", ignore_index=True)
    assert b["sample"].tolist() == list(range(700))  # no lost and no duplicated rows
    pd.testing.assert_frame_equal(a, b)
    # resuming a finished sweep computes nothing; a different sweep is refused
    assert run_sweep(s, tmp_path / "b", chunk_size=150, resume=True).computed == 0
    with pytest.raises(InputError, match="different sweep"):
        run_sweep(spec(samples=701), tmp_path / "b", chunk_size=150, resume=True)


def test_workers_give_the_single_process_result(tmp_path: Path) -> None:
    s = spec(method="random", samples=500, reps=2)
    run_sweep(s, tmp_path / "one", chunk_size=100)
    run_sweep(s, tmp_path / "two", chunk_size=100, workers=2)
    a = pd.read_parquet(tmp_path / "one").sort_values(["sample", "replication"], ignore_index=True)
    b = pd.read_parquet(tmp_path / "two").sort_values(["sample", "replication"], ignore_index=True)
    assert len(a) == 1000
    pd.testing.assert_frame_equal(a, b)


def test_dask_local_cluster_gives_the_single_process_result(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    s = spec(method="lhs", samples=300, data=True)
    run_sweep(s, tmp_path / "one", chunk_size=300)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        run_sweep(s, tmp_path / "dask", chunk_size=70, scheduler=cluster.scheduler_address)
    a = pd.read_parquet(tmp_path / "one").sort_values("sample", ignore_index=True)
    b = pd.read_parquet(tmp_path / "dask").sort_values("sample", ignore_index=True)
    pd.testing.assert_frame_equal(a, b)


def test_data_uncertainty_moves_the_forces_within_their_ranges() -> None:
    plain = evaluate_chunk(spec(samples=50), 0, 50)
    data = evaluate_chunk(spec(samples=50, data=True), 0, 50)
    assert not np.allclose(plain["soviet_losses"], data["soviet_losses"])
    np.testing.assert_array_equal(
        plain["modifiers.quality.Germany"], data["modifiers.quality.Germany"]
    )


def no_air_strike() -> tuple[SweepSpec, list[Vary]]:
    """The strike scenario with nobody striking from the air (so the air superiority factor
    has no effect) at fixed rates, and three ranges to decompose: two live, one dead."""
    s = SweepSpec(
        "strike-12june-strip",
        Design("random", (), 1, 0),
        sets=('modifiers.air_strike.by="none"',),
        calibration=CAL,
    )
    vary = [
        Vary("modifiers.quality.Germany", 0.67, 1.5),
        Vary("modifiers.air_strike.superiority_factor", 1.0, 1.5),
        Vary("modifiers.posture.unprepared_factor", 0.5, 1.0),
    ]
    return s, vary


def test_sobol_indices_rank_a_dead_parameter_last() -> None:
    """The air strike's superiority factor has no effect when nobody strikes from the air;
    German quality drives the margin."""
    s, vary = no_air_strike()
    rows = {r["parameter"]: r for r in sobol(s, vary, samples=256, seed=1)}
    dead = rows["modifiers.air_strike.superiority_factor"]
    assert abs(dead["S1"]) < 1e-9
    assert abs(dead["ST"]) < 1e-9
    q = rows["modifiers.quality.Germany"]
    assert q["ST"] > 0.3
    assert q["S1_ci"][0] <= q["S1"] <= q["S1_ci"][1]


def test_threshold_finds_where_the_winner_flips() -> None:
    """The threshold of the winner is where compare's winner (the outcome rule) flips, not
    where the attrition margin crosses 0 (which it does earlier here: at the margin's
    crossing the Soviet advance still decides for the USSR)."""
    s = SweepSpec(
        "strike-12june-strip", Design("random", (), 1, 0), sets=(LOW_CAPACITY,), calibration=CAL
    )
    v = Vary("modifiers.quality.Germany", 0.3, 3.0)
    res = threshold(s, v)
    assert res.value is not None
    margin = threshold(s, v, outcome="attacker_margin", level=0.0)
    assert margin.value is not None
    assert abs(margin.value - res.value) > 0.1
    below = compare(
        ["strike-12june-strip"],
        sets=[
            f"modifiers.quality.Germany={res.value - 1e-3}",
            "attrition.german_rate=0.0193",
            "attrition.soviet_rate=0.002",
            LOW_CAPACITY,
        ],
    )[0]
    above = compare(
        ["strike-12june-strip"],
        sets=[
            f"modifiers.quality.Germany={res.value + 1e-3}",
            "attrition.german_rate=0.0193",
            "attrition.soviet_rate=0.002",
            LOW_CAPACITY,
        ],
    )[0]
    assert below["winner"] == "USSR"
    assert above["winner"] == "Germany"


def test_cli_sweep_list_json_and_bad_vary(tmp_path: Path) -> None:
    res = runner.invoke(app, ["sweep", "strike-12june-strip", "--list", "--format", "json"])
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert {"path", "low", "high"} <= rows[0].keys()
    declared = {r["path"] for r in rows if r["low"] is not None}
    assert "modifiers.quality.Germany" in declared
    out = tmp_path / "never"
    for bad, needle in (
        ("nosuch.path=0:1", "unknown parameter"),
        ("modifiers.quality.Germany=2:1", "lo 2 > hi 1"),
        ("modifiers.quality.Germany=a:b", "numbers"),
    ):
        r = runner.invoke(
            app,
            [
                "sweep",
                "strike-12june-strip",
                "--vary",
                bad,
                "--samples",
                "8",
                "--seed",
                "1",
                "--out",
                str(out),
            ],
        )
        assert r.exit_code == 2
        assert needle in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        assert not out.exists()  # nothing written before the check


def test_cli_sweep_runs_and_summarises(tmp_path: Path) -> None:
    out = tmp_path / "res.parquet"
    r = runner.invoke(
        app,
        [
            "sweep",
            "sokolov-152v100",
            "--samples",
            "64",
            "--seed",
            "2",
            "--out",
            str(out),
            "--chunk-size",
            "20",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["rows"] == 64
    assert summary["chunks"] == 4
    df = pd.read_parquet(out)
    assert len(df) == 64
    p = float(df["attacker_wins"].mean())
    assert summary["attacker_win_probability"] == pytest.approx(p)
    med = next(o for o in summary["outcomes"] if o["outcome"] == "soviet_losses")["q50"]
    assert med == pytest.approx(float(df["soviet_losses"].median()))


def test_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path: Path) -> None:
    """A real interruption: the CLI process is killed (SIGKILL) mid-sweep, then resumed."""
    import signal
    import subprocess
    import sys
    import time

    args = [
        sys.executable, "-m", "forceratio", "sweep", "strike-12june-strip",
        "--vary", "modifiers.quality.Germany=0.2:1.1", "--samples", "6000", "--seed", "4",
        "--chunk-size", "500", "--uncalibrated",
    ]  # fmt: skip
    killed = tmp_path / "killed"
    proc = subprocess.Popen([*args, "--out", str(killed)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if killed.exists() and len(list(killed.glob("part-*.parquet"))) >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    parts = len(list(killed.glob("part-*.parquet")))
    assert 2 <= parts < 12, "the sweep was not interrupted part-way"
    done = subprocess.run(
        [*args, "--out", str(killed), "--resume"], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    whole = tmp_path / "whole"
    assert (
        subprocess.run([*args, "--out", str(whole)], capture_output=True, check=False).returncode
        == 0
    )
    a = pd.read_parquet(whole).sort_values("sample", ignore_index=True)
    b = pd.read_parquet(killed).sort_values("sample", ignore_index=True)
    assert b["sample"].is_unique
    pd.testing.assert_frame_equal(a, b)


def test_stochastic_threshold_is_where_the_win_probability_crosses_half() -> None:
    s = SweepSpec(
        "strike-12june-strip",
        Design("random", (), 1, 9),
        sets=(LOW_CAPACITY,),
        calibration=CAL,
        replications=40,
    )
    v = Vary("modifiers.quality.Germany", 0.3, 15.0)  # the declared range, about
    res = threshold(s, v, xtol=1e-3)
    assert res.value is not None
    assert res.outcome == "attacker_win_probability"
    grid = np.array(res.grid)
    left = grid[grid[:, 0] < res.value * 0.9, 1]
    right = grid[grid[:, 0] > res.value * 1.1, 1]
    assert left.size
    assert right.size
    assert left.mean() > 0.5 > right.mean()


def test_chunk_size_does_not_change_a_single_bit(tmp_path: Path) -> None:
    """Every chunk runs the same integrator, so rows are bit-identical however cut."""
    s = spec(samples=450)
    run_sweep(s, tmp_path / "a", chunk_size=450)
    run_sweep(s, tmp_path / "b", chunk_size=7)
    a = pd.read_parquet(tmp_path / "a").sort_values("sample", ignore_index=True)
    b = pd.read_parquet(tmp_path / "b").sort_values("sample", ignore_index=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_compare_point_winner_is_the_sweep_winner() -> None:
    """One winner rule: compare's point row and a sweep's row at the same parameters (the
    whole-record calibration, German quality over its declared range) name the same
    winner and the same deciding rule; the attrition margin is reported beside it and,
    somewhere on this range, disagrees with it (so the check can fail).  The grid spans the
    whole declared range: on the posterior of 6 December 2026 the lower half (0.32-4.8) is the
    Soviets' by captured men with a positive margin throughout; the margin turns near 4.9
    (4.985: USSR by captured, margin -0.011) and the top (9.65) is Germany's by break."""
    from forceratio.scenarios.session import Session

    name = "strike-12june-north"
    session = Session()
    prep = session.prepare(name)
    rates = session.rates(prep)
    assert rates is not None
    lo, hi = prep.scenario.uncertainty["modifiers.quality.Germany"]
    grid = Vary("modifiers.quality.Germany", lo, hi, 7)
    sweep = SweepSpec(name, Design.make("grid", [grid], None, 0), calibration=tuple(rates.items()))
    df = evaluate_chunk(sweep, 0, sweep.runs)
    disagree = 0
    for _, run in df.iterrows():
        value = float(run["modifiers.quality.Germany"])
        row = compare([name], sets=[f"modifiers.quality.Germany={value!r}"], posterior=0)[0]
        assert row["winner"] == run["winner"], value
        assert row["winner_decided_by"] == run["decided_by"], value
        assert row["attacker_margin"] == pytest.approx(run["attacker_margin"], abs=1e-9)
        disagree += row["margin_winner"] != row["winner"]
    assert disagree > 0


def test_a_sweep_imports_neither_the_sampler_nor_the_plotting(tmp_path: Path) -> None:
    """What a sweep does not use it does not import (emcee and matplotlib are slow to
    import and a sweep needs neither): checked in a fresh process."""
    code = (
        "import sys; from forceratio.cli.app import app; "
        "app(['sweep', 'strike-12june-strip', '--samples', '64', '--seed', '1', '--no-progress', "
        "'--format', 'json', '--out', sys.argv[1]], standalone_mode=False); "
        "print('LOADED', [m for m in ('emcee', 'matplotlib') if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "s")], capture_output=True, text=True,
        check=True, timeout=600,
    )  # fmt: skip
    assert "LOADED []" in done.stdout
