"""A finished sweep's manifest edited by hand, read back by the commands that read a sweep
(discover --from, plot --kind sweep --from): a run count of 10^30 is refused as an
unfinished sweep in one line, within bounded memory (the chunks were listed, one tuple each,
before any check: out of memory), and a manifest nested 100,000 deep is refused as
unreadable (json's decoder recursed past Python's limit: a RecursionError traceback).

Oracles: the number of parts on disk (the chunks counted from the run count and chunk size
by hand), and tracemalloc's peak against the few kilobytes the check needs."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from forceratio.errors import InputError
from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec
from forceratio.sweeps.runner import run_sweep
from forceratio.sweeps.store import MANIFEST, ChunkStore, read_sweep

SPEC = SweepSpec(
    "strike-12june-strip",
    Design.make("sobol", [Vary("modifiers.quality.Germany", 0.67, 1.5)], 8, 5),
    calibration=(("german_rate", 0.0193), ("soviet_rate", 0.002)),
)


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tampered") / "sw"
    run_sweep(SPEC, out, chunk_size=4)
    return out


def _edited(src: Path, dst: Path, samples: int) -> Path:
    dst.mkdir()
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    m = json.loads((dst / MANIFEST).read_text())
    m["spec"]["design"]["samples"] = samples
    (dst / MANIFEST).write_text(json.dumps(m))
    return dst


def test_the_sweep_as_written_reads_back(finished: Path) -> None:
    assert len(ChunkStore(finished).done()) == 2  # 8 samples in chunks of 4
    assert len(read_sweep(finished)) == 8


def test_a_run_count_of_ten_to_the_thirty_is_an_unfinished_sweep_in_bounded_memory(
    finished: Path, tmp_path: Path
) -> None:
    out = _edited(finished, tmp_path / "big", 10**30)
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as err:
            read_sweep(out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "2 of more than 10^15 chunks (an unfinished sweep)" in err.value.problem
    assert peak < 50_000_000


def test_a_few_more_runs_than_written_is_an_unfinished_sweep(
    finished: Path, tmp_path: Path
) -> None:
    out = _edited(finished, tmp_path / "more", 9)  # ceil(9 / 4) = 3 chunks, 2 on disk
    with pytest.raises(InputError) as err:
        read_sweep(out)
    assert "2 of 3 chunks (an unfinished sweep)" in err.value.problem


def test_a_manifest_nested_too_deeply_is_unreadable_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "deep"
    out.mkdir()
    (out / MANIFEST).write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError) as err:
        ChunkStore(out).manifest()
    assert err.value.problem.endswith("nested too deeply")
