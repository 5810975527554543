"""The whole-record calibration as the package uses it (issue 13): shipped, cached or computed.

:func:`forceratio.scenarios.record1941.problem` turns the record scenarios into one
:class:`~forceratio.calibration.Problem`; this module keys it, finds a result for it and,
failing that, fits it.  A result comes from, in this order:

1. **shipped**: ``calibration/shipped/record1941.npz`` inside the package, emcee's
   posterior at :data:`POSTERIOR` with the leave-one-operation-out refits, valid when the
   key it was stored under equals the current one.  That key covers the problem as data
   (parameters, priors, records), the record scenarios' definitions, the content of every
   data table they read, and the settings -- not the code, since any edit anywhere would
   void it.  ``tests/calibration/test_record_fit.py`` fails when the key no longer matches and
   when the model, re-run at the shipped point, no longer gives the shipped residuals (a
   code change that moves the numbers); ``python scripts/calibrate_record.py`` regenerates it.
2. **the disk cache** (:mod:`forceratio.calibration.cache`), keyed the same way plus the
   code version (the package's sources), so any code change recomputes;
3. **computed**, then stored in the disk cache (an unwritable cache is only slower).

A user's table replacements or ``--set`` overrides change the key: the shipped result is
not used and the variant is computed and cached.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from forceratio.calibration import (
    CalibrationResult,
    LeaveOneOut,
    Parameters,
    Problem,
    fit_map,
    leave_one_group_out,
    to_json,
)
from forceratio.calibration.api import calibrate
from forceratio.calibration.cache import ResultCache, cache_key, read_entry
from forceratio.calibration.contraction import prior_bound_end
from forceratio.calibration.report import clean
from forceratio.calibration.validation import groups_of
from forceratio.digest import sha256_hex
from forceratio.scenarios.build import Prepared, prepare
from forceratio.scenarios.content import content
from forceratio.scenarios.rates import check_shared_rates
from forceratio.scenarios.record1941 import (
    PRIORS,
    SCENARIOS,
    SIGMA,
    Target,
    problem,
    record_tables,
    summary,
)

SHIPPED = Path(__file__).resolve().parent.parent / "calibration" / "shipped" / "record1941.npz"
SHIPPED_VERSION = "record1941-1"  # stands for the code in the shipped key; bump on a new layout
Source = Literal["shipped", "cache", "computed"]

#: The shipped posterior's settings: emcee, 48 walkers; a 600-step ensemble pilot and three
#: 300-step adaptation rounds fit the independence proposal (calibration/sampling.py: each
#: fit to the second half of the whole warm-up so far, t components of 4 degrees of
#: freedom), then 56,000 steps of which the first 500 are burn-in, every 70th step kept
#: (38,016 draws).  32,000 steps (every 40th kept) gave 30 of the 50 autocorrelation times
#: the convergence check asks for the Soviet kill rate (tau 1,058: walkers that wander
#: into the posterior's wide tail, a large error scale with high kill rates, stay there
#: for thousands of steps; docs/design/issue13-mechanisms.md 8.26-8.27); 16,000 steps served
#: before the share of the men cut off killed in the pocket was fitted (tau 495).  With
#: the dated panzer counts the capture rate's upper tail (a ridge with the capture ratio)
#: was where a proposal fitted to the last round alone, with 10 degrees of freedom, left
#: walkers stuck: R-hat 1.011, tau 863 after 16,000 steps (8.13).
POSTERIOR: dict[str, Any] = {
    "method": "mcmc",
    "seed": 0,
    "options": {
        "n_walkers": 48,
        "n_steps": 56000,
        "burn": 500,
        "thin": 70,
        "pilot": 600,
        "adapt": 3,
        "df": 4.0,
    },
}
#: The quick mode: the posterior mode and Laplace draws.
QUICK: dict[str, Any] = {"method": "map", "seed": 0, "options": {}}


@dataclass(frozen=True)
class RecordInputs:
    """The record scenarios prepared, the problem built on them, and what keys it."""

    prepared: dict[str, Prepared]
    problem: Problem
    targets: list[Target]
    description: dict[str, Any]  # scenario definitions and the tables' content hashes


def inputs(
    load: Callable[[str], pd.DataFrame],
    sets: Sequence[str] = (),
    optional: Sequence[str] = (),
    names: Sequence[str] = tuple(SCENARIOS),
) -> RecordInputs:
    """Prepare the record scenarios ``names`` (all of them by default) with ``load`` (a
    table loader, e.g. a session's ``table``) and ``sets`` overrides, noting every table
    read, and build the problem (``optional``: parameters of :data:`.record1941.OPTIONAL`
    fitted too)."""
    from forceratio.scenarios import load_scenario

    read: dict[str, pd.DataFrame] = {}

    def noting(name: str) -> pd.DataFrame:
        read[name] = load(name)
        return read[name]

    prepared = {name: prepare(load_scenario(name, list(sets)), noting) for name in names}
    for prep in prepared.values():
        check_shared_rates(
            prep, "the whole-record calibration shares its kill rates over", borrowed=False
        )
    prob, targets = problem(prepared, record_tables(noting), tuple(optional))
    description = {
        "scenarios": {n: content(p.scenario) for n, p in prepared.items()},
        "tables": {n: _digest(df) for n, df in sorted(read.items())},
    }
    return RecordInputs(prepared, prob, targets, description)


#: What a result does not depend on besides the scenarios' prose (:mod:`.content`): the
#: tables' provenance columns (a corrected source must not stale a twelve-minute posterior).
PROVENANCE = ["source", "locator", "verified", "derivation", "note"]


def _digest(df: pd.DataFrame) -> str:
    kept = df.drop(columns=[c for c in PROVENANCE if c in df.columns])
    return sha256_hex(kept.to_csv(index=False).encode())


def key(rec: RecordInputs, settings: dict[str, Any], *, code: bool = True) -> str:
    """The key of a result: the problem as data, the scenarios and tables, the settings,
    and the code version (``code=False``: :data:`SHIPPED_VERSION` instead, the shipped key)."""
    return cache_key(
        data=rec.problem.describe(),
        scenarios=rec.description,
        settings=settings,
        version=None if code else SHIPPED_VERSION,
    )


def shipped(rec: RecordInputs, path: Path = SHIPPED) -> CalibrationResult | None:
    """The shipped posterior when it was computed on these inputs (else None)."""
    return read_entry(path, key(rec, POSTERIOR, code=False))


def fit(
    rec: RecordInputs,
    settings: dict[str, Any] = POSTERIOR,
    *,
    loo: bool = False,
    cache: ResultCache | None = None,
    use_cache: bool = True,
    use_shipped: bool = True,
    progress: Callable[[int, int], None] | None = None,
    reserve: float = 0.0,
) -> tuple[CalibrationResult, Source]:
    """The result at ``settings`` (:data:`POSTERIOR`, :data:`QUICK` or another method, seed
    and options): shipped, cached or computed, and where it came from.  ``loo`` adds the
    leave-one-operation-out refits (:func:`with_loo`), stored with the result.
    ``reserve``: the caller's own memory, counted with a fit to compute
    (:func:`forceratio.calibration.api.calibrate`)."""
    result: CalibrationResult | None = (
        shipped(rec) if use_shipped and settings == POSTERIOR else None
    )
    source: Source = "shipped"
    if result is None:
        result, hit = calibrate(
            rec.problem,
            method=settings["method"],
            seed=settings["seed"],
            scenarios=rec.description,
            cache=cache,
            use_cache=use_cache,
            progress=progress,
            reserve=reserve,
            **settings["options"],
        )
        source = "cache" if hit else "computed"
    if loo and "out_of_sample" not in result.extra:
        result = with_loo(rec, result, settings["seed"])
        if use_cache:
            (cache if cache is not None else ResultCache()).put(key(rec, settings), result)
    return result, source


def cached_only(
    rec: RecordInputs, settings: dict[str, Any], cache: ResultCache | None = None
) -> CalibrationResult | None:
    """The result at ``settings`` if it is shipped or on disk, without computing it."""
    if settings == POSTERIOR:
        ship = shipped(rec)
        if ship is not None:
            return ship
    return (cache if cache is not None else ResultCache()).get(key(rec, settings))


def _refit(start: dict[str, float]) -> Callable[[Problem, Any], CalibrationResult]:
    """A leave-one-out refit by the mode, from two starts: ``start`` (the whole-record
    mode) and a prior draw, the better optimum kept.  From two prior draws alone a refit
    could stop on a poorer local mode (the Belorussian refit: log posterior -226.6 against
    -212.3 from the whole-record mode; docs/design/issue13-mechanisms.md 8.8)."""

    def refit(p: Problem, s: Any) -> CalibrationResult:
        warm = Parameters(
            dataclasses.replace(q, value=start[q.name]) if q.name in start else q
            for q in p.parameters.items
        )
        # only the refit's mode predicts the held-out operation: few Laplace draws
        return fit_map(dataclasses.replace(p, parameters=warm), n_starts=2, n_draws=100, seed=s)

    return refit


def with_loo(rec: RecordInputs, result: CalibrationResult, seed: int = 0) -> CalibrationResult:
    """``result`` with the leave-one-operation-out refits (by the mode, one start from the
    result's mode) in ``extra`` (``out_of_sample``, ``out_of_sample_groups``: the
    ``calibrate --format json`` rows)."""
    table = result.parameters
    mode = table["map"] if "map" in table else pd.Series(result.values)
    start = {str(k): float(v) for k, v in mode.items()}
    loo = leave_one_group_out(rec.problem, fit=_refit(start), seed=seed)
    rows = to_json(result, loo)
    extra = dict(result.extra)
    extra["out_of_sample"] = rows["out_of_sample"]
    extra["out_of_sample_groups"] = rows["out_of_sample_groups"]
    return dataclasses.replace(result, extra=extra)


def loo_of(result: CalibrationResult) -> LeaveOneOut | None:
    """The leave-one-operation-out stored in a result's ``extra`` (None: not computed);
    its groups measured afresh from the stored records (:func:`groups_of`), so that a
    posterior stored before a change of measure reports the current one."""
    if "out_of_sample" not in result.extra:
        return None
    records = pd.DataFrame(result.extra["out_of_sample"])
    return LeaveOneOut(records, groups_of(records), {})


def with_bound_end(table: pd.DataFrame) -> pd.DataFrame:
    """A parameter table with ``prior_bound_end`` beside ``at_prior_bound``: as fitted
    (:func:`~forceratio.calibration.result.parameter_table`), or, for a table stored before
    that column (a shipped or cached posterior), by the same rule
    (:func:`~forceratio.calibration.contraction.prior_bound_end`) from the stored median and
    95% limits -- the quantiles the fit read -- under the record's priors (:data:`PRIORS`,
    :data:`SIGMA`; None: neither end, or a parameter with no such prior)."""
    if "prior_bound_end" in table or "at_prior_bound" not in table:
        return table
    priors = {p: s.prior() for p, s in PRIORS.items()} | {SIGMA.name: SIGMA.prior}
    ends = [
        prior_bound_end(priors[str(n)], [r["median"], r["ci95_low"], r["ci95_high"]]) or None
        if str(n) in priors
        else None
        for n, r in table.iterrows()
    ]
    out = table.copy()
    out.insert(list(out.columns).index("at_prior_bound") + 1, "prior_bound_end", ends)
    return out


def to_data(result: CalibrationResult, source: Source) -> dict[str, Any]:
    """The ``calibrate --format json`` document: ``parameters`` (a list, ``value`` the
    point estimate, ``ci95_low``/``ci95_high`` credible limits, ``at_prior_bound`` and which
    end, ``prior_bound_end``: "low", "high", "low and high" or null), ``residuals``,
    ``out_of_sample`` and ``out_of_sample_groups`` (when computed), ``posterior_draws``,
    ``diagnostics``, ``source``, the measured targets (``summary``) and, for the quick mode,
    ``mode``: ``success`` (False when the polish did not converge or the mode lies on a flat
    ridge) and the optimiser's ``message``."""
    data = to_json(result, loo_of(result))
    table = with_bound_end(result.parameters.drop(columns=["label"], errors="ignore"))
    data["parameters"] = [
        {"parameter": str(nm), "value": float(result.values[str(nm)]), **dict(row)}
        for nm, row in table.iterrows()
    ]
    data["point"] = "posterior median" if result.method == "mcmc" else "posterior mode"
    if result.method == "map":  # the optimiser's verdict (calibration.mode.find_mode)
        data["mode"] = {
            "success": bool(result.extra.get("success", False)),
            "message": str(result.extra.get("message", "")),
        }
    data["source"] = source
    data["cached"] = source != "computed"
    data["summary"] = summary(data)
    return dict(clean(data))
