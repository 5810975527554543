"""A replicated sweep of the 12 June files without --vary runs (review20a H1): the README's
``sweep strike-12june-strip --replications 20 ...`` failed because the declared ranges
include the losses in transit, which the stochastic engine does not have.  Under
--replications the declared set leaves them out (one note on stderr), ``--set ...=0`` (the
error's advice) works, and a --vary of one is refused naming --vary."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from forceratio.cli import run
from tests.cli.refusals import refused

ARGS = ["--samples", "4", "--replications", "2", "--seed", "1", "--no-progress"]
PATH = "presence.strip.transit_loss"


@pytest.mark.parametrize("sets", [[], ["--set", f"{PATH}=0"]])
def test_replicated_sweep_leaves_the_transit_loss_at_its_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sets: list[str]
) -> None:
    out = tmp_path / "r.parquet"
    code = run(["sweep", "strike-12june-strip", *ARGS, *sets, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    if sets:  # fixed by --set: no longer a declared range, nothing to say
        assert "not varied under --replications" not in err
    else:
        assert "not varied under --replications" in err
        assert f"{PATH}=0" in err
    rows = pd.read_parquet(out)
    assert len(rows) == 4 * 2  # every sample, every replication
    assert PATH not in rows.columns  # not a design dimension
    assert "modifiers.quality.Germany" in rows.columns  # the other declared ranges are


def test_a_deterministic_sweep_still_varies_it(tmp_path: Path) -> None:
    out = tmp_path / "d.parquet"
    args = ["--samples", "4", "--seed", "1", "--no-progress", "--out", str(out)]
    assert run(["sweep", "strike-12june-strip", *args]) == 0
    rows = pd.read_parquet(out)
    assert rows[PATH].between(0.0, 0.05).all()
    assert rows[PATH].nunique() == 4


def test_varying_it_with_replications_is_refused_naming_vary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "v.parquet"
    args = ["sweep", "strike-12june-strip", *ARGS, "--vary", f"{PATH}=0:0.05", "--out", str(out)]
    line = refused(capsys, args)
    assert line.startswith(f"forceratio: error: --vary: {PATH}:")
    assert "leave it out of --vary" in line


def test_a_set_value_above_zero_gives_advice_that_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s"
    args = ["sweep", "strike-12june-strip", *ARGS, "--out", str(out)]
    line = refused(capsys, [*args, "--set", f"{PATH}=0.01"])  # one line, before any work
    assert line.startswith(f"forceratio: error: {PATH}:")
    assert f"--set {PATH}=0" in line
    assert not out.exists()


def test_the_note_comes_only_with_an_accepted_sweep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep refused for its size says one line, without the note (test_hardening)."""
    monkeypatch.setenv("FORCERATIO_MAX_DISK", "unlimited")
    args = ["sweep", "strike-12june-strip", "--seed", "1", "--samples", "20000"]
    line = refused(capsys, [*args, "--replications", "10000", "--out", str(tmp_path / "o")])
    assert "of memory" in line
