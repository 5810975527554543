"""A sweep's disk estimate covers what it writes: it counted 8 B per value only, while each
Parquet part carries a footer and schemas of about 650 B per column, so a 16-row sweep was
estimated at 4.9 kB and wrote 65 kB, and a nearly full disk let it start and fail at the
write.  The oracle is the bytes of the files on disk."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from forceratio.cli import run
from forceratio.limits import sweep_bytes
from tests.cli.refusals import refused

#: (scenario, samples, chunk size): small sweeps (mostly footers) and one of several parts.
SIZES = [("kiev-1941", 8, 8), ("strike-12june-strip", 16, 8), ("strike-12june-strip", 48, 16)]


def _sweep(scenario: str, samples: int, chunk: int, out: Path) -> list[str]:
    return [
        *("sweep", scenario, "--seed", "7", "--samples", str(samples)),
        *("--chunk-size", str(chunk), "--no-progress", "--out", str(out)),
    ]


@pytest.mark.parametrize(("scenario", "samples", "chunk"), SIZES)
def test_the_estimate_covers_the_files_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scenario: str, samples: int, chunk: int
) -> None:
    out = tmp_path / "sw"
    assert run(_sweep(scenario, samples, chunk, out)) == 0
    capsys.readouterr()
    written = sum(f.stat().st_size for f in out.iterdir())
    parts = sorted(out.glob("part-*.parquet"))
    columns = len(pq.read_schema(parts[0]).names)
    estimate = sweep_bytes(samples, columns, len(parts))
    assert written <= estimate <= 1.5 * written, (estimate, written)


def test_a_sweep_that_does_not_fit_a_small_disk_is_refused_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {mounted.stderr.decode().strip()}")
    try:
        out = disk / "sw"
        # 16 strike rows write 65 kB (measured above); the old estimate said 4.9 kB
        env = os.environ.pop("FORCERATIO_MAX_DISK", None)
        try:
            line = refused(capsys, _sweep("strike-12june-strip", 16, 8, out))
        finally:
            if env is not None:
                os.environ["FORCERATIO_MAX_DISK"] = env
        assert "--samples: 16 rows would write about" in line, line
        assert "free on" in line, line
        assert not out.exists() or not any(out.iterdir()), "work was done before the refusal"
    finally:
        subprocess.run(["umount", str(disk)], check=False)
