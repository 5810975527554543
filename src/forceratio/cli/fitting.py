"""``forceratio fit`` (a law to daily battle data) and ``forceratio validate cdb90``."""

from __future__ import annotations

import enum
import math
from pathlib import Path
from typing import Annotated, Any

import typer

from forceratio.cli.errors import one_line_errors
from forceratio.cli.output import Format, print_frame, print_json
from forceratio.cli.scenarios import seed_for

validate_app = typer.Typer(help="Validate the models on real battles.", no_args_is_help=True)


class ArrivalsConvention(enum.StrEnum):
    after_observation = "after-observation"
    in_observation = "in-observation"


def _joint(
    paths: list[Path], law: str, arrivals: str, rises: str, shared: str | None, fmt: Format
) -> None:
    import pandas as pd

    from forceratio.errors import InputError
    from forceratio.fitting import read_battle
    from forceratio.fitting.joint import fit_battles

    if law == "all":
        raise InputError("--law", "a joint fit takes one law, not all")
    seen: dict[tuple[int, int], int] = {}
    for k, p in enumerate(paths):  # one file under two names (./a.csv, a.csv, a link)
        try:
            st = p.stat()
        except OSError:
            continue  # reading it names the problem
        i = seen.setdefault((st.st_dev, st.st_ino), k)
        if i != k:
            raise InputError(
                f"file {k + 1} ({p})",
                f"the same file as file {i + 1} ({paths[i]}): a battle given twice would be "
                "counted twice and its intervals come out too narrow",
            )
    battles = [read_battle(p, arrivals=arrivals, rises=rises) for p in paths]
    names = None if shared is None else tuple(x.strip() for x in shared.split(",") if x.strip())
    out = fit_battles(battles, law, names)
    if fmt is Format.json:
        print_json(out)
        return
    head = ", ".join(f"{k} = {out[k]:.4g} ({_interval(out[f'{k}_ci'])})" for k in out["shared"])
    csv = fmt is Format.csv
    rows = [
        {
            "battle": r["battle"],
            **_estimate("red_rate", r["red_rate"], r.get("red_rate_ci", (None, None)), csv),
            **_estimate("blue_rate", r["blue_rate"], r.get("blue_rate_ci", (None, None)), csv),
        }
        for r in out["battles"]
    ]
    title = f"{law} law fitted to {len(paths)} battles; shared: {head or 'nothing'}"
    print_frame(pd.DataFrame(rows), fmt, title=title, digits=4)
    if fmt is Format.table:
        for r in out["battles"]:
            for note in r["notes"]:
                print(f"Note: {r['battle']}: {note}.")


class Rises(enum.StrEnum):
    note = "note"
    arrivals = "arrivals"


class Likelihood(enum.StrEnum):
    gaussian = "gaussian"
    poisson = "poisson"
    negbin = "negbin"


def _casualties(battle: Any, laws: list[str], likelihood: str, fmt: Format, name: str) -> None:
    import pandas as pd

    from forceratio.fitting.casualties import fit_casualties

    fits = [fit_casualties(battle, law, likelihood) for law in laws]
    if fmt is Format.json:
        records = [f.to_dict() for f in fits]
        print_json(records if len(laws) > 1 else records[0])
        return
    csv = fmt is Format.csv
    rows = [
        {
            "law": f.law,
            **_estimate("red_rate", f.red_rate, f.red_rate_ci, csv),
            **_estimate("blue_rate", f.blue_rate, f.blue_rate_ci, csv),
            **_others(f.exponents, f.exponents_ci, csv),
            "losses from": ", ".join(f"{k}: {v}" for k, v in f.losses_from.items()),
            "dispersion k": f.dispersion,
            "log-likelihood": _criterion(f.log_likelihood, csv),
            "AICc": _criterion(f.aicc, csv),
            "n": f.n_obs,
            "k": f.k,
            "converged": "yes" if f.converged else "NO",
            "at a bound": _names(f.at_bound, csv),
            "not identifiable": _names(f.not_identifiable, csv),
        }
        for f in fits
    ]
    print_frame(pd.DataFrame(rows), fmt, title=f"Daily losses ({likelihood}) in {name}", digits=4)
    if fmt is Format.table:
        for note in dict.fromkeys(x for f in fits for x in f.notes):
            print(f"Note: {note}.")


def _criterion(v: float, csv: bool) -> float | str:
    """A log-likelihood or AICc for a table: two decimals whatever its size, so a column
    compares at a glance (the table's own rule wrote 1,008 beside 998.9929);
    CSV keeps the number."""
    if csv:
        return v
    return f"{v:,.2f}" if math.isfinite(v) else "—"


def _methods(results: list[Any]) -> str:
    """The interval method, once when every law shares it, else law by law."""
    methods = dict.fromkeys(r.interval_method for r in results)
    if len(methods) == 1:
        return str(next(iter(methods)))
    return "; ".join(f"{r.law}: {r.interval_method}" for r in results)


Interval = tuple[float | None, float | None] | list[float | None]


def _estimate(name: str, value: float, ci: Interval, csv: bool) -> dict[str, Any]:
    """A table's estimate and its interval as text ("a .. b"); in CSV the number and
    numeric ``_low`` / ``_high`` columns, empty where an end is open or missing."""
    if csv:
        lo, hi = (None if x is None or not math.isfinite(x) else x for x in ci)
        return {name: value, f"{name}_low": lo, f"{name}_high": hi}
    return {name: f"{value:.4g}", f"{name} 95% CI": _interval(ci)}


def _others(values: dict[str, float], cis: dict[str, Any], csv: bool) -> dict[str, Any]:
    """The exponents and attack factor: one text column in a table, three numeric columns
    each in CSV."""
    if csv:
        return {
            k: v
            for name, x in values.items()
            for k, v in _estimate(name, x, cis[name], True).items()
        }
    text = ", ".join(f"{k} = {v:.3f} ({_interval(cis[k])})" for k, v in values.items())
    return {"other parameters": text or "—"}


def _names(items: list[str], csv: bool) -> str:
    return ", ".join(items) or ("" if csv else "—")


def _interval(ci: Interval) -> str:
    lo, hi = ci
    if lo is not None and not math.isfinite(lo):
        lo = None
    if hi is not None and not math.isfinite(hi):
        hi = None
    if lo is None and hi is None:
        return "—"
    left = "open" if lo is None else f"{lo:.4g}"
    right = "open" if hi is None else f"{hi:.4g}"
    return f"{left} .. {right}"


def _check_options(files: int, shared: str | None, refits: int, likelihood: Likelihood) -> None:
    """Refuse an option the fit asked for would ignore (README, "Options that do not apply")."""
    from forceratio.errors import InputError

    counts = likelihood is not Likelihood.gaussian
    if files == 1 and shared is not None:
        raise InputError("--shared", "applies only to several files fitted at once; one was given")
    if files > 1 and counts:
        raise InputError(
            "--likelihood",
            f"{likelihood.value} fits one file; several are fitted by their strengths",
        )
    if refits and (files > 1 or counts):
        why = "a joint fit of several files" if files > 1 else f"--likelihood {likelihood.value}"
        raise InputError(
            "--bootstrap",
            f"{why} takes no bootstrap (its intervals are "
            f"{'profile likelihood' if files > 1 else 'Wald'}): drop --bootstrap",
        )


def fit_command(
    data: Annotated[
        list[Path],
        typer.Argument(
            help="CSV: day, red, blue[, *_reinforcements, *_losses, attacker]; several files "
            "are fitted at once with --shared parameters."
        ),
    ],
    law: Annotated[
        str, typer.Option("--law", help="square, linear, logarithmic, helmbold, power or all.")
    ] = "square",
    arrivals: Annotated[
        ArrivalsConvention,
        typer.Option(
            "--arrivals",
            help="after-observation: a day's arrivals join after that day's strength is "
            "counted; in-observation: the day's strength already includes them.",
        ),
    ] = ArrivalsConvention.after_observation,
    rises: Annotated[
        Rises,
        typer.Option(
            "--rises",
            help="A strength that rises beyond the arrivals recorded (more than its own noise "
            "explains, README): note "
            "(say so; the fit takes it as noise) or arrivals (take each rise as arrivals, an "
            "estimate: the rise plus the neighbouring days' losses).",
        ),
    ] = Rises.note,
    likelihood: Annotated[
        Likelihood,
        typer.Option(
            "--likelihood",
            help="gaussian: the strengths (measurement noise and loss variation); poisson or "
            "negbin: the daily losses as counts (Engel's and Bracken's form).",
        ),
    ] = Likelihood.gaussian,
    shared: Annotated[
        str | None,
        typer.Option(
            "--shared",
            help="With several files: the parameters common to all, comma-separated (w, p, q, "
            "log_attack_factor; default all but the rates).",
        ),
    ] = None,
    refits: Annotated[
        int,
        typer.Option(
            "--bootstrap",
            help="For a side seen only at the start and at its annihilation: the rates' 95% "
            "intervals from this many parametric-bootstrap refits (square, linear, "
            "logarithmic; 0: profile likelihood, too narrow there). Refused where no fit "
            "would use it.",
        ),
    ] = 0,
    seed: Annotated[
        int | None, typer.Option("--seed", help="The bootstrap's seed (default 0).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Fit attrition laws (arrivals, annihilation and attack days included) to daily
    strengths; profile-likelihood intervals, AICc/BIC, Akaike weights and likelihood-ratio
    tests of the nested laws."""
    import pandas as pd

    from forceratio.fitting import FIT_LAWS, read_battle
    from forceratio.fitting.daily import check_law, fit_laws_report
    from forceratio.fitting.result import noise_text

    check_law(law, everything=True)  # before reading any file: "all" is a choice here
    _check_options(len(data), shared, refits, likelihood)
    seed = seed_for(seed, refits > 0, "--bootstrap N")
    if len(data) > 1:
        _joint(data, law, arrivals.value, rises.value, shared, fmt)
        return
    battle = read_battle(data[0], arrivals=arrivals.value, rises=rises.value)
    laws = list(FIT_LAWS) if law == "all" else [law]
    if likelihood is not Likelihood.gaussian:
        _casualties(battle, laws, likelihood.value, fmt, str(data[0]))
        return
    results, tests, failed = fit_laws_report(
        battle, laws, arrivals.value, refits=refits, seed=seed or 0
    )
    records = [r.to_dict() for r in results]
    if fmt is Format.json:
        if law == "all":
            print_json(
                {
                    "fits": records,
                    "likelihood_ratio_tests": tests,
                    "skipped": [x for x in laws if x not in {r.law for r in results}],
                    "skipped_reasons": failed,
                }
            )
        else:
            print_json(records[0])
        return
    rows = []
    csv = fmt is Format.csv
    for r in results:
        weight: float | str | None = (
            (r.akaike_weight if math.isfinite(r.akaike_weight) else None)
            if csv
            else "— (not meaningful)"
            if r.comparison_caveat
            else f"{r.akaike_weight:.4f}"
            if math.isfinite(r.akaike_weight)
            else "— (no AICc)"
        )
        rows.append(
            {
                "law": r.law,
                **_estimate("red_rate", r.red_rate, r.red_rate_ci, csv),
                **_estimate("blue_rate", r.blue_rate, r.blue_rate_ci, csv),
                **_others(r.exponents, r.exponents_ci, csv),
                "R²": r.r2,
                "AICc": _criterion(r.aicc, csv),
                "weight": weight,
                "n": r.n_obs,
                "k": r.k,
                "converged": "yes" if r.converged else "NO",
                "at a bound": _names(r.at_bound, csv),
                "not identifiable": _names(r.not_identifiable, csv),
                **(
                    {
                        "sigma_measurement": r.sigma_measurement,
                        "rounding_sd": r.rounding_sd,
                        "sigma_process": r.sigma_process,
                    }
                    if csv
                    else {}
                ),
            }
        )
    if csv and tests:  # one table in the stream: a `table` column says which rows are which
        fits = pd.DataFrame(rows).assign(table="fit")
        lr = pd.DataFrame(tests).assign(table="likelihood_ratio_test")
        both = pd.concat([fits, lr], ignore_index=True)
        print_frame(both[["table", *both.columns.drop("table")]], fmt, digits=4)
        return
    print_frame(pd.DataFrame(rows), fmt, title=f"Fit to {data[0]}", digits=4)
    if tests:
        print_frame(pd.DataFrame(tests), fmt, title="Likelihood-ratio tests, nested laws", digits=4)
    if fmt is Format.table:
        first = results[0]
        noise = noise_text(first.sigma_measurement, first.sigma_process, first.rounding_sd)
        print(f"Intervals: {_methods(results)}. Noise: {noise}. Arrivals: {arrivals.value}.")
        for r in results:
            if not r.converged:
                print(f"{r.law}: the fit did not converge ({r.message}); do not use it.")
        for why in failed.values():
            print(f"Skipped: {why}.")
        for note in dict.fromkeys(x for r in results for x in r.notes):
            print(f"Note: {note}.")


def cdb90_command(
    path: Annotated[
        Path | None, typer.Option("--path", help="The CDB90 folder (default ../shared/data/cdb90).")
    ] = None,
    write: Annotated[
        Path | None,
        typer.Option("--write", help="Also write the report as markdown (VALIDATION.md)."),
    ] = None,
    left_out: Annotated[
        Path | None,
        typer.Option(
            "--left-out",
            help="Also write every Eastern Front battle left out, with its reason, as CSV "
            "(VALIDATION.md lists the first 20 and counts them all by reason).",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Helmbold's advantage, winner prediction by era, and the Eastern Front effectiveness ratio."""
    import os

    from forceratio.errors import InputError
    from forceratio.fitting import cdb90, cdb90_report
    from forceratio.io.files import check_writable, file_kind, write_atomic

    root = path or cdb90.default_path()
    if root is None:
        raise InputError(
            "--path",
            "no CDB90 folder found (shared/data/cdb90 in or beside the working folder or a"
            " folder above the install); give --path: the tidy CDB90 (US Army CAA) of the"
            " jrnold/CDB90 repository on GitHub, ODC-BY, the folder holding data/battles.csv",
        )
    if root.exists() and not root.is_dir():  # (a pipe or a device named as the folder)
        kind = file_kind(root.stat().st_mode)
        raise InputError("--path", f"{root} is {kind}; give the CDB90 folder (holding data/)")
    outputs = {"--write": write, "--left-out": left_out}
    for field, out in outputs.items():  # before the work, not after it; never into its input
        if out is not None:
            check_writable(cdb90_report.check_write(root, out, field).parent, field)
    if write is not None and left_out is not None and write.resolve() == left_out.resolve():
        raise InputError("--left-out", f"{left_out} is also --write's file: give another")
    v = cdb90_report.validate(root)
    if write is not None:
        text = cdb90_report.markdown(v, os.path.relpath(root, write.resolve().parent))
        write_atomic(write, text, "--write")
    if left_out is not None:
        write_atomic(left_out, v.eastern_left_out.to_csv(index=False), "--left-out")
    if fmt is Format.json:
        print_json(v.to_dict())
        return
    print_frame(v.scores, fmt, title="Winner prediction, 5-fold cross-validated", digits=3)
    sig = v.comparisons[v.comparisons["significant_95"]]
    print_frame(
        sig[["battles", "comparison", "log_loss_gain", "gain_lo95", "gain_hi95"]],
        fmt,
        title=f"Differences whose paired-bootstrap 95% interval excludes 0 "
        f"({len(sig)} of {len(v.comparisons)} comparisons)",
        digits=3,
    )
    print_frame(
        v.edge, fmt, title="Eastern Front 1941-45: German edge (per-capita kill rate) by law",
        digits=2,
    )  # fmt: skip
    if fmt is Format.table:
        c = v.carried
        if math.isfinite(c["value"]):
            print(f"carried in modifiers: {c['value']:.3f} ({c['low']:.3f} .. {c['high']:.3f})")
        else:
            print("carried in modifiers: nothing (no battle gives an edge)")
        print(f"tables read (no other file of {root}): {', '.join(cdb90.TABLES)}")
        for note in v.notes:
            print(f"Note: {note}.")


validate_app.command("cdb90")(one_line_errors(cdb90_command))
