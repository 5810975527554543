"""Issue 11, defect 6: a read-only install with no writable home must run the compiled
engine (numba used to fail with "cannot cache function ... no locator available")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import forceratio

SRC = Path(forceratio.__file__).parent


@pytest.fixture
def readonly_package(tmp_path: Path) -> Iterator[Path]:
    """A copy of the package on a read-only bind mount (needs root, as on our machines)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only bind mount needs root")
    src = tmp_path / "src"
    shutil.copytree(SRC, src / "forceratio", ignore=shutil.ignore_patterns("__pycache__"))
    mnt = tmp_path / "ro"
    mnt.mkdir()
    ok = subprocess.run(["mount", "--bind", "-o", "ro", str(src), str(mnt)], check=False)
    if ok.returncode != 0:
        pytest.skip("mount --bind is not permitted here")
    try:
        probe = mnt / "forceratio" / "probe"
        with pytest.raises(OSError, match=r"[Rr]ead-only"):
            probe.write_text("x")
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "XDG_"))}
    env["HOME"] = "/proc"  # not writable, even for root
    return env


@pytest.mark.slow
def test_read_only_install_runs_battles_and_sweeps(readonly_package: Path, tmp_path: Path) -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import numpy as np, forceratio; "
        "assert forceratio.__file__.startswith(sys.argv[1]), forceratio.__file__; "
        "r = forceratio.battle('power', np.full(30000, 1e4), 9e3, 1e-5, 1e-5, p=1.5, q=0.5); "
        "print(r.method, int(r.winner_code.sum()))"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(readonly_package)],
        env=_env(), capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.startswith("integrator")
    assert "cannot cache" not in res.stderr
    sweep = (
        "import sys; sys.path.insert(0, sys.argv[1]); from forceratio.cli.app import app; "
        "app(['sweep', 'strike-12june-strip', '--samples', '64', '--seed', '1', '--out', "
        "sys.argv[2]])"
    )
    res = subprocess.run(
        [sys.executable, "-c", sweep, str(readonly_package), str(tmp_path / "out")],
        env=_env(), capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    assert "cannot cache" not in res.stderr
