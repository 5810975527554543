"""The sampler's memory check counted the record model's runs at a flat 64 kB a
run (:data:`~forceratio.limits.BYTES_PER_MODEL_RUN`, fitted at 2,000 runs on 2 threads),
but a call's runs cost more below the operational quadratures' blocks in flight (512 runs
a thread: about 90 kB each) and less above them (about 36 kB): 240 draws read 0.71 of the
measured peak, and 2,016 draws on one thread 1.5.  :func:`~forceratio.limits.model_bytes`
counts the blocks on the engine's threads, as the scenarios' runs are counted
(:func:`~forceratio.scenarios.run.batch_bytes`); the estimate is within 0.8-1.3 of the peak
(VmHWM less RssFile's growth after a warm call, reset through /proc/self/clear_refs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.calibration.test_sampling_memory import SAMPLING
from tests.memory_child import measure

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status"),
]


@pytest.mark.parametrize(
    ("walkers", "steps", "threads"),
    [("30", "8", "2"), ("48", "42", "1")],
    ids=["240-draws", "2016-draws-one-thread"],
)
def test_the_estimate_follows_the_models_blocks(
    walkers: str, steps: str, threads: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCERATIO_THREADS", threads)
    added, asked = measure(SAMPLING, [walkers, steps], tmp_path)
    assert [field for field, _ in asked][:1] == ["n_walkers x n_steps"], asked
    assert 0.8 <= asked[0][1] / added <= 1.3, (asked[0][1] / 2**20, added / 2**20)
