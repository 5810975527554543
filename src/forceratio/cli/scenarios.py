"""``forceratio scenarios|run|compare|calibrate``: the 1941 scenarios from the command line."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from forceratio.cli.data import TableOpt, _overrides
from forceratio.cli.errors import one_line_errors
from forceratio.cli.output import Format, TableFormat, print_frame, print_json, to_latex

app = typer.Typer(help="The built-in scenarios: list, show, export.", no_args_is_help=True)

SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a scenario value: dotted.path=value (repeatable)."),
]
UncalOpt = Annotated[
    bool,
    typer.Option(
        "--uncalibrated", help="Use the raw default rates instead of the 22 June calibration."
    ),
]
RepsOpt = Annotated[
    int | None,
    typer.Option("--replications", min=1, max=100_000, help="Stochastic runs per scenario."),
]
SeedOpt = Annotated[int | None, typer.Option("--seed", min=0, help="Seed of the stochastic runs.")]


def _check_seed(replications: int | None, seed: int | None) -> None:
    from forceratio.errors import InputError

    if replications and seed is None:
        raise InputError("--seed", "stochastic runs (--replications) need an explicit --seed")
    if seed is not None and not replications:
        raise InputError("--seed", "a seed applies only with --replications")


@app.command("list")
@one_line_errors
def list_scenarios(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """The built-in scenarios."""
    import pandas as pd

    from forceratio.scenarios import builtins, load_scenario

    rows = []
    for name in builtins():
        s = load_scenario(name)
        rows.append(
            {
                "name": s.name,
                "date": s.date,
                "attacker": s.attacker,
                "sectors": len(s.sectors),
                "description": s.description,
            }
        )
    if fmt is Format.json:
        print_json(rows)
    else:
        print_frame(pd.DataFrame(rows), fmt, title="Scenarios")


@app.command("show")
@one_line_errors
def show(
    name: Annotated[str, typer.Argument(help="A built-in name or a scenario file.")],
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    sets: SetOpt = None,
    table: TableOpt = None,
    uncalibrated: UncalOpt = False,
) -> None:
    """A scenario with its forces resolved from the tables and every parameter's value
    (the calibrated rates unless --uncalibrated)."""
    import pandas as pd

    from forceratio.scenarios.compare import Session
    from forceratio.scenarios.model import CATEGORIES
    from forceratio.scenarios.registry import parameter_rows

    session = Session(_overrides(table), uncalibrated)
    prep = session.prepare(name, sets)
    cal = session.calibration_for(prep)
    scn = prep.scenario
    forces = [
        {"sector": sec, "side": side, **dict(zip(CATEGORIES, f.value.tolist(), strict=True))}
        for side in ("USSR", "Germany")
        for sec, f in zip(prep.sectors, prep.forces[side], strict=True)
    ]
    params = [
        {
            "parameter": r["path"],
            "label": r["label"],
            "unit": r["unit"],
            "value": r["value"],
            "uncertainty": str(scn.uncertainty.get(r["path"], "")),
            "source": r["source"],
        }
        for r in parameter_rows(prep, cal.values if cal else None)
    ]
    if fmt is Format.json:
        print_json(
            {
                "scenario": scn.model_dump(mode="json"),
                "forces": forces,
                "parameters": params,
                "records": [
                    {"label": r.label, "side": r.side, "day": r.day, "value": float(f.value[0])}
                    for r, f in prep.records
                ],
            }
        )
        return
    print_frame(
        pd.DataFrame(
            [
                {"field": "name", "value": scn.name},
                {"field": "description", "value": scn.description},
                {"field": "date", "value": scn.date},
                {"field": "attacker", "value": scn.attacker},
                {"field": "law", "value": scn.law},
                {"field": "combat power", "value": scn.combat_power},
                {"field": "duration (days)", "value": f"{scn.duration_days:g}"},
            ]
        ),
        fmt,
        title=scn.name,
    )
    print_frame(
        pd.DataFrame(forces), fmt, title="Forces at the start (before the air strike)", digits=0
    )
    print_frame(
        pd.DataFrame(params),
        fmt,
        title="Parameters" + (f" (rates calibrated on {cal.scenario})" if cal else ""),
        digits=4,
    )
    for note in scn.notes:
        print(f"note: {note}")


@app.command("export")
@one_line_errors
def export(name: Annotated[str, typer.Argument(help="A built-in scenario.")]) -> None:
    """Print a built-in scenario's TOML, to start a new scenario from it."""
    from forceratio.scenarios import export as export_text

    print(export_text(name), end="")


DISPLAY: tuple[tuple[str, str], ...] = (
    ("date", "date"),
    ("attacker", "attacker"),
    ("surprised", "surprised"),
    ("ratio_personnel", "men (USSR : Germany)"),
    ("ratio_guns_mortars", "guns & mortars"),
    ("ratio_tanks", "tanks"),
    ("ratio_aircraft", "aircraft"),
    ("combat_power_ratio_text", "combat power x modifiers x rate, day 0"),
    ("duration_days", "days"),
    ("end_reason", "end"),
    ("winner", "winner (keeps more of its strength)"),
    ("soviet_losses", "Soviet men lost"),
    ("german_losses", "German men lost"),
    ("loss_exchange_ratio", "Soviet men lost per German"),
    ("soviet_tanks_lost", "Soviet tanks lost"),
    ("german_tanks_lost", "German tanks lost"),
    ("soviet_aircraft_lost", "Soviet aircraft lost"),
    ("german_aircraft_lost", "German aircraft lost"),
    ("historical_soviet_losses", "history: Soviet men lost"),
    ("model_soviet_losses_as_recorded", "model, as recorded"),
    ("error_soviet_losses", "relative error"),
    ("historical_german_losses", "history: German men lost"),
    ("model_german_losses_as_recorded", "model, as recorded "),
    ("error_german_losses", "relative error "),
    ("attacker_win_probability", "P(attacker wins)"),
    ("soviet_losses_q05", "Soviet men lost, 5%"),
    ("soviet_losses_q95", "Soviet men lost, 95%"),
    ("german_losses_q05", "German men lost, 5%"),
    ("german_losses_q95", "German men lost, 95%"),
    ("german_rate", "German rate (/day)"),
    ("soviet_rate", "Soviet rate (/day)"),
)


def _display(df: Any) -> Any:
    """The comparison as a terminal table: one column per scenario, rounded figures."""
    import pandas as pd

    def fmt(key: str, v: Any) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return "—"
        if key.startswith("error_"):
            return f"{float(v):+.0%}"
        if key in ("german_rate", "soviet_rate"):
            return f"{float(v):.4f}"
        if key in ("loss_exchange_ratio", "attacker_win_probability"):
            return f"{float(v):.2f}"
        if isinstance(v, float):
            return f"{v:,.0f}" if abs(v) >= 10 else f"{v:.1f}"
        return str(v)

    rows = []
    for key, label in DISPLAY:
        if key not in df.columns:
            continue
        rows.append(
            {"": label, **{s: fmt(key, v) for s, v in zip(df["scenario"], df[key], strict=True)}}
        )
    return pd.DataFrame(rows)


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """Non-finite floats become null; everything else is already JSON."""
    import math

    return {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()
    }


def _print_rows(rows: list[dict[str, Any]], fmt: TableFormat, title: str) -> None:
    import pandas as pd

    if fmt is TableFormat.json:
        print_json([_jsonable(r) for r in rows])
        return
    df = pd.DataFrame(rows)
    if fmt is TableFormat.latex:
        print(to_latex(df, digits=3), end="")
    elif fmt is TableFormat.table:
        print_frame(_display(df), Format.table, title=title)
    else:
        print_frame(df, Format(fmt.value), title=title, digits=3)


def _rows(
    names: list[str] | None,
    sets: list[str] | None,
    table: list[str] | None,
    uncalibrated: bool,
    replications: int | None,
    seed: int | None,
) -> list[dict[str, Any]]:
    """The comparison rows the run and compare commands print."""
    from forceratio.scenarios.compare import compare

    _check_seed(replications, seed)
    return compare(
        names,
        sets=sets,
        tables=_overrides(table),
        uncalibrated=uncalibrated,
        replications=replications,
        seed=seed,
    )


def run_command(
    scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario TOML file.")],
    sets: SetOpt = None,
    fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
    table: TableOpt = None,
    uncalibrated: UncalOpt = False,
    replications: RepsOpt = None,
    seed: SeedOpt = None,
) -> None:
    """Run one scenario and print its outcome."""
    rows = _rows([scenario], sets, table, uncalibrated, replications, seed)
    if fmt is TableFormat.json:
        print_json(_jsonable(rows[0]))
    else:
        _print_rows(rows, fmt, title=scenario)


def compare_command(
    names: Annotated[
        list[str] | None, typer.Argument(help="Scenarios (default: every built-in).")
    ] = None,
    sets: SetOpt = None,
    fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
    table: TableOpt = None,
    uncalibrated: UncalOpt = False,
    replications: RepsOpt = None,
    seed: SeedOpt = None,
) -> None:
    """The 12 June strike against the historical 22 June strike: one row per scenario."""
    from forceratio.simulator.compiled import warm_up

    warm_up()  # the engine compiles while the tables and scenarios load
    rows = _rows(names or None, sets, table, uncalibrated, replications, seed)
    _print_rows(rows, fmt, title="12 June 1941 strike v 22 June 1941 (USSR : Germany)")


def calibrate_command(
    name: Annotated[str, typer.Argument(help="A 22 June scenario with records.")] = (
        "barbarossa-22june"
    ),
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    table: TableOpt = None,
    sets: SetOpt = None,
) -> None:
    """Fit the attrition rates to the 22 June record, with intervals and an out-of-sample check."""
    import pandas as pd

    from forceratio.scenarios import load
    from forceratio.scenarios.calibrate import calibrate

    cal = calibrate(load(name, sets, _overrides(table)))
    params = [
        {
            "parameter": nm,
            "value": cal.values[nm],
            "ci95_low": cal.ci[nm][0],
            "ci95_high": cal.ci[nm][1],
        }
        for nm in cal.names
    ]
    resid = [
        {
            "record": lab,
            "historical": float(r),
            "model": float(m),
            "relative_error": float(m / r - 1),
            "lower_bound": lb,
        }
        for lab, r, m, lb in zip(cal.labels, cal.record, cal.model, cal.lower_bound, strict=True)
    ]
    if fmt is Format.json:
        from forceratio.report import json_number

        print_json(
            {
                "scenario": cal.scenario,
                "parameters": [
                    {k: (json_number(v) if isinstance(v, float) else v) for k, v in p.items()}
                    for p in params
                ],
                "residuals": resid,
                "fit_error": cal.fit_error,
                "rms_log_error": cal.rms_log_error,
                "dof": cal.dof,
                "out_of_sample": cal.loo,
                "converged": cal.success,
            }
        )
        return
    print_frame(pd.DataFrame(params), fmt, title=f"Calibration on {cal.scenario}", digits=5)
    print_frame(pd.DataFrame(resid), fmt, title="Residuals (model v record)", digits=3)
    print_frame(
        pd.DataFrame(cal.loo),
        fmt,
        title="Out of sample: fit without one sector's record, predict it",
        digits=3,
    )
    if fmt is Format.table:
        print(
            f"fit error (RMS relative error of the records used): {cal.fit_error:.3f}; "
            f"RMS log error {cal.rms_log_error:.3f} on {cal.dof} degrees of freedom. "
            "The German records cover every sector, so the held-out sector is not wholly unseen."
        )
