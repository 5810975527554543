"""Digests: how the package tells one input from another, written once.

Every digest is a SHA-256 hex string over one of three canonical byte streams:

- :func:`sha256_hex`, bytes as they are: a ``--table`` file, the package's sources (the
  calibration cache's code version), a table's CSV text (the shipped posterior's key).
- :func:`json_digest`, data that is JSON already (numpy values and paths allowed), as JSON
  text with sorted keys: the key of the calibration cache and of the shipped posterior
  (``compact=True``), a sweep's fingerprint (``compact=False``).
- :func:`value_digest`, a Python value walked field by field: arrays by dtype, shape and
  exact bytes, dataclasses by class and field names, pydantic models as their JSON.  What a
  sweep's manifest keeps of a prepared scenario, whose arrays JSON would reduce to lists.

Why two structured forms, and two JSON spacings, rather than one: each digest is stored
and compared later -- the shipped posterior's key in ``calibration/shipped/record1941.npz``,
a sweep's fingerprint in every part it wrote, its input digests in its manifest -- and a
digest computed another way would call the shipped posterior stale and every existing
sweep store foreign.  The forms were written apart (the cache's compact JSON, the sweep
store's json defaults, the manifest's walk over prepared scenarios) and are kept byte for
byte; ``tests/test_digest.py`` pins a digest of each on fixed inputs, so that a
change of any of them fails there first.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np


def sha256_hex(*parts: bytes) -> str:
    """The SHA-256 hex digest of ``parts`` fed one after the other."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.hexdigest()


def json_digest(obj: Any, *, compact: bool = True) -> str:
    """The SHA-256 hex digest of ``obj`` as JSON text with sorted keys, numpy arrays and
    scalars as lists and numbers, paths as text; ``compact``: no spaces after ``,`` and
    ``:`` (False: :mod:`json`'s default spacing, the sweep fingerprint's form).  Raises
    TypeError on a value JSON cannot hold."""
    separators = (",", ":") if compact else (", ", ": ")
    text = json.dumps(obj, sort_keys=True, default=jsonable, separators=separators)
    return sha256_hex(text.encode())


def jsonable(obj: Any) -> Any:
    """``obj`` as JSON can hold it (:func:`json.dumps`'s ``default``): a numpy array as a
    list, a numpy scalar as a number, a path as text; TypeError on anything else."""
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot key a {type(obj).__name__}")


def value_digest(obj: object) -> str:
    """The SHA-256 hex digest of ``obj`` walked canonically (the same value, the same
    bytes, in any process): see :func:`_feed`.  Raises TypeError on a kind of value it
    does not know (never skipped silently)."""
    h = hashlib.sha256()
    _feed(h, obj)
    return h.hexdigest()


def _feed(h: Any, obj: object) -> None:
    """Feed ``obj`` to the hash ``h``: arrays by dtype, shape and bytes, numpy scalars as
    Python ones, pydantic models as their JSON, dataclasses field by field, dicts in the
    order of their keys' reprs."""
    from dataclasses import fields, is_dataclass

    from pydantic import BaseModel

    if isinstance(obj, np.ndarray):
        a = np.ascontiguousarray(obj)
        h.update(f"array {a.dtype.str} {a.shape};".encode())
        h.update(a.tobytes())
    elif isinstance(obj, np.generic):
        _feed(h, obj.item())
    elif obj is None or isinstance(obj, bool | int | float | str):
        h.update(f"{type(obj).__name__} {obj!r};".encode())
    elif isinstance(obj, BaseModel):
        h.update(f"{type(obj).__name__} {obj.model_dump_json()};".encode())
    elif is_dataclass(obj) and not isinstance(obj, type):
        h.update(f"{type(obj).__name__}(".encode())
        for f in fields(obj):
            h.update(f"{f.name}=".encode())
            _feed(h, getattr(obj, f.name))
        h.update(b")")
    elif isinstance(obj, dict):
        h.update(b"{")
        for key in sorted(obj, key=repr):
            _feed(h, key)
            _feed(h, obj[key])
        h.update(b"}")
    elif isinstance(obj, list | tuple):
        h.update(b"[")
        for v in obj:
            _feed(h, v)
        h.update(b"]")
    else:  # a new kind of field in a prepared scenario: say so, never skip it silently
        raise TypeError(f"cannot digest a {type(obj).__name__}")
