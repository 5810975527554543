"""What of a scenario can change numbers: all of it but its prose, defined once.

Two digests key on a scenario's content and must not move when only its words do: the
whole-record calibration's key (:mod:`.record_fit`: a corrected note must not stale a
twelve-minute posterior) and a sweep's input digest (:mod:`forceratio.sweeps.inputs`: a
corrected source must not make ``--resume`` or ``discover --from`` refuse a valid store).
"""

from __future__ import annotations

import types
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

#: The scenario model fields that are words only: notes, descriptions, and the text saying
#: where a value comes from (``[sources]``, a custom weight's ``source``), which labels a
#: parameter's source and never enters a run.  Left out as model fields only: a key a user
#: chose (a transfer named ``source``) is content.
PROSE = frozenset({"note", "notes", "description", "sources", "source"})

_Exclude = dict[Any, Any]


def content(scenario: BaseModel) -> dict[str, Any]:
    """The scenario as JSON data, without its defaults (a value set to its default is the
    same scenario) and without its prose fields (:data:`PROSE`)."""
    dumped: dict[str, Any] = scenario.model_dump(
        mode="json", exclude_defaults=True, exclude=prose_fields(type(scenario))
    )
    return dumped


@cache
def prose_fields(model: type[BaseModel]) -> _Exclude:
    """The ``exclude`` argument of :meth:`~pydantic.BaseModel.model_dump` that leaves out
    every :data:`PROSE` field of ``model`` and of the models it holds, found from the schema
    (the field declarations), never from the data's keys."""
    spec: _Exclude = {}
    for name, field in model.model_fields.items():
        if name in PROSE:
            spec[name] = True
        else:
            inner = _within(field.annotation)
            if inner:
                spec[name] = inner
    return spec


def _within(annotation: Any) -> _Exclude | None:
    """The exclude spec for a value of type ``annotation`` (None: nothing to leave out)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return prose_fields(annotation) or None
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return _within(args[0])
    if origin in (Union, types.UnionType):
        found = [s for s in (_within(a) for a in args) if s]
        if len(found) > 1:
            raise TypeError(f"prose_fields: a union of two models is not supported: {annotation!r}")
        return found[0] if found else None
    if origin in (list, tuple, set, frozenset) and args:
        inner = _within(args[0])
        return {"__all__": inner} if inner else None
    if origin is dict and len(args) == 2:
        inner = _within(args[1])
        return {"__all__": inner} if inner else None
    return None
