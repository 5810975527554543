"""``forceratio fit`` (a law to daily battle data) and ``forceratio validate cdb90``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from forceratio.cli.errors import one_line_errors
from forceratio.cli.output import Format, print_frame, print_json

validate_app = typer.Typer(help="Validate the models on real battles.", no_args_is_help=True)


def fit_command(
    data: Annotated[
        Path, typer.Argument(help="CSV: day, red, blue[, *_reinforcements, *_losses].")
    ],
    law: Annotated[
        str, typer.Option("--law", help="square, linear, logarithmic, helmbold, power or all.")
    ] = "square",
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Fit an attrition law (reinforcements included) to daily strengths."""
    import pandas as pd

    from forceratio.fitting import fit

    res = fit(data, law)
    results = res if isinstance(res, list) else [res]
    records = [r.to_dict() for r in results]
    if fmt is Format.json:
        print_json(records if isinstance(res, list) else records[0])
        return
    rows = []
    for r in results:
        row = {
            "law": r.law,
            "red_rate": r.red_rate,
            "red_rate 95% CI": f"{r.red_rate_ci[0]:.4g} .. {r.red_rate_ci[1]:.4g}",
            "blue_rate": r.blue_rate,
            "blue_rate 95% CI": f"{r.blue_rate_ci[0]:.4g} .. {r.blue_rate_ci[1]:.4g}",
            "exponents": ", ".join(
                f"{k} = {v:.3f} ({r.exponents_ci[k][0]:.3f} .. {r.exponents_ci[k][1]:.3f})"
                for k, v in r.exponents.items()
            )
            or "—",
            "R²": r.r2,
            "AIC": r.aic,
        }
        rows.append(row)
    df = pd.DataFrame(rows)
    if fmt is Format.table:
        df["red_rate"] = df["red_rate"].map(lambda v: f"{v:.4g}")
        df["blue_rate"] = df["blue_rate"].map(lambda v: f"{v:.4g}")
    print_frame(df, fmt, title=f"Fit to {data}", digits=4)


def cdb90_command(
    path: Annotated[
        Path | None, typer.Option("--path", help="The CDB90 folder (default ../shared/data/cdb90).")
    ] = None,
    write: Annotated[
        Path | None,
        typer.Option("--write", help="Also write the report as markdown (VALIDATION.md)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Helmbold's advantage, winner prediction by era, and the Eastern Front effectiveness ratio."""
    import os

    from forceratio.errors import InputError
    from forceratio.files import check_writable, write_atomic
    from forceratio.fitting import cdb90

    root = path or cdb90.default_path()
    if root is None:
        raise InputError("--path", "no CDB90 folder found at ../shared/data/cdb90; give --path")
    if write is not None:
        check_writable(write.absolute().parent, "--write")  # before the work, not after it
    v = cdb90.validate(root)
    if write is not None:
        text = cdb90.markdown(v, os.path.relpath(root, write.resolve().parent))
        write_atomic(write, text, "--write")
    if fmt is Format.json:
        print_json(
            {
                "battles": v.battles,
                "usable": v.usable,
                "excluded": v.excluded,
                "winner_prediction": v.scores.to_dict(orient="records"),
                "eastern_front": v.eastern.to_dict(orient="records"),
                "eastern_front_effectiveness_ratio": v.eastern_quantiles,
            }
        )
        return
    print_frame(v.scores, fmt, title="Winner prediction, 5-fold cross-validated", digits=3)
    print_frame(
        v.eastern[["name", "year", "german", "casualty_exchange", "effectiveness_ratio"]],
        fmt,
        title="Eastern Front 1941-45: German per-capita kill rate / Soviet (square law)",
        digits=2,
    )
    if fmt is Format.table:
        print(", ".join(f"{k} = {x:.3f}" for k, x in v.eastern_quantiles.items()))


validate_app.command("cdb90")(one_line_errors(cdb90_command))
