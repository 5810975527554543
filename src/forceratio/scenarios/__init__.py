"""Scenarios: TOML files validated on load, the built-in 1941 scenarios, and the functions
that run, calibrate and compare them.

``load(name_or_path, sets=..., tables=...)`` returns a :class:`Prepared` scenario (every
table reference resolved); ``builtins()`` lists the shipped ones; ``export(name)`` gives
a built-in's TOML text.  ``sets`` applies ``dotted.path=value`` overrides before
validation; ``tables`` replaces data tables with user CSVs (``{"strip": "my.csv"}``).
The sweepable parameters are data in :mod:`.registry` (``parameter_label(path)`` words one);
a :class:`~.session.Session` shares tables and the calibration across a command
(``Session().run(prep)`` runs ``"calibrated"`` rates at the whole-record posterior;
``run.run(prep, calibration=Session().rates(prep))`` the same; ``calibration={}`` runs the
raw table defaults, as ``--uncalibrated``; ``run.run(prep)`` on such a scenario is refused).
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from forceratio.arguments import bare_point, instance, unmeant_number
from forceratio.errors import InputError
from forceratio.scenarios.build import Prepared, prepare
from forceratio.scenarios.registry import LABELS as PARAMETER_LABELS
from forceratio.scenarios.registry import label as parameter_label
from forceratio.scenarios.registry import unit as parameter_unit
from forceratio.scenarios.schema import Scenario, validate_scenario

BUILTIN_ORDER = (
    "strike-12june-strip",
    "barbarossa-22june-strip",
    "strike-12june-north",
    "sokolov-152v100",
    "barbarossa-22june",
)


def builtins() -> list[str]:
    """Names of the built-in scenarios, in the order ``compare`` shows them."""
    root = resources.files("forceratio.scenarios").joinpath("builtin")
    found = {p.name.removesuffix(".toml") for p in root.iterdir() if p.name.endswith(".toml")}
    return [n for n in BUILTIN_ORDER if n in found] + sorted(found - set(BUILTIN_ORDER))


def export(name: str) -> str:
    """The TOML text of a built-in scenario."""
    if name not in builtins():
        raise InputError(
            "name", f"unknown scenario {name!r}; choose one of {', '.join(builtins())}"
        )
    return (
        resources.files("forceratio.scenarios")
        .joinpath(f"builtin/{name}.toml")
        .read_text(encoding="utf-8")
    )


#: How deep tables and lists may nest in a scenario (its own need is 6: sectors.0.forces.
#: USSR.0.inline.personnel): deeper text would exhaust Python's recursion in the reader.
MAX_NESTING = 32


def _parse_value(text: str, path: str = "") -> Any:
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        x = bare_point(text)  # .5 as --vary reads it
        return text if x is None else x
    except RecursionError:
        raise InputError("sets", f"{path}: {_DEEP}") from None
    if _too_deep(value):
        raise InputError("sets", f"{path}: {_DEEP}")
    return value


_DEEP = f"tables or lists nested more than {MAX_NESTING} deep; a scenario needs a few levels"
#: The largest scenario file read, in bytes: a built-in is about 16 KB.  A larger file is
#: refused before it is parsed (60 MB of keys, within the input files' limit, took 38 s to
#: parse and then gigabytes to refuse key by key).
MAX_SCENARIO_BYTES = 1 << 20


def _too_deep(value: Any) -> bool:
    """Whether ``value`` nests dicts or lists more than :data:`MAX_NESTING` deep (counted
    without recursion, which such a value would exhaust)."""
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, dict | list):
            if depth >= MAX_NESTING:
                return True
            stack.extend((x, depth + 1) for x in (v.values() if isinstance(v, dict) else v))
    return False


def _parses(text: str) -> bool:
    """Whether ``text`` is a TOML value (else :func:`_parse_value` keeps it as a word)."""
    try:
        tomllib.loads(f"v = {text}")
    except (tomllib.TOMLDecodeError, RecursionError):  # too deep: _parse_value says so
        return False
    return True


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string: JSON's escapes are TOML's; DEL, which JSON leaves
    bare and TOML refuses bare, escaped too."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_text(value: object, path: str) -> str:
    """A Python value of ``sets`` (set on ``path``) as TOML: a str as that text, a bool as
    ``true``/``false``, a mapping as an inline table and a list or tuple as an array of such
    values; anything else as Python writes it (a number, a date).  None, which TOML lacks,
    is refused."""
    if value is None:
        raise InputError("sets", f"{path}: None is not a value (TOML has no null); leave it out")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, Mapping):
        items = (f"{_toml_string(str(k))} = {_toml_text(v, path)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_text(v, path) for v in value) + "]"
    return f"{value}"  # format(): a float32 as its float, 0.019999999552965164


#: What ``sets`` may be, from Python: ``"dotted.path=value"`` texts, one text, or a mapping
#: path -> value (the command line's repeatable ``--set``).
Sets = str | Sequence[str] | Mapping[str, object] | None


def set_texts(sets: Sets) -> list[str]:
    """``sets`` as ``dotted.path=value`` texts, the one reading of them (``load``,
    ``compare``, ``Session.prepare``, ``plots.figure``): one text is one override (not one
    per character), a mapping gives one text per item."""
    if sets is None:
        return []
    if isinstance(sets, str):
        return [sets]
    if isinstance(sets, Mapping):  # a Python str is the string itself, not TOML to parse
        deep = next((k for k, v in sets.items() if _too_deep(v)), None)
        if deep is not None:
            raise InputError("sets", f"{deep}: {_DEEP}")
        return [f"{k}={_toml_text(v, str(k))}" for k, v in sets.items()]
    texts = list(sets)
    bad = next((x for x in texts if not isinstance(x, str)), None)
    if bad is not None:
        raise InputError("sets", f"expected dotted.path=value texts, got {bad!r}")
    return texts


def apply_sets(raw: dict[str, Any], sets: Sets) -> dict[str, Any]:
    """Apply ``dotted.path=value`` overrides (TOML values; bare words are strings).  A number
    set on a path the scenario declares uncertain fixes it there: its ``[uncertainty]``
    range becomes that value alone, so the commands that draw or sweep the declared ranges
    (sweep and sensitivity without --vary, compare's one-at-a-time lines, discover) leave it
    where it was set instead of moving it over the range again."""
    items: list[tuple[str, str]] = []
    for item in set_texts(sets):
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise InputError("sets", f"expected dotted.path=value, got {item!r}")
        items.append((path.strip(), value.strip()))
    for path, value in items:
        if "\n" in value or "\r" in value:  # TOML after a line break would be dropped
            raise InputError("sets", f"{path}: the value holds a line break; give one value")
        odd = unmeant_number(value) if _parses(value) else None
        if odd is not None:  # TOML's 0x10 is 16 and 1_0 is 10: not what a --set means
            raise InputError("sets", f"{path}={value}: {odd}")
        keys = _path_keys(path)
        known = raw.get("presence")
        if keys[0] == "presence" and len(keys) > 2 and keys[1] not in (known or {}):
            raise InputError(  # not a new, empty presence table: there is nothing in transit
                path, f"the scenario has no [presence.{keys[1]}] (no forces in transit)"
            )
        tv = raw.get("table_values")
        if isinstance(tv, dict):  # a value set replaces the table row it was read from
            tv.pop(path, None)
        node: Any = raw
        for depth, key in enumerate(keys):
            last = depth == len(keys) - 1
            if isinstance(node, list):
                # digits only: int() would take -1 (the last item), +1, 1_0 and " 1"
                if not (key.isascii() and key.isdigit()) or len(key) > 9 or int(key) >= len(node):
                    raise InputError("sets", f"{path}: no list item {key!r}")
                idx = int(key)
                if last:
                    node[idx] = _parse_value(value, path)
                else:
                    node = node[idx]
            elif isinstance(node, dict):
                if last:
                    node[key] = _parse_value(value, path)
                else:
                    node = node.setdefault(key, {})
            else:
                raise InputError("sets", f"{path}: {key!r} is inside a value, not a table")
        _fix_declared(raw, path, value)
    return raw


def _path_keys(path: str) -> list[str]:
    """The keys of a dotted ``--set`` path, read as TOML reads a dotted key: a quoted key
    (``uncertainty."breakpoints.USSR"``) holds its dots; a path without quotes is split at
    every dot."""
    if '"' not in path and "'" not in path:
        return path.split(".")
    try:
        node: Any = tomllib.loads(f"{path} = 0")
    except tomllib.TOMLDecodeError:
        raise InputError(
            "sets", f"{path}: not a dotted path (each quoted key closed, keys joined by dots)"
        ) from None
    keys: list[str] = []
    while isinstance(node, dict):
        ((key, node),) = node.items()
        keys.append(key)
    return keys


def _fix_declared(raw: dict[str, Any], path: str, value: str) -> None:
    """A declared range of ``path`` becomes the number set on it (:func:`apply_sets`)."""
    unc = raw.get("uncertainty")
    if not isinstance(unc, dict) or path not in unc:
        return
    v = _parse_value(value, path)
    # a non-finite number is left to the field's own check, which names the --set (the
    # range's check would name [uncertainty], which the user did not write)
    if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
        unc[path] = [float(v), float(v)]


def read(name_or_path: str) -> tuple[dict[str, Any], str]:
    """The raw TOML document of a built-in name or a file path, and where it came from."""
    instance("name_or_path", name_or_path, (str, os.PathLike), "a built-in name or a file path")
    if name_or_path in builtins():
        return tomllib.loads(export(name_or_path)), name_or_path
    from forceratio.io.files import read_user_text

    path = Path(name_or_path)
    if not os.path.lexists(path):
        raise InputError(
            "name_or_path",
            f"no built-in scenario or file {name_or_path!r}; built-ins: {', '.join(builtins())}",
        )
    text = read_user_text(path)  # a regular file within the size limit, or one line
    size = len(text.encode("utf-8"))  # (as UTF-8: a UTF-16 file counts as it would be saved)
    if size > MAX_SCENARIO_BYTES:
        from forceratio.limits import human

        raise InputError(
            str(path),
            f"file is {human(size)}, above the {human(MAX_SCENARIO_BYTES)} limit "
            "for a scenario file (a built-in is about 16 KB): is it a scenario?",
        )
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), f"malformed TOML: {exc}") from None
    except RecursionError:
        raise InputError(str(path), _DEEP) from None
    if _too_deep(raw):
        raise InputError(str(path), _DEEP)
    return raw, str(path)  # as given: two folders may hold a same name


def table_loader(tables: Mapping[str, str] | None = None) -> Callable[[str], pd.DataFrame]:
    """A cached ``name -> DataFrame`` over the built-in tables and user replacements."""
    from forceratio import data

    cache: dict[str, pd.DataFrame] = {}

    def load(name: str) -> pd.DataFrame:
        if name not in cache:
            if name not in data.DESCRIPTIONS:
                raise InputError(
                    "table", f"unknown table {name!r}; choose one of {', '.join(data.tables())}"
                )
            cache[name] = data.load(name, (tables or {}).get(name))
        return cache[name]

    return load


def load_scenario(name_or_path: str, sets: Sets = None) -> Scenario:
    """Parse and validate (without resolving tables)."""
    from forceratio.scenarios.keys import NO_SEED

    raw, where = read(name_or_path)
    raw = apply_sets(raw, sets)
    if "seed" in raw:  # (the model keeps the field, unused, for the digests of its dumps)
        raise InputError(f"{where}: seed", NO_SEED)
    try:
        return validate_scenario(raw, where)
    except InputError as exc:
        raise located(exc, where, sets) from None


def located(exc: InputError, where: str, sets: Sets = None) -> InputError:
    """``exc``, raised on a field of the scenario ``where`` (a file, or a built-in's name),
    naming where: the ``--set`` that wrote the field (or a table holding it), else the file
    and the field (``s1.toml: side_names``).  An error on anything else (a user table, an
    option) is returned as it is."""
    loc = exc.field.removeprefix(f"{where}: ")
    for path in reversed([t.partition("=")[0].strip() for t in set_texts(sets)]):
        if loc == path or path.startswith(f"{loc}.") or loc.startswith(f"{path}."):
            return InputError(f"--set {path}", f"{exc.problem} (scenario {where})")
    if loc == exc.field and loc.split(".", 1)[0] in Scenario.model_fields:
        return InputError(f"{where}: {loc}", exc.problem)
    return exc  # named already, or not the file's (a user table's)


def where_from(name_or_path: str) -> str:
    """How errors name the scenario ``name_or_path``: a built-in's name or the file's path
    (as :func:`read` gives it)."""
    return name_or_path if name_or_path in builtins() else str(Path(name_or_path))


def load_prepared(
    name_or_path: str, sets: Sets, load_table: Callable[[str], pd.DataFrame]
) -> Prepared:
    """:func:`load_scenario` and :func:`~.build.prepare` with the tables of ``load_table``;
    an error in a field of the scenario names its file (:func:`located`)."""
    scn = load_scenario(name_or_path, sets)
    try:
        prep = prepare(scn, load_table)
    except InputError as exc:
        raise located(exc, where_from(name_or_path), sets) from None
    return prep.located_at(where_from(name_or_path), tuple(set_texts(sets)))


def load(
    name_or_path: str,
    sets: Sets = None,
    tables: Mapping[str, str] | None = None,
) -> Prepared:
    """Parse, validate and resolve a scenario.  ``sets`` are ``"dotted.path=value"``
    overrides: a list of texts, one text, or a mapping path -> value."""
    return load_prepared(name_or_path, sets, table_loader(tables))


__all__ = [
    "PARAMETER_LABELS",
    "Prepared",
    "Scenario",
    "apply_sets",
    "builtins",
    "export",
    "load",
    "load_prepared",
    "load_scenario",
    "located",
    "parameter_label",
    "parameter_unit",
    "set_texts",
    "table_loader",
    "where_from",
]
