"""Posterior draws as a sweep dimension: crossed and paired runs, reproducible, and the
same whatever the chunking; the manifest carries the draws."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forceratio.errors import InputError
from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec, evaluate_chunk
from forceratio.sweeps.posterior import PosteriorDraws
from forceratio.sweeps.runner import run_sweep, summarize_store

RATES = ("attrition.german_rate", "attrition.soviet_rate")
VARY = [Vary("modifiers.quality.Germany", 0.5, 1.5)]


def draws(n: int = 5) -> PosteriorDraws:
    """Hand-made draws (the index is the draw's row in a notional chain)."""
    g = np.linspace(0.012, 0.025, n)
    s = np.linspace(0.004, 0.0015, n)
    return PosteriorDraws(
        RATES,
        tuple(range(100, 100 + 7 * n, 7)),
        tuple((float(a), float(b)) for a, b in zip(g, s, strict=True)),
    )


def spec(paired: bool = False, n: int = 5, points: int = 7) -> SweepSpec:
    return SweepSpec(
        "strike-12june-strip",
        Design.make("sobol", list(VARY), points, 4),
        posterior=draws(n),
        paired=paired,
    )


def test_crossed_runs_meet_every_draw_once() -> None:
    sp = spec()
    assert sp.runs == 35
    df = evaluate_chunk(sp, 0, sp.runs)
    assert len(df) == 35
    assert set(zip(df["point"], df["draw"], strict=True)) == {
        (p, d) for p in range(7) for d in draws().index
    }
    vals = dict(zip(draws().index, draws().values, strict=True))
    for _, row in df.iterrows():
        assert (row[RATES[0]], row[RATES[1]]) == vals[int(row["draw"])]
    # the design point's value is the same in each of its runs
    assert (df.groupby("point")[VARY[0].path].nunique() == 1).all()
    assert set(df["decided_by"]) <= {"break", "captured", "depth", "attrition margin"}


def test_paired_runs_take_draw_g_mod_n() -> None:
    sp = spec(paired=True, n=3, points=8)
    assert sp.runs == 8
    df = evaluate_chunk(sp, 0, 8)
    assert df["draw"].tolist() == [draws(3).index[g % 3] for g in range(8)]
    assert df["point"].tolist() == list(range(8))


@pytest.mark.parametrize("paired", [False, True])
def test_posterior_sweep_is_chunking_invariant_and_reproducible(
    tmp_path: Path, paired: bool
) -> None:
    sp = spec(paired=paired)
    frames = []
    for k, size in enumerate((1000, 4, 9)):
        run_sweep(sp, tmp_path / f"s{k}", chunk_size=size)
        frames.append(pd.read_parquet(tmp_path / f"s{k}").sort_values("sample"))
    for other in frames[1:]:
        pd.testing.assert_frame_equal(
            frames[0].reset_index(drop=True), other.reset_index(drop=True)
        )
    # resuming reads the same draws back from the manifest
    run_sweep(sp, tmp_path / "s1", chunk_size=4, resume=True)


def test_summary_probability_is_the_count_of_rows(tmp_path: Path) -> None:
    sp = spec()
    run_sweep(sp, tmp_path / "s", chunk_size=10)
    df = pd.read_parquet(tmp_path / "s")
    _, extra = summarize_store(tmp_path / "s")
    assert extra["attacker_win_probability"] == df["attacker_wins"].sum() / len(df)
    lo, hi = extra["attacker_win_probability_ci"]
    assert lo <= extra["attacker_win_probability"] <= hi
    assert extra["posterior_draws"] == 5
    per = df.groupby("draw")["attacker_wins"].mean().to_numpy()
    over = extra["attacker_win_probability_per_draw"]
    assert over["median"] == np.median(per)
    assert over["low"] == np.quantile(per, 0.025)
    assert over["high"] == np.quantile(per, 0.975)
    shares = df["decided_by"].value_counts(normalize=True)
    assert extra["decided_by"] == pytest.approx(shares.to_dict())


def test_manifest_round_trip_keeps_the_draws() -> None:
    sp = spec(paired=True)
    back = SweepSpec.from_json(sp.to_json())
    assert back == sp
    plain = SweepSpec("strike-12june-strip", Design.make("sobol", list(VARY), 8, 1))
    assert "posterior" not in plain.to_json()
    assert SweepSpec.from_json(plain.to_json()) == plain


def test_varying_a_drawn_parameter_is_refused() -> None:
    sp = SweepSpec(
        "strike-12june-strip",
        Design.make("sobol", [Vary(RATES[0], 0.01, 0.02)], 4, 1),
        posterior=draws(),
    )
    with pytest.raises(InputError, match="drawn from the posterior"):
        evaluate_chunk(sp, 0, 4)


def test_from_result_is_seeded() -> None:
    rng = np.random.default_rng(0)
    fake = SimpleNamespace(
        posterior_draws=50,
        names=RATES,
        model_names=(*RATES, "operations.advance.scale"),
        draws=rng.random((50, 2)),
        fixed={"operations.advance.scale": 3.0},
        method="mcmc",
    )
    a = PosteriorDraws.from_result(fake, 20, 7)  # type: ignore[arg-type]
    assert a == PosteriorDraws.from_result(fake, 20, 7)  # type: ignore[arg-type]
    assert a != PosteriorDraws.from_result(fake, 20, 8)  # type: ignore[arg-type]
    arr = a.array()
    np.testing.assert_array_equal(arr[:, :2], fake.draws[list(a.index)])
    assert (arr[:, 2] == 3.0).all()
    assert len(set(a.index)) == 20  # without replacement when n <= the draws kept


def _raise_input_error(field: str) -> None:
    raise InputError(field, "a bad value")


def test_an_input_error_raised_in_a_worker_process_reaches_the_parent_whole() -> None:
    """A sweep's workers are processes: the error must unpickle in the parent (it did not,
    and the pool broke with a 69-line traceback instead of the one-line exit 2)."""
    import concurrent.futures as cf
    import multiprocessing as mp

    with cf.ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        fut = pool.submit(_raise_input_error, "--vary")
        with pytest.raises(InputError, match="a bad value") as err:
            fut.result(timeout=120)
    assert (err.value.field, err.value.problem) == ("--vary", "a bad value")
    assert str(err.value) == "--vary: a bad value"


def test_a_posterior_sweep_of_the_declared_ranges_leaves_the_drawn_ones_to_the_draws(
    tmp_path: Path,
) -> None:
    """README's `sweep strike-12june-strip --posterior N` with no --vary: the scenario
    declares a range for a parameter the posterior draws (the attacker's capture factor);
    it is left to the draws, not refused; a --vary of it is refused before any run."""
    from typer.testing import CliRunner

    from forceratio.cli.app import app
    from forceratio.scenarios.session import Session

    drawn = "operations.capture.factor.attacker"
    assert drawn in Session().prepare("strike-12june-strip").scenario.uncertainty
    out = tmp_path / "post.parquet"
    res = CliRunner().invoke(
        app,
        ["sweep", "strike-12june-strip", "--samples", "8", "--posterior", "3", "--seed", "1",
         "--out", str(out), "--no-progress", "--format", "json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    df = pd.read_parquet(out)
    assert len(df) == 24
    assert df.groupby("point")[drawn].nunique().max() == 3  # a value per draw, not per point
    assert "modifiers.quality.Germany" in df.columns  # the other declared ranges are swept
    refused = CliRunner().invoke(
        app,
        ["sweep", "strike-12june-strip", "--samples", "8", "--posterior", "3", "--seed", "1",
         "--vary", f"{drawn}=0.001:0.002", "--out", str(tmp_path / "x"), "--no-progress"],
    )  # fmt: skip
    assert refused.exit_code == 2
    assert "drawn from the posterior" in refused.output
    assert not (tmp_path / "x" / "_sweep.json").exists()
