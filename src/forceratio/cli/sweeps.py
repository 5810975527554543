"""``forceratio sweep``: sample a scenario's parameters and run every sample (its checks
before any work: :func:`forceratio.cli.sweep_setup.sweep_setup`)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from forceratio.cli.data import TableOpt, table_overrides
from forceratio.cli.output import Format, count_rows, print_frame, print_json
from forceratio.cli.scenarios import RepsOpt, SetOpt, UncalOpt, seed_for
from forceratio.cli.sweep_limits import check_sweep_size, check_workers
from forceratio.errors import InputError
from forceratio.seeds import DEFAULT_SEED

if TYPE_CHECKING:
    from forceratio.sweeps.design import Vary


class DesignMethod(enum.StrEnum):
    """A sweep's design (:data:`forceratio.sweeps.design.METHODS`)."""

    grid = "grid"
    sobol = "sobol"
    lhs = "lhs"
    random = "random"


VaryOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--vary",
        help="dotted.path=lo:hi[:n] (repeatable); default: every declared uncertainty range.",
    ),
]
PosteriorOpt = Annotated[
    int,
    typer.Option(
        "--posterior",
        min=0,
        max=100_000,
        help="Cross every design point with N draws (seeded by --seed) of the whole-record "
        "posterior of the shared parameters (0: none).",
    ),
]
NoProgressOpt = Annotated[
    bool,
    typer.Option(
        "--no-progress", help="No progress bar (none is drawn when stderr is not a terminal)."
    ),
]


def _fixed_note(prep: Any, vary: list[str] | None, replications: int) -> None:
    """One note on stderr, once the sweep is accepted: the declared ranges a replicated
    sweep without --vary leaves at their value
    (:func:`~forceratio.cli.sweep_setup.sweep_setup`)."""
    from forceratio.scenarios.registry import lookup
    from forceratio.scenarios.run import deterministic_only
    from forceratio.sweeps.design import declared

    if vary or not replications:
        return
    fixed = deterministic_only(prep.scenario)
    left = [v.path for v in declared(prep.scenario.uncertainty) if v.path in fixed]
    if left:
        value = ", ".join(f"{p}={lookup(p, '--vary').value(prep):g}" for p in left)
        typer.echo(
            "note: not varied under --replications (the stochastic runs have no losses in "
            f"transit): {value}",
            err=True,
        )


def _progress_bar() -> Any:
    import sys

    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )


def sweep_command(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario TOML file.")],
    vary: VaryOpt = None,
    method: Annotated[
        DesignMethod, typer.Option("--method", help="The design.")
    ] = DesignMethod.sobol,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Number of samples: required, except for --method grid (its points are the "
            "product of each --vary's steps).",
        ),
    ] = None,
    replications: RepsOpt = None,
    data_uncertainty: Annotated[
        bool, typer.Option("--data-uncertainty", help="Also sample table figures in low..high.")
    ] = False,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            min=0,
            help="Seed of the design, the replications, the table figures and the posterior "
            "draws (default 0).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Result directory (Parquet parts).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Complete an interrupted sweep.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Local processes.")] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."),
    ] = None,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", min=1, help="Samples per chunk.")
    ] = 20_000,
    list_: Annotated[bool, typer.Option("--list", help="List the sweepable parameters.")] = False,
    no_progress: NoProgressOpt = False,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    sets: SetOpt = None,
    table: TableOpt = None,
    uncalibrated: UncalOpt = False,
    posterior: PosteriorOpt = 0,
    paired: Annotated[
        bool,
        typer.Option(
            "--paired",
            help="With --posterior: run design point g with draw g mod N (a joint sample) "
            "instead of every point with every draw.",
        ),
    ] = False,
) -> None:
    """Sample the scenario's parameters, run every sample, stream tidy rows to Parquet.
    With --posterior N every design point is run with each of N draws of the whole-record
    posterior (rows carry point, draw and the drawn values); the declared ranges of the
    parameters the posterior draws are then left to the draws."""
    from forceratio.cli import engines
    from forceratio.simulator.warmup import warm_up

    if not list_:
        warm_up(*engines("sweep", replications))  # compiles while the tables etc. load
    import pandas as pd

    if list_:  # it runs nothing: an option of the run is refused, not ignored
        _refuse_run_options(ctx)
        _list(scenario, sets, table, fmt, uncalibrated)
        return
    check_workers(workers, scheduler)
    if out is None:
        raise InputError("--out", "give the result directory, e.g. --out results.parquet")
    if resume:  # refused at once, before the scenario and the calibration load
        from forceratio.sweeps.store_checks import check_resumable

        check_resumable(out)
    if scheduler is not None:
        from forceratio.sweeps.cluster import check_address, check_listening

        check_address(scheduler)
        check_listening(scheduler)  # nothing there: at once, before the scenario loads
    from forceratio.io.files import check_writable
    from forceratio.sweeps.design import Design
    from forceratio.sweeps.evaluate import SweepSpec, use_prepared
    from forceratio.sweeps.runner import run_sweep, summarize_store

    check_writable(out, "--out", create=True)
    random = method is not DesignMethod.grid or bool(replications or data_uncertainty or posterior)
    applies = "a sampled design, --replications, --data-uncertainty or --posterior"
    if resume and seed is None and random:
        _resumed_seed(out, seed_for(None, random, applies))
    used = seed = seed_for(seed, random, applies)  # used: None when nothing is drawn
    from forceratio.cli.sweep_setup import sweep_setup

    setup = sweep_setup(scenario, vary, sets, table, uncalibrated, replications or 0)
    prep, specs = setup.prep, setup.specs
    if posterior:  # a file with its own rates: named here, not as a --vary never given
        from forceratio.sweeps.posterior import check_applies

        check_applies(prep)  # with the law check (scenarios.rates.check_draws)
    if paired and not posterior:
        raise InputError("--paired", "pairs posterior draws with design points: add --posterior N")
    # a grid draws nothing: an old grid store made with --seed resumes at it (same numbers)
    seed = (_store_seed(out) if resume and not random else seed) or 0
    draws = posterior_draws(setup.tables, posterior, seed, uncalibrated) if posterior else None
    if draws is not None:
        specs = _without_drawn(specs, draws.names, given=bool(vary), scenario=scenario)
    design = Design.make(method.value, specs, samples, seed)
    d = len(specs) + (len(draws.names) + 2 if draws else 0)
    runs = design.samples * (draws.n if draws and not paired else 1)
    check_sweep_size(prep, runs, d, replications or 0, chunk_size, workers, out)
    spec = SweepSpec(
        scenario=scenario,
        design=design,
        sets=tuple(sets or ()),
        tables=tuple(sorted(setup.tables.items())),
        calibration=setup.calibration,
        replications=replications or 0,
        data_uncertainty=data_uncertainty,
        posterior=draws,
        paired=paired,
    )
    use_prepared(spec, prep)
    _fixed_note(prep, vary, replications or 0)
    bar = None if no_progress else _progress_bar()
    if bar is not None:
        with bar:
            task = bar.add_task(f"sweep {prep.scenario.name}", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = run_sweep(
                spec, out, chunk_size=chunk_size, workers=workers, scheduler=scheduler,
                resume=resume, progress=progress,
            )  # fmt: skip
    else:
        result = run_sweep(
            spec, out, chunk_size=chunk_size, workers=workers, scheduler=scheduler, resume=resume
        )
    summary, extra = summarize_store(result.path)
    if fmt is Format.json:
        print_json(
            {
                "out": str(result.path),
                "rows": int(extra["rows"]),
                "chunks": result.chunks,
                "computed_chunks": result.computed,
                **({} if used is None else {"seed": used}),
                **{k: v for k, v in extra.items() if k != "rows"},
                "outcomes": summary.to_dict(orient="records"),
            }
        )
        return
    whole = count_rows(  # men, tanks, aircraft: whole numbers (the JSON keeps them exact)
        summary, summary["outcome"].str.endswith(("_losses", "_lost")), list(summary.columns)
    )
    if fmt is not Format.csv:  # read by a person: the sides by the scenario's names
        from forceratio.cli.names import named_outcome
        from forceratio.scenarios.sides import display_names

        names = display_names(prep.scenario)
        summary = summary.assign(outcome=[named_outcome(o, names) for o in summary["outcome"]])
    title = f"{prep.scenario.name}: {int(extra['rows']):,} rows"
    print_frame(summary, fmt, title=title, digits=3, counts=whole)
    print_frame(
        pd.DataFrame(
            [
                {
                    "out": str(result.path),
                    "chunks": result.chunks,
                    "computed now": result.computed,
                    **({} if used is None else {"seed": used}),
                    "P(attacker wins)": extra["attacker_win_probability"],
                    "95% interval": "{:.3f} .. {:.3f}".format(
                        *extra["attacker_win_probability_ci"]
                    ),
                    "interval over": extra["attacker_win_probability_ci_over"],
                    "decided by": ", ".join(
                        f"{k} {v:.0%}" for k, v in extra.get("decided_by", {}).items()
                    ),
                    **(
                        {"posterior draws": extra["posterior_draws"]}
                        if "posterior_draws" in extra
                        else {}
                    ),
                    **(
                        {
                            "P per draw, median (95% over draws)": "{median:.3f} ({low:.3f} .. "
                            "{high:.3f})".format(**extra["attacker_win_probability_per_draw"])
                        }
                        if "attacker_win_probability_per_draw" in extra
                        else {}
                    ),
                }
            ]
        ),
        fmt,
        digits=3,
    )


#: The options ``sweep --list`` reads; every other option belongs to a run.
LIST_OPTIONS = frozenset({"scenario", "list_", "fmt", "sets", "table", "uncalibrated"})


def _refuse_run_options(ctx: typer.Context) -> None:
    """Refuse, in one line naming it, any option of a run given with ``--list`` (which runs
    nothing), even one given at its default value (``--workers 1``).  (The source is
    compared by name: typer carries its own copy of click's ``ParameterSource``.)"""
    for param in ctx.command.params:
        if param.name in LIST_OPTIONS or not param.expose_value:
            continue
        source = ctx.get_parameter_source(param.name or "")
        if source is not None and source.name == "COMMANDLINE":
            name = max(param.opts, key=len)
            raise InputError(name, "does not apply to --list, which runs nothing; drop it")


def _store_seed(out: Path) -> int | None:
    """The seed a store's manifest records (None: none readable)."""
    from forceratio.sweeps.store import ChunkStore

    try:
        spec = ChunkStore(out, "--out").manifest().get("spec")
    except InputError:  # (an unreadable manifest: the resumption reports it)
        return None
    design = spec.get("design") if isinstance(spec, dict) else None
    old = design.get("seed") if isinstance(design, dict) else None
    return old if isinstance(old, int) and not isinstance(old, bool) and old >= 0 else None


def _resumed_seed(out: Path, used: int | None) -> None:
    """``--resume`` without ``--seed`` of a sweep made with another seed: name that seed
    (the store would only say its spec differs)."""
    old = _store_seed(out)
    if old is not None and old != (used or 0):
        raise InputError(
            "--seed",
            f"{out} was swept with --seed {old}; give it to resume (without --seed the seed "
            f"is {DEFAULT_SEED})",
        )


def _without_drawn(
    specs: tuple[Vary, ...], drawn: tuple[str, ...], *, given: bool, scenario: str
) -> tuple[Vary, ...]:
    """The design's parameters less those the posterior draws: the scenario's declared ranges
    drop them (the draws carry them); a ``--vary`` of one is refused before any work."""
    clash = [v.path for v in specs if v.path in drawn]
    if clash and given:
        raise InputError("--vary", f"{clash[0]} is drawn from the posterior; do not vary it")
    kept = tuple(v for v in specs if v.path not in drawn)
    if not kept:
        raise InputError(
            "--vary", f"every range {scenario} declares is drawn from the posterior; give --vary"
        )
    return kept


def posterior_draws(tables: dict[str, str], n: int, seed: int, uncalibrated: bool) -> Any:
    """``n`` seeded draws of the whole-record posterior (a
    :class:`~forceratio.sweeps.posterior.PosteriorDraws`)."""
    from forceratio.scenarios.session import Session
    from forceratio.sweeps.posterior import PosteriorDraws, record_posterior

    if uncalibrated:
        raise InputError("--posterior", "posterior draws are a calibration; drop --uncalibrated")
    return PosteriorDraws.from_result(record_posterior(Session(tables)), n, seed)


def _list(
    scenario: str, sets: list[str] | None, table: list[str] | None, fmt: Format, uncalibrated: bool
) -> None:
    """The registry's parameters with the values a sweep starts from (calibrated rates
    included unless --uncalibrated)."""
    import pandas as pd

    from forceratio.scenarios.registry import parameter_rows
    from forceratio.scenarios.session import Session
    from forceratio.scenarios.sides import display_names, rename

    session = Session(table_overrides(table), uncalibrated)
    prep = session.prepare(scenario, sets)
    names = display_names(prep.scenario)  # labels only: paths stay the keys
    rows = [
        {**r, "label": rename(r["label"], names)} for r in parameter_rows(prep, session.rates(prep))
    ]
    if fmt is Format.json:
        print_json(rows)
    else:
        view = pd.DataFrame(rows)[["path", "label", "unit", "low", "high", "value", "source"]]
        title = f"{prep.scenario.name}: sweepable parameters"
        print_frame(view, fmt, title=title, digits=4)
