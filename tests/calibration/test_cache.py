"""The calibration cache: round trip, keyed by what the result depends on, and a miss
(never a crash or a warning) when the folder is unwritable or an entry is corrupt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forceratio.calibration import CalibrationResult, fit_map, sample_posterior
from forceratio.calibration.cache import ENV_VAR, ResultCache, cache_dir, cache_key, cached
from tests.calibration import synthetic as syn

OBS = syn.observe(syn.TRUTH, 0.1, np.random.default_rng(0))


@pytest.fixture(scope="module")
def result() -> CalibrationResult:
    return sample_posterior(syn.problem(OBS), n_walkers=10, n_steps=40, burn=10, seed=0)


def key(values: np.ndarray = OBS, **kw: object) -> str:
    return cache_key(data=syn.problem(values).describe(), **kw)  # type: ignore[arg-type]


def assert_same(a: CalibrationResult, b: CalibrationResult) -> None:
    assert (a.method, a.names, a.model_names, a.fixed) == (
        b.method,
        b.names,
        b.model_names,
        b.fixed,
    )
    for name in ("draws", "point", "map_point"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.log_posterior_max == b.log_posterior_max
    for name in ("parameters", "residuals", "predictive"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.diagnostics == b.diagnostics
    assert a.extra == b.extra


def test_round_trip(tmp_path: Path, result: CalibrationResult) -> None:
    store = ResultCache(tmp_path)
    assert store.get(key()) is None
    assert store.put(key(), result)
    back = store.get(key())
    assert back is not None
    assert_same(result, back)
    assert [p.name for p in tmp_path.iterdir()] == [f"{key()}.npz"]  # no temporary left
    quick = fit_map(syn.problem(OBS), n_draws=100, seed=0)
    assert store.put("other", quick)
    again = store.get("other")
    assert again is not None
    assert_same(quick, again)


def test_key_follows_data_scenarios_settings_and_code() -> None:
    base = key(scenarios={"op": 1}, settings={"steps": 10}, version="1")
    assert base == key(scenarios={"op": 1}, settings={"steps": 10}, version="1")
    changed = OBS.copy()
    changed[3] *= 1.0001
    assert key(changed, scenarios={"op": 1}, settings={"steps": 10}, version="1") != base
    assert key(scenarios={"op": 2}, settings={"steps": 10}, version="1") != base
    assert key(scenarios={"op": 1}, settings={"steps": 11}, version="1") != base
    assert key(scenarios={"op": 1}, settings={"steps": 10}, version="2") != base
    # the default version hashes the package's sources
    assert key() != key(version="1")
    # the order of a mapping does not matter
    assert cache_key(data={"a": 1, "b": 2}) == cache_key(data={"b": 2, "a": 1})


def test_cached_computes_once(tmp_path: Path, result: CalibrationResult) -> None:
    calls: list[int] = []

    def compute() -> CalibrationResult:
        calls.append(1)
        return result

    store = ResultCache(tmp_path)
    first, hit1 = cached(key(), compute, store)
    second, hit2 = cached(key(), compute, store)
    assert (hit1, hit2, len(calls)) == (False, True, 1)
    assert_same(first, second)


@pytest.mark.parametrize("garbage", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_corrupt_entry_is_a_miss(tmp_path: Path, result: CalibrationResult, garbage: bytes) -> None:
    store = ResultCache(tmp_path)
    store.path(key()).write_bytes(garbage)
    assert store.get(key()) is None
    _, hit = cached(key(), lambda: result, store)
    assert not hit
    assert store.get(key()) is not None  # replaced by a good entry


def test_an_entry_nested_past_the_decoders_recursion_is_a_miss(
    tmp_path: Path, result: CalibrationResult
) -> None:
    """json's decoder recurses once per level: a planted 100,000-deep meta raised a
    RecursionError through every command that reads the cache."""
    store = ResultCache(tmp_path)
    deep = "[" * 100_000 + "]" * 100_000
    np.savez(store.path(key()), meta=np.array(deep), draws=np.zeros((1, 1)))
    assert store.get(key()) is None
    _, hit = cached(key(), lambda: result, store)
    assert not hit


def test_truncated_or_foreign_entry_is_a_miss(tmp_path: Path, result: CalibrationResult) -> None:
    store = ResultCache(tmp_path)
    store.put(key(), result)
    data = store.path(key()).read_bytes()
    store.path(key()).write_bytes(data[: len(data) // 2])
    assert store.get(key()) is None
    store.put("somebody-else", result)
    store.path("somebody-else").rename(store.path(key()))
    assert store.get(key()) is None


@pytest.mark.parametrize("where", ["proc", "file"])
def test_unwritable_cache_recomputes(tmp_path: Path, result: CalibrationResult, where: str) -> None:
    if where == "proc":
        folder = Path("/proc/forceratio-cache")  # nobody can create a folder in /proc
    else:
        folder = tmp_path / "a-file"
        folder.write_text("in the way")
    store = ResultCache(folder)
    assert not store.put(key(), result)
    got, hit = cached(key(), lambda: result, store)
    assert not hit
    assert_same(got, result)


def test_read_only_folder_with_an_entry(tmp_path: Path, result: CalibrationResult) -> None:
    """A read-only bind mount (root only): entries are read, writes fail quietly."""
    import subprocess

    folder = tmp_path / "ro"
    folder.mkdir()
    ResultCache(folder).put(key(), result)
    ok = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(folder), str(folder)], check=False, capture_output=True
    )
    if ok.returncode != 0:
        pytest.skip("needs root to bind-mount a read-only folder")
    try:
        store = ResultCache(folder)
        back = store.get(key())
        assert back is not None
        assert not store.put("new", result)
        assert sorted(p.name for p in folder.iterdir()) == [f"{key()}.npz"]
    finally:
        subprocess.run(["umount", str(folder)], check=False, capture_output=True)


def test_env_var_moves_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    assert ResultCache().folder == tmp_path / "here"
    monkeypatch.delenv(ENV_VAR)
    assert cache_dir().name == "calibration"
