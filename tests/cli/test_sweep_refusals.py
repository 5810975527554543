"""A refused sweep claims nothing (review17 findings 2 and 3): --posterior on a file that
gives its own rates is refused naming --posterior (not a --vary never given), and neither
it nor an unreachable --scheduler leaves a manifest in --out, so the corrected command
runs without --resume."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.cli import run
from forceratio.errors import InputError
from forceratio.sweeps import runner
from tests.cli.refusals import refused

VARY = ["--vary", "breakpoints.USSR=0.2:0.4", "--samples", "4", "--seed", "1"]


def export_own_rates(path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """smolensk-1941 exported to ``path``, giving its own kill rates (0.003 a day each) in
    place of the calibrated ones."""
    assert run(["scenarios", "export", "smolensk-1941"]) == 0
    text = capsys.readouterr().out
    text = text.replace('german_rate = "calibrated"', "german_rate = 0.003")
    path.write_text(text.replace('soviet_rate = "calibrated"', "soviet_rate = 0.003"))
    return path


@pytest.fixture
def own_rates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    return export_own_rates(tmp_path / "own.toml", capsys)


def test_posterior_refusal_names_the_cause_and_claims_nothing(
    own_rates: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p1new"
    line = refused(capsys, ["sweep", str(own_rates), *VARY, "--posterior", "4", "--out", str(out)])
    assert line.startswith("forceratio: error: --posterior:")
    assert "gives its own rates" in line
    assert not out.exists()
    assert run(["sweep", str(own_rates), *VARY, "--out", str(out), "--no-progress"]) == 0


def test_bad_scheduler_claims_nothing(
    own_rates: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "w4"
    out.mkdir()  # an empty folder the user made stays, empty
    line = refused(
        capsys, ["sweep", str(own_rates), *VARY, "--scheduler", "not a url", "--out", str(out)]
    )
    assert "--scheduler" in line
    assert list(out.iterdir()) == []


def test_refusal_in_the_first_chunk_unclaims(
    own_rates: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise InputError("--vary", "refused while running")

    monkeypatch.setattr(runner, "evaluate_chunk", refuse)
    out = tmp_path / "new"
    refused(capsys, ["sweep", str(own_rates), *VARY, "--out", str(out), "--no-progress"])
    assert not out.exists()
    monkeypatch.undo()
    assert run(["sweep", str(own_rates), *VARY, "--out", str(out), "--no-progress"]) == 0
