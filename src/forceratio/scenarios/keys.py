"""The keys a scenario file may hold at a place, and the one line a validation error becomes."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from forceratio.errors import InputError


def _models(tp: Any) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation (``list[X]``, ``dict[str, X]``, ``X | None``)."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    origin = typing.get_origin(tp)
    if origin is None and not isinstance(tp, types.UnionType):
        return []
    return [m for a in typing.get_args(tp) for m in _models(a)]


def allowed_keys(root: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """The keys the model reached along ``loc`` (the unknown key last) accepts; [] when the
    path leads to no model."""
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if model is None:
            return []
        field = model.model_fields.get(str(part))
        if field is None:
            continue  # a list index, a side or another mapping key: the same model
        found = _models(field.annotation)
        model = found[0] if found else None
    return sorted(model.model_fields) if model is not None else []


def unknown_key_message(root: type[BaseModel], loc: Sequence[int | str]) -> str:
    """``unknown key; did you mean 'x'? allowed: a, b, c`` for the last key of ``loc``."""
    from forceratio.scenarios.schema import CATEGORIES

    keys = allowed_keys(root, loc)
    if not keys:
        return "unknown key"
    near = difflib.get_close_matches(str(loc[-1]), keys, n=1)
    hint = f"did you mean {near[0]!r}? " if near else ""
    if "inline" in keys and str(loc[-1]) in CATEGORIES:
        numbers = ", ".join(f"{c} = ..." for c in CATEGORIES)
        hint = f"numbers go in inline = {{ {numbers} }}; "
    return f"unknown key; {hint}allowed here: {', '.join(keys)}"


#: How pydantic names a member of a union or a validator in an error's location (the float
#: of ``Rate | Literal["calibrated"]`` is ``constrained-float``): not a key of the file.
UNION_TAGS = ("function-", "constrained-", "literal[", "lax-or-strict", "json-or-python")


#: Why a scenario file's ``seed`` is refused (schema.Scenario.seed).
NO_SEED = (
    "a scenario file does not choose the seed: remove it and give --seed (seed= from "
    "Python); without one the seed is 0"
)


def filled(v: dict[str, float], keys: Sequence[str], default: float, what: str) -> dict[str, float]:
    """``v`` with every one of ``keys`` (``default`` where missing); an unknown key is an
    error naming it."""
    unknown = sorted(set(v) - set(keys))
    if unknown:
        raise ValueError(f"unknown {what} {unknown[0]!r}; use {', '.join(keys)}")
    return {k: v.get(k, default) for k in keys}


#: pydantic's bound constraints, as the one line says them.
_BOUNDS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


def error_field_and_message(root: type[BaseModel], err: Any) -> tuple[str, str]:
    """One pydantic error of ``root`` as (dotted field, problem): an unknown key lists the
    allowed ones, a value of the wrong kind says what it got (``true``, ``"30"``)."""
    loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith(UNION_TAGS))
    loc = ".".join(p for p in loc.split(".") if p not in ("literal[", "")) or "scenario"
    if err["type"] == "extra_forbidden":
        return loc, unknown_key_message(root, err["loc"])
    given = (err.get("ctx") or {}).get("error")
    if isinstance(given, InputError):  # a check across fields names its own (consistency.py)
        inner = given.field if loc == "scenario" else f"{loc}.{given.field}"
        return inner, given.problem
    msg = str(err["msg"]).removeprefix("Value error, ")
    bound = next((v for k, v in (err.get("ctx") or {}).items() if k in _BOUNDS), None)
    if isinstance(bound, int | float) and isinstance(err.get("input"), int | float):
        # pydantic writes a bound in full (1e100 as 101 digits); the value given beside it
        kind = next(k for k in err["ctx"] if k in _BOUNDS)
        msg = f"must be {_BOUNDS[kind]} {bound:g}, got {err['input']:g}"
    if str(err["type"]).endswith("_type"):  # the value's kind: a number given as text, ...
        got = err.get("input")
        shown = str(got).lower() if isinstance(got, bool) else repr(got)
        msg = f"{msg}, got {shown[:60]}"
    return loc, msg
