"""review19b, HIGH 1: a damaged compile cache (an index or data file emptied, truncated or
overwritten) is read as a miss, compiled again and replaced: the command gives the numbers
of an undamaged run, exit 0, with one line of notice; it used to fail (a traceback, or
"aborted" with exit 130 as if Ctrl-C were pressed) on every run until deleted by hand."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import forceratio

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"), reason="no JIT"),
]
SRC = str(Path(forceratio.__file__).parents[1])


def _compare(numba_dir: Path, cache_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env |= {"NUMBA_CACHE_DIR": str(numba_dir), "FORCERATIO_CACHE_DIR": str(cache_dir)}
    env["PYTHONPATH"] = SRC
    return subprocess.run(
        [sys.executable, "-m", "forceratio", "compare"],
        env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A cache filled by a cold, undamaged run, and that run's output."""
    root = tmp_path_factory.mktemp("numba")
    res = _compare(root / "nb", root / "fr")
    assert res.returncode == 0, res.stderr[-2000:]
    assert list((root / "nb").glob("*/integrator.run_chunk-*.nbi")), "nothing cached"
    return root / "nb", res.stdout


def _damage(path: Path, how: str) -> None:
    if how == "empty":
        path.write_bytes(b"")
    elif how == "random":
        path.write_bytes(os.urandom(500))
    else:  # truncated
        path.write_bytes(path.read_bytes()[:300])


@pytest.mark.parametrize(
    ("suffix", "how"), [("nbi", "empty"), ("nbi", "random"), ("nbc", "truncated")]
)
def test_a_damaged_cache_entry_is_compiled_again(
    good: tuple[Path, str], tmp_path: Path, suffix: str, how: str
) -> None:
    cache, expected = good
    nb = tmp_path / "nb"
    shutil.copytree(cache, nb)
    (target,) = nb.glob(f"*/integrator.run_chunk-*.{suffix}")
    _damage(target, how)
    res = _compare(nb, tmp_path / "fr")
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout == expected
    notes = res.stderr.strip().splitlines()
    assert len(notes) == 1
    assert "damaged" in notes[0]
    again = _compare(nb, tmp_path / "fr")  # repaired: no notice the second time
    assert again.returncode == 0
    assert again.stdout == expected
    assert again.stderr == ""
