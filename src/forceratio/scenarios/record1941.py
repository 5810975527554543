"""The whole 1941 record as one calibration problem (issue 13).

Every operation of ``operations_1941`` that has a scenario contributes its records: the
scenario's own loss records, and the prisoners, tanks lost and depth of advance the table
holds for it (:data:`EXTRA`).  The records of one operation form a group, so that
:func:`forceratio.calibration.leave_one_group_out` refits without each operation and
predicts it.  The shared parameters (:data:`SHARED`) are the same in every scenario; each
scenario keeps its own forces, dates, posture and surprise.

:func:`problem` returns a :class:`forceratio.calibration.Problem` whose model runs every
scenario once for a whole batch of parameter vectors (the engine's batch dimension).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.calibration import (
    CalibratedParameter,
    LogNormalLikelihood,
    LogUniform,
    Parameters,
    Prior,
    Problem,
    Uniform,
)
from forceratio.calibration import Record as CalRecord
from forceratio.calibration import Records as CalRecords
from forceratio.calibration.validation import groups_of
from forceratio.errors import InputError
from forceratio.scenarios.arrivals import arrived_until, lost_until
from forceratio.scenarios.build import Prepared
from forceratio.scenarios.forces import side_rows
from forceratio.scenarios.record_reading import EXTRA, OUT, TABLES
from forceratio.scenarios.registry import PARAMETERS
from forceratio.scenarios.run import Outcome, run
from forceratio.scenarios.schema import CATEGORIES

FloatArray = NDArray[np.float64]
__all__ = ["EXTRA", "OUT", "TABLES"]  # re-exported: the reading rules live in record_reading

#: Scenarios of the 1941 record: name -> the operation (group) of each sector.
SCENARIOS: dict[str, tuple[str, ...]] = {
    "barbarossa-22june": ("Baltic", "Belorussian", "Lvov-Chernovtsy"),
    "smolensk-1941": ("Smolensk",),
    "uman-1941": ("Uman",),
    "kiev-1941": ("Kiev",),
    "leningrad-1941": ("Leningrad",),
    "vyazma-1941": ("Vyazma-Bryansk",),
}


def _prior_rate() -> LogUniform:
    """Dupuy's 1-3% a day (verity, read), widened to 0.1-50% a day, since a per-unit kill
    rate of combat power is not a casualty share; flat in log (bounded: see PRIORS)."""
    return LogUniform(1e-3, 0.5)


@dataclass(frozen=True)
class SharedPrior:
    """What the whole-record fit adds to a registry parameter (``registry.PARAMETERS[path]``
    gives its label, unit and domain): its prior, why that prior, and the values the model
    is run at (``limits``: beyond them, at the limit; the prior's support lies inside).

    ``note`` is the calibration parameter's label as the shipped posterior's key holds it
    (``calibration/shipped/record1941.npz``; :meth:`forceratio.calibration.Problem.describe`):
    changing it stales the shipped file, so it changes only with a regeneration."""

    path: str
    prior: Callable[[], Prior]
    note: str
    limits: tuple[float, float]

    @property
    def label(self) -> str:
        """The registry's label (:func:`forceratio.scenarios.registry.label`)."""
        return PARAMETERS[self.path].label

    def parameter(self) -> CalibratedParameter:
        """The calibration parameter (its prior fresh)."""
        return CalibratedParameter(
            self.path, self.prior(), label=self.note, source="issue 13 prior"
        )


#: One prior per calibrated registry path.  Every prior is bounded (flat in log between
#: sourced or assumed limits): the unconstrained transform is then a logit, so that a
#: Laplace draw of a weakly identified refit (leave-one-operation-out) cannot overflow, as
#: the unbounded log-normals did.  The limits: kill rates at most 2 a day (as the
#: single-scenario calibration), capture at most 1 a day, an advance of at most 100 km/day.
PRIORS: dict[str, SharedPrior] = {
    s.path: s
    for s in (
        SharedPrior("attrition.german_rate", _prior_rate,
                    "German kill rate (Dupuy 1-3%/day, widened)", (1e-5, 2.0)),
        SharedPrior("attrition.soviet_rate", _prior_rate,
                    "Soviet kill rate (Dupuy 1-3%/day, widened)", (1e-5, 2.0)),
        SharedPrior("operations.capture.rate.USSR", lambda: LogUniform(1e-4, 0.5),
                    "Soviet share captured a day when outmatched (ASSUMPTION: log-uniform)",
                    (0.0, 1.0)),
        SharedPrior("operations.capture.ratio", lambda: LogUniform(0.5, 8.0),
                    "ratio at which capture runs at half rate (ASSUMPTION: log-uniform 0.5-8)",
                    (0.05, 50.0)),
        SharedPrior("operations.capture.width", lambda: LogUniform(0.02, 2.0),
                    "width of the capture switch in ln(ratio) (ASSUMPTION: log-uniform 0.02-2)",
                    (1e-3, 5.0)),
        SharedPrior("operations.noncombat.USSR.tanks", lambda: LogUniform(1e-4, 0.3),
                    "Soviet tanks lost a day without combat (1943-45: ~1%/day, 1941 41st TD"
                    " ~17%/day)", (0.0, 1.0)),
        SharedPrior("operations.advance.scale", lambda: LogUniform(1.0, 40.0),
                    "advance rate at parity, km/day (Dupuy fit 1.2-4.4, widened: log-uniform"
                    " 1-40)", (0.0, 100.0)),
        SharedPrior("operations.advance.exponent", lambda: LogUniform(0.1, 3.0),
                    "advance rate's power of the combat-power ratio (Dupuy's table 1.0-1.6;"
                    " Dupuy's verity and CDB90: no relation with the men ratio; log-uniform"
                    " 0.1-3)", (0.0, 5.0)),
        SharedPrior("operations.capture.factor.attacker", lambda: LogUniform(1e-4, 1.0),
                    "the attacker's capture rate x the one capture process (the Germans, bound"
                    " by their missing; 1 = as readily as the defender, the process at face"
                    " value; 1e-4 an ASSUMPTION, 1/50 of the bound derived at factor 1 (0.005,"
                    " issue13-mechanisms 8.6); log-uniform 1e-4-1)", (1e-6, 10.0)),
        SharedPrior("operations.capture.mobile_exponent", lambda: Uniform(0.0, 2.0),
                    "capacity to encircle's power of a sector's panzer divisions over the"
                    " reference's 9 (ASSUMPTION: uniform 0-2; 0 = one capacity in every sector,"
                    " 1 = proportional)", (0.0, 5.0)),
        SharedPrior("operations.capture.gate", lambda: LogUniform(0.05, 2.0),
                    "ratio below which a side is hardly captured (ASSUMPTION: log-uniform"
                    " 0.05-2; docs/design/issue13-mechanisms.md 8.22)", (0.0, 50.0)),
        SharedPrior("modifiers.posture.unprepared_factor", lambda: Uniform(0.4, 1.0),
                    "fire of a side caught unprepared (ASSUMPTION: uniform 0.4-1, the range the"
                    " scenario files declare; the floor is the surprised side's effect on the"
                    " surpriser under Dupuy's complete surprise, 0.4, as OQJM's table transcribes"
                    " it; docs/design/issue13-mechanisms.md 8.27)",
                    (0.4, 1.0)),
        SharedPrior("operations.noncombat.USSR.aircraft", lambda: LogUniform(1e-4, 0.3),
                    "Soviet aircraft lost a day without combat (ASSUMPTION: log-uniform"
                    " 1e-4-0.3, the tanks' prior)", (0.0, 1.0)),
        SharedPrior("operations.capture.killed_share", lambda: Uniform(0.05, 0.45),
                    "share of the men cut off killed or wounded, not taken prisoner (uniform"
                    " 0.05-0.45 over the derived 1941 shares: Uman 0.13, Vyazma-Bryansk"
                    " 0.23-0.41, the whole year 0.17 a floor; docs/design/hkappa/sources.md)",
                    (0.0, 1.0)),
    )
}  # fmt: skip

#: Fitted only when asked for (:func:`problem`'s ``optional``, ``calibrate --fit-also``;
#: otherwise each record scenario's own value -- the gate's 0 = off -- and the shipped key
#: is unchanged).  Freed, a path takes one value shared by every record scenario.  The
#: unprepared factor and the Soviet aircraft's rate without combat were optional too until
#: the record held Budnitsky's aircraft and tanks (:data:`EXTRA`); they are fitted always
#: since (docs/design/issue13-mechanisms.md 8.24).
OPTIONAL_PATHS = ("operations.capture.gate",)

#: The shared parameters, fitted always, in the order of the problem's columns: registry
#: path, prior, the registry's label.
SHARED: tuple[tuple[str, Callable[[], Prior], str], ...] = tuple(
    (s.path, s.prior, s.label) for s in PRIORS.values() if s.path not in OPTIONAL_PATHS
)

#: The shared parameters fitted only when asked for: path -> (prior, the registry's label).
OPTIONAL: dict[str, tuple[Callable[[], Prior], str]] = {
    p: (PRIORS[p].prior, PRIORS[p].label) for p in OPTIONAL_PATHS
}


#: The error scale of the log records: log-uniform on a bounded range, so that its
#: unconstrained transform is a logit and no Laplace draw can overflow (an unbounded
#: half-normal let a weakly identified refit draw scales of e^700).  ASSUMPTION: a typical
#: error between 2% and a factor of 20.
SIGMA = CalibratedParameter(
    "sigma",
    LogUniform(0.02, 3.0),
    label="error scale of log records",
    source="ASSUMPTION: log-uniform on 0.02-3 (bounded, so Laplace draws stay finite)",
)


#: Values the model is run at (beyond them: at the limit): path -> :attr:`SharedPrior.limits`.
LIMITS: dict[str, tuple[float, float]] = {p: s.limits for p, s in PRIORS.items()}


@dataclass(frozen=True)
class Target:
    """One record: where the model's value is read from."""

    scenario: str
    kind: str  # losses (a scenario record), prisoners, tanks, aircraft, depth
    index: int  # the scenario's record index (losses) or sector (the rest; -1: every sector)
    side: str
    day: float
    record: CalRecord


def record_tables(load: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    """The rows :data:`EXTRA` reads: every table of :data:`TABLES` (one layout), from
    ``load`` (a table loader, e.g. a session's ``table``)."""
    return pd.concat([load(name) for name in TABLES], ignore_index=True)


def _row(table: pd.DataFrame, formation: str, category: str, side: str) -> pd.Series | None:
    rows = side_rows(table, formation, category, side)
    return table.iloc[rows[0]] if len(rows) else None


#: The record kinds that are a category's losses (tanks or aircraft lost).
EQUIPMENT = ("tanks", "aircraft")


def _has(prep: Prepared, side: str, sector: int | None, category: str) -> bool:
    """Whether ``side`` holds any of ``category`` in ``sector`` (None: in any sector)."""
    k = CATEGORIES.index(category)
    held = [f.value[k] for f in prep.forces[side]]
    return bool((sum(held) if sector is None else held[sector]) > 0)


def targets(prepared: dict[str, Prepared], ops: pd.DataFrame) -> list[Target]:
    """Every record of the whole-record calibration, grouped by operation."""
    out: list[Target] = []
    for name, prep in prepared.items():
        groups = SCENARIOS[name]
        for j, (rec, fig) in enumerate(prep.records):
            sec = [prep.sectors.index(x) for x in rec.sectors] if rec.sectors else []
            group = (
                groups[sec[0]] if len(sec) == 1 else groups[0] if len(groups) == 1 else "22 June"
            )
            label = rec.label or f"{name} record {j}"
            ends = (float(fig.low[0]), float(fig.high[0])) if rec.interval else (None, None)
            r = CalRecord(
                label, float(fig.value[0]), "losses", group, rec.lower_bound, name,
                in_likelihood=rec.likelihood, reason=rec.reason, low=ends[0], high=ends[1],
            )  # fmt: skip
            out.append(Target(name, "losses", j, rec.side, float(rec.day), r))
    for name, sector, day, formation, category, side, kind, bound in EXTRA:
        row = _row(ops, formation, category, side) if name in prepared else None
        if row is None or not np.isfinite(value := float(row["value"])):
            continue  # the scenario is not in the problem, or the table lacks the row
        if kind in EQUIPMENT and not _has(prepared[name], side or "USSR", sector, kind):
            continue  # the scenario has none of the category to lose: not modelled
        if kind == "prisoners" and side == "Germany" and not _one_process(prepared[name]):
            continue  # the Germans are not captured in this scenario: not modelled
        d = float(day if day is not None else prepared[name].scenario.duration_days)
        group = "22 June" if sector is None else SCENARIOS[name][sector]
        who = "German " if side == "Germany" else ""
        label = f"{group}: {who}{kind} ({category}, {row['source']})"
        src = f"{formation} {category}: {row['source']}, {row['locator']}"
        why = OUT.get((name, formation, category, side or "USSR"), "")
        r = CalRecord(
            label, value, kind, group, bound == "lower", src, bound == "upper",
            in_likelihood=not why, reason=why,
        )  # fmt: skip
        out.append(Target(name, kind, -1 if sector is None else sector, side or "USSR", d, r))
    return out


def _one_process(prep: Prepared) -> bool:
    return prep.scenario.operations.capture.process == "one"


def _lost(o: Outcome, side: str, sector: int, day: float, category: str) -> FloatArray:
    """A side's losses of one category in one sector by ``day``, per sample (N,)."""
    b = o.built
    n, s = b.n, b.s
    k = CATEGORIES.index(category)
    raw = o.result.red_trajectory if side == "USSR" else o.result.blue_trajectory
    assert raw is not None
    traj = raw.reshape(n, s, -1, raw.shape[1], raw.shape[2])[:, sector, 0]  # (N, T, K)
    ti = int(np.argmin(np.abs(o.days - day)))
    # the holdings before the air strike: what it destroyed on the ground is lost too
    init = (b.initial[side] + b.struck[side]).reshape(n, s, -1)[:, sector, k]
    t_end = o.result.end_time.reshape(n, 1, s, -1)[:, :, :, 0]  # replication 0, as traj
    arr = arrived_until(b.arrivals[side], n, s, np.minimum(t_end, day))[:, 0, sector, k]
    if any(a.exposed for _, a in b.arrivals[side]):  # lost in transit by then (8.21)
        arr = arr + lost_until(b.arrivals[side], n, s, np.minimum(t_end, day))[:, 0, sector, k]
    return np.asarray(init + arr - traj[:, ti, k], dtype=float)


def model_values(o: Outcome, tg: list[Target]) -> FloatArray:
    """The model's value of each target of one scenario's outcome, shape (N, len(tg))."""
    cols = []
    ops = o.operations
    assert ops is not None
    for t in tg:
        ti = int(np.argmin(np.abs(o.days - t.day)))
        if t.kind == "losses":
            cols.append(o.record_model[:, 0, t.index])
        elif t.kind == "prisoners":
            men = ops.prisoners(t.side, ti, rep=0)  # (N, S)
            cols.append(men.sum(axis=1) if t.index < 0 else men[:, t.index])
        elif t.kind in EQUIPMENT:
            secs = range(o.built.s) if t.index < 0 else (t.index,)
            cols.append(np.sum([_lost(o, t.side, k, t.day, t.kind) for k in secs], axis=0))
        else:
            cols.append(ops.depth_by_day[:, 0, t.index, ti])
    return np.stack(cols, axis=1)


def problem(
    prepared: dict[str, Prepared], ops: pd.DataFrame, optional: tuple[str, ...] = ()
) -> tuple[Problem, list[Target]]:
    """The calibration problem over every scenario in ``prepared`` (name -> scenario);
    ``ops`` holds the rows :data:`EXTRA` reads (:func:`record_tables`; a row it lacks is
    not a record); ``optional``: paths of :data:`OPTIONAL` fitted too."""
    tg = targets(prepared, ops)
    unknown = [p for p in optional if p not in OPTIONAL]
    if unknown:
        raise InputError("optional", f"{unknown[0]!r} is not one of {sorted(OPTIONAL)}")
    names = [p for p, _, _ in SHARED] + list(optional)
    params = Parameters(PRIORS[p].parameter() for p in names)
    by_scn = {nm: [i for i, t in enumerate(tg) if t.scenario == nm] for nm in prepared}

    def model(batch: FloatArray) -> FloatArray:
        """(n, len(SHARED)) -> (n, len(targets)); a value beyond :data:`LIMITS` is run at
        the limit (the priors keep the fit inside), a non-finite row gives NaN."""
        out = np.full((batch.shape[0], len(tg)), np.nan)
        ok = np.all(np.isfinite(batch), axis=1)
        if not ok.any():
            return out
        samples = {p: np.clip(batch[ok, j], *LIMITS[p]) for j, p in enumerate(names)}
        for nm, prep in prepared.items():
            idx = by_scn[nm]
            if not idx:
                continue
            days = sorted({tg[i].day for i in idx})
            o = run(prep, samples=samples, times=days, operational=True, method="integrator")
            out[np.ix_(ok, idx)] = model_values(o, [tg[i] for i in idx])
        return out

    like = LogNormalLikelihood(sigma=SIGMA)
    return Problem(params, CalRecords(t.record for t in tg), model, like), tg


def met_bound(r: dict[str, Any]) -> bool:
    """A bound the model satisfies: at or above a lower bound, at or below an upper one,
    inside an interval (a residual row: ``lower_bound``, optional ``upper_bound``, ``low``
    and ``high``, ``relative_error`` or ``model`` and ``historical``).  Such a record is
    within any tolerance and out of every RMS."""
    err = r["relative_error"] if "relative_error" in r else r["model"] / r["historical"] - 1
    lo, hi = r.get("low"), r.get("high")
    if lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi):
        m = (1.0 + float(err)) * float(r["historical"])
        return bool(lo <= m <= hi)
    return (bool(r["lower_bound"]) and err >= 0) or (bool(r.get("upper_bound")) and err <= 0)


def fitted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of records in the likelihood (``in_likelihood`` absent counts as in)."""
    return [r for r in rows if r.get("in_likelihood") is None or bool(r["in_likelihood"])]


def group_errors(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per held-out operation of the ``out_of_sample`` rows,
    :func:`forceratio.calibration.validation.groups_of`: ``relative_error`` =
    ``exp(mean |ln(model / historical)|) - 1`` (cannot cancel; a met bound counts as
    exact) and the signed ``geometric_mean_error``."""
    return [
        {str(k): v for k, v in g.items()} for g in groups_of(pd.DataFrame(rows)).to_dict("records")
    ]


def predictive_residuals(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The residual rows re-taken at each record's posterior predictive median: ``model``
    becomes the median over the posterior draws of the model's value for that record
    (``predictive``'s ``model_q50``, without the observation error) and ``relative_error``
    follows.  Empty when the document has no predictive quantiles for every record.

    The residuals proper are taken at one parameter point (the marginal posterior medians,
    or the mode), the point every scenario runs at; a vector of marginal medians need not
    be a typical joint draw, so the predictive median is the Bayesian reading of "what the
    calibrated model predicts for this record", and both are reported."""
    pred = {str(p["record"]): p for p in data.get("predictive") or []}
    rows: list[dict[str, Any]] = []
    for r in data["residuals"]:
        p = pred.get(str(r.get("record")))
        m = None if p is None else p.get("model_q50")
        if m is None or not math.isfinite(float(m)):
            return []
        rows.append({**r, "model": float(m), "relative_error": float(m) / r["historical"] - 1})
    return rows


def _within(r: dict[str, Any], tol: float) -> bool:
    return met_bound(r) or abs(float(r["relative_error"])) <= tol


def _median_abs(rows: list[dict[str, Any]]) -> float | None:
    used = [abs(float(r["relative_error"])) for r in rows if not met_bound(r)]
    return float(np.median(used)) if used else None


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """The issue's targets, measured: in-sample records within 35% (bounds met count as
    within), the 22 June group's records within 15%, and the leave-one-operation-out
    median over the operations of :func:`group_errors` (mean |log error| per operation, so
    that over- and under-predictions within an operation do not cancel).  The in-sample
    count is given at the point (``within_35pct``) and at the posterior predictive medians
    (``within_35pct_predictive``, :func:`predictive_residuals`; None without them).  Every
    count is over the records in the likelihood (``records``; ``records_reported`` adds those
    kept out of it, :mod:`.record_reading`); an interval the model falls in counts as met."""
    res = fitted(data["residuals"])
    within = _within  # the bounds met count as within
    # the totals: the 22 June losses records (not the missing bounding the captured)
    june = [r for r in res if r.get("group") == "22 June" and r.get("kind", "losses") == "losses"]
    out: dict[str, Any] = {
        "records": len(res),
        "records_reported": len(data["residuals"]),
        "within_35pct": sum(within(r, 0.35) for r in res),
        "june22_totals": len(june),
        "june22_within_15pct": sum(within(r, 0.15) for r in june),
        "median_abs_error_in_sample": _median_abs(res),
    }
    pred = fitted(predictive_residuals(data)) if res else []
    out["within_35pct_predictive"] = sum(within(r, 0.35) for r in pred) if pred else None
    out["median_abs_error_predictive"] = _median_abs(pred) if pred else None
    every = data.get("out_of_sample") or []
    rows = fitted(every)
    groups = group_errors(every) if every else data.get("out_of_sample_groups") or []
    errs = [abs(float(g["relative_error"])) for g in groups if g["relative_error"] is not None]
    out["loo_operations"] = len(errs)
    out["loo_median_abs_error"] = float(np.median(errs)) if errs else None
    held = [abs(float(r["relative_error"])) for r in rows if not met_bound(r)]
    out["loo_records"] = len(held)
    out["loo_median_abs_error_per_record"] = float(np.median(held)) if held else None
    return out


def summary_line(data: dict[str, Any]) -> str:
    """``forceratio calibrate``'s summary line of a :func:`summary` document (the
    ``calibrate --format json`` document, :func:`forceratio.scenarios.record_fit.to_data`)."""
    s = data["summary"]

    def num(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.3f}"

    wp = s.get("within_35pct_predictive")
    pred = "n/a" if wp is None else f"{wp} of {s['records']}"
    out = s.get("records_reported", s["records"]) - s["records"]
    kept = f" ({out} more reported, out of the likelihood, not counted)" if out else ""
    return (
        f"{s['within_35pct']} of {s['records']} records in the likelihood{kept} within 35% "
        f"at the {data['point']} "
        f"(bounds met count), {pred} at the posterior predictive medians; in-sample median "
        f"|error| {num(s['median_abs_error_in_sample'])}; "
        f"leave-one-operation-out median |error| {num(s['loo_median_abs_error'])} over "
        f"{s['loo_operations']} operations (exp of the mean |log error| per operation, - 1), "
        f"{num(s['loo_median_abs_error_per_record'])} over {s['loo_records']} records; "
        f"{data['posterior_draws']} draws ({data['method']})."
    )
