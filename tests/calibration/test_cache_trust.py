"""A calibration cache entry is trusted only if this user wrote it as ``write_entry`` writes:
cache keys are computable from public inputs, so an entry planted by another user (in a
folder they can write), a link, a file larger than the file limit or unpacking larger
(a compressed "bomb"), and arrays of other shapes than the entry's names or holding
non-finite values are all misses (recomputed), never results.

Oracle: a result written by ``write_entry`` and read back is equal (round trip); each
tampered copy of it, with a known tampering, must read as None."""

from __future__ import annotations

import contextlib
import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from forceratio.calibration import CalibrationResult, fit_map
from forceratio.calibration.cache import ResultCache, read_entry, write_entry
from tests.calibration import synthetic as syn

OBS = syn.observe(syn.TRUTH, 0.1, np.random.default_rng(0))
KEY = "k" * 64
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(scope="module")
def result() -> CalibrationResult:
    return fit_map(syn.problem(OBS), n_draws=50, seed=0)


def entry(folder: Path, result: CalibrationResult) -> Path:
    path = folder / f"{KEY}.npz"
    assert write_entry(path, KEY, result)
    assert read_entry(path, KEY) is not None  # the untampered entry is a hit
    return path


def rewrite(path: Path, **arrays: np.ndarray) -> None:
    """The entry at ``path`` with some arrays replaced (the meta, its key, unchanged)."""
    with np.load(path, allow_pickle=False) as z:
        found = {name: z[name] for name in z.files}
    found.update(arrays)
    with open(path, "wb") as fh:
        np.savez(fh, **found)


@pytest.mark.skipif(not ROOT, reason="an entry owned by another user needs root")
def test_an_entry_of_another_user_is_a_miss(tmp_path: Path, result: CalibrationResult) -> None:
    """In the cache; the shipped posterior (package data, read without ``own``) is read
    whoever installed the package."""
    path = entry(tmp_path, result)
    os.chown(path, 54321, 54321)
    assert ResultCache(tmp_path).get(KEY) is None
    assert read_entry(path, KEY) is not None


def test_a_link_to_an_entry_is_a_miss(tmp_path: Path, result: CalibrationResult) -> None:
    real = entry(tmp_path / "elsewhere", result)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"{KEY}.npz").symlink_to(real)
    assert ResultCache(cache).get(KEY) is None


def test_an_entry_above_the_file_limit_is_a_miss(
    tmp_path: Path, result: CalibrationResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = entry(tmp_path, result)
    monkeypatch.setenv("FORCERATIO_MAX_FILE", str(path.stat().st_size - 1))
    assert read_entry(path, KEY, own=True) is None


def test_an_entry_that_unpacks_above_the_limit_is_a_miss(
    tmp_path: Path, result: CalibrationResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compressed zeros: a small file whose draws unpack to 8 MB (the review's bomb, scaled
    down); the limit is set between the file's size and the unpacked size."""
    path = entry(tmp_path, result)
    with np.load(path, allow_pickle=False) as z:
        meta = z["meta"]
    names = json.loads(str(meta))["names"]
    buf = io.BytesIO()
    draws = np.zeros((1_000_000 // len(names), len(names)))
    point = np.zeros(len(names))
    np.savez_compressed(buf, meta=meta, draws=draws, point=point, map_point=point)
    path.write_bytes(buf.getvalue())
    with zipfile.ZipFile(path) as zf:
        unpacked = sum(i.file_size for i in zf.infolist())
    assert path.stat().st_size * 10 < unpacked
    monkeypatch.setenv("FORCERATIO_MAX_FILE", str(unpacked // 2))
    assert read_entry(path, KEY, own=True) is None


def test_arrays_of_other_shapes_or_not_finite_are_a_miss(
    tmp_path: Path, result: CalibrationResult
) -> None:
    k = len(result.names)
    tampered: dict[str, dict[str, np.ndarray]] = {
        "draws, one column more": {"draws": np.zeros((5, k + 1))},
        "draws, one axis": {"draws": np.zeros(5 * k)},
        "point, one value short": {"point": np.zeros(k - 1)},
        "map point, one value more": {"map_point": np.zeros(k + 1)},
        "a NaN draw": {"draws": np.where(np.eye(5, k) > 0, np.nan, 1.0)},
        "an infinite point": {"point": np.full(k, np.inf)},
    }
    for why, arrays in tampered.items():
        path = entry(tmp_path / why.replace(" ", "_").replace(",", ""), result)
        rewrite(path, **arrays)
        assert read_entry(path, KEY) is None, why


def test_package_data_is_read_whatever_the_file_limit(
    tmp_path: Path, result: CalibrationResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's input-file limit bounds the cache, not the shipped posterior (read
    without ``own``): FORCERATIO_MAX_FILE=1M made every command ignore the 4.4 MB shipped
    file and compute the posterior afresh."""
    path = entry(tmp_path, result)
    monkeypatch.setenv("FORCERATIO_MAX_FILE", "1")
    assert read_entry(path, KEY) is not None


def test_a_pipe_at_an_entry_is_a_miss_without_waiting(tmp_path: Path) -> None:
    """A FIFO planted at a key (computable from public inputs) blocked the reading
    command until a writer came; the oracle is a watchdog that opens the pipe's other end
    every 10 s, so each blocked read ends and is counted."""
    import threading

    path = tmp_path / f"{KEY}.npz"
    os.mkfifo(path)
    released: list[bool] = []
    done = threading.Event()

    def release() -> None:
        while not done.wait(10):  # each blocked read in turn
            with contextlib.suppress(OSError):
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                released.append(True)

    watchdog = threading.Thread(target=release, daemon=True)
    watchdog.start()
    try:
        assert ResultCache(tmp_path).get(KEY) is None
        assert read_entry(path, KEY) is None
    finally:
        done.set()
        watchdog.join()
    assert not released, "the read waited on the pipe"
