"""``forceratio sensitivity``: Sobol indices, Morris screening, or (``--posterior``) which
mechanism carries the answer over the whole-record posterior.  Each analysis takes the
size option meant for it and refuses the others': ``--samples`` (Sobol's base samples),
``--trajectories`` (Morris's), ``--posterior RUNS`` (its own joint runs).  And
``forceratio threshold``: the value at which the outcome flips."""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from forceratio.cli.data import TableOpt
from forceratio.cli.output import Format, print_frame, print_json
from forceratio.cli.scenarios import RepsOpt, SetOpt, UncalOpt, seed_for
from forceratio.cli.sweeps import VaryOpt
from forceratio.errors import InputError


class ScreenMethod(enum.StrEnum):
    """A sensitivity analysis: Sobol indices, or Morris's cheap screening."""

    sobol = "sobol"
    morris = "morris"


#: Morris trajectories when ``--trajectories`` is not given.
TRAJECTORIES = 32
#: Sobol base samples when ``--samples`` is not given.
SAMPLES = 1024
#: Base samples below which the table warns that its intervals under-cover: against the
#: Ishigami function's closed-form indices the replicates' intervals covered x1's first-order
#: index in 91% of 400 seeds at 64 and at 128 samples (90-96% for the six indices from 16
#: to 128; 92-97% from 256 up; tests/sweeps/test_sobol_replicates.py, 6 December 2026).
SMALL_SOBOL = 256


def _morris_bytes(prep: Any, r: int, d: int) -> float:
    """Estimated memory of :func:`~forceratio.sweeps.morris.screen` of ``r`` trajectories
    over ``d`` ranges (:func:`~forceratio.limits.analysis_bytes`): its r (d + 1) runs in one
    call (in blocks of :data:`~forceratio.limits.ANALYSIS_BLOCK`), then the trajectories'
    points and their steps, r (d + 1) d values each.  (Until 6 December 2026 a bootstrap of
    500 resamples gathered 500 r d elementary effects at once: 350 MB at 4,000 trajectories
    over 22 ranges.)"""
    from forceratio.limits import ANALYSIS_BLOCK, analysis_bytes
    from forceratio.scenarios.run import batch_bytes

    runs = r * (d + 1)
    block, _ = batch_bytes(prep, min(runs, ANALYSIS_BLOCK))
    return analysis_bytes(block, runs, 2 * 8.0 * runs * d)


def provenance(
    scenario: str,
    analysis: dict[str, Any],
    sets: list[str] | None,
    tables: dict[str, str],
    uncalibrated: bool,
) -> dict[str, Any]:
    """What a result file needs to be run again, as fields of each of its rows: the scenario,
    the analysis (``analysis``: its outcome, method, size, runs and seed), the ``--set``
    values, the ``--table`` files and whether the rates were uncalibrated."""
    return {
        "scenario": scenario,
        **analysis,
        "set": list(sets or ()),
        "table": [f"{k}={v}" for k, v in sorted(tables.items())],
        "uncalibrated": uncalibrated,
    }


def vary_text(v: Any) -> str:
    """A varied parameter as its ``--vary`` (``path=lo:hi``, each bound as it round-trips)."""
    return f"{v.path}={float(v.low)!r}:{float(v.high)!r}"


def cells(given: dict[str, Any]) -> dict[str, Any]:
    """:func:`provenance` as CSV cells: a list as one cell, its items joined by ``"; "``."""
    return {k: "; ".join(v) if isinstance(v, list) else v for k, v in given.items()}


def with_provenance(view: Any, varied: list[str], given: dict[str, Any]) -> Any:
    """``view`` (a DataFrame) with each row's ``vary`` and the columns of ``given``
    (:func:`cells`), for a CSV that can be run again from itself alone."""
    return view.assign(vary=varied, **cells(given))


def check_sizes(method: str, samples: int | None, trajectories: int | None, posterior: int) -> str:
    """The analysis asked (``sobol``, ``morris`` or ``posterior``), after refusing in one
    line an unknown method or a size option that does not apply to it."""
    if method not in ("sobol", "morris"):
        raise InputError("--method", f"unknown method {method!r}; choose sobol or morris")
    if posterior and method != "sobol":
        raise InputError("--method", "--posterior runs its own analysis (first-order, PRIM)")
    analysis = "posterior" if posterior else method
    own = {
        "sobol": "--samples sets Sobol's base samples",
        "morris": "--trajectories sets Morris's trajectories",
        "posterior": "--posterior RUNS sets its own runs",
    }[analysis]
    if samples is not None and analysis != "sobol":
        raise InputError("--samples", f"applies to Sobol (--method sobol) only; {own}")
    if trajectories is not None and analysis != "morris":
        raise InputError("--trajectories", f"applies to --method morris only; {own}")
    return analysis


def sensitivity(
    scenario: str,
    vary: list[str] | None,
    samples: int | None,
    outcome: str | None,
    seed: int,
    method: str,
    trajectories: int | None,
    fmt: Format,
    sets: list[str] | None,
    table: list[str] | None,
    uncalibrated: bool,
    posterior: int,
) -> None:
    """The body of ``forceratio sensitivity`` (its options: :func:`sensitivity_command`)."""
    import pandas as pd

    from forceratio.cli.names import named_outcome, named_parameter
    from forceratio.cli.sweep_setup import sweep_setup
    from forceratio.limits import check_memory
    from forceratio.scenarios.sides import display_names
    from forceratio.sweeps.design import Design
    from forceratio.sweeps.evaluate import SweepSpec
    from forceratio.sweeps.sensitivity import check_outcome, sobol, sobol_bytes

    analysis = check_sizes(method, samples, trajectories, posterior)
    if analysis == "posterior":
        _posterior(scenario, posterior, seed, sets, table, uncalibrated, vary, fmt, outcome)
        return
    outcome = outcome or "attacker_margin"
    check_outcome(outcome)
    setup = sweep_setup(scenario, vary, sets, table, uncalibrated)
    prep, specs, tables = setup.prep, setup.specs, setup.tables
    spec = SweepSpec(
        scenario,
        Design("random", (), 1, seed),
        tuple(sets or ()),
        tuple(sorted(tables.items())),
        setup.calibration,
    )
    varied = {v.path: vary_text(v) for v in specs}
    names = display_names(prep.scenario)  # (None: the 1941 wording, paths and columns)
    if analysis == "morris":
        r = TRAJECTORIES if trajectories is None else trajectories
        runs = r * (len(specs) + 1)
        check_memory("--trajectories", _morris_bytes(prep, r, len(specs)), f"{runs:,} runs")
        size = {"outcome": outcome, "method": "morris", "trajectories": r, "runs": runs}
        given = provenance(scenario, {**size, "seed": seed}, sets, tables, uncalibrated)
        _morris(spec, specs, r, outcome, seed, scenario, fmt, varied, given, names)
        return
    samples = SAMPLES if samples is None else samples  # 0 is refused (not a power of 2)
    runs = samples * (len(specs) + 2)
    check_memory("--samples", sobol_bytes(prep, samples, len(specs)), f"{runs:,} runs")
    rows = sobol(spec, specs, samples=samples, outcome=outcome, seed=seed)
    size = {"outcome": outcome, "method": "sobol", "samples": samples, "runs": runs}
    given = provenance(scenario, {**size, "seed": seed}, sets, tables, uncalibrated)
    if fmt is Format.json:
        print_json([{**r, "vary": varied[r["parameter"]], **given} for r in rows])
        return
    view = pd.DataFrame(
        [
            {
                "parameter": (
                    r["parameter"]
                    if fmt is Format.csv
                    else named_parameter(r["parameter"], names, prep.scenario)
                ),
                "S1": r["S1"],
                "S1 95% CI": f"{r['S1_ci'][0]:.3f} .. {r['S1_ci'][1]:.3f}",
                "ST": r["ST"],
                "ST 95% CI": f"{r['ST_ci'][0]:.3f} .. {r['ST_ci'][1]:.3f}",
            }
            for r in rows
        ]
    )
    if fmt is Format.csv:
        view = with_provenance(view, [varied[r["parameter"]] for r in rows], given)
    what = named_outcome(outcome, names)
    title = f"Sobol indices of {what} ({scenario}, {samples} samples, seed {seed})"
    print_frame(view, fmt, title=title, digits=3)
    if samples < SMALL_SOBOL and fmt is not Format.csv:
        print(
            f"note: with {samples} samples (under {SMALL_SOBOL}) the intervals may cover "
            "less than 95% (90-96% on a test function with known indices); use more"
        )


def _posterior(
    scenario: str,
    runs: int,
    seed: int,
    sets: list[str] | None,
    table: list[str] | None,
    uncalibrated: bool,
    vary: list[str] | None,
    fmt: Format,
    outcome: str | None,
) -> None:
    """Run and print :func:`~forceratio.sweeps.mechanisms.posterior_mechanisms` of
    ``outcome`` (default: whether the attacker wins, log10 of the loss exchange ratio and
    the deciding rules)."""
    from forceratio.cli.data import table_overrides
    from forceratio.cli.mechanisms import print_mechanisms
    from forceratio.limits import BYTES_COMMAND_BASE, check_memory
    from forceratio.scenarios.run import batch_bytes
    from forceratio.scenarios.session import Session
    from forceratio.sweeps.mechanisms import (
        CROSSED,
        bases_bytes,
        bootstrap_bytes,
        check_outcome,
        posterior_mechanisms,
    )

    if outcome is not None:
        check_outcome(outcome)
    if uncalibrated:
        raise InputError("--posterior", "posterior draws are a calibration; drop --uncalibrated")
    if vary:
        raise InputError("--vary", "--posterior varies the declared assumption ranges")
    session = Session(table_overrides(table))
    # the command, its two batches (the crossing's and the joint runs), both kept, and the
    # first-order indices' bootstrap over the joint runs
    prep = session.prepare(scenario, tuple(sets or ()))
    work, _ = batch_bytes(prep, runs + CROSSED[0] * CROSSED[1])
    work += bootstrap_bytes(runs) if outcome is None else bootstrap_bytes(runs, 1)
    # the regression bases, one per assumption range and posterior parameter (at most)
    posterior = session.record_posterior().names
    work += bases_bytes(runs, len(set(prep.scenario.uncertainty) | set(posterior)))
    check_memory("--posterior", BYTES_COMMAND_BASE + work, f"{runs:,} joint runs")
    dec = posterior_mechanisms(
        session, scenario, runs=runs, seed=seed, sets=tuple(sets or ()), outcome=outcome
    )
    unc = prep.scenario.uncertainty  # the declared ranges the assumptions were swept over
    kinds = dict(zip(dec.parameters, dec.kinds, strict=True))
    ranges = {p: lohi for p, lohi in unc.items() if kinds.get(p) == "assumption"}
    print_mechanisms(dec, scenario, fmt, seed, ranges)  # (a posterior draw's: "sampled")


def _morris(
    spec: Any,
    specs: Sequence[Any],
    r: int,
    outcome: str,
    seed: int,
    scenario: str,
    fmt: Format,
    varied: dict[str, str],
    given: dict[str, Any],
    names: dict[str, str] | None,
) -> None:
    import pandas as pd

    from forceratio.cli.names import labelled_parameter, named_outcome
    from forceratio.sweeps.morris import screen

    rows = screen(spec, specs, r=r, outcome=outcome, seed=seed)
    if fmt is Format.json:
        print_json([{**row, "vary": varied[row["parameter"]], **given} for row in rows])
        return
    view = pd.DataFrame(
        [
            {
                "parameter": labelled_parameter(r["parameter"], names),
                "mu*": r["mu_star"],
                "mu* 95% CI": f"{r['mu_star_ci'][0]:.3f} .. {r['mu_star_ci'][1]:.3f}",
                "mu": r["mu"],
                "sigma": r["sigma"],
            }
            for r in rows
        ]
    )
    if fmt is Format.csv:
        view = with_provenance(view, [varied[r["parameter"]] for r in rows], given)
    print_frame(
        view,
        fmt,
        title=f"Morris elementary effects of {named_outcome(outcome, names)} "
        f"per whole range ({scenario}, {r} trajectories, seed {seed})",
        digits=3,
    )


def threshold_command(
    scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario TOML file.")],
    vary: Annotated[list[str], typer.Option("--vary", help="dotted.path=lo:hi (one).")],
    outcome: Annotated[
        str, typer.Option("--outcome", help="winner (default) or an outcome column with --level.")
    ] = "winner",
    level: Annotated[
        float | None,
        typer.Option(
            "--level",
            help="The level to cross: an outcome column's, or (with --replications 2 or "
            "more) P(attacker wins)'s in (0, 1), default 0.5.",
        ),
    ] = None,
    replications: RepsOpt = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", min=0, help="Seed of the stochastic runs (with --replications; default 0)."
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    sets: SetOpt = None,
    table: TableOpt = None,
    uncalibrated: UncalOpt = False,
) -> None:
    """The value at which the outcome flips (bracketing, then Brent or bisection)."""
    import pandas as pd

    from forceratio.limits import BYTES_COMMAND_BASE, check_memory
    from forceratio.scenarios.run import batch_bytes
    from forceratio.sweeps.design import Design
    from forceratio.sweeps.evaluate import SweepSpec
    from forceratio.sweeps.sensitivity import GRID_POINTS, threshold

    if len(vary) > 1:
        raise InputError("--vary", f"a threshold varies one parameter; got {len(vary)} --vary")
    if level is not None and not math.isfinite(level):
        raise InputError("--level", f"must be a finite number, got {level}")
    seed = seed_for(seed, replications is not None, "--replications")
    replications = replications or 0
    from forceratio.cli.sweep_setup import sweep_setup

    setup = sweep_setup(scenario, vary, sets, table, uncalibrated)
    prep, specs, tables = setup.prep, setup.specs, setup.tables
    if specs[0].n is not None:  # (a grid's number of points: the search picks its own)
        raise InputError(
            "--vary",
            f"{specs[0].path}: a threshold takes lo:hi, not lo:hi:n (it searches the range "
            f"with {GRID_POINTS} grid points, then Brent or bisection); drop ':{specs[0].n}'",
        )
    # the grid's points run as one batch, or (replications) one point's runs at a time
    if replications:
        work, what = batch_bytes(prep, 1, replications=replications)[0], "a grid point's runs"
    else:
        work, what = batch_bytes(prep, GRID_POINTS)[0], f"the {GRID_POINTS} grid points"
    check_memory("--replications", BYTES_COMMAND_BASE + work, f"the threshold and {what}")
    spec = SweepSpec(
        scenario,
        Design("random", (), 1, seed or 0),
        tuple(sets or ()),
        tuple(sorted(tables.items())),
        setup.calibration,
        replications,
    )
    res = threshold(spec, specs[0], outcome=outcome, level=level)
    record = {
        "parameter": res.parameter,
        "outcome": res.outcome,
        "level": res.level,
        "value": res.value,
        **({"value_se": res.value_se} if replications else {}),  # (Monte Carlo error)
        "bracket": list(res.bracket) if res.bracket else None,
        "note": res.note,
        **({"seed": seed} if seed is not None else {}),  # (the replications' seed)
    }
    if fmt in (Format.json, Format.csv):  # files: with what runs them again
        asked = {"outcome_given": outcome, "level_given": level}  # (outcome: the one crossed)
        analysis = {**asked, "vary": vary_text(specs[0]), "replications": replications}
        given = provenance(scenario, analysis, sets, tables, uncalibrated)
        record = {**record, **(given if fmt is Format.json else cells(given))}
    if fmt is Format.json:
        print_json({**record, "grid": [list(g) for g in res.grid]})
        return
    from forceratio.plots.labels import short

    shown = {k: (f"[{', '.join(short(x, 4) for x in v)}]" if isinstance(v, list) else v)
             for k, v in record.items()}  # fmt: skip
    print_frame(pd.DataFrame([shown]), fmt, digits=4)


def sensitivity_command(
    scenario: Annotated[str, typer.Argument(help="A built-in name or a scenario TOML file.")],
    vary: VaryOpt = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Sobol only (--method sobol): base samples, a power of 2 (default 1024); "
            "runs N*(d+2).",
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option(
            "--outcome",
            help="An outcome column (default: attacker_margin). With --posterior also "
            "attacker_wins, log10_loss_exchange_ratio or decided_by=RULE; there the default "
            "is those three.",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, help="Seed of the design and the bootstrap (default 0)."),
    ] = None,
    method: Annotated[
        ScreenMethod, typer.Option("--method", help="Sobol indices, or a cheap Morris screening.")
    ] = ScreenMethod.sobol,
    trajectories: Annotated[
        int | None,
        typer.Option(
            "--trajectories",
            min=2,
            max=10_000,
            help="Morris only (--method morris): trajectories r (default 32); runs r*(d+1).",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    sets: SetOpt = None,
    table: TableOpt = None,
    uncalibrated: UncalOpt = False,
    posterior: Annotated[
        int,
        typer.Option(
            "--posterior",
            min=0,
            max=200_000,
            help="Over the whole-record posterior and the declared assumptions together: "
            "RUNS joint draws (first-order indices valid for the dependent posterior, and "
            "the PRIM boxes where the answer flips) and a 32 x 32 crossing (group shares); "
            "takes neither --samples, --trajectories nor --method morris.",
        ),
    ] = 0,
) -> None:
    """Sobol first- and total-order indices with 95% intervals (--samples), or
    Morris elementary effects (--method morris --trajectories r: r (d + 1) runs), or with
    --posterior RUNS which mechanism carries the answer over the posterior and what would
    flip it."""
    sensitivity(
        scenario, vary, samples, outcome, seed_for(seed, True), method.value, trajectories,
        fmt, sets, table, uncalibrated, posterior,
    )  # fmt: skip
