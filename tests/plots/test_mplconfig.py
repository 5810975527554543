"""``forceratio plot`` with a home matplotlib cannot write prints no warning.

matplotlib, imported where it cannot make ``~/.config/matplotlib`` (a read-only home, a home
that is not a folder), made a throw-away folder and logged "mkdir -p failed for path ..."
and "Matplotlib created a temporary cache directory ..." on stderr.  Checked through the
command in a fresh process (the oracle is its stderr, and the folder matplotlib used):
with HOME a file (no one, root included, can make a folder under it) and, as root where
``unshare`` is allowed, with HOME on a read-only bind mount (the case reported); then the
choice itself where the kept folder is not private."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import forceratio
from forceratio.plots import mplconfig

SRC = str(Path(forceratio.__file__).parents[1])
PLOT = ["plot", "smolensk-1941", "--kind", "trajectory", "--out"]


def _env(home: Path, tmp: Path) -> dict[str, str]:
    drop = ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", mplconfig.ENV)
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env |= {"HOME": str(home), "TMPDIR": str(tmp), "PYTHONPATH": SRC}
    env["FORCERATIO_CACHE_DIR"] = str(tmp / "calibration")
    return env


def _plot(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=600, check=False
    )  # fmt: skip


def _check(res: subprocess.CompletedProcess[str], out: Path, tmp: Path) -> None:
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""  # no "mkdir -p failed", no "Matplotlib created a temporary ..."
    assert out.stat().st_size > 0
    kept = tmp / f"forceratio-matplotlib-{os.getuid()}"
    assert list(kept.glob("fontlist-*.json")), "matplotlib did not use the kept folder"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o700


def test_a_home_that_is_not_a_folder_gives_no_warning(tmp_path: Path) -> None:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.write_text("not a folder")
    tmp.mkdir()
    out = tmp_path / "t.png"
    res = _plot([sys.executable, "-m", "forceratio", *PLOT, str(out)], _env(home, tmp))
    _check(res, out, tmp)


@pytest.mark.skipif(os.getuid() != 0 or not shutil.which("unshare"), reason="needs root, unshare")
def test_a_read_only_home_gives_no_warning(tmp_path: Path) -> None:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    out = tmp_path / "t.png"
    # in a mount namespace of its own: the read-only mount ends with the process
    script = (
        f'mount --bind "{home}" "{home}" && mount -o remount,bind,ro "{home}" || exit 97\n'
        f'touch "{home}/probe" 2>/dev/null && exit 98\n'
        'exec "$@"\n'
    )
    args = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"]
    res = _plot([*args, sys.executable, "-m", "forceratio", *PLOT, str(out)], _env(home, tmp))
    if res.returncode in (1, 97) and not out.exists():
        pytest.skip(f"no read-only bind mount here: {res.stderr.strip()[-200:]}")
    assert res.returncode != 98, "the bind mount was not read-only"
    _check(res, out, tmp)
    assert not list(home.iterdir())


def test_a_kept_folder_others_can_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's (or a world-writable) folder could hold a planted matplotlibrc: a
    fresh folder of its own is used instead, removed at exit."""
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.write_text("not a folder")
    kept = tmp / f"forceratio-matplotlib-{os.getuid()}"
    kept.mkdir(parents=True)
    kept.chmod(0o777)
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", mplconfig.ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr("tempfile.tempdir", str(tmp))
    monkeypatch.delitem(sys.modules, "matplotlib", raising=False)  # as before its import
    chosen = mplconfig.choose()
    assert chosen is not None
    assert os.environ[mplconfig.ENV] == chosen
    assert Path(chosen).parent == tmp
    assert Path(chosen) != kept
    assert stat.S_IMODE(Path(chosen).stat().st_mode) == 0o700
    # and nothing is changed where the user's folders are usable, or MPLCONFIGDIR is set
    assert mplconfig.choose() is None  # (set now)
    monkeypatch.delenv(mplconfig.ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert mplconfig.choose() is None
    assert mplconfig.ENV not in os.environ
    assert (tmp_path / "config" / "matplotlib").is_dir()
    Path(chosen).rmdir()
