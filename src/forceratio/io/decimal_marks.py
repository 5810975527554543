"""The decimal mark of a user table's numbers: which of ``.`` and ``,`` a file's cells use
(:func:`decimal_mark`), and the refusal of a cell a dot may split at a thousand when no cell
says which it is (:func:`dot_groups`).  A cell that could be read either way is refused
naming both readings, never guessed (:mod:`.tables`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from forceratio.errors import InputError
from forceratio.io.tables import SEP_NAMES

#: How a cell writes its decimals: "." (1,234.5; 12.5; 1,234,567), "," (1.234,5; 12,5;
#: 1.234.567) or "?" (10,000 or 12.000: a thousands group or three decimals).
_MARKS = (
    (re.compile(r"[+-]?\d{1,3}(,\d{3})+\.\d+|[+-]?\d{1,3}(,\d{3}){2,}|[+-]?\d*\.\d+"), "."),
    (re.compile(r"[+-]?\d{1,3}(\.\d{3})+,\d+|[+-]?\d{1,3}(\.\d{3}){2,}|[+-]?\d*,\d+"), ","),
)
_AMBIGUOUS = re.compile(r"[+-]?\d{1,3}[.,]\d{3}")
#: In a comma-separated file: a cell a dot may split at a thousand (71.349, 2.000) ...
DOT_GROUPS = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")
#: ... and a cell whose dot can only be a decimal point: other than three digits after it,
#: or nothing but a zero before it (12.5, 0.125, .5, 1,234.5, 2.0000).
DOT_DECIMAL = re.compile(
    r"[+-]?(\d{1,3}(,\d{3})+|\d*)\.(\d{1,2}|\d{4,})([eE][+-]?\d+)?|[+-]?0?\.\d+"
)
#: A cell whose decimals are zeros alone (300000.0, 12,00): how a program writes a whole number
#: (pandas' CSV, a spreadsheet's fixed decimals), so no proof of how a person typed the
#: others: a hand edit beside it may still write 300.000 for three hundred thousand.
ZERO_DECIMALS = re.compile(r"[+-]?\d*[.,]0+")


def decimal_mark(
    df: pd.DataFrame,
    columns: Sequence[str],
    where: str,
    lines: Sequence[int],
    sep: str | None = None,
) -> str:
    """The decimal mark of the numbers in ``columns``: ``","`` or ``"."``.

    A semicolon- or tab-separated file (``sep``; None: a DataFrame) uses the one its cells
    show (52,5 or 1.234,5: a comma; 52.5 or 1,234.5: a dot); a file that shows both is
    refused naming the first cell against the first, one that shows neither while a cell
    could be read either way (10,000: ten thousand or ten; 12.000) is refused naming it;
    cells with zero decimals only (300000.0: :data:`ZERO_DECIMALS`) tell the mark but do
    not settle such a cell.
    A comma-separated file or a DataFrame uses a dot, and a text cell that a dot may split
    at a thousand (2.000, 71.349) is refused unless another shows a decimal point
    (:func:`dot_groups`)."""
    cells = [
        (rec[c], f"{where}: row {lines[i]}, column {c}")
        for i, rec in enumerate(df[list(columns)].to_dict(orient="records"))
        for c in columns
    ]
    if sep not in (";", "\t"):
        dot_groups(cells, f"{SEP_NAMES.get(sep, repr(sep))}-separated file" if sep else "table")
        return "."
    first: tuple[str, str] | None = None  # (mark, where)
    unclear = ""
    proof = False  # a cell that shows its mark with decimals other than zeros
    for value, cell in cells:
        text = str(value).strip()
        if _AMBIGUOUS.fullmatch(text):
            unclear = unclear or f"{cell}|{text}"
            continue
        mark = next((m for rx, m in _MARKS if rx.fullmatch(text)), None)
        if mark is None:
            continue
        proof = proof or not ZERO_DECIMALS.fullmatch(text)
        if first is None:
            first = (mark, f"{text!r} ({cell.rsplit(': ', 1)[-1]})")
        elif mark != first[0]:
            what = {".": "a decimal point", ",": "a decimal comma"}
            raise InputError(
                cell,
                f"{text!r} writes {what[mark]} where {first[1]} writes {what[first[0]]}: "
                "write every number the same way",
            )
    if first is not None and (proof or not unclear):
        return first[0]
    if unclear:
        cell, text = unclear.split("|", 1)
        whole = text.replace(",", "").replace(".", "")
        part = text.replace(",", ".") if "," in text else text
        raise InputError(
            cell,
            f"{text!r} in a {SEP_NAMES[sep]}-separated file may be {int(whole)} or "
            f"{float(part):g} and no other number says which: write {int(whole)} (no "
            "thousands separator) or drop the trailing zeros",
        )
    return "."


def dot_groups(cells: Iterable[tuple[Any, str]], what: str) -> None:
    """Refuse a text cell a dot splits into groups of three digits (2.000, 71.349: a dot as
    German spreadsheets write thousands, or three decimals) when no cell of ``cells``
    (value, where) shows a decimal point (12.5, 0.125), naming the first such cell and
    both readings.  Cells that are numbers already (a DataFrame's floats) are not text, and
    a cell with zero decimals only (300000.0, as ``data show --format csv`` wrote before it
    wrote whole numbers bare) is no such proof: :data:`ZERO_DECIMALS`."""
    unclear: tuple[str, str] | None = None
    for value, where in cells:
        if not isinstance(value, str):
            continue
        text = value.strip()
        if DOT_DECIMAL.fullmatch(text) and not ZERO_DECIMALS.fullmatch(text):
            return
        if unclear is None and DOT_GROUPS.fullmatch(text):
            unclear = (text, where)
    if unclear is None:
        return
    text, where = unclear
    whole, part = int(text.replace(".", "")), float(text)
    decimal = f"{part:g}" if set(text.split(".", 1)[1]) == {"0"} else text + "0"
    raise InputError(
        where,
        f"{text!r} in a {what} may be {whole} (a dot between thousands) or {part:g}, and no "
        f"other number shows a decimal point: write {whole} (no thousands separator) or "
        f"{decimal} (not three decimals)",
    )
