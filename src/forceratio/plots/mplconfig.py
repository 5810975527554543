"""A folder matplotlib can write, chosen before it is imported (imported for that effect).

On import, matplotlib takes ``$MPLCONFIGDIR`` or else ``$XDG_CONFIG_HOME/matplotlib`` and
``$XDG_CACHE_HOME/matplotlib`` (``~/.config``, ``~/.cache``); when it cannot create or write
one (a read-only home, a home that is not a folder), it makes a temporary folder that it
removes at exit and logs two warnings, which reach the terminal as bare lines, and it
rebuilds its font cache in every process.  :func:`choose` decides first, as
:func:`forceratio.simulator.compiled.cache_folder` does for numba's cache: the user's folders
where matplotlib could use them, else ``MPLCONFIGDIR`` = a private folder of this user in the
temporary directory (kept: the font cache is built once), else a fresh temporary folder of
its own, removed at exit.  Linux only, as matplotlib's rule here is (and the package's
platform); a ``MPLCONFIGDIR`` already set, or matplotlib already imported, is left alone.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

ENV = "MPLCONFIGDIR"


def _default_folders() -> list[Path] | None:
    """matplotlib's own choice of config and cache folder (matplotlib 3.8-3.11,
    ``_get_config_or_cache_dir``), or None where it cannot resolve the home folder."""
    try:  # the home folder only where an XDG variable is not set, as matplotlib does
        config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:
        return None
    return [Path(config, "matplotlib"), Path(cache, "matplotlib")]


def _usable(folder: Path) -> bool:
    """matplotlib's test of its folder: made (``mkdir -p``), a folder, writable."""
    try:
        folder = folder.resolve()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK) and folder.is_dir()


def private_folder(folder: Path) -> bool:
    """Whether ``folder`` is (made) a folder of this user that nobody else can write (no
    other user can plant a ``matplotlibrc`` for this process to read) and that takes files."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.lstat()  # a link is refused: it may point anywhere
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
            return False
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return False
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def choose() -> str | None:
    """Set ``MPLCONFIGDIR`` where matplotlib's own folders cannot be used; the folder set,
    or None when nothing was changed."""
    if os.environ.get(ENV) or "matplotlib" in sys.modules or not sys.platform.startswith("linux"):
        return None
    defaults = _default_folders()
    if defaults is not None and all(_usable(f) for f in defaults):
        return None
    try:
        kept = Path(tempfile.gettempdir(), f"forceratio-matplotlib-{os.getuid()}")
        if private_folder(kept):
            os.environ[ENV] = str(kept)
            return str(kept)
        fresh = tempfile.mkdtemp(prefix="forceratio-matplotlib-")
    except OSError:  # no usable temporary folder at all: matplotlib says so itself
        return None
    atexit.register(shutil.rmtree, fresh, ignore_errors=True)
    os.environ[ENV] = fresh
    return fresh


choose()
