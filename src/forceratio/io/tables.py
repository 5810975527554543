"""A user table (CSV) read one way by every reader (the fit's daily series, ``--table``,
CDB90): the file's delimiter, header, widths and line numbers (:func:`read_user_csv`,
:func:`csv_text`), and its cells' numbers and column names.

A spreadsheet writes ``10.000`` for ten thousand in a German locale and for ten to three
decimals in an English one; ``10,000`` likewise.  Such a cell is read only when another cell
of the same file says which mark is the decimal one (:mod:`.decimal_marks`); otherwise it is
refused naming both readings, never guessed.
"""

from __future__ import annotations

import csv
import difflib
import io
import itertools
import math
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from forceratio.arguments import unmeant_number
from forceratio.errors import InputError
from forceratio.io.decoding import decode
from forceratio.io.files import read_user_head, read_user_text

#: A number written with thousands separators: commas between groups of exactly three digits
#: (10,000; 1,234,567.5).  Anything else with a comma (52,5) is refused, not guessed.
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
#: The same with a decimal comma (European): dots between groups of three (1.234.567,5).
THOUSANDS_DOT = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")


#: The longest cell a refusal shows whole; a longer one is cut to its start and its length.
SHOWN_CHARS = 40


def shown(text: str) -> str:
    """A cell as a refusal quotes it: whole when short, else its first :data:`SHOWN_CHARS`
    characters and its length (a 401-digit cell made a 493-character error line)."""
    if len(text) <= SHOWN_CHARS:
        return repr(text)
    return f"{text[:SHOWN_CHARS]!r}... ({len(text):,} characters)"


def number(value: Any, where: str, mark: str = ".") -> float:
    """A cell as a finite number, or NaN when it is empty; anything else is an error naming
    ``where`` (the file, row and column).  ``mark``: the decimal mark, ``"."`` (commas only
    between groups of three digits) or ``","`` (a decimal comma; dots only between groups
    of three digits), see :func:`.decimal_marks.decimal_mark`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    text = str(value).strip()
    if not text:
        return math.nan
    odd = unmeant_number(text)
    if odd is None and not text.isascii():  # float() reads "١٠" and full-width "１０" as 10
        odd = f"{shown(text)} holds a character other than ASCII; write the number in 0-9"
    if odd is not None:  # float() reads 1_000 as 1000, as --set and --vary refuse it
        raise InputError(where, f"not a number: {odd}")
    if mark == ",":
        if "." in text and not THOUSANDS_DOT.fullmatch(text):
            raise InputError(
                where,
                f"not a number: {shown(text)} (a dot in a file whose numbers use decimal commas)",
            )
        text = text.replace(".", "").replace(",", ".")
    elif THOUSANDS.fullmatch(text):  # 10,000 or 1,234,567.5: commas between groups of three
        text = text.replace(",", "")
    try:
        x = float(text)
    except ValueError:
        if THOUSANDS_DOT.fullmatch(text):
            hint = f" (dots between thousands? write {re.sub(r'[.,]', '', text)})"
        else:
            hint = " (a decimal comma? write 52.5, not 52,5)" if "," in text else ""
        raise InputError(where, f"not a number: {shown(text)}{hint or _missing(text)}") from None
    if not math.isfinite(x):
        raise InputError(where, f"not a finite number: {shown(text)}{_missing(text)}")
    return x


#: How spreadsheets and R write a value that is missing (in this package: an empty cell).
MISSING_MARKS = frozenset({"na", "n/a", "nan", "null", "none", "#n/a", "-", "--", "?", "missing"})


def _missing(text: str) -> str:
    """A hint for a cell that marks a missing value: every reader takes an empty cell as
    "not known" (a strength not seen that day), so the cell should be left empty."""
    if text.strip().lower() in MISSING_MARKS:
        return " (a value not known? leave the cell empty: an empty cell is read as not seen)"
    return ""


#: Delimiters a file may be written with, by name (a space: the ACSDB Ardennes series).
SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar", " ": "space"}


def column_name(raw: str) -> str:
    """A header cell as every reader matches it: case, surrounding spaces and inner spaces
    or hyphens do not matter (``Red Reinforcements`` -> ``red_reinforcements``)."""
    return re.sub(r"[\s-]+", "_", str(raw).strip().lower())


def named_columns(df: pd.DataFrame, where: str, known: Sequence[str]) -> pd.DataFrame:
    """``df`` with its columns named as a reader knows them: case, surrounding spaces and
    inner spaces or hyphens do not matter (``Day``, ``Red Reinforcements``, ``As of``); a
    column without a name that holds nothing (a trailing comma, pandas' ``Unnamed: 3``) is
    dropped, one that holds values (R's row names) refused.  A name outside ``known`` is
    refused with the nearest known one."""
    keep, names = [], []
    for i, c in enumerate(df.columns):
        raw = str(c).strip()
        if not raw or re.fullmatch(r"Unnamed: \d+", raw):
            if all(_blank(v) for v in df.iloc[:, i].tolist()):
                continue
            hint = " (R's row names? write.csv(..., row.names = FALSE))" if i == 0 else ""
            raise InputError(where, f"column {i + 1} has no name but holds values{hint}: remove it")
        keep.append(i)
        names.append(column_name(raw))
    df = df.iloc[:, keep]
    repeated = sorted({c for c in names if names.count(c) > 1})
    if repeated:
        raise InputError(where, f"repeated column(s): {', '.join(repeated)}")
    df.columns = pd.Index(names)
    unknown = {c: difflib.get_close_matches(c, known, n=1) for c in names if c not in known}
    if any(unknown.values()):  # every unknown one named, with the nearest known where one is
        if len(unknown) == 1:
            ((c, near),) = unknown.items()
            raise InputError(where, f"unknown column {c!r}; did you mean {near[0]!r}?")
        shown = ", ".join(
            f"{c!r}" + (f" (did you mean {near[0]!r}?)" if near else "")
            for c, near in unknown.items()
        )
        raise InputError(where, f"unknown columns: {shown}")
    return df


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or not str(v).strip()


# ----------------------------------------------------------------------------- the file
def read_user_csv(
    path: Path | str,
    field: str | None = None,
    *,
    separators: str = ",",
    rows: tuple[int, Callable[[int], str]] | None = None,
) -> pd.DataFrame:
    """A user CSV with every cell as text (empty cells as ``""``), errors as one line.

    ``separators``: the delimiters accepted; with more than one, the file's is the one that
    splits its header into the most columns (:func:`separator`), recorded in
    ``df.attrs[SEPARATOR]``.  ``rows``: the most rows read (:func:`csv_text`)."""
    where = field or str(path)
    return csv_frame(*csv_text(path, where, separators, rows), where)


def csv_frame(text: str, sep: str, where: str) -> pd.DataFrame:
    """The text of a user CSV checked by :func:`checked_text` as :func:`read_user_csv`'s
    frame: every cell as text, each row's file line recorded, empty rows dropped."""
    try:
        with warnings.catch_warnings():  # extra cells checked empty above: a trailing comma
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, index_col=False
            )
    except pd.errors.EmptyDataError:
        raise InputError(where, "malformed CSV: the file is empty") from None
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        raise InputError(where, f"malformed CSV: {lines[-1]}") from None
    starts = _record_starts(text, sep)
    if len(starts) == len(df) + 1:  # the header, then one per row read
        df.attrs[LINES] = starts[1:]
    records = df.itertuples(index=False)
    empty = [i for i, row in enumerate(records) if not any(str(c).strip() for c in row)]
    if empty:  # ",,": a row a spreadsheet keeps after its cells were cleared, a blank line
        numbers = row_lines(df)
        skip = set(empty)
        df = df.drop(index=df.index[empty]).reset_index(drop=True)
        df.attrs[LINES] = [n for i, n in enumerate(numbers) if i not in skip]
    df.attrs[SEPARATOR] = sep
    return df


#: Bytes of a longer user table read ahead of the whole (:func:`csv_head`): about 10,000 rows.
HEAD_BYTES = 1 << 20


def csv_head(path: Path | str, where: str, separators: str = ",") -> pd.DataFrame | None:
    """The rows of a user CSV's first :data:`HEAD_BYTES`, read as :func:`read_user_csv`
    reads the whole (delimiter, header and widths checked, file lines kept), so that a
    reader can check them before the whole is read: a bad cell in row 3 of a 200 MB
    ``--table`` was refused after 5 minutes and 3 GB, every cell of the file parsed first.

    None (read the whole, which says why) for a file not longer than that, not a regular
    file within the size limit, or whose start cannot be read alone: not UTF-8 text to its
    last line end, a quote left open at the cut (an odd count of ``"``), or a frame pandas
    refuses.  A structure error of the rows read (a row's width, the header) is raised: the
    whole file has it too."""
    data = read_user_head(path, HEAD_BYTES)
    cut = -1 if data is None else data.rfind(b"\n")
    if data is None or cut < 0:
        return None
    try:
        text = decode(data[: cut + 1], where)
    except InputError:
        return None
    if text.count('"') % 2:
        return None
    text, sep = checked_text(text, where, separators)
    try:
        return csv_frame(text, sep, where)
    except InputError:
        return None


#: Excel's first line naming the delimiter (``sep=;``), written by its "CSV" in some locales.
_SEP_LINE = re.compile(r"\ufeff*sep=(.)[ \t]*(?=\r?\n|$)", re.IGNORECASE)
_SEP_ANY = re.compile(r"\ufeff*sep=[^\n]*", re.IGNORECASE)


def csv_text(
    path: Path | str,
    where: str,
    separators: str = ",",
    rows: tuple[int, Callable[[int], str]] | None = None,
) -> tuple[str, str]:
    """A user CSV's text and its delimiter, one way for every reader (daily series, tables,
    CDB90): decoded (:func:`.files.read_user_text`), line ends made ``\\n`` where a line ends in a
    bare ``\\r`` (Excel for Mac's "CSV (Macintosh)"), an Excel ``sep=;`` first line obeyed
    and blanked (the rows keep their line numbers), the delimiter chosen among
    ``separators`` (:func:`separator`), the header and the rows' widths checked.

    ``rows``: (the most rows the reader takes, what to say past it given the rows): a file
    with more non-blank lines below its header is refused before its cells are split (a
    54 MB series of 2 million rows took 2.3 GB to be parsed, then refused for its length)."""
    return checked_text(read_user_text(path, where), where, separators, rows)


def checked_text(
    text: str,
    where: str,
    separators: str = ",",
    rows: tuple[int, Callable[[int], str]] | None = None,
) -> tuple[str, str]:
    """:func:`csv_text` of a file's text already read."""
    if "\x00" in text:
        raise InputError(where, "malformed CSV: contains NUL bytes (a binary file?)")
    text = re.sub(r"\r(?!\n)", "\n", text)
    if rows is not None:
        _check_rows(text, where, *rows)
    if (m := _SEP_ANY.match(text)) and not _SEP_LINE.match(text):  # sep= or sep=;;
        raise InputError(
            where, f"the first line {m.group(0)!r} names no one delimiter: write sep=, or "
            "sep=; (one character) or remove the line",
        )  # fmt: skip
    if m := _SEP_LINE.match(text):
        if m.group(1) not in separators:
            allowed = " or ".join(repr(s) for s in separators)
            raise InputError(
                where, f"the first line {m.group(0)!r} names the delimiter {m.group(1)!r}; "
                f"this file's columns must be separated by {allowed}",
            )  # fmt: skip
        sep = m.group(1)
        text = text[m.end() :]
    else:
        sep = separator(text, where, separators)
    _check_header(text, where, sep, separators)
    _check_widths(text, where, sep)
    return text, sep


def _check_rows(text: str, where: str, most: int, why: Callable[[int], str]) -> None:
    """Refuse ``text`` when more than ``most`` non-blank lines follow its first (a quoted
    cell spanning lines counts each), counted without splitting it."""
    if text.count("\n") <= most:
        return
    lines = sum(1 for _ in re.finditer(r"^[^\S\n]*\S", text, re.MULTILINE)) - 1
    if lines > most:
        raise InputError(where, f"{lines:,} rows, above the {most:,} {why(lines)}")


#: ``DataFrame.attrs`` key of the delimiter :func:`read_user_csv` read the file with.
SEPARATOR = "forceratio_separator"


def _header_cells(text: str, sep: str) -> list[str]:
    """The first non-blank line's cells split at ``sep`` (quotes respected)."""
    for line in io.StringIO(text.lstrip("\ufeff")):
        if line.strip():
            try:
                return next(csv.reader([line], delimiter=sep), [])
            except csv.Error:
                return [line]
    return []


def separator(text: str, where: str, separators: str = ",") -> str:
    """The delimiter among ``separators`` that splits the header into the most columns
    (a header holds names, never numbers, so no decimal comma can mislead it); the first
    of ``separators`` when none splits it.  A header that two delimiters split into as many
    columns is refused: which one the rows use cannot be told."""
    if len(separators) == 1:
        return separators
    counts = {sep: len(_header_cells(text, sep)) for sep in separators}
    most = max(counts.values())
    best = [sep for sep, c in counts.items() if c == most]
    if most > 1 and len(best) > 1:
        names = " and ".join(_SEPARATOR_NAMES.get(s, repr(s)) for s in best)
        raise InputError(
            where, f"malformed CSV: the header splits into {most} columns at {names} alike: "
            "separate the columns with one of them",
        )  # fmt: skip
    return best[0] if most > 1 else separators[0]


#: ``DataFrame.attrs`` key of the file line on which each row of :func:`read_user_csv` starts.
LINES = "forceratio_file_lines"


def row_lines(df: pd.DataFrame) -> list[int]:
    """The row number of each row of ``df`` for error messages, as a spreadsheet shows it
    (the header being row 1): the file's line where :func:`read_user_csv` recorded it (blank
    lines counted), else the row's position plus 2 (a table given as a DataFrame)."""
    lines = df.attrs.get(LINES)
    if isinstance(lines, list) and len(lines) == len(df):
        return [int(x) for x in lines]
    return list(range(2, len(df) + 2))


def _record_starts(text: str, sep: str = ",") -> list[int]:
    """The line on which each CSV record starts, skipping the blank (whitespace-only) lines
    pandas skips; a quoted cell may span lines.  Empty when the csv module cannot read it
    (the caller then numbers rows by position)."""
    raw = io.StringIO(text, newline="").readlines()
    reader = csv.reader(raw, delimiter=sep)
    out: list[int] = []
    end = 0
    try:
        for _ in reader:
            start, end = end + 1, reader.line_num
            if "".join(raw[start - 1 : end]).strip():
                out.append(start)
    except csv.Error:
        return []
    return out


#: Two cells that are one number split at an unquoted thousands separator (20,025 -> 20 | 025).
_SPLIT_THOUSANDS = re.compile(r"[+-]?\d{1,3}")


def _check_widths(text: str, where: str, sep: str) -> None:
    """Refuse a row with fewer cells than the header (pandas filled the rest empty) and one
    with more unless the extra ones are empty (a trailing separator, read as nothing; pandas
    took the first column for an index when every row had one), naming the row; a row of
    empty cells only is left to the readers, which skip it; unquoted thousands separators
    (20,025 in a comma-separated file) are named as such."""
    raw = io.StringIO(text.lstrip("\ufeff"), newline="").readlines()
    reader = csv.reader(raw, delimiter=sep)
    width, end = 0, 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if not "".join(raw[start - 1 : end]).strip():
                continue
            if not width:
                width = len(row)
                continue
            if len(row) < width and any(c.strip() for c in row):
                raise InputError(  # pandas filled the rest empty: 2,17 of a cut file read
                    f"{where}: row {start}",
                    f"malformed CSV: {len(row)} cells where the header names {width} columns: "
                    "a row cut short (a truncated file?); write each cell, an unknown one "
                    "empty between its separators",
                )
            if len(row) <= width or not any(c.strip() for c in row[width:]):
                continue
            split = sep == "," and any(
                _SPLIT_THOUSANDS.fullmatch(a.strip()) and re.fullmatch(r"\d{3}", b.strip())
                for a, b in itertools.pairwise(row)
            )
            hint = (
                ': numbers written with thousands separators (20,025) must be quoted ("20,025") '
                "or written without them (20025)"
                if split
                else ": remove the extra cells or name their column"
            )
            raise InputError(
                f"{where}: row {start}",
                f"malformed CSV: {len(row)} cells where the header names {width} columns{hint}",
            )
    except csv.Error:
        return  # pandas names the problem


def _check_header(text: str, where: str, sep: str = ",", separators: str = ",") -> None:
    """Refuse a header pandas would silently mangle or misread: a repeated column (read as
    ``red.1``) and another delimiter (the whole header one column), spaces among them
    (:func:`_space_separated`), each named as the file it makes ("a space-separated
    file")."""
    names = [h.strip() for h in _header_cells(text, sep)]
    repeated = sorted({h for h in names if h and names.count(h) > 1})
    if repeated:
        raise InputError(where, f"malformed CSV: repeated column(s): {', '.join(repeated)}")
    if len(names) != 1:
        return
    allowed = [_SEPARATOR_NAMES.get(s, repr(s)) for s in separators]
    ways = ", ".join(allowed[:-1]) + " or " + allowed[-1] if len(allowed) > 1 else allowed[0]
    other = next((s for s in _SEPARATOR_NAMES if s != sep and s in names[0]), None)
    if other is not None:
        raise InputError(
            where,
            f"a {SEP_NAMES[other]}-separated file (the header is one column holding "
            f"{_SEPARATOR_NAMES[other]}): separate the columns with {ways}",
        )
    if spaced := _space_separated(text):
        raise InputError(
            where,
            f"a space-separated file (its header and row {spaced[0]} split at spaces into "
            f"{spaced[1]} cells each): separate the columns with {ways}",
        )


def _space_separated(text: str) -> tuple[int, int] | None:
    """(the first row's line, the cells) when the header and the first row below it both
    split at spaces, into as many cells (a header name with a space, ``red losses``, alone
    is not such a file); None otherwise."""
    found: list[tuple[int, int]] = []
    for number, line in enumerate(io.StringIO(text.lstrip("\ufeff")), start=1):
        if line.strip():
            found.append((number, len(line.split())))
        if len(found) == 2:
            break
    if len(found) == 2 and found[0][1] == found[1][1] > 1:
        return found[1]
    return None


#: Delimiters a spreadsheet may export, by name: the separators of :data:`SEP_NAMES` but the
#: space (a header name may hold one).
_SEPARATOR_NAMES = {s: f"{name}s" for s, name in SEP_NAMES.items() if s != " "}
