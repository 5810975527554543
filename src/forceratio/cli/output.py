"""Rendering tables and records in the formats the commands offer."""

from __future__ import annotations

import enum
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas and rich load only when a command prints (keeps --help fast)
    import pandas as pd
    from rich.console import Console


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class TableFormat(enum.StrEnum):
    """The formats of the comparison table, which adds LaTeX."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    latex = "latex"


_LATEX_ESCAPES = str.maketrans(
    {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
     "\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
)  # fmt: skip

#: Scenarios side by side in one LaTeX table of :func:`comparison_latex`, and the widths of
#: its columns (fractions of the line), set in \small: the label column takes the longest
#: field name whole (model_german_losses_as_recorded, ~145 pt), a scenario's a number of
#: millions (1{,}184{,}431); with the column gaps (12 pt each) 0.44 + 3 x 0.145 fill 98% of
#: the 345 pt line of a 10 pt article.
LATEX_PER_TABLE = 3
LATEX_LABEL_WIDTH = 0.44
LATEX_COLUMN_WIDTH = 0.145


def latex_cell(v: Any, digits: int = 2) -> str:
    """A value as LaTeX text: a number with ``digits`` decimals (whole from 1,000 on, as in
    a table: men, tanks) and ``{,}`` between its thousands, a missing one ``--``, text
    escaped."""
    if v is None or (isinstance(v, float) and v != v):
        return "--"
    if isinstance(v, float):
        return f"{v:,.{0 if abs(v) >= 1000 else digits}f}".replace(",", "{,}")
    return str(v).translate(_LATEX_ESCAPES)


def comparison_latex(rows: list[dict[str, Any]], key: str = "scenario", digits: int = 3) -> str:
    """Flat ``rows`` (one per scenario, named by ``key``) as LaTeX: each field a row, each
    scenario a column, :data:`LATEX_PER_TABLE` scenarios to a small-type ``longtable`` (it
    breaks across pages, its header repeated on each), text wrapped in its column; a field
    none of a table's scenarios has is left out of that table.  A fragment for a document
    that loads booktabs, longtable and array (its first line says)."""
    fields = list(dict.fromkeys(f for r in rows for f in r if f != key))
    wrap = r">{\raggedright\arraybackslash}p"
    label = rf"{wrap}{{{LATEX_LABEL_WIDTH}\linewidth}}"
    column = rf"{wrap}{{{LATEX_COLUMN_WIDTH}\linewidth}}"
    out = [
        rf"% {len(rows)} scenario(s), at most {LATEX_PER_TABLE} to a table; "
        r"needs \usepackage{booktabs,longtable,array}"
    ]
    for start in range(0, len(rows), LATEX_PER_TABLE):
        block = rows[start : start + LATEX_PER_TABLE]
        out += ["", r"\begingroup\small"]
        out.append(rf"\begin{{longtable}}{{@{{}}{label}*{{{len(block)}}}{{{column}}}@{{}}}}")
        out += [r"\toprule", _latex_row(key, [r[key] for r in block], digits), r"\midrule"]
        out += [r"\endhead", r"\bottomrule", r"\endfoot"]
        for f in fields:
            values = [r.get(f) for r in block]
            if any(latex_cell(v) != "--" for v in values):
                out.append(_latex_row(f, values, digits))
        out += [r"\end{longtable}", r"\endgroup"]
    return "\n".join(out) + "\n"


def _latex_row(label: str, values: list[Any], digits: int) -> str:
    return " & ".join([latex_cell(label), *(latex_cell(v, digits) for v in values)]) + r" \\"


def console() -> Console:
    """Rich console; when the output is not a terminal, wide enough not to fold tables."""
    import sys

    from rich.console import Console

    return Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def _literal(text: object) -> str:
    """``text`` as rich prints it literally: a side, scenario or sector name is the user's,
    and rich reads ``[bold]`` in it as markup (``[/]`` alone raises MarkupError)."""
    from rich.markup import escape

    return escape(str(text))


def _bars_escaped(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a ``|`` in a header or text cell (a user's name) written ``\\|``: in a
    markdown table a bare one ends the cell."""

    def bar(v: Any) -> Any:
        return v.replace("|", "\\|") if isinstance(v, str) else v

    text = [c for c in df.columns if df[c].dtype.kind not in "biufcmM"]  # (pandas 3: str)
    return df.rename(columns=bar).assign(**{bar(c): df[c].map(bar) for c in text})


def print_json(obj: Any) -> None:
    """``obj`` as strict JSON (:func:`~forceratio.report.json_safe`: NaN and infinities at
    any depth as null, numpy values as numbers)."""
    from forceratio.report import json_safe

    print(json.dumps(json_safe(obj), indent=2, allow_nan=False))


#: Significant digits of a number shown exactly: every decimal of up to 15 digits (DBL_DIG)
#: survives the trip to a double and back, so a value a file or table gave is shown as
#: written (5.3125, 0.0026374, 1e-07), and a computed one without its last bits' noise.
EXACT_FORMAT = ",.15g"


def exact(v: float) -> str:
    """A number as written, to 15 significant digits (:data:`EXACT_FORMAT`): 5.3125 days
    is not 5."""
    return format(v, EXACT_FORMAT)


def _cell(v: Any, digits: int | None) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    if isinstance(v, float) and digits is None:
        return exact(v)
    if isinstance(v, float):  # men, tanks, ESS: whole numbers (88,486, not 88,486.000)
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.{digits}f}"
    return str(v)


def _plain(v: Any) -> Any:
    """A cell as JSON: numbers whole (``DataFrame.to_json`` keeps 10 decimals, so a rate of
    0.0026374123456789 became 0.0026374123), NaN and infinities null, others as text."""
    import math

    import pandas as pd

    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if hasattr(v, "item") and getattr(v, "ndim", 1) == 0:  # a numpy scalar
        v = v.item()
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if v is None or isinstance(v, str | int | bool):
        return v
    try:
        missing = bool(pd.isna(v))  # pandas' NA, NaT
    except (TypeError, ValueError):
        missing = False
    return None if missing else str(v)  # a date as its text


def count_rows(df: pd.DataFrame, rows: Any, columns: list[str]) -> pd.DataFrame:
    """The mask :func:`print_frame` takes as ``counts``: the cells of ``columns`` in the
    rows where ``rows`` (a boolean sequence) holds, e.g. the residuals of men or tanks."""
    import numpy as np
    import pandas as pd

    on = np.asarray(rows, dtype=bool)
    return pd.DataFrame({c: on if c in columns else np.zeros(len(df), bool) for c in df})


def print_frame(
    df: pd.DataFrame,
    fmt: Format,
    *,
    title: str | None = None,
    digits: int | None = 2,
    counts: pd.DataFrame | None = None,
) -> None:
    """Print a DataFrame as a rich table, CSV or markdown (JSON is the caller's).
    ``digits``: decimals of the numbers in a table or markdown; None shows each number
    as written (:func:`exact`).  ``counts``: a boolean mask of the cells that count whole
    things (men, tanks, prisoners), shown in a table or markdown rounded to a whole number
    (317, not 317.000; a mean of counts 463.012 as 463); CSV and JSON keep them exact."""
    import numpy as np
    from rich.table import Table

    if counts is not None and fmt in (Format.table, Format.markdown):
        mask = counts.reindex(columns=df.columns, fill_value=False).to_numpy(dtype=bool)
    else:
        mask = None
    if fmt is Format.csv:
        print(df.to_csv(index=False), end="")
    elif fmt is Format.markdown:
        if title:
            print(f"**{title}**\n")
        df = _bars_escaped(df)
        floatfmt = EXACT_FORMAT if digits is None else f".{digits}f"
        if mask is not None:  # rounded counts beside the other numbers' decimals
            text = df.astype(object).copy()
            for (i, j), whole in np.ndenumerate(mask):
                v = df.iat[i, j]
                if isinstance(v, float) and v == v:
                    text.iat[i, j] = f"{v:.0f}" if whole else format(v, floatfmt)
            align = ["right" if df[c].dtype.kind in "fiu" else "left" for c in df.columns]
            print(text.to_markdown(index=False, disable_numparse=True, colalign=align))
        else:
            print(df.to_markdown(index=False, floatfmt=floatfmt))
    elif fmt is Format.json:
        print_json([{str(k): _plain(v) for k, v in r.items()} for r in df.to_dict("records")])
    elif len(df) == 1 and len(df.columns) > 4:
        table = Table(title=None if title is None else _literal(title))
        table.add_column("field")
        table.add_column("value", justify="right")
        for j, col in enumerate(df.columns):
            whole = mask is not None and bool(mask[0, j])
            table.add_row(_literal(col), _literal(_cell(df[col].iloc[0], 0 if whole else digits)))
        console().print(table)
    else:
        table = Table(title=None if title is None else _literal(title))
        for col in df.columns:
            table.add_column(
                _literal(col), justify="right" if df[col].dtype.kind in "fiu" else "left"
            )
        for i, row in enumerate(df.itertuples(index=False)):
            table.add_row(
                *(
                    _literal(_cell(v, 0 if mask is not None and mask[i, j] else digits))
                    for j, v in enumerate(row)
                )
            )
        console().print(table)


def print_rows(rows: list[dict[str, Any]], fmt: Format, *, title: str) -> None:
    """Print records (a dict a row): JSON as they are, any other format as a frame."""
    if fmt is Format.json:
        print_json(rows)
        return
    import pandas as pd

    print_frame(pd.DataFrame(rows), fmt, title=title)


def column_blocks(
    names: list[str], widths: list[int], label_width: int, total: int
) -> list[list[int]]:
    """Split the scenario columns into blocks that fit ``total`` terminal columns beside
    the label column (a rich table with borders costs 3 columns per column plus 1); every
    block holds at least one scenario, so a name is never cut."""
    blocks: list[list[int]] = [[]]
    used = label_width + 4
    for i, w in enumerate(widths):
        need = max(w, len(names[i])) + 3
        if blocks[-1] and used + need > total:
            blocks.append([])
            used = label_width + 4
        blocks[-1].append(i)
        used += need
    return blocks


def print_comparison(
    names: list[str], rows: list[tuple[str, list[str]]], title: str, notes: list[str]
) -> None:
    """One table per block of scenarios that fits the terminal (full names as headers,
    labels wrapped), then the notes."""
    from rich.table import Table

    con = console()
    label_width = min(max(len(lab) for lab, _ in rows), 30, max(20, con.width // 3 - 2))
    # a cell may wrap at its spaces, but never below the name or its longest word
    widths = [max(len(names[i]), *(min(len(v[i]), 16) for _, v in rows)) for i in range(len(names))]
    for i, w in enumerate(widths):
        widths[i] = max(w, *(len(word) for _, v in rows for word in v[i].split()))
    blocks = column_blocks(names, widths, label_width, con.width)
    for b, block in enumerate(blocks):
        part = f" ({b + 1}/{len(blocks)})" if len(blocks) > 1 else ""
        table = Table(title=_literal(title + part), title_justify="left")
        table.add_column("", min_width=min(label_width, 20), max_width=label_width)
        for i in block:
            table.add_column(
                _literal(names[i]), justify="right", min_width=widths[i], no_wrap=False
            )
        for label, values in rows:
            cells = [values[i] for i in block]
            if any(c != "—" for c in cells):  # a figure none of these scenarios has: left out
                table.add_row(_literal(label), *map(_literal, cells))
        con.print(table)
    for note in notes:
        con.print(note, highlight=False, markup=False, soft_wrap=False)
