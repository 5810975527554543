"""``forceratio plot`` and ``forceratio report``."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from forceratio.cli.data import TableOpt, table_overrides
from forceratio.cli.scenarios import SetOpt, UncalOpt, replications_rule, seed_for
from forceratio.limits import MAX_REPLICATIONS


class Kind(enum.StrEnum):
    """The figures ``forceratio plot`` draws (:data:`forceratio.plots.KINDS` and ``fit``)."""

    trajectory = "trajectory"
    ratios = "ratios"
    sweep = "sweep"
    tornado = "tornado"
    distribution = "distribution"
    fit = "fit"


def _check_plot_size(
    session: Any, scenario: str, sets: list[str] | None, kind: str, samples: int, reps: int
) -> None:
    """Refuse a figure whose runs would not fit in memory, before computing it: the
    figure's own memory (:data:`~forceratio.limits.BYTES_FIGURE`) beside the distribution's
    replications (the command's :data:`~forceratio.limits.BYTES_COMMAND_BASE` and the
    scenario's :func:`~forceratio.scenarios.run.batch_bytes`), or beside the tornado's Sobol
    analysis of ``samples`` over the d declared ranges, estimated as ``sensitivity
    --samples`` estimates its own (:func:`~forceratio.sweeps.sensitivity.sobol_bytes`,
    :func:`~forceratio.limits.analysis_bytes`)."""
    from forceratio.limits import BYTES_COMMAND_BASE, BYTES_FIGURE, check_memory
    from forceratio.scenarios.run import batch_bytes
    from forceratio.sweeps.design import declared
    from forceratio.sweeps.sensitivity import sobol_bytes

    if kind not in ("distribution", "tornado"):
        return
    prep = session.prepare(scenario, tuple(sets or ()))
    if kind == "distribution":
        work, what = batch_bytes(prep, 1, replications=reps)
        check_memory("--replications", BYTES_COMMAND_BASE + BYTES_FIGURE + work,
                     f"the figure and its {what}")  # fmt: skip
        return
    d = len(declared(prep.scenario.uncertainty))  # the ranges declared_sobol varies
    work = sobol_bytes(prep, samples, d)
    check_memory("--samples", BYTES_FIGURE + work, f"the figure and its {samples * (d + 2):,} runs")


def plot_command(
    kind: Annotated[Kind, typer.Option("--kind", help="The figure to draw.")],
    out: Annotated[Path, typer.Option("--out", help="FILE.png or FILE.svg")],
    scenario: Annotated[
        str | None,
        typer.Argument(help="A built-in name or a scenario TOML file (not for --kind fit)."),
    ] = None,
    source: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="A sweep's Parquet result (--kind sweep) or a daily series CSV (--kind fit).",
        ),
    ] = None,
    x: Annotated[str | None, typer.Option("--x", help="Swept parameter on the x axis.")] = None,
    y: Annotated[str | None, typer.Option("--y", help="Swept parameter on the y axis.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="Outcome column.")] = None,
    samples: Annotated[
        int | None, typer.Option("--samples", help="Sobol base samples (tornado; default 256).")
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications",
            callback=replications_rule,
            help=f"Stochastic runs (distribution; default 200; 1 to {MAX_REPLICATIONS:,}), "
            "seeded by --seed.",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", min=0, help="Seed of the runs (distribution) or design (tornado; default 0)."
        ),
    ] = None,
    sets: SetOpt = None,
    table: TableOpt = None,
    uncalibrated: UncalOpt = False,
) -> None:
    """Draw one figure of a scenario (headless)."""
    import io

    from forceratio.errors import InputError
    from forceratio.io.files import check_writable, output_path, refuse_inputs, write_atomic
    from forceratio.plots import figure

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError("--out", f"expected a .png or .svg file, got {out.name!r}")
    check_writable(out.parent, "--out")  # before the work, not after it
    output_path(out, "--out")  # (a folder, or a link to a device: refused now, not after)
    refuse_inputs(out, "--out", {"SCENARIO": scenario, "--from": source, **_tables(table)})
    given = {"SCENARIO": scenario is not None, "--from": source is not None, "--x": x is not None,
             "--y": y is not None, "--outcome": outcome is not None,
             "--samples": samples is not None, "--replications": replications is not None,
             "--seed": seed is not None, "--set": bool(sets), "--table": bool(table),
             "--uncalibrated": uncalibrated}  # fmt: skip
    _only_what_applies(kind, [name for name, on in given.items() if on])
    samples = 256 if samples is None else samples
    replications = 200 if replications is None else replications
    seed = seed_for(seed, True)  # (the kinds that draw nothing refused it above)
    if kind is Kind.fit:
        fig = _fit_figure(source)
    elif scenario is None:
        raise InputError("SCENARIO", f"--kind {kind} needs a scenario")
    else:
        from forceratio.scenarios.session import Session

        session = Session(table_overrides(table), uncalibrated)
        _check_plot_size(session, scenario, sets, kind, samples, replications)
        indices = None
        if kind == "tornado":  # the analysis runs here, the figure only draws it
            from forceratio.sweeps.sensitivity import declared_sobol

            indices = declared_sobol(
                session, scenario, sets=tuple(sets or ()), samples=samples,
                outcome=outcome or "attacker_margin", seed=seed,
            )  # fmt: skip
        rows: Any = source
        if kind == "sweep" and source is not None and source.is_dir():
            from forceratio.sweeps.store import read_sweep  # one reading path of a sweep

            rows = read_sweep(source, scenario, "--from")
        fig = figure(
            kind.value, scenario, sets=sets, session=session, source=rows, x=x, y=y,
            outcome=outcome, replications=replications, seed=seed, indices=indices,
        )  # fmt: skip
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=100)  # the figure's own canvas: no pyplot, no display
    write_atomic(out, buf.getvalue(), "--out")
    drawn = f", seed {seed}" if "--seed" in APPLIES[kind.value] else ""  # (kinds that draw)
    print(f"wrote {out} ({kind.value}{drawn})")


_SCENARIO = ("SCENARIO", "--set", "--table", "--uncalibrated")
#: The options each kind of figure takes (any other given is refused, not ignored).
APPLIES = {
    "trajectory": _SCENARIO,
    "ratios": _SCENARIO,
    "distribution": (*_SCENARIO, "--replications", "--seed"),
    "tornado": (*_SCENARIO, "--samples", "--outcome", "--seed"),
    "sweep": (*_SCENARIO, "--from", "--x", "--y", "--outcome"),
    "fit": ("--from",),
}


def _only_what_applies(kind: str, given: list[str]) -> None:
    """Refuse options the figure ``kind`` would ignore (``plot --kind ratios --x foo``,
    ``--kind fit --replications 5`` or a scenario ran with rc 0), naming them."""
    from forceratio.errors import InputError

    odd = [name for name in given if name not in APPLIES[kind]]
    if odd:
        users = sorted(k for k, takes in APPLIES.items() if odd[0] in takes)
        where = f" (only to --kind {', '.join(users)})" if len(odd) == 1 and users else ""
        raise InputError(
            ", ".join(odd),
            f"{'does' if len(odd) == 1 else 'do'} not apply to --kind {kind}{where}; "
            f"drop {'it' if len(odd) == 1 else 'them'}",
        )


def _tables(table: list[str] | None) -> dict[str, str]:
    return {f"--table {name}": path for name, path in table_overrides(table).items()}


def _fit_figure(source: Path | None) -> Figure:
    """The law with the largest Akaike weight, fitted to the series in ``source``."""
    from forceratio.errors import InputError
    from forceratio.fitting import FIT_LAWS, fit_laws, read_battle
    from forceratio.plots.figures import fit_figure

    if source is None:
        raise InputError("--from", "--kind fit needs the daily series: --from DATA.csv")
    results, _ = fit_laws(read_battle(source), list(FIT_LAWS))
    best = max(results, key=lambda r: r.akaike_weight)
    return fit_figure(best.residuals, best.law, source.name, best.caveats())


def report_command(
    names: Annotated[
        list[str] | None, typer.Argument(help="Scenarios (default: every built-in).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Directory for report.html.")] = Path("report"),
    table: TableOpt = None,
    uncalibrated: UncalOpt = False,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            min=0,
            help="Seed of the report's stochastic runs, designs and posterior draws (default 0).",
        ),
    ] = None,
) -> None:
    """One self-contained HTML report: comparison, figures, assumptions, calibration, data."""
    from forceratio.errors import InputError
    from forceratio.io.files import check_writable, made_folder, output_path, write_atomic
    from forceratio.scenarios import builtins
    from forceratio.sweeps.reporting import report

    folder = out  # (an empty --out, "." to Path, is refused before: cli.errors)
    if folder.exists() and not folder.is_dir():
        raise InputError("--out", f"{out} exists and is not a directory")
    check_writable(folder, "--out", create=True)  # before the work, not after it
    output_path(folder / "report.html", "--out")  # (a folder or a device by that name)
    from forceratio.scenarios.session import Session

    names = list(names or builtins())
    seed = seed_for(seed, True)  # (its first scenario's distribution, at least, draws)
    session = Session(table_overrides(table), uncalibrated)  # one calibration for the whole report
    text = report(names, session=session, seed=seed)
    with made_folder(folder, "--out") as made:  # a write that fails leaves no folder
        target = made / "report.html"
        write_atomic(target, text, "--out")
    print(f"wrote {target} ({len(text) / 1e6:.1f} MB, seed {seed})")
