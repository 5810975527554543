"""What a sweep's numbers rest on, as digests: its fingerprint (written into each part)
and the digest of its inputs (kept in the manifest), so that a resumption or a reader can
tell a sweep of other inputs from its own (a scenario file or a table edited since, a
relative path read from another directory, other forceratio code)."""

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
    code (:func:`~forceratio.calibration.cache.code_version`, the version and a hash of the
    package's sources: a resumption by other code would mix two engines' numbers in one
    store).  The scenario counts without its prose (:func:`scenario_digest`).  A relative
    path read from another directory gives other digests.  ``prep``:
    the scenario as prepared now (default: this process's prepared copy, which a file
    edited since it was read does not change)."""
    from dataclasses import fields

    from forceratio.calibration.cache import code_version
    from forceratio.io.files import read_user_bytes
    from forceratio.sweeps.evaluate import prepared_for

    if prep is None:
        prep = prepared_for(spec.scenario, spec.sets, spec.tables)
    figures = {f.name: getattr(prep, f.name) for f in fields(prep) if f.name != "scenario"}
    out = {"scenario": scenario_digest(prep.scenario), "figures": value_digest(figures)}
    for name, path in spec.tables:
        out[f"--table {name}"] = sha256_hex(read_user_bytes(path, f"tables {name}"))
    out["forceratio"] = code_version()
    return out


def scenario_digest(scenario: Any) -> str:
    """The digest of what in ``scenario`` can change numbers
    (:func:`forceratio.scenarios.content.content`: its prose left out, as the calibration's
    key leaves it out), so that a corrected note or source does not make a store of it
    foreign."""
    from forceratio.scenarios.content import content

    return value_digest(content(scenario))


def same_scenario_digest(scenario: Any, held: str) -> bool:
    """Whether ``held``, a manifest's scenario digest, is ``scenario``'s: as written now
    (:func:`scenario_digest`) or as written before prose was left out (the whole scenario,
    prose included), so that a finished store of that time stays readable."""
    return held in (scenario_digest(scenario), value_digest(scenario))
