"""What of a scenario can change numbers: all of it but its prose, defined once.

Two digests key on a scenario's content and must not move when only its words do: the
whole-record calibration's key (:mod:`.record_fit`: a corrected note must not stale a
twelve-minute posterior) and a sweep's input digest (:mod:`forceratio.sweeps.inputs`: a
corrected source must not make ``--resume`` or ``discover --from`` refuse a valid store,
review22c M3).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

#: The scenario fields that are words only: notes, descriptions, and the text saying where
#: a value comes from (``[sources]``, a custom weight's ``source``), which labels a
#: parameter's source and never enters a run.  Left out wherever they appear.
PROSE = frozenset({"note", "notes", "description", "sources", "source"})


def content(scenario: BaseModel) -> dict[str, Any]:
    """The scenario as JSON data, without its defaults (a value set to its default is the
    same scenario) and without its prose (:data:`PROSE`)."""
    dumped: dict[str, Any] = without_prose(scenario.model_dump(mode="json", exclude_defaults=True))
    return dumped


def without_prose(obj: Any) -> Any:
    """``obj`` (JSON data) with every key of :data:`PROSE` left out, at any depth."""
    if isinstance(obj, dict):
        return {k: without_prose(v) for k, v in obj.items() if k not in PROSE}
    if isinstance(obj, list):
        return [without_prose(v) for v in obj]
    return obj
