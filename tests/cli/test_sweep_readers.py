"""The readers of a sweep (``discover --from``, ``plot --kind sweep --from``) refuse, in one
line and exit 2, a store they would read wrongly (review15hostile D10): an unfinished sweep
("DIR: N of M chunks ...; finish it with sweep --resume"), a part of another sweep (its
fingerprint), a part beyond the sweep's chunks, a manifest whose spec is not an object or
is missing fields, and a directory without a manifest.  A whole sweep reads as before."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from forceratio.cli import run
from forceratio.sweeps.store import MANIFEST, read_sweep
from tests.cli.refusals import refused

SCN = "strike-12june-strip"
SWEEP = ["sweep", SCN, "--vary", "modifiers.quality.Germany=0.3:20", "--samples", "16",
         "--chunk-size", "4", "--no-progress", "--format", "json"]  # fmt: skip


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("readers")
    for name, seed in (("mine", "1"), ("other", "2")):
        assert run([*SWEEP, "--seed", seed, "--out", str(root / name)]) == 0
    return {"mine": root / "mine", "other": root / "other"}


def _unfinished(out: Path, sw: dict[str, Path]) -> str:
    for i in range(1, 4):  # an interrupted sweep: 1 of 4 parts
        (out / f"part-{i:07d}.parquet").unlink()
    return f"--from: {out}: 1 of 4 chunks (an unfinished sweep); finish it with sweep --resume"


def _mixed(out: Path, sw: dict[str, Path]) -> str:
    shutil.copy(sw["other"] / "part-0000003.parquet", out / "part-0000003.parquet")
    return (
        f"--from: {out}/part-0000003.parquet was written by another sweep (its spec or inputs "
        "differ); delete it and run the sweep again with --resume to recompute it"
    )


def _beyond(out: Path, sw: dict[str, Path]) -> str:
    shutil.copy(out / "part-0000003.parquet", out / "part-0000007.parquet")
    return f"--from: {out}/part-0000007.parquet is chunk 7, but this sweep has 4 chunks"


def _manifest(change: Callable[[dict[str, object]], object]) -> Callable[..., str]:
    def damage(out: Path, sw: dict[str, Path]) -> str:
        m = json.loads((out / MANIFEST).read_text())
        change(m)
        (out / MANIFEST).write_text(json.dumps(m))
        return f"--from: malformed manifest {out / MANIFEST}: "

    return damage


def _no_manifest(out: Path, sw: dict[str, Path]) -> str:
    (out / MANIFEST).unlink()
    return f"--from: {out} is not a sweep directory (it has no {MANIFEST})"


DAMAGE = {
    "unfinished": _unfinished,
    "mixed": _mixed,
    "beyond": _beyond,
    "spec 5": _manifest(lambda m: m.update(spec=5)),
    "spec null": _manifest(lambda m: m.update(spec=None)),
    "spec []": _manifest(lambda m: m.update(spec=[])),
    "no design": _manifest(lambda m: m["spec"].pop("design")),  # type: ignore[attr-defined]
    "chunk_size text": _manifest(lambda m: m.update(chunk_size="4")),
    "no manifest": _no_manifest,
}


@pytest.mark.parametrize("reader", ["discover", "plot"])
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_reader_refuses_a_store_it_would_read_wrongly(
    reader: str,
    damage: str,
    sweeps: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "sw"
    shutil.copytree(sweeps["mine"], out)
    words = DAMAGE[damage](out, sweeps)
    png = tmp_path / "x.png"
    args = {
        "discover": ["discover", SCN, "--from", str(out)],
        "plot": ["plot", SCN, "--kind", "sweep", "--from", str(out), "--out", str(png)],
    }[reader]
    line = refused(capsys, args)
    assert line.startswith(f"forceratio: error: {words}"), line
    assert not png.exists()


def test_an_unfinished_sweep_read_after_resume_is_whole(
    sweeps: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the refusal says: --resume finishes it, and the reader then reads it whole."""
    out = tmp_path / "sw"
    shutil.copytree(sweeps["mine"], out)
    _unfinished(out, sweeps)
    assert run([*SWEEP, "--seed", "1", "--out", str(out), "--resume"]) == 0
    capsys.readouterr()
    pd.testing.assert_frame_equal(read_sweep(out, SCN), pd.read_parquet(sweeps["mine"]))
    assert run(["discover", SCN, "--from", str(out), "--format", "json"]) == 0
