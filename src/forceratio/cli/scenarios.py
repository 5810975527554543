"""``forceratio scenarios|run|compare``: the 1941 scenarios from the command line
(``calibrate`` is :mod:`forceratio.cli.calibrate`'s)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, overload

import typer

from forceratio.cli.data import TableOpt, table_overrides
from forceratio.cli.errors import one_line_errors
from forceratio.cli.output import (
    Format,
    TableFormat,
    comparison_latex,
    exact,
    print_comparison,
    print_frame,
    print_json,
    print_rows,
)
from forceratio.limits import MAX_REPLICATIONS, check_replications
from forceratio.seeds import DEFAULT_SEED

if TYPE_CHECKING:
    from forceratio.scenarios.session import Session

app = typer.Typer(help="The built-in scenarios: list, show, export.", no_args_is_help=True)

SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a scenario value: dotted.path=value (repeatable)."),
]
UncalOpt = Annotated[
    bool,
    typer.Option(
        "--uncalibrated",
        help="Use the raw default rates instead of the whole-record calibration.",
    ),
]


def replications_rule(value: int | None) -> int | None:
    """Every scenario command's ``--replications`` callback: the rule Python's ``compare()``
    and ``run()`` apply (:func:`forceratio.limits.check_replications`), its problem printed
    as ``--replications: ...``."""
    from forceratio.errors import InputError

    try:
        return check_replications(value)
    except InputError as exc:
        raise typer.BadParameter(exc.problem) from None


RepsOpt = Annotated[
    int | None,
    typer.Option(
        "--replications",
        callback=replications_rule,
        help=f"Stochastic runs of each scenario or point, 1 to {MAX_REPLICATIONS:,}, seeded by "
        "--seed (without: deterministic).",
    ),
]
SeedOpt = Annotated[
    int | None,
    typer.Option(
        "--seed", min=0, help="Seed of the stochastic runs and posterior draws (default 0)."
    ),
]
RunSeedOpt = Annotated[
    int | None,
    typer.Option(
        "--seed", min=0, help="Seed of the stochastic runs (with --replications; default 0)."
    ),
]


@overload
def seed_for(seed: int | None, random: Literal[True], applies: str = "") -> int: ...
@overload
def seed_for(seed: int | None, random: bool, applies: str) -> int | None: ...
def seed_for(seed: int | None, random: bool, applies: str = "") -> int | None:
    """The one rule for every ``--seed``: a command's random work (replications, designs,
    posterior draws, bootstraps) is seeded by ``--seed``, by :data:`DEFAULT_SEED` when it
    is not given (the same command line gives the same numbers); a seed given where
    nothing is random is refused, as it would be ignored.
    ``applies`` names what would make the work random (``--replications``).  Returns the
    seed to use, None when nothing is random."""
    from forceratio.errors import InputError

    if not random:
        if seed is not None:
            raise InputError("--seed", f"nothing here is random: it applies only with {applies}")
        return None
    return DEFAULT_SEED if seed is None else seed


@app.command("list")
@one_line_errors
def list_scenarios(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """The built-in scenarios."""
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
    print_rows(rows, fmt, title="Scenarios")


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
    from forceratio.scenarios.registry import parameter_rows
    from forceratio.scenarios.schema import CATEGORIES
    from forceratio.scenarios.sides import display_names, rename

    session = Session(table_overrides(table), uncalibrated)
    prep = session.prepare(name, sets)
    cal = session.calibration_for(prep)
    rates = session.rates(prep)
    scn = prep.scenario
    forces = [
        {"sector": sec, "side": side, **dict(zip(CATEGORIES, f.value.tolist(), strict=True))}
        for side in ("USSR", "Germany")
        for sec, f in zip(prep.sectors, prep.forces[side], strict=True)
    ]
    arrivals = [
        {"sector": sec, "side": side, "from_day": a.start, "to_day": a.end,
         **dict(zip(CATEGORIES, a.amount.value.tolist(), strict=True))}
        for side in ("USSR", "Germany")
        for sec, per in zip(prep.sectors, prep.arrivals[side], strict=True)
        for a in per
    ]  # fmt: skip
    params = [
        {
            "parameter": r["path"],
            "label": rename(r["label"], display_names(scn)),  # (the source cites its own)
            "unit": r["unit"],
            "value": r["value"],
            "uncertainty": str(scn.uncertainty.get(r["path"], "")),
            "source": r["source"],
        }
        for r in parameter_rows(prep, rates)
    ]
    if fmt is Format.json:
        print_json(
            {
                "scenario": scn.model_dump(mode="json", exclude={"seed"}),  # (not settable)
                "forces": forces,
                "arrivals": arrivals,
                "parameters": params,
                "records": [
                    {"label": r.label, "side": r.side, "day": r.day, "value": float(f.value[0])}
                    for r, f in prep.records
                ],
            }
        )
        return
    default = "" if "combat_power" in scn.model_fields_set else " (the default: not in the file)"
    print_frame(
        pd.DataFrame(
            [
                {"field": "name", "value": scn.name},
                {"field": "description", "value": scn.description},
                {"field": "date", "value": scn.date},
                {"field": "attacker", "value": scn.attacker},
                {"field": "law", "value": scn.law},
                {"field": "combat power", "value": scn.combat_power + default},
                {"field": "duration (days)", "value": exact(scn.duration_days)},
            ]
        ),
        fmt,
        title=scn.name,
    )
    # every number as the file, the tables or the calibration give it (digits=None): a
    # window ending on day 5.3125 is not shown as 5, nor a kill rate of 1e-7 as 0.0000
    title = "Forces at the start (before the air strike)"
    print_frame(pd.DataFrame(forces), fmt, title=title, digits=None)
    if arrivals:
        title = "Arriving (evenly from_day to to_day; central values)"
        print_frame(pd.DataFrame(arrivals), fmt, title=title, digits=None)
    print_frame(
        pd.DataFrame(params),
        fmt,
        title="Parameters" + (f" (rates calibrated on {cal.scenario})" if cal else ""),
        digits=None,
    )
    for note in scn.notes:
        print(f"note: {note}")


@app.command("export")
@one_line_errors
def export(name: Annotated[str, typer.Argument(help="A built-in scenario.")]) -> None:
    """Print a built-in scenario's TOML, to start a new scenario from it."""
    from forceratio.scenarios import export as export_text

    print(export_text(name), end="")


#: Row fields that are a [low, high] pair: flat as ``<field>_low`` and ``<field>_high``.
PAIRS = ("_ci", "_duration_days")


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """A row for a CSV, markdown or LaTeX cell each: a [low, high] pair (:data:`PAIRS`,
    ``p_attacker_wins_ci``) as numeric ``_low`` and ``_high`` columns, a mapping
    (``decided_by``) as one numeric column per key (``decided_by_captured``), any other
    list (``historical_soviet_days``) as a JSON text; the JSON output keeps the nesting."""
    import json

    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, list | tuple) and len(v) == 2 and k.endswith(PAIRS):
            out[f"{k}_low"], out[f"{k}_high"] = v
        elif isinstance(v, dict):
            out.update({f"{k}_{name}": x for name, x in sorted(v.items())})
        elif isinstance(v, list | tuple):
            out[k] = json.dumps(list(v))
        else:
            out[k] = v
    return out


def _print_rows(
    rows: list[dict[str, Any]], fmt: TableFormat, title: str, explain: list[str] | None = None
) -> None:
    if fmt is TableFormat.json:
        print_json(rows)
        return
    if fmt is TableFormat.latex:
        print(comparison_latex([flat(r) for r in rows], digits=3), end="")
    elif fmt is TableFormat.table:
        from forceratio.plots.labels import comparison_notes, comparison_rows
        from forceratio.scenarios.sides import common_names

        shown = comparison_rows(rows)
        calibrated = any(r.get("calibrated") for r in rows)  # else (a), (c) say the own rates
        notes = comparison_notes(shown, explain, common_names(rows), calibrated)
        notes += [f"{r['scenario']}: {r['combat_power_default']}." for r in rows if r.get(
            "combat_power_default")]  # fmt: skip
        print_comparison([r["scenario"] for r in rows], shown, title, notes)
    else:
        import pandas as pd

        df = pd.DataFrame([flat(r) for r in rows])
        print_frame(df, Format(fmt.value), title=title, digits=3)


def _seed_rule(
    names: list[str] | None,
    sets: list[str] | None,
    replications: int | None,
    seed: int | None,
    posterior: int | None = 0,
    seeded: str = "--replications",
) -> None:
    """Refuse a ``--seed`` that nothing of the run and compare commands' rows would use
    (``posterior`` draws of the whole-record posterior behind the 12 June rows, None: the
    default 200; replications; a scenario file's own), before any work."""
    from forceratio.scenarios import builtins, load_scenario

    draws = posterior is None or posterior > 0
    # a file's own replications make its run random too (and --seed then applies); read
    # only when that decides (a --set some scenarios lack is compare's to name)
    own = (
        seed is not None
        and not (replications or draws)
        and any(load_scenario(n, sets).replications for n in (names or builtins()))
    )
    seed_for(seed, bool(replications) or draws or own, seeded)  # nothing random at all
    # compare() refuses a --seed that none of these rows uses (e.g. no replications and
    # no 12 June row for the posterior draws) and seeds both with DEFAULT_SEED when unset


def seed_note(rows: list[dict[str, Any]]) -> str:
    """`` (seed N)`` for a title when the rows' random work used seed N (the seed of the
    replications and of the posterior draws, one on the command line), else ``""``."""
    used = sorted({r[k] for r in rows for k in ("seed", "posterior_seed") if k in r})
    return f" (seed {', '.join(map(str, used))})" if used else ""


def run_command(
    scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario TOML file.")],
    sets: SetOpt = None,
    fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
    table: TableOpt = None,
    uncalibrated: UncalOpt = False,
    replications: RepsOpt = None,
    seed: RunSeedOpt = None,
) -> None:
    """Run one scenario and print its outcome."""
    from forceratio.scenarios.compare import compare
    from forceratio.scenarios.session import Session

    _seed_rule([scenario], sets, replications, seed)
    session = Session(table_overrides(table), uncalibrated)
    rows = compare(
        [scenario], sets=sets, replications=replications, seed=seed, session=session, posterior=0
    )
    if fmt is TableFormat.json:
        print_json(rows[0])
    else:
        _print_rows(rows, fmt, title=scenario + seed_note(rows))


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
    posterior: Annotated[
        int | None,
        typer.Option(
            "--posterior",
            min=0,
            max=100_000,
            help="Draws of the whole-record posterior (forceratio calibrate) behind the 12 June"
            " rows' P(attacker wins), its 95% interval, the deciding rule and the loss"
            " quantiles (default 200, seeded by --seed; 0: none).",
        ),
    ] = None,
) -> None:
    """One row per scenario, side by side; by default the built-ins: the 12 June strike
    against the historical 22 June strike."""
    from forceratio.cli import engines
    from forceratio.errors import InputError
    from forceratio.simulator.warmup import warm_up

    twice = sorted({n for n in names or [] if (names or []).count(n) > 1})
    if twice:
        raise InputError("NAMES", f"{', '.join(twice)} given twice")

    warm_up(*engines("compare", replications))  # compiles while the tables etc. load
    from forceratio.scenarios.compare import compare
    from forceratio.scenarios.session import Session

    _seed_rule(names or None, sets, replications, seed, posterior, "--replications or --posterior")
    session = Session(table_overrides(table), uncalibrated)  # the rows' and the lines under them
    rows = compare(
        names or None, sets=sets, replications=replications, seed=seed, posterior=posterior,
        session=session,
    )  # fmt: skip
    explain = None
    if fmt is TableFormat.table:
        from forceratio.scenarios import builtins

        explain = _carried_by(list(names or builtins()), rows, sets, session)
    from forceratio.scenarios.sides import comparison_title

    title = comparison_title(rows) + seed_note(rows)
    _print_rows(rows, fmt, title, explain)


def _carried_by(
    names: list[str], rows: list[dict[str, Any]], sets: list[str] | None, session: Session
) -> list[str]:
    """The lines under the comparison: what carries each winner (one assumption at a time
    to the ends of its declared range), run in the ``session`` the rows came from (its
    tables read once, not again per scenario)."""
    from forceratio.plots.labels import parameter_label
    from forceratio.sweeps.explain import scenario_swings

    lines = []
    rates = {(r.get("german_rate"), r.get("soviet_rate")) for r in rows if r.get("calibrated")}
    fitted_on = {str(r.get("calibrated_on") or "the record") for r in rows if r.get("calibrated")}
    units = {(r.get("german_rate_unit"), r.get("soviet_rate_unit")) for r in rows}
    if len(rates) == 1 and len(units) == 1:
        g, s = rates.pop()
        unit, same = units.pop()
        if g and s and unit and unit == same:  # (a ratio of rates in one unit)
            lines.append(
                f"What carries it: the kill rates fitted on {' and '.join(sorted(fitted_on))}, "
                f"German {g:.4f} v Soviet {s:.4f} ({unit}): a German unit of combat power "
                f"destroys {g / s:.1f} times what a Soviet one does. One declared assumption at "
                "a time, moved to the ends of its range (margin = attacker's share kept minus "
                "the defender's):"
            )
    for name, row in zip(names, rows, strict=True):
        base, sw = scenario_swings(name, row, tuple(sets or ()), session=session)
        rule = row.get("winner_decided_by", "attrition margin")
        head = f"  {row['scenario']}: {row['winner']} wins (by {rule}; margin {base:+.2f})"
        if not sw:
            lines.append(head + "; no uncertainty ranges declared.")
            continue
        top = sw[0]
        lab = parameter_label(top.parameter)
        text = (
            f"{head}; {lab} moves it most ({top.low:g} to {top.high:g}: margin "
            f"{top.margin_low:+.2f} to {top.margin_high:+.2f})"
        )
        flips = [  # the range end, not the flip point (threshold finds that)
            f"{parameter_label(x.parameter)} ({x.low if x.flips_low else x.high:g}; the flip "
            f"itself: forceratio threshold {name} --vary {x.parameter}={x.low:g}:{x.high:g})"
            for x in sw
            if x.flips
        ]
        text += (
            "; flips the winner by the end of its range: " + ", ".join(flips)
            if flips
            else "; none flips the winner"
        )
        lines.append(text + ".")
    from forceratio.scenarios.sides import common_names, rename

    return [rename(line, common_names(rows)) for line in lines]
