"""Issue 15, races and reproducibility: two sweeps into one folder, a seeded bootstrap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from forceratio.cli import run
from forceratio.errors import InputError
from forceratio.sweeps.store import MANIFEST, ChunkStore


def _manifest(seed: int) -> dict[str, Any]:
    return {"spec": {"seed": seed}, "chunk_size": 10, "format": 1}


def test_the_loser_of_a_check_then_claim_race_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving that let both sweeps exit 0: A finds no manifest, B claims the
    folder, then A writes its own.  B's whole claim is run inside A's ``mkdir``, between
    A's check and A's claim; exactly one of them must end up owning the folder."""
    out = tmp_path / "out"
    a, b = ChunkStore(out), ChunkStore(out)
    real_mkdir = Path.mkdir
    outcome: dict[str, Any] = {}

    def mkdir_then_b_claims(self: Path, *args: Any, **kwargs: Any) -> None:
        monkeypatch.setattr(Path, "mkdir", real_mkdir)
        real_mkdir(self, *args, **kwargs)
        try:
            outcome["b"] = b.open(_manifest(2), resume=False)
        except InputError as exc:
            outcome["b"] = exc

    monkeypatch.setattr(Path, "mkdir", mkdir_then_b_claims)
    try:
        outcome["a"] = a.open(_manifest(1), resume=False)
    except InputError as exc:
        outcome["a"] = exc
    winners = [k for k, v in outcome.items() if not isinstance(v, InputError)]
    assert winners == ["b"], outcome
    assert "already holds a sweep" in str(outcome["a"])
    assert json.loads((out / MANIFEST).read_text()) == _manifest(2)
    assert [p.name for p in out.iterdir()] == [MANIFEST]  # no temporary left behind


def _sweep(out: Path, seed: int) -> subprocess.Popen[str]:
    args = ["sweep", "strike-12june-strip", "--samples", "64", "--chunk-size", "16"]
    return subprocess.Popen(
        [sys.executable, "-m", "forceratio", *args, "--seed", str(seed), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


@pytest.mark.slow
def test_two_sweeps_started_together_into_one_folder(tmp_path: Path) -> None:
    """Real processes: exactly one wins, the other is refused with one line, and the folder
    holds one consistent sweep (the winner's manifest and exactly its rows)."""
    out = tmp_path / "out"
    procs = {seed: _sweep(out, seed) for seed in (1, 2)}
    done: dict[int, tuple[int, str, str]] = {}
    for seed, p in procs.items():
        stdout, stderr = p.communicate(timeout=600)
        done[seed] = (p.returncode, stdout, stderr)
    codes = sorted(code for code, _, _ in done.values())
    assert codes == [0, 2], done
    (winner,) = [s for s, (code, _, _) in done.items() if code == 0]
    (loser,) = [s for s, (code, _, _) in done.items() if code == 2]
    err = done[loser][2]
    assert err.count("\n") == 1, err
    assert err.startswith("forceratio: error: --out: ")
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["spec"]["design"]["seed"] == winner
    rows = pd.read_parquet(out).sort_values("sample", ignore_index=True)
    assert rows["sample"].tolist() == list(range(64))
    alone = tmp_path / "alone"
    proc = _sweep(alone, winner)
    proc.communicate(timeout=600)
    assert proc.returncode == 0
    pd.testing.assert_frame_equal(
        rows, pd.read_parquet(alone).sort_values("sample", ignore_index=True)
    )


SENS = [
    "sensitivity",
    "strike-12june-strip",
    "--vary",
    "modifiers.quality.Germany=0.5:1.1",
    "--vary",
    "modifiers.posture.unprepared_factor=0.5:1.0",
    "--samples",
    "16",
    "--format",
    "json",
]


def test_sensitivity_intervals_are_the_same_on_every_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    runs = []
    for _ in range(2):
        np.random.seed(None)  # noqa: NPY002 (whatever the global state, the same answer)
        assert run([*SENS, "--seed", "5"]) == 0
        runs.append(json.loads(capsys.readouterr().out))
    assert runs[0] == runs[1]
    widths = [r["S1_ci"][1] - r["S1_ci"][0] for r in runs[0]]
    assert max(widths) > 0  # real intervals, not degenerate points
    assert run([*SENS, "--seed", "6"]) == 0
    assert json.loads(capsys.readouterr().out) != runs[0]


def test_the_seeded_bootstrap_leaves_the_global_generator_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    np.random.seed(123)  # noqa: NPY002
    expected = np.random.random()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    assert run([*SENS, "--seed", "5"]) == 0
    capsys.readouterr()
    assert np.random.random() == expected  # noqa: NPY002
