"""A disk cache of calibration results, keyed by what they depend on.

The key is a SHA-256 over canonical JSON (:func:`forceratio.digest.json_digest`) of the
data (the problem as data: parameters, priors, records, likelihood), the scenario
definitions the model is built from, the sampler settings and the code version (the
package version and a hash of its sources, so that any code change invalidates every
entry).  The folder is ``platformdirs.user_cache_dir("forceratio")/calibration`` unless the
environment variable ``FORCERATIO_CACHE_DIR`` names another.

Entries are ``.npz`` files (arrays, plus the tables as JSON text; read with
``allow_pickle=False``, so a planted file cannot run code), written to a temporary file
in the same folder and moved into place with ``os.replace`` (atomic: a reader sees the old
entry or the new one, never half).  An entry is read only if it is this user's own regular
file (not a link) within the file limit, its arrays the shapes of its names and finite:
keys are computable from public inputs, so an entry another user planted is a miss, not a
result.
The cache is only an accelerator: a missing, corrupt, foreign or unwritable entry is a
miss, and the result is recomputed -- nothing is raised; an unwritable folder is logged
once (``forceratio.cache``; the command line prints it as a note).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import platformdirs

import forceratio
from forceratio.calibration.result import CalibrationResult, Diagnostics
from forceratio.digest import json_digest, jsonable, sha256_hex
from forceratio.limits import max_file_size

ENV_VAR = "FORCERATIO_CACHE_DIR"
FORMAT = 1  # bump when the entry layout changes
_unwritable: set[str] = set()  # folders whose note was logged


def cache_dir() -> Path:
    """The cache folder (not created here)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("forceratio")) / "calibration"


@cache
def code_version() -> str:
    """The package version and a hash of every ``.py`` file of the installed package."""
    root = Path(forceratio.__file__).parent
    files = sorted(root.rglob("*.py"))
    parts = [b for p in files for b in (str(p.relative_to(root)).encode(), p.read_bytes())]
    return f"{forceratio.__version__}+{sha256_hex(*parts)[:16]}"


def cache_key(
    *,
    data: Any,
    scenarios: Any = None,
    settings: Any = None,
    version: str | None = None,
) -> str:
    """SHA-256 hex key of the data, scenario definitions, settings and code version
    (each JSON-serialisable; numpy values allowed)."""
    payload = {
        "format": FORMAT,
        "data": data,
        "scenarios": scenarios,
        "settings": settings,
        "code": code_version() if version is None else version,
    }
    return json_digest(payload)


def _frame_json(df: pd.DataFrame) -> dict[str, Any]:
    # through Python's json, whose float repr round-trips exactly
    return {"columns": [str(c) for c in df.columns], "data": df.to_dict(orient="list")}


def _frame(d: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(d["data"], columns=d["columns"])


def _meta(key: str, r: CalibrationResult) -> str:
    meta = {
        "format": FORMAT,
        "key": key,
        "method": r.method,
        "names": list(r.names),
        "log_posterior_max": r.log_posterior_max,
        "model_names": list(r.model_names),
        "fixed": r.fixed,
        "parameters": _frame_json(r.parameters.reset_index()),
        "residuals": _frame_json(r.residuals),
        "predictive": _frame_json(r.predictive),
        "diagnostics": None if r.diagnostics is None else r.diagnostics.to_dict(),
        "extra": r.extra,
    }
    return json.dumps(meta, default=jsonable)


def _decode(key: str, z: Any) -> CalibrationResult | None:
    meta = json.loads(str(z["meta"]))
    if meta.get("format") != FORMAT or meta.get("key") != key:
        return None
    names = tuple(str(n) for n in meta["names"])
    draws = np.asarray(z["draws"], dtype=float)
    point = np.asarray(z["point"], dtype=float)
    map_point = np.asarray(z["map_point"], dtype=float)
    k = len(names)
    shapes = draws.ndim == 2 and draws.shape[1] == k and point.shape == map_point.shape == (k,)
    if not shapes or not all(np.isfinite(a).all() for a in (draws, point, map_point)):
        return None  # not what write_entry wrote: a miss
    diag = meta["diagnostics"]
    return CalibrationResult(
        method=str(meta["method"]),
        names=names,
        draws=draws,
        point=point,
        map_point=map_point,
        log_posterior_max=float(meta["log_posterior_max"]),
        model_names=tuple(meta["model_names"]),
        fixed={k: float(v) for k, v in meta["fixed"].items()},
        parameters=_frame(meta["parameters"]).set_index("name"),
        residuals=_frame(meta["residuals"]),
        predictive=_frame(meta["predictive"]),
        diagnostics=None if diag is None else Diagnostics.from_dict(diag),
        extra=dict(meta["extra"]),
    )


class ResultCache:
    """Calibration results on disk, one ``<key>.npz`` per entry."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self.folder = Path(folder) if folder is not None else cache_dir()

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.npz"

    def get(self, key: str) -> CalibrationResult | None:
        """The entry, or None when it is missing, unreadable, corrupt or foreign."""
        return read_entry(self.path(key), key, own=True)

    def put(self, key: str, result: CalibrationResult) -> bool:
        """Write atomically; False (and nothing left behind) when the folder is unwritable,
        then one logged note per folder (the command line prints it: minutes lost each run)."""
        stored = write_entry(self.path(key), key, result)
        if not stored and str(self.folder) not in _unwritable:
            _unwritable.add(str(self.folder))
            logging.getLogger("forceratio.cache").warning(
                "calibration cache %s is not writable: results are not kept between runs "
                "(set %s to a writable folder)",
                self.folder,
                ENV_VAR,
            )
        return stored


def read_entry(path: Path, key: str, *, own: bool = False) -> CalibrationResult | None:
    """The result stored at ``path`` under ``key``; None when the file is missing,
    unreadable, corrupt, of another format or stored under another key, is not a regular
    file (a pipe is opened without waiting for a writer), or holds arrays of other shapes
    than its names or values that are not finite.  With ``own`` (a cache entry, whose key is
    computable from public inputs), also None when it is a link, another user's file (one
    planted in a folder they can write), larger than the file limit
    (:func:`~forceratio.limits.max_file_size`) or would unpack larger.  (The shipped
    posterior is package data, trusted as the package's code is, whoever installed it: a
    ``FORCERATIO_MAX_FILE`` below its 4.4 MB made every command ignore it and compute the
    posterior afresh, hours.)"""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) if own else 0
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    # our own handle: np.load leaks its file when the zip is broken
    with os.fdopen(fd, "rb") as fh:
        try:
            if not _trusted(os.fstat(fd), own):
                return None
            with zipfile.ZipFile(fh) as zf:  # sizes as unpacked, before unpacking any
                if own and sum(i.file_size for i in zf.infolist()) > max_file_size():
                    return None
            fh.seek(0)
            with np.load(fh, allow_pickle=False) as z:
                return _decode(key, z)
        except (
            OSError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            EOFError,
            zipfile.BadZipFile,
            RecursionError,  # json's decoder on a planted meta nested past the limit
        ):
            return None


def _trusted(st: os.stat_result, own: bool) -> bool:
    """A regular file; (``own``) within the size limit and owned by this user where there
    are owners."""
    if not own:
        return stat.S_ISREG(st.st_mode)
    mine = not hasattr(os, "geteuid") or st.st_uid == os.geteuid()
    return stat.S_ISREG(st.st_mode) and mine and st.st_size <= max_file_size()


def write_entry(path: Path, key: str, result: CalibrationResult) -> bool:
    """Write ``result`` under ``key`` to ``path`` atomically (a temporary file in the same
    folder, then ``os.replace``); False, and nothing left behind, when that fails."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:16]}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(
                fh,
                meta=np.array(_meta(key, result)),
                draws=result.draws,
                point=result.point,
                map_point=result.map_point,
            )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return True
    except (OSError, TypeError, ValueError):
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False


def cached(
    key: str, compute: Callable[[], CalibrationResult], cache: ResultCache | None = None
) -> tuple[CalibrationResult, bool]:
    """The cached result for ``key`` or ``compute()`` (then stored); and whether it was a hit."""
    store = cache if cache is not None else ResultCache()
    hit = store.get(key)
    if hit is not None:
        return hit, True
    result = compute()
    store.put(key, result)
    return result, False
