"""``forceratio data``: list, show and check the sourced historical tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from forceratio.cli.errors import one_line_errors
from forceratio.cli.output import Format, print_frame, print_json, print_rows

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(
    help="The sourced 1941 force tables shipped with the package.", no_args_is_help=True
)

TableOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--table", help="Replace a built-in table with a user CSV: NAME=PATH.csv (repeatable)."
    ),
]


def table_overrides(items: list[str] | None) -> dict[str, str]:
    """The --table options ``NAME=PATH.csv`` as table name -> path, each name a built-in
    table's (:data:`forceratio.data.DESCRIPTIONS`) given once."""
    from forceratio import data
    from forceratio.errors import InputError

    out: dict[str, str] = {}
    for item in items or []:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise InputError("--table", f"expected NAME=PATH.csv, got {item!r}")
        if name.strip() not in data.DESCRIPTIONS:
            raise InputError(
                "--table",
                f"unknown table {name.strip()!r}; choose one of {', '.join(data.tables())}",
            )
        if name.strip() in out:  # the last would win silently
            raise InputError("--table", f"{name.strip()} given twice; give each table once")
        out[name.strip()] = path.strip()
    return out


def _load(name: str, overrides: dict[str, str]):  # type: ignore[no-untyped-def]
    from forceratio import data
    from forceratio.errors import InputError

    if name not in data.DESCRIPTIONS:
        raise InputError(
            "NAME", f"unknown table {name!r}; choose one of {', '.join(data.tables())}"
        )

    return data.load(name, overrides.get(name))


@app.command("list")
@one_line_errors
def list_tables(
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    table: TableOpt = None,
) -> None:
    """List the tables with their row counts."""
    from forceratio import data

    ov = table_overrides(table)
    rows = [
        {"name": n, "rows": len(_load(n, ov)), "description": d}
        for n, d in data.DESCRIPTIONS.items()
    ]
    print_rows(rows, fmt, title="Tables")


@app.command("show")
@one_line_errors
def show(
    name: Annotated[str, typer.Argument(help="Table name (see 'forceratio data list').")],
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    table: TableOpt = None,
) -> None:
    """Show one table, every row with its source."""
    df = _load(name, table_overrides(table))
    if fmt is Format.json:
        import json

        print_json(json.loads(df.to_json(orient="records")))
    elif fmt is Format.csv:  # the shipped files' own way: 498000, not 498000.0
        print_frame(_whole_bare(df), fmt)
    else:
        print_frame(df, fmt, title=name, digits=None)  # as written: 0.478, not 0


def _whole_bare(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with each whole number of its float columns as an int (498000, not 498000.0)
    and the others as they are (0.478), as the shipped CSVs write them: a table written so,
    edited and read back with ``--table`` keeps the dot-thousands guard that a column of
    ``498000.0`` would switch off for a hand-typed ``300.000`` (``io.decimal_marks.dot_groups``)."""
    import math

    import pandas as pd

    out = df.copy()
    for c in out.columns:
        if out[c].dtype.kind == "f":  # object: a float column would turn the ints back
            out[c] = pd.Series(
                [
                    None if math.isnan(v) else int(v) if v.is_integer() and abs(v) < 2**53 else v
                    for v in out[c].tolist()
                ],
                index=out.index,
                dtype=object,
            )
    return out


@app.command("sources")
@one_line_errors
def show_sources(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """The full citations behind the source keys."""
    from forceratio import data

    df = data.sources()
    if fmt is Format.json:
        print_json(df.to_dict(orient="records"))
    else:
        print_frame(df, fmt, title="Sources")


@app.command("check")
@one_line_errors
def check(table: TableOpt = None) -> None:
    """Validate every table (schema, sources, ranges, dates) and, in a replaced table, the
    figures the built-in scenarios read from it, read as a run reads them (a percent by its
    unit, within the parameter's range); exit 2 on any problem."""
    from forceratio import data

    ov = table_overrides(table)
    for name in data.tables():
        df = _load(name, ov)
        if name in ov:
            _check_read(name, ov)
        print(f"{name}: {len(df)} rows ok")


def _check_read(name: str, overrides: dict[str, str]) -> None:
    """Each figure a built-in scenario takes from table ``name`` (its ``table_values``), read
    from ``overrides[name]`` by the run's own reader: a row a run would refuse (a percent in
    another unit, a missing row) is refused here, naming the scenario and the parameter."""
    from forceratio.errors import InputError
    from forceratio.scenarios import builtins, load_scenario, table_loader
    from forceratio.scenarios.forces import table_value

    load = table_loader(overrides)
    for scenario in builtins():
        for path, ref in load_scenario(scenario).table_values.items():
            if ref.table != name:
                continue
            try:
                table_value(load, path, ref)
            except InputError as exc:
                where = f"{overrides[name]} (read by {scenario})"
                raise InputError(where, f"{exc.field}: {exc.problem}") from None


@app.command("ratios")
@one_line_errors
def ratios(
    name: Annotated[str, typer.Argument(help="A force table: strip, north or sokolov.")],
    date: Annotated[
        str | None, typer.Option("--date", help="YYYY-MM-DD; default: every date in the table.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    table: TableOpt = None,
) -> None:
    """The force-ratio table in Meltyukhov's layout (Soviet : German, e.g. "1 : 2.9")."""
    import pandas as pd

    from forceratio.data.ratios import force_ratios

    df = force_ratios(_load(name, table_overrides(table)), name, date)
    if fmt is Format.json:
        import json

        print_json(json.loads(df.to_json(orient="records")))
    elif fmt is Format.table:

        def fig(v: float) -> str:
            return f"{v:,.0f}" if float(v).is_integer() or v >= 100 else f"{v:,.1f}"

        view = pd.DataFrame(
            {
                "date": df["date"],
                "category": df["category"],
                "USSR": [fig(v) for v in df["soviet"]],
                "Germany": [fig(v) for v in df["german"]],
                "USSR : Germany": df["ratio"],
                "range (the figures' low/high)": df["ratio_range"],
                "basis": df["basis"],
            }
        )
        print_frame(view, fmt, title=f"{name}: force ratios (USSR : Germany)")
    else:
        print_frame(df, fmt, title=f"{name}: force ratios (USSR : Germany)", digits=0)
