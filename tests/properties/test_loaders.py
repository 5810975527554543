"""Hypothesis properties of the file loaders (issue 15): whatever bytes, TOML or CSV a user
hands to the scenario loader, the table loader or the fit's battle loader, the answer is a
valid result or one :class:`InputError` (which the CLI prints as one line, exit 2), never
another exception."""

from __future__ import annotations

import csv
import io
import itertools
import math
import tempfile
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forceratio import data, scenarios
from forceratio.data.schema import COLUMNS
from forceratio.errors import InputError
from forceratio.fitting.daily import OPTIONAL, REQUIRED, Battle, read_battle

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_COUNTER = itertools.count()


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def _file(folder: Path, content: bytes | str, suffix: str) -> Path:
    path = folder / f"f{next(_COUNTER)}{suffix}"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _clean(load: Callable[[], Any]) -> Any:
    """The loader's result, or None when it refused with an InputError (one line)."""
    try:
        return load()
    except InputError as exc:
        message = str(exc)
    assert "\n" not in message, message
    return None


# ------------------------------------------------------------------------ value strategies
numbers = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-300, 5e-324, 1e308, -1e308, 1e12, 1e13, 0.5, 1.0]),
)
number_text = st.one_of(
    numbers.map(repr),
    st.sampled_from(["", " ", "nan", "inf", "-inf", "1e999", "0x10", "1_000", "—", "1,5"]),
    st.text(max_size=8),
)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f'"{k}" = {_toml_value(x)}' for k, x in v.items()) + "}"
    raise TypeError(v)


SCENARIO_KEYS = [
    "name",
    "description",
    "date",
    "attacker",
    "duration_days",
    "law",
    "law_params",
    "combat_power",
    "weights",
    "modifiers",
    "attrition",
    "breakpoints",
    "records",
    "replications",
    "seed",
    "uncertainty",
    "notes",
    "sectors",
]
words = st.sampled_from(
    [
        "USSR",
        "Germany",
        "square",
        "power",
        "strip",
        "personnel",
        "tanks",
        "1941-06-12",
        "1941-02-30",
        "calibrated",
        "custom",
        "inline",
        "table",
        "formation",
        "",
    ]
)
scalars = st.one_of(numbers, words, st.booleans(), st.text(max_size=6))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(words, st.sampled_from(SCENARIO_KEYS)), inner, max_size=3),
    ),
    max_leaves=8,
)
documents = st.dictionaries(st.sampled_from(SCENARIO_KEYS), values, max_size=10)


def _builtin_raw() -> dict[str, Any]:
    import tomllib

    return tomllib.loads(scenarios.export("strike-12june-strip"))


SET_PATHS = [
    "duration_days",
    "law",
    "law_params.p",
    "attacker",
    "date",
    "combat_power",
    "modifiers.surprise.surpriser_fire",
    "modifiers.surprise.decay_days",
    "modifiers.surprise.level",
    "modifiers.quality.USSR",
    "modifiers.quality.Mars",
    "modifiers.air_strike.destroyed_fraction",
    "attrition.german_rate",
    "attrition.vulnerability.tanks",
    "breakpoints.Germany",
    "replications",
    "uncertainty.modifiers.quality.USSR",
    "sectors.0.name",
    "sectors.0.forces.USSR.0.scale",
    "sectors.0.forces.USSR.0.table",
    "sectors.0.forces.USSR.0.formation",
    "sectors.0.forces.USSR.0.as_of",
    "sectors.0.forces.Germany.0.inline",
    "sectors.0.arrivals.Germany.0.end_day",
    "sectors.0.arrivals.Germany.0.parts.1.scale",
    "sectors.5.name",
    "weights.tanks.value",
]


# ------------------------------------------------------------------------------ scenarios
@SETTINGS
@given(content=st.binary(max_size=400))
def test_random_bytes_as_a_scenario_file(folder: Path, content: bytes) -> None:
    path = _file(folder, content, ".toml")
    _clean(lambda: scenarios.load(str(path)))


@SETTINGS
@given(doc=documents)
def test_random_toml_as_a_scenario_file(folder: Path, doc: dict[str, Any]) -> None:
    text = "\n".join(f"{k} = {_toml_value(v)}" for k, v in doc.items()) + "\n"
    path = _file(folder, text, ".toml")
    _clean(lambda: scenarios.load(str(path)))


@SETTINGS
@given(
    sets=st.lists(
        st.tuples(st.sampled_from(SET_PATHS), st.one_of(values.map(_toml_value), number_text)),
        min_size=1,
        max_size=3,
    )
)
def test_a_builtin_scenario_with_random_values_set(
    folder: Path, sets: list[tuple[str, str]]
) -> None:
    """A sound scenario file with a few fields replaced: loaded and resolved against the
    tables, or refused naming a field."""
    raw = _builtin_raw()
    try:
        doc = scenarios.apply_sets(raw, [f"{p}={v}" for p, v in sets])
    except InputError:
        return
    text = "\n".join(f"{k} = {_toml_value(v)}" for k, v in doc.items()) + "\n"
    path = _file(folder, text, ".toml")
    prep = _clean(lambda: scenarios.load(str(path)))
    if prep is not None:
        assert prep.scenario.name


# --------------------------------------------------------------------------------- tables
def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def _builtin_rows() -> list[dict[str, str]]:
    text = resources.files("forceratio.data").joinpath("tables/strip.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


table_cells = st.one_of(number_text, words, st.sampled_from(["yes", "no", "derived", "a..b"]))


@SETTINGS
@given(content=st.binary(max_size=400))
def test_random_bytes_as_a_table(folder: Path, content: bytes) -> None:
    path = _file(folder, content, ".csv")
    _clean(lambda: data.load("strip", path))


@SETTINGS
@given(
    header=st.lists(st.sampled_from([*COLUMNS, "extra", ""]), min_size=1, max_size=14),
    rows=st.lists(st.lists(table_cells, max_size=15), max_size=4),
)
def test_random_csv_as_a_table(folder: Path, header: list[str], rows: list[list[str]]) -> None:
    path = _file(folder, _csv_text(header, rows), ".csv")
    df = _clean(lambda: data.load("strip", path))
    if df is not None:
        assert list(df.columns) == list(COLUMNS)


@SETTINGS
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 200), st.sampled_from(COLUMNS), table_cells),
        min_size=1,
        max_size=4,
    )
)
def test_the_builtin_table_with_random_cells(
    folder: Path, edits: list[tuple[int, str, str]]
) -> None:
    """The real strip table with a few cells replaced: valid, or refused naming the row."""
    rows = _builtin_rows()
    for i, col, value in edits:
        rows[i % len(rows)][col] = value
    text = _csv_text(list(COLUMNS), [[r[c] for c in COLUMNS] for r in rows])
    path = _file(folder, text, ".csv")
    df = _clean(lambda: data.load("strip", path))
    if df is not None:
        assert len(df) == len(rows)
    if df is not None:  # and a scenario built on it resolves, or refuses naming a field
        _clean(lambda: scenarios.load("strike-12june-strip", tables={"strip": str(path)}))


# ------------------------------------------------------------------------- battle (fit) CSV
@SETTINGS
@given(content=st.binary(max_size=400))
def test_random_bytes_as_battle_data(folder: Path, content: bytes) -> None:
    path = _file(folder, content, ".csv")
    _clean(lambda: read_battle(path))


@SETTINGS
@given(
    header=st.lists(st.sampled_from([*REQUIRED, *OPTIONAL, "day ", "x"]), min_size=1, max_size=8),
    rows=st.lists(st.lists(number_text, max_size=9), max_size=6),
)
def test_random_csv_as_battle_data(folder: Path, header: list[str], rows: list[list[str]]) -> None:
    path = _file(folder, _csv_text(header, rows), ".csv")
    res = _clean(lambda: read_battle(path))
    if res is not None:
        assert isinstance(res, Battle)
        assert res.t[0] == 0
        assert bool((pd.Series(res.t).diff().dropna() > 0).all())


# ------------------------------------------------------- what is not a small regular file
LOADERS: dict[str, Callable[[Path], Any]] = {
    "scenario": lambda p: scenarios.load(str(p)),
    "table": lambda p: data.load("strip", p),
    "battle": read_battle,
}


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize("kind", ["directory", "device", "fifo", "sparse 1 GB", "missing"])
def test_every_loader_refuses_what_is_not_a_small_regular_file(
    loader: str, kind: str, tmp_path: Path
) -> None:
    import os

    path = tmp_path / "input"
    if kind == "directory":
        path.mkdir()
    elif kind == "device":
        path = Path("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)  # opening it would block: it must be refused from its type
    elif kind == "sparse 1 GB":
        with path.open("wb") as fh:
            fh.truncate(1024**3)
    with pytest.raises(InputError) as info:
        LOADERS[loader](path)
    assert "\n" not in str(info.value)
