"""``forceratio sweep --resume`` refuses, in one line naming it and before any work, a
finished part that is not its sweep's chunk (outside review, 2026-12-03): another sweep's
part, other columns, another row count, another chunk's rows, a chunk number beyond the
sweep (a part written before parts carried their sweep's fingerprint: its first run's
outcomes).  Every file stays as it was; deleting the named part lets --resume recompute it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from forceratio.cli import run
from forceratio.sweeps.store import ChunkStore
from tests.cli.refusals import refused
from tests.cli.resumed_sweeps import store_files

SCN = "strike-12june-strip"
BASE = ["sweep", SCN, "--vary", "modifiers.quality.Germany=0.3:20", "--samples", "12",
        "--chunk-size", "4", "--no-progress", "--format", "json"]  # fmt: skip
SWEEP = [*BASE, "--seed", "1"]


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sweep (seed 1), one of another seed and one with another --set (same design)."""
    root = tmp_path_factory.mktemp("sweeps")
    made = {
        "mine": [*SWEEP],
        "seed": [*BASE, "--seed", "2"],
        "set": [*SWEEP, "--set", "modifiers.quality.USSR=0.8"],
    }
    for name, args in made.items():
        assert run([*args, "--out", str(root / name)]) == 0
    return {name: root / name for name in made}


def _strip_fingerprint(part: Path) -> None:
    """The part as written before parts carried their sweep's fingerprint."""
    table = pq.read_table(part)
    meta = {k: v for k, v in (table.schema.metadata or {}).items() if k != b"forceratio.sweep"}
    pq.write_table(table.replace_schema_metadata(meta), part)


def _other_seed(out: Path, sw: dict[str, Path]) -> str:
    shutil.copy(sw["seed"] / "part-0000001.parquet", out / "part-0000001.parquet")
    return "part-0000001.parquet was written by another sweep (its spec or inputs differ)"


def _other_set(out: Path, sw: dict[str, Path]) -> str:
    shutil.copy(sw["set"] / "part-0000001.parquet", out / "part-0000001.parquet")
    return "part-0000001.parquet was written by another sweep (its spec or inputs differ)"


def _other_seed_unmarked(out: Path, sw: dict[str, Path]) -> str:
    shutil.copy(sw["seed"] / "part-0000001.parquet", out / "part-0000001.parquet")
    _strip_fingerprint(out / "part-0000001.parquet")
    return "part-0000001.parquet holds other rows than its chunk's (modifiers.quality.Germany"


def _other_set_unmarked(out: Path, sw: dict[str, Path]) -> str:
    shutil.copy(sw["set"] / "part-0000001.parquet", out / "part-0000001.parquet")
    _strip_fingerprint(out / "part-0000001.parquet")  # same design: its first run tells
    return "part-0000001.parquet holds other outcomes than this sweep's ("


def _another_chunk(out: Path, sw: dict[str, Path]) -> str:
    shutil.copy(out / "part-0000001.parquet", out / "part-0000002.parquet")
    return "part-0000002.parquet holds other rows than its chunk's (runs 8..11)"


def _beyond(out: Path, sw: dict[str, Path]) -> str:
    shutil.copy(out / "part-0000001.parquet", out / "part-0000009.parquet")
    return "part-0000009.parquet is chunk 9, but this sweep has 3 chunks"


def _fewer_rows(out: Path, sw: dict[str, Path]) -> str:
    part = out / "part-0000001.parquet"
    ChunkStore(out).write(1, pd.read_parquet(part).iloc[:3], pq.read_metadata(part).metadata[
        b"forceratio.sweep"].decode())  # fmt: skip
    return "part-0000001.parquet has 3 rows, not its chunk's 4"


def _other_columns(out: Path, sw: dict[str, Path]) -> str:
    part = out / "part-0000001.parquet"
    pd.read_parquet(part).drop(columns=["duration_days"]).to_parquet(part, index=False)
    return "part-0000001.parquet has other columns than this sweep's (e.g. 'duration_days')"


@pytest.mark.parametrize(
    "damage",
    [_other_seed, _other_set, _other_seed_unmarked, _other_set_unmarked, _another_chunk,
     _beyond, _fewer_rows, _other_columns],
)  # fmt: skip
def test_resume_refuses_a_part_that_is_not_its_chunk(
    damage: Callable[[Path, dict[str, Path]], str],
    sweeps: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "sw"
    shutil.copytree(sweeps["mine"], out)
    (out / "part-0000000.parquet").unlink()  # an interrupted sweep: chunk 0 to do
    words = damage(out, sweeps)
    before = store_files(out)
    line = refused(capsys, [*SWEEP, "--out", str(out), "--resume"])
    assert line.startswith(f"forceratio: error: --resume: {out}/"), line
    assert words in line
    assert "delete it" in line
    assert store_files(out) == before  # nothing written, nothing dropped
    # as the line says: without the part, --resume recomputes and the sweep is whole
    bad = out / line.split(f"{out}/", 1)[1].split(" ", 1)[0]
    bad.unlink()
    assert run([*SWEEP, "--out", str(out), "--resume"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 12
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(sweeps["mine"]))


def test_resume_keeps_its_own_parts_with_or_without_a_fingerprint(
    sweeps: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sw"
    shutil.copytree(sweeps["mine"], out)
    (out / "part-0000002.parquet").unlink()
    _strip_fingerprint(out / "part-0000001.parquet")  # written before parts carried one
    assert run([*SWEEP, "--out", str(out), "--resume"]) == 0
    assert json.loads(capsys.readouterr().out)["computed_chunks"] == 1
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(sweeps["mine"]))
