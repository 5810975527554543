"""The numba cache's fallback under the temporary folder (review20d M3, L4): numba unpickles
its cache index, so a folder that another user owns or can write is refused (no cache, one
note); with no usable temporary folder at all the engine compiles in memory, one note, no
traceback. The tests run as root where they chown (skipped otherwise)."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import pytest

from forceratio.simulator import compiled

OTHER_UID = 12345


@pytest.fixture
def tmp_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Neither the package's __pycache__ nor the user's cache folder is writable; the
    temporary folder is ``tmp_path/tmp``. Returns the fallback folder's path."""
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/nonexistent-xdg")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    real = compiled._writable
    monkeypatch.setattr(compiled, "_writable", lambda f: f.is_relative_to(tmp) and real(f))
    monkeypatch.setattr(compiled, "_cache_noted", False, raising=False)
    return tmp / f"forceratio-numba-{os.getuid()}"


def _notes(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "forceratio.jit"]


def test_fresh_fallback_is_private(tmp_only: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert compiled.cache_folder() == str(tmp_only)
    assert tmp_only.stat().st_mode & 0o777 == 0o700
    assert _notes(caplog) == []


needs_root = pytest.mark.skipif(os.getuid() != 0, reason="chown to another user needs root")


@needs_root
@pytest.mark.parametrize("mode", [0o700, 0o777])
def test_folder_of_another_user_is_refused(
    tmp_only: Path, mode: int, caplog: pytest.LogCaptureFixture
) -> None:
    tmp_only.mkdir()
    os.chown(tmp_only, OTHER_UID, OTHER_UID)
    tmp_only.chmod(mode)
    with caplog.at_level(logging.WARNING, logger="forceratio.jit"):
        assert compiled.cache_folder() == ""
        assert compiled.cache_folder() == ""  # asked again (warm-up, each engine): one note
    notes = _notes(caplog)
    assert len(notes) == 1
    assert str(tmp_only) in notes[0]
    assert not list(tmp_only.iterdir())  # nothing of ours written into it


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_own_folder_writable_by_others_is_refused(
    tmp_only: Path, mode: int, caplog: pytest.LogCaptureFixture
) -> None:
    tmp_only.mkdir()
    tmp_only.chmod(mode)
    with caplog.at_level(logging.WARNING, logger="forceratio.jit"):
        assert compiled.cache_folder() == ""
    assert len(_notes(caplog)) == 1


def test_link_is_refused(tmp_only: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    tmp_only.symlink_to(target)
    assert compiled.cache_folder() == ""


def test_no_temporary_folder_at_all(
    tmp_only: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def none() -> str:  # what tempfile raises when no candidate folder is writable
        raise FileNotFoundError(2, "No usable temporary directory found in ['/tmp']")

    monkeypatch.setattr(tempfile, "gettempdir", none)
    with caplog.at_level(logging.WARNING, logger="forceratio.jit"):
        assert compiled.cache_folder() == ""
    assert len(_notes(caplog)) == 1
