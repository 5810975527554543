"""Historical tables shipped inside the package, each row with its source.

``load(name)`` returns a validated DataFrame in the tidy format of :mod:`.schema`;
``tables()`` lists them; ``sources()`` maps source keys to full citations.  A user file in
the same format can replace a built-in table (``load(name, path=...)``), validated the same
way.  Nothing here imports the simulator.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from forceratio.data.schema import COLUMNS, check_rows, validate
from forceratio.errors import InputError

#: The built-in tables and what they hold (the names are part of the interface).
DESCRIPTIONS: dict[str, str] = {
    "strip": (
        "Both sides in the Ostroleka-Carpathians strip on 12 and 22 June 1941, reconstructed "
        "from sourced parts; Meltyukhov's own cells kept empty"
    ),
    "north": (
        "German forces north of Ostroleka (AG North, 9th Army, 3rd Panzer Group) and the "
        "Soviet forces facing them"
    ),
    "sokolov": (
        "B. Sokolov's reading of Zhukov's 15 May 1941 plan (152 v 100 divisions), "
        "Popov's 150 as the alternative"
    ),
    "division_equivalents": (
        "Average strength per division (all-arms slices and division types), to turn division "
        "counts into men, guns, tanks and aircraft"
    ),
    "outcome_22june": (
        "The border battles of 22 June - 9 July 1941: Krivosheev's losses per operation, "
        "Halder's and Budnitsky's German losses, tank, gun and aircraft losses, depth"
    ),
    "timeline": (
        "What was where on a date: German rail echelons, the 81.6% share (a range), the "
        "panzer divisions and the OKH reserve, Soviet echelons "
        "and deployment deadlines"
    ),
    "operations_1941": (
        "The 1941 operations beyond the border battles (Smolensk, Uman, Kiev, Leningrad, "
        "Vyazma-Bryansk, Moscow; Dubno-Brody): dates, strengths, losses by kind, prisoners, "
        "equipment lost, German losses by month and army group"
    ),
    "modifiers": (
        "Published combat modifiers: Dupuy's surprise and posture factors (from a "
        "transcription), exchange ratios standing in for CEV, equipment readiness"
    ),
}


#: Where the notes the tables' locators and notes name live; none ships in the wheel.
WORKING_NOTES = (
    "Locators and notes name the project's working notes, which are not shipped in the "
    "installed package: sources-notes.md, sources-notes-2.md, sources-notes-3.md, gaps.csv, "
    "northern_forces.csv and historical_outcome.csv are in the project's shared reference "
    "folder (shared/reference/1941/, beside the repository), methods-and-peers.md one "
    "folder up; docs/design/issue13-mechanisms.md, docs/cdb90.md and VALIDATION.md are in "
    "the repository; an 'internal research note' or 'internal source audit' (2-4 December "
    "2026) is the project's own check, not published. The primary source of each figure is "
    "its row's source key (cited below) and locator."
)


def _read_csv(path: Path | str, where: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(where, "file not found") from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(where, f"malformed CSV: {str(exc).strip().splitlines()[-1]}") from None


def sources() -> pd.DataFrame:
    """The source keys with their full citations (columns key, citation, url, note)."""
    ref = resources.files("forceratio.data").joinpath("tables/sources.csv")
    with resources.as_file(ref) as p:
        df = _read_csv(p, "sources.csv")
    if list(df.columns) != ["key", "citation", "url", "note"]:
        raise InputError("sources.csv", "expected columns key, citation, url, note")
    if df["key"].duplicated().any():
        raise InputError(
            "sources.csv", f"duplicate key {df['key'][df['key'].duplicated()].iloc[0]!r}"
        )
    return df


def tables() -> list[str]:
    """Names of the built-in tables."""
    return list(DESCRIPTIONS)


def load(name: str, path: Path | str | None = None) -> pd.DataFrame:
    """A validated table: the built-in ``name``, or the user file ``path`` in its place."""
    if name not in DESCRIPTIONS:
        raise InputError(
            "table", f"unknown table {name!r}; choose one of {', '.join(DESCRIPTIONS)}"
        )
    keys = set(sources()["key"])
    if path is not None:
        from forceratio.io.tables import csv_head, read_user_csv  # within the size limit

        # the file is named as the argument that gave it (``tables``, printed by the command
        # line as its --table), whether it cannot be read or a row is wrong
        where = f"tables {name}={path}"
        head = csv_head(path, where, ",;\t")
        if head is not None:  # a long file: its first rows refused before it is read whole
            check_rows(head, where, keys)
        return validate(read_user_csv(path, where, separators=",;\t"), where, keys)
    ref = resources.files("forceratio.data").joinpath(f"tables/{name}.csv")
    with resources.as_file(ref) as p:
        return validate(_read_csv(p, f"{name}.csv"), f"{name}.csv", keys)


__all__ = ["COLUMNS", "DESCRIPTIONS", "load", "sources", "tables"]
