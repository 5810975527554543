"""``forceratio calibrate``: issue 13's calibration on the whole 1941 record (the default),
or one scenario's two kill rates (``--single``, the calibration before issue 13)."""

from __future__ import annotations

import enum
import sys
import time
from typing import Annotated, Any

import typer

from forceratio.cli.calibrate_sampler import (
    FEWEST_STEPS,
    fewest_steps,
    new_posterior_note,
    sampler_options,
)
from forceratio.cli.data import TableOpt, table_overrides
from forceratio.cli.output import Format, count_rows, print_frame, print_json

#: The residuals' kinds that count whole things (men, tanks, aircraft, prisoners): shown
#: rounded in a table (a depth, in km, keeps its decimals).
COUNT_KINDS = ("losses", "tanks", "aircraft", "prisoners")


class Mode(enum.StrEnum):
    posterior = "posterior"
    map = "map"


def calibrate_command(
    name: Annotated[
        str | None,
        typer.Argument(help="With --single: the scenario to fit (default barbarossa-22june)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    table: TableOpt = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override a value of every record scenario (of the --single one): "
            "dotted.path=value (repeatable).",
        ),
    ] = None,
    single: Annotated[
        bool,
        typer.Option(
            "--single",
            help="Fit one scenario's two kill rates by least squares on its own records "
            "(the 22 June fit used before the whole-record calibration).",
        ),
    ] = False,
    mode: Annotated[
        Mode | None,
        typer.Option(
            "--mode",
            help="posterior (the default): emcee's posterior (shipped with the package for "
            "the built-in tables, else computed, minutes, and cached); map: the posterior "
            "mode with Laplace draws (several minutes, cached).",
        ),
    ] = None,
    steps: Annotated[
        int | None,
        typer.Option(
            "--steps",
            help=f"Sampler steps (default 56000, the shipped fit's; at least {FEWEST_STEPS}, "
            "the fewest that keep the sampler's minimum of draws a walker after the burn-in "
            "and the thinning).",
        ),
    ] = None,
    walkers: Annotated[
        int | None,
        typer.Option(
            "--walkers",
            help="Sampler walkers (default 48, the shipped fit's; an odd number is rounded up; "
            "at least 2k + 2 for k free parameters: 30 for the whole record's 14).",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            min=0,
            help="Seed of the whole-record fit (default 0, the shipped posterior's; not with "
            "--single, a least-squares fit that draws nothing).",
        ),
    ] = None,
    loo: Annotated[
        bool,
        typer.Option(
            "--loo/--no-loo", help="Refit without each operation and predict it (by the mode)."
        ),
    ] = True,
    psis: Annotated[
        bool,
        typer.Option(
            "--psis",
            help="Also leave out each RECORD, approximately: PSIS-LOO (Pareto-smoothed "
            "importance sampling, ArviZ, the extra 'bayes'): elpd_loo, p_loo and each "
            "record's Pareto k (above 0.7: the record alone moves the fit, the estimate "
            "unreliable). Runs every posterior draw through the model again (1.5 "
            "minutes measured on the shipped posterior).",
        ),
    ] = False,
    fit_also: Annotated[
        list[str] | None,
        typer.Option(
            "--fit-also",
            metavar="PATH",
            help="Fit PATH too, one value shared by every record scenario, in either --mode "
            "(repeatable: --fit-also A --fit-also B); PATH is one of the parameters fitted only "
            "on request (record1941.OPTIONAL_PATHS; a wrong PATH lists them): "
            "operations.capture.gate. Computed and cached apart from the shipped fit; "
            "compare and sweep keep using the shipped posterior.",
        ),
    ] = None,
    record: Annotated[bool, typer.Option("--record", hidden=True)] = False,
    posterior: Annotated[bool, typer.Option("--posterior", hidden=True)] = False,
    prior_predictive: Annotated[
        bool,
        typer.Option(
            "--prior-predictive",
            help="Fit nothing: draw the shared parameters and the error scale from their "
            "priors, run the whole record on them and give each record's prior predictive "
            "5%, 50% and 95% quantiles and its percentile there (seconds).",
        ),
    ] = False,
    draws: Annotated[
        int | None,
        typer.Option(
            "--draws",
            min=1,
            help="With --prior-predictive: the prior draws (default 2000; bounded by memory).",
        ),
    ] = None,
) -> None:
    """Fit the shared parameters to every 1941 operation with a scenario: credible
    intervals, residuals, leave-one-operation-out errors and the sampler's diagnostics."""
    from forceratio.cli.scenarios import seed_for
    from forceratio.errors import InputError

    used = seed_for(seed, not single, "the whole-record calibration (not --single)")
    freed = fitted_also(fit_also or [])
    if freed and (single or prior_predictive):
        raise InputError(
            "--fit-also",
            "frees a parameter of the whole-record fit: not with --single or --prior-predictive",
        )
    if psis and (single or prior_predictive):
        raise InputError(
            "--psis",
            "leaves out the whole-record fit's records: not with --single or --prior-predictive",
        )
    if draws is not None and not prior_predictive:
        raise InputError("--draws", "applies only with --prior-predictive")
    # an option given counts, whatever its value (--walkers 0 too): `is not None`
    sampler = steps is not None or walkers is not None
    if prior_predictive:
        if single or name is not None or record or posterior or sampler:
            raise InputError(
                "--prior-predictive",
                "checks the whole record's priors: it takes no scenario, --single, --steps "
                "or --walkers",
            )
        if mode is not None:
            raise InputError("--prior-predictive", "fits nothing: it takes no --mode")
        prior_predictive_check(fmt, table, sets or [], draws, used or 0)
        return
    if single:
        if record or posterior or sampler or mode is not None:
            raise InputError("--single", "takes none of --mode, --steps, --walkers")
        single_calibration(name or "barbarossa-22june", fmt, table, sets)
        return
    if name is not None:
        raise InputError(
            "NAME",
            f"the whole-record calibration takes no scenario; add --single to fit {name} alone",
        )
    if mode is Mode.map and sampler:
        raise InputError("--mode", "--steps and --walkers apply to --mode posterior")
    record_calibration(
        fmt, table, sets or [], mode or Mode.posterior, steps, walkers, used or 0, loo, freed, psis
    )


def fitted_also(paths: list[str]) -> tuple[str, ...]:
    """``--fit-also``'s paths, checked against :data:`.record1941.OPTIONAL_PATHS`, once
    each and in that registry's order (so that the order given does not change the key)."""
    from forceratio.errors import InputError
    from forceratio.scenarios.record1941 import OPTIONAL_PATHS
    from forceratio.scenarios.registry import PARAMETERS

    for path in paths:
        if path not in OPTIONAL_PATHS:
            what = "is fitted always or not fittable" if path in PARAMETERS else "is unknown"
            raise InputError(
                "--fit-also", f"{path!r} {what}; it takes one of {', '.join(OPTIONAL_PATHS)}"
            )
    return tuple(p for p in OPTIONAL_PATHS if p in paths)


def record_calibration(
    fmt: Format,
    table: list[str] | None,
    sets: list[str],
    mode: Mode,
    steps: int | None,
    walkers: int | None,
    seed: int,
    loo: bool,
    optional: tuple[str, ...] = (),
    psis: bool = False,
) -> None:
    """Fit (or find the shipped or cached fit), then print the parameters, the residuals,
    the leave-one-operation-out errors, the diagnostics and the issue's targets
    (``--format json``: one document); ``optional``: paths of
    :data:`.record1941.OPTIONAL_PATHS` fitted too; ``psis``: the leave-one-record-out
    estimate too (:func:`forceratio.calibration.psis.record_loo`, ``loo_records``)."""
    from forceratio.calibration import psis as psis_loo
    from forceratio.calibration.api import memory_estimate
    from forceratio.calibration.report import clean
    from forceratio.calibration.sampling import MIN_KEPT
    from forceratio.errors import InputError
    from forceratio.limits import BYTES_COMMAND_BASE, check_memory
    from forceratio.scenarios import record_fit
    from forceratio.scenarios.session import Session

    if steps is not None and steps < (floor := fewest_steps()):
        thin = record_fit.POSTERIOR["options"]["thin"]
        raise InputError(
            "--steps",
            f"at least {floor} steps (the sampler keeps every {thin}th step after the "
            f"burn-in, and needs {MIN_KEPT} a walker), got {steps}",
        )
    if psis:
        psis_loo.arviz()  # refuse before any fit

    base = record_fit.POSTERIOR if mode is Mode.posterior else record_fit.QUICK
    options = sampler_options(base["options"], steps, walkers)
    settings = {"method": base["method"], "seed": seed, "options": options}
    rec = record_fit.inputs(Session(table_overrides(table)).table, sets, optional)
    if mode is Mode.posterior and record_fit.cached_only(rec, settings) is None:
        # refusals first (sizes, memory: one line), then what the hour is spent on
        estimate, field, what = memory_estimate(rec.problem, "mcmc", options)
        check_memory(field, BYTES_COMMAND_BASE + estimate, what)
        print(
            f"forceratio: note: {new_posterior_note(rec.problem, options, seed)}", file=sys.stderr
        )
    start = time.perf_counter()

    def progress(step: int, total: int) -> None:
        if fmt is Format.table:
            print(f"step {step}/{total}, {time.perf_counter() - start:.0f} s", file=sys.stderr)

    # the sampler's n_walkers, n_steps are printed as --walkers, --steps (cli_field); a fit
    # to compute is checked with the command's own memory beside it
    result, source = record_fit.fit(
        rec, settings, loo=loo, progress=progress, reserve=BYTES_COMMAND_BASE
    )
    data = record_fit.to_data(result, source)
    data["seed"] = seed  # the seed of the sampler or the mode's Laplace draws
    if psis:
        if fmt is Format.table:
            n = result.posterior_draws
            print(f"PSIS-LOO: {n:,} draws through the model again", file=sys.stderr)
        loo_records = psis_loo.record_loo(rec.problem, result, reserve=BYTES_COMMAND_BASE)
        data["loo_records"] = clean(loo_records.to_dict())
    if fmt is Format.json:
        print_json(data)
        return
    _print_record(data, fmt)


def prior_predictive_check(
    fmt: Format, table: list[str] | None, sets: list[str], n_draws: int | None, seed: int
) -> None:
    """The whole record's prior predictive check
    (:func:`forceratio.calibration.prior_predictive.prior_predictive`): per record its
    quantiles and percentile, and how many records fall outside the 5-95% band."""
    import pandas as pd

    from forceratio.calibration.prior_predictive import DEFAULT_DRAWS, prior_predictive
    from forceratio.errors import InputError
    from forceratio.limits import BYTES_COMMAND_BASE
    from forceratio.scenarios import record_fit
    from forceratio.scenarios.session import Session

    rec = record_fit.inputs(Session(table_overrides(table)).table, sets)
    n = DEFAULT_DRAWS if n_draws is None else n_draws
    try:
        check = prior_predictive(rec.problem, n, seed=seed, reserve=BYTES_COMMAND_BASE)
    except InputError as exc:  # (the map fit's n_draws is its --mode's; these are --draws)
        if exc.field != "n_draws":
            raise
        raise InputError("--draws", exc.problem) from None
    data = check.to_dict()
    if fmt is Format.json:
        print_json(data)
        return
    rows = pd.DataFrame(data["records"])
    pairs = zip(rows["lower_bound"], rows["upper_bound"], strict=True)
    rows["bound"] = ["lower" if lo else "upper" if up else "" for lo, up in pairs]
    numbers = ["historical", "q05", "q50", "q95"]
    keep = ["record", "kind", "bound", *numbers, "percentile", "model_percentile"]
    whole = count_rows(rows[keep], rows["kind"].isin(COUNT_KINDS), numbers)
    title = (
        f"Prior predictive check ({check.n_used:,} of {n:,} prior draws with finite values, "
        f"seed {seed}; quantiles with the record's error, percentile: share of draws below "
        "the record; model_percentile: the model alone)"
    )
    print_frame(rows[keep], fmt, title=title, digits=3, counts=whole)
    if fmt is not Format.table:
        return
    s = data["summary"]
    names = "; ".join(s["outside"]) or "none"
    print(
        f"{s['outside_band']} of {s['records']} records outside the prior predictive's 5-95% "
        f"band ({s['outside_band_model']} for the model alone): {names}."
    )


def _print_record(data: dict[str, Any], fmt: Format) -> None:
    import pandas as pd

    params = pd.DataFrame(data["parameters"])
    diag = data["diagnostics"]
    if diag is not None:
        for col in ("ess", "rhat", "tau"):
            params[col] = [diag[col].get(p) for p in params["parameter"]]
        if fmt is not Format.table:  # the table says it in a line below
            params["converged"] = bool(diag["converged"])  # the run's verdict, every row
    cols = ["parameter", "value", "ci95_low", "ci95_high", "prior_low", "prior_high"]
    cols += ["at_prior_bound", "contraction", "ess", "rhat", "tau", "converged"]
    title = (
        f"Shared parameters ({data['point']}; 95% credible intervals; prior_low/high: the "
        f"prior's central 95%, which the posterior may pass; at_prior_bound: the median or "
        f"a 95% limit within 1% of the prior's range of its bound; contraction: 1 - "
        f"posterior / prior variance on the log (or, for a uniform or normal prior, the "
        f"value's) scale; {data['source']}; seed {data['seed']})"
    )
    print_frame(params[[c for c in cols if c in params]], fmt, title=title, digits=4)
    res = pd.DataFrame(data["residuals"])
    keep = ["record", "kind", "group", "historical", "model", "relative_error", "lower_bound"]
    keep += [c for c in ("upper_bound", "low", "high", "in_likelihood") if c in res]
    keep += ["reason"] if fmt is not Format.table and "reason" in res else []
    whole = count_rows(res, res["kind"].isin(COUNT_KINDS), ["historical", "model"])
    title = "Residuals (model v record" + ("; counts rounded)" if fmt is not Format.csv else ")")
    print_frame(res[keep], fmt, title=title, digits=3, counts=whole)
    if fmt is Format.table and "in_likelihood" in res:
        out = res[~res["in_likelihood"].fillna(True).astype(bool)]
        if len(out):
            print("Reported, out of the likelihood (not fitted, not counted below):")
            for _, r in out.iterrows():
                print(f"  {r['record']}: {r['reason']}")
    if data.get("out_of_sample_groups"):
        print_frame(
            pd.DataFrame(data["out_of_sample_groups"]),
            fmt,
            title="Leave one operation out: refit without it, predict it",
            digits=3,
        )
    if "loo_records" in data:
        _print_psis(data["loo_records"], fmt)
    if fmt is not Format.table:
        return
    from forceratio.scenarios.record1941 import summary_line

    print(summary_line(data))
    if diag is None:
        print("Quick mode: the intervals are a normal approximation at the mode (Laplace).")
        mode = data.get("mode")
        if mode is not None and not mode["success"]:
            print(
                "MODE NOT WELL DEFINED, its Laplace intervals are not meaningful: "
                + mode["message"]
            )
        return
    print(
        f"emcee: {diag['n_walkers']} walkers, {diag['n_steps']} steps (burn-in {diag['burn']}, "
        f"thin {diag['thin']}); acceptance {diag['acceptance_fraction']:.3f} (lowest walker "
        f"{diag['acceptance_min']:.3f})."
    )
    if diag["converged"]:
        print("Converged: every R-hat below 1.01 and the kept chain over 50 autocorrelation times.")
    else:
        print("NOT CONVERGED, treat the intervals with caution: " + "; ".join(diag["notes"]))


def _print_psis(loo: dict[str, Any], fmt: Format) -> None:
    """The leave-one-record-out block (``loo_records``): its records, then (a table) the
    totals and the records whose Pareto k passes the threshold, or that none does."""
    import pandas as pd

    k = loo["k_threshold"]
    title = (
        f"Leave one record out, approximately (PSIS-LOO; k_high: Pareto k above {k:.2f}, "
        "the estimate unreliable)"
    )
    print_frame(pd.DataFrame(loo["records"]), fmt, title=title, digits=3)
    if fmt is not Format.table:
        return
    print(
        f"PSIS-LOO over {loo['n_draws']:,} draws: elpd_loo {loo['elpd_loo']:.1f} (SE "
        f"{loo['se']:.1f}), p_loo {loo['p_loo']:.1f}."
    )
    ks = {r["record"]: r["pareto_k"] for r in loo["records"]}
    high = "; ".join(f"{r} (k {ks[r]:.2f})" for r in loo["high_k"])
    print(f"Pareto k above {k:.2f}: {high}." if high else f"Pareto k above {k:.2f}: none.")


def single_calibration(
    name: str, fmt: Format, table: list[str] | None, sets: list[str] | None
) -> None:
    """One scenario's two kill rates by least squares, with confidence intervals and the
    leave-one-sector-out check."""
    import pandas as pd

    from forceratio.scenarios import load
    from forceratio.scenarios.calibrate import calibrate

    cal = calibrate(load(name, sets, table_overrides(table)))
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
        print_json(
            {
                "scenario": cal.scenario,
                "parameters": params,
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
