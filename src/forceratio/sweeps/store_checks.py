"""The checks of a sweep's store against the sweep that opens or reads it: a resumption of a
folder with no sweep, a resumption whose manifest differs (in words: which leaves, which
inputs), and a reader's scenario or inputs that changed since the sweep ran.  Kept apart
from :mod:`forceratio.sweeps.store`, the store itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forceratio.errors import InputError
from forceratio.sweeps.store import MANIFEST

if TYPE_CHECKING:
    from forceratio.sweeps.store import ChunkStore


def check_resumable(path: Path | str) -> None:
    """Refuse a resumption of a folder that holds no sweep: it used to start a new sweep
    there, so a mistyped folder went unnoticed."""
    p = Path(path)
    if not p.exists():
        raise InputError(
            "resume", f"{p} does not exist, so there is no sweep to resume; drop --resume to "
            "start one",
        )  # fmt: skip
    if p.is_dir() and not (p / MANIFEST).exists():
        raise InputError("resume", f"{p} holds no sweep to resume (it has no {MANIFEST})")


def difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    """How the manifest ``old`` of a store differs from this sweep's ``new`` (one clause)."""
    was, now = old.get("inputs"), new.get("inputs") or {}
    if isinstance(was, dict) and was.get("forceratio") != now.get("forceratio"):
        return (  # whatever else differs: this code cannot add to that code's parts
            f"was swept by other forceratio code ({was.get('forceratio')} then, "
            f"{now.get('forceratio')} now), and resuming would mix two versions' numbers in "
            "one store; sweep again into another --out"
        )
    skip = {"inputs"} if isinstance(was, dict) else {"inputs", "format"}  # (format 1: none)
    diff = sorted(k for k in set(old) | set(new) if k not in skip and old.get(k) != new.get(k))
    if diff:
        leaves = [leaf for k in diff for leaf in _leaves(old.get(k), new.get(k), k)]
        return f"holds a different sweep (differs in {', '.join(leaves[:3])})"
    if not isinstance(was, dict):
        return (
            "was written by an older forceratio, which did not record the sweep's inputs (the "
            "content of its scenario and tables), so a resumption cannot check them; sweep "
            "again into another --out"
        )
    return (
        f"was swept from other inputs: {', '.join(_changed(was, now))} changed since; resume "
        "with the inputs it was started with, or sweep into another --out"
    )


def _leaves(was: Any, now: Any, path: str) -> list[str]:
    """The dotted paths where two manifest values differ, each with its two values when
    they are short (``spec.design.seed (0 then, 5 now)``)."""
    if isinstance(was, dict) and isinstance(now, dict):
        keys = sorted(k for k in set(was) | set(now) if was.get(k) != now.get(k))
        return [leaf for k in keys for leaf in _leaves(was.get(k), now.get(k), f"{path}.{k}")]
    then, here = json.dumps(was), json.dumps(now)
    return [f"{path} ({then} then, {here} now)" if len(then + here) <= 60 else path]


def _changed(was: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The inputs (digests of :func:`~forceratio.sweeps.inputs.input_digest`) that differ,
    in words."""
    changed = []
    for key in sorted(set(was) | set(now), key=lambda k: (k == "forceratio", k)):
        if was.get(key) == now.get(key):
            continue
        if key == "forceratio":
            changed.append(f"the forceratio version ({was.get(key)} then, {now.get(key)} now)")
        elif key == "scenario":
            changed.append("the scenario's content (its file, with the --set values)")
        elif key == "figures":
            changed.append("the figures the scenario takes from its tables")
        else:
            changed.append(f"the content of {key}")
    return changed


def check_inputs(store: ChunkStore, manifest: dict[str, Any], spec: Any) -> None:
    """Refuse a sweep whose scenario, table figures or --table files changed since it ran
    (a reader would label its rows with the current file); other forceratio code is
    accepted (the rows are that code's numbers, still of these inputs), and so is a
    sweep written before manifests recorded their inputs.  No note on other code: reading
    mixes nothing, and its digest moves with any edit (a comment's)."""
    was = manifest.get("inputs")
    if not isinstance(was, dict):
        return
    from forceratio.scenarios import load
    from forceratio.sweeps.inputs import input_digest, same_scenario_digest

    prep = load(spec.scenario, list(spec.sets), dict(spec.tables))
    now = input_digest(spec, prep)
    now["forceratio"] = was.get("forceratio", now["forceratio"])
    if same_scenario_digest(prep.scenario, str(was.get("scenario"))):
        now["scenario"] = was["scenario"]  # (a store written while its digest held prose)
    changed = _changed(was, now)
    if changed:
        raise InputError(
            store.field,
            f"{store.path} was swept from other inputs: {', '.join(changed)} changed since; "
            "sweep the current inputs again (into another --out) to read them",
        )


def check_given(store: ChunkStore, manifest: dict[str, Any], spec: Any, given: str) -> None:
    """Refuse a reader's scenario ``given`` that has the swept scenario's name but not its
    content (another file), by the digest the manifest keeps; the same
    scenario under another path or as a built-in is accepted."""
    was = manifest.get("inputs")
    if given == spec.scenario or not isinstance(was, dict) or "scenario" not in was:
        return  # (the same path: check_inputs tells whether it changed since)
    from forceratio.scenarios import load
    from forceratio.sweeps.inputs import same_scenario_digest

    prep = load(given, list(spec.sets), dict(spec.tables))
    if not same_scenario_digest(prep.scenario, str(was["scenario"])):
        raise InputError(
            store.field,
            f"{store.path} is a sweep of {spec.scenario}, and {given} is another scenario of "
            f"the same name (their contents differ); give {spec.scenario}, or sweep {given}",
        )
