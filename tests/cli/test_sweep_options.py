"""review22a L7: ``sweep --resume`` into a folder that holds no sweep started a new sweep
(a mistyped folder went unnoticed); ``--scheduler ''`` ran the sweep here; a port that
cannot exist (99999) waited 10 s for a connection.  Each is now one line, exit 2, before
any work, and nothing is left in --out."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.errors import InputError
from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec
from forceratio.sweeps.runner import run_sweep
from tests.cli.refusals import refused

SWEEP = ["sweep", "strike-12june-strip", "--vary", "modifiers.quality.Germany=0.3:20",
         "--samples", "8", "--chunk-size", "4", "--seed", "3", "--no-progress"]  # fmt: skip


def test_resume_into_a_missing_folder_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sweeep"  # (a typo for an existing sweep's folder)
    line = refused(capsys, [*SWEEP, "--out", str(out), "--resume"])
    assert line == (
        f"forceratio: error: --resume: {out} does not exist, so there is no sweep to resume; "
        "drop --resume to start one"
    )
    assert not out.exists()


def test_resume_into_a_folder_without_a_sweep_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    line = refused(capsys, [*SWEEP, "--out", str(out), "--resume"])
    assert line == (
        f"forceratio: error: --resume: {out} holds no sweep to resume (it has no _sweep.json)"
    )
    assert list(out.iterdir()) == []


def test_the_python_api_refuses_a_resume_of_nothing_too(tmp_path: Path) -> None:
    spec = SweepSpec(
        "strike-12june-strip",
        Design.make("sobol", [Vary("modifiers.quality.Germany", 0.67, 1.5)], 8, 5),
        calibration=(("german_rate", 0.0193), ("soviet_rate", 0.002)),
    )
    with pytest.raises(InputError, match="no sweep to resume"):
        run_sweep(spec, tmp_path / "none", chunk_size=4, resume=True)
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize("address", ["", "  "])
def test_an_empty_scheduler_is_refused(
    address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s"
    line = refused(capsys, [*SWEEP, "--out", str(out), "--scheduler", address])
    assert line.startswith("forceratio: error: --scheduler: is empty; give the scheduler's")
    assert not out.exists()


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:99999", "127.0.0.1:0", "tcp://[::1]:70000"])
def test_a_port_that_cannot_exist_is_refused_without_connecting(
    address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """TCP ports are 1..65535 (RFC 793's 16-bit field; 0 is reserved): no connection is
    tried (it used to end in Dask's 10-s timeout)."""
    out = tmp_path / "s"
    line = refused(capsys, [*SWEEP, "--out", str(out), "--scheduler", address])
    port = address.rpartition(":")[2]
    assert line == f"forceratio: error: --scheduler: {address!r}: port {port} is not in 1..65535"
    assert not out.exists()
