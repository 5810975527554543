"""What a sweep's numbers rest on, as digests: its fingerprint (written into each part)
and the digest of its inputs (kept in the manifest), so that a resumption or a reader can
tell a sweep of other inputs from its own (a scenario file or a table edited since, a
relative path read from another directory, another forceratio version)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from forceratio.sweeps.evaluate import SweepSpec


def fingerprint(spec: SweepSpec, inputs: dict[str, str] | None = None) -> str:
    """The sweep's fingerprint, written into each of its parts: a hash of everything that
    determines its numbers (the spec and the digest of its inputs, as in the manifest;
    without ``inputs``, the spec alone: the fingerprint of parts written before manifests
    recorded their inputs)."""
    return manifest_fingerprint({"spec": spec.to_json(), "inputs": inputs})


def manifest_fingerprint(manifest: dict[str, Any]) -> str:
    """The fingerprint of the parts of the sweep whose manifest is ``manifest``."""
    inputs = manifest.get("inputs")
    held: Any = manifest.get("spec") if inputs is None else {
        "spec": manifest.get("spec"), "inputs": inputs}  # fmt: skip
    return hashlib.sha256(json.dumps(held, sort_keys=True).encode()).hexdigest()


def input_digest(spec: SweepSpec) -> dict[str, str]:
    """What a sweep's numbers rest on besides its spec, as digests the manifest keeps (a
    resumption refuses other inputs, naming them): the scenario as read (its file's
    content, with the ``--set`` values applied), the figures it resolves to from its tables
    (built-in tables included), the bytes of each ``--table`` file and the forceratio
    version.  A relative path read from another directory gives other digests."""
    from dataclasses import fields

    from forceratio import __version__
    from forceratio.files import read_user_bytes
    from forceratio.sweeps.evaluate import _prepared

    prep = _prepared(spec.scenario, spec.sets, spec.tables)
    figures = {f.name: getattr(prep, f.name) for f in fields(prep) if f.name != "scenario"}
    out = {"scenario": _digest(prep.scenario), "figures": _digest(figures)}
    for name, path in spec.tables:
        out[f"--table {name}"] = hashlib.sha256(read_user_bytes(path, "--table")).hexdigest()
    out["forceratio"] = __version__
    return out


def _digest(obj: object) -> str:
    h = hashlib.sha256()
    _feed(h, obj)
    return h.hexdigest()


def _feed(h: Any, obj: object) -> None:
    """Feed ``obj`` to the hash ``h`` canonically (the same value, the same bytes, in any
    process): arrays by dtype, shape and bytes, pydantic models as their JSON."""
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
