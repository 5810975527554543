"""What a sweep's numbers rest on, as digests: its fingerprint (written into each part)
and the digest of its inputs (kept in the manifest), so that a resumption or a reader can
tell a sweep of other inputs from its own (a scenario file or a table edited since, a
relative path read from another directory, another forceratio version)."""

from __future__ import annotations

from typing import Any

from forceratio.digest import json_digest, sha256_hex, value_digest
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
    return json_digest(held, compact=False)  # the spacing the first fingerprints had


def input_digest(spec: SweepSpec, prep: Any = None) -> dict[str, str]:
    """What a sweep's numbers rest on besides its spec, as digests the manifest keeps (a
    resumption refuses other inputs, naming them): the scenario as read (its file's
    content, with the ``--set`` values applied), the figures it resolves to from its tables
    (built-in tables included), the bytes of each ``--table`` file and the forceratio
    version.  A relative path read from another directory gives other digests.  ``prep``:
    the scenario as prepared now (default: this process's prepared copy, which a file
    edited since it was read does not change)."""
    from dataclasses import fields

    from forceratio import __version__
    from forceratio.files import read_user_bytes
    from forceratio.sweeps.evaluate import _prepared

    if prep is None:
        prep = _prepared(spec.scenario, spec.sets, spec.tables)
    figures = {f.name: getattr(prep, f.name) for f in fields(prep) if f.name != "scenario"}
    out = {"scenario": value_digest(prep.scenario), "figures": value_digest(figures)}
    for name, path in spec.tables:
        out[f"--table {name}"] = sha256_hex(read_user_bytes(path, f"tables {name}"))
    out["forceratio"] = __version__
    return out
