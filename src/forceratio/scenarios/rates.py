"""The rates a scenario runs with when it marks them ``"calibrated"``: a :class:`Calibration`
(the fitted kill rates, their intervals and the residuals of the records they were fitted
on), built from the whole-record posterior by :func:`from_record` (or by the single-scenario
least squares of :func:`.calibrate.calibrate`), and the checks that a scenario may share
such rates (:func:`check_shared_rates`, :func:`check_asked`, :func:`check_draws`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from forceratio.calibration import CalibrationResult
from forceratio.scenarios.build import Prepared
from forceratio.scenarios.sampled import RATES, free_parameters
from forceratio.simulator.laws import get_law

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Calibration:
    """Kill rates fitted to historical records, with what they were fitted on.

    ``values`` and ``ci`` (a 95% interval: credible for the whole-record posterior,
    confidence for the least squares) are keyed by rate name (``german_rate``); ``record``,
    ``model`` and ``lower_bound`` are per record (shape (n_records,), the records' units),
    in the order of ``labels``; ``loo`` holds the held-out rows when they were computed.
    Two masks over the records: :attr:`in_likelihood` (what the rates were fitted on) and
    :attr:`counted` (those of them with an error to count: not a bound the model meets).
    """

    scenario: str
    names: list[str]
    values: dict[str, float]
    ci: dict[str, tuple[float, float]]
    labels: list[str]
    record: FloatArray
    model: FloatArray
    lower_bound: list[bool]
    rms_log_error: float
    dof: int
    loo: list[dict[str, object]] = field(default_factory=list)
    success: bool = True
    message: str = ""
    method: str = "least squares"  # or "posterior median (emcee)", "posterior mode (Laplace)"
    posterior: CalibrationResult | None = None  # the whole-record calibration it came from

    @property
    def relative_error(self) -> FloatArray:
        return np.asarray(self.model / self.record - 1.0)

    upper_bound: list[bool] = field(default_factory=list)  # (empty: none is an upper bound)
    #: per record, its range (low, high) when it is an interval, else None (empty: none is)
    intervals: list[tuple[float, float] | None] = field(default_factory=list)
    #: per record, out of the likelihood (empty: every record is in it)
    out_of_likelihood: list[bool] = field(default_factory=list)

    @property
    def in_likelihood(self) -> NDArray[np.bool_]:
        """The records the calibration was fitted on (in the likelihood)."""
        out = np.asarray(self.out_of_likelihood, dtype=bool)
        return ~out if out.size else np.ones(len(self.labels), dtype=bool)

    @property
    def met(self) -> NDArray[np.bool_]:
        """The records the model meets, so with no error to count: a lower bound it is at or
        above, an upper bound at or below, an interval it falls in
        (:func:`~forceratio.scenarios.record1941.met_bound`, calibrate's rule)."""
        return _met(self.model, self.record, self.lower_bound, self.upper_bound, self.intervals)

    @property
    def counted(self) -> NDArray[np.bool_]:
        """The records whose error counts (:attr:`fit_error`, ``rms_log_error``, ``dof``):
        those :attr:`in_likelihood` the model does not :attr:`met`."""
        return self.in_likelihood & ~self.met

    @property
    def fit_error(self) -> float:
        """Root mean square of the relative errors of the records :attr:`counted`."""
        e = self.relative_error[self.counted]
        return float(np.sqrt(np.mean(e**2))) if e.size else 0.0


def _met(
    model: FloatArray,
    record: FloatArray,
    lower: list[bool],
    upper: list[bool],
    intervals: list[tuple[float, float] | None],
) -> NDArray[np.bool_]:
    """Per record, a bound or interval the model meets (one rule with ``calibrate``'s)."""
    from forceratio.scenarios.record1941 import met_bound

    ups = upper or [False] * len(lower)
    ivs = intervals or [None] * len(lower)
    rows = zip(model, record, lower, ups, ivs, strict=True)
    return np.array(
        [met_bound({"model": m, "historical": r, "lower_bound": lb, "upper_bound": ub,
                    **({"low": iv[0], "high": iv[1]} if iv is not None else {})})
         for m, r, lb, ub, iv in rows],
        dtype=bool,
    )  # fmt: skip


#: What the rates were fitted on when the tables are a variant and the quick mode fitted them:
#: its point is the posterior mode, which differs from the shipped posterior's medians by
#: itself (the German rate's mode 0.0064 against its median 0.0066 on 5 December 2026), whatever
#: the edit.
QUICK_LABEL = "the 1941 record in the quick mode (posterior mode, not the shipped medians)"


def from_record(result: CalibrationResult, label: str | None = None) -> Calibration:
    """The two kill rates of a whole-record calibration (:mod:`.record_fit`) as a
    :class:`Calibration`: the point is the marginal posterior median (emcee) or the mode
    (the quick mode), the intervals are 95% credible intervals, the residuals are every
    record's, ``loo`` the leave-one-operation-out rows when they were computed."""
    res = result.residuals
    model = res["model"].to_numpy(dtype=float)
    record = res["historical"].to_numpy(dtype=float)
    lower = res["lower_bound"].to_numpy(dtype=bool)
    upper = res["upper_bound"].fillna(False).to_numpy(dtype=bool) if "upper_bound" in res else None
    # in the likelihood unless the row says out (record1941.fitted's rule: no flag, in)
    ins = (
        res["in_likelihood"].fillna(True).to_numpy(dtype=bool)
        if "in_likelihood" in res
        else np.ones(len(res), dtype=bool)
    )
    intervals: list[tuple[float, float] | None] = [None] * len(res)
    if "low" in res and "high" in res:
        intervals = [
            (float(lo), float(hi)) if np.isfinite(lo) and np.isfinite(hi) else None
            for lo, hi in zip(res["low"].astype(float), res["high"].astype(float), strict=True)
        ]
    ups = [] if upper is None else upper.tolist()
    counted = ins & ~_met(model, record, lower.tolist(), ups, intervals)
    log_err = log_residuals(model, record, lower)[counted]
    lows = {str(k): float(v) for k, v in result.parameters["ci95_low"].items()}
    highs = {str(k): float(v) for k, v in result.parameters["ci95_high"].items()}
    loo = [
        {**{k: v for k, v in row.items() if k != "model"}, "predicted": row.get("model")}
        for row in result.extra.get("out_of_sample", [])
    ]
    kind = "posterior median (emcee)" if result.method == "mcmc" else "posterior mode (Laplace)"
    if label is None:
        label = "the 1941 record" if result.method == "mcmc" else QUICK_LABEL
    return Calibration(
        scenario=label,
        names=list(RATES),
        values={k: float(result.values[p]) for k, p in RATES.items()},
        ci={k: (lows[p], highs[p]) for k, p in RATES.items()},
        labels=[str(x) for x in res["record"]],
        record=record,
        model=model,
        lower_bound=lower.tolist(),
        upper_bound=ups,
        intervals=intervals if any(iv is not None for iv in intervals) else [],
        out_of_likelihood=[] if ins.all() else (~ins).tolist(),
        rms_log_error=float(np.sqrt(np.mean(log_err**2))) if log_err.size else 0.0,
        dof=int(counted.sum()) - len(result.names),
        loo=loo,
        success=result.diagnostics.converged if result.diagnostics is not None else True,
        message="; ".join(result.diagnostics.notes) if result.diagnostics is not None else "",
        method=kind,
        posterior=result,
    )


#: The law the whole-record calibration fits its kill rates under: the record scenarios'
#: (:data:`.record1941.SCENARIOS`, a test holds them to it).  A rate is a unit of the
#: enemy's combat power put out of action a day per unit of one's own (per day).
RECORD_LAW = "square"
#: The laws with :data:`RECORD_LAW`'s exponents (firer's 1, target's 0 on both sides), the
#: only ones borrowed rates run under.
SAME_AS_SQUARE = "square law, or power p = 1, q = 0, or Helmbold w = 1, the same law"


def check_shared_rates(prep: Prepared, what: str, hint: str = "", *, borrowed: bool = True) -> None:
    """Refuse a scenario that would run rates it does not share a meaning with.

    Always: a law whose fire is not proportional to the firer's strength (kill rates shared
    over scenarios counted in different units, men or division slices, mean a different
    thing in each: the engine applies the firer's exponent to each category's own count;
    docs/design/issue13-mechanisms.md 8.10).  When the rates are ``borrowed`` from the
    whole-record calibration into ``prep`` (a run's calibrated rates, the posterior's
    draws; not the record scenarios' own fit): ``prep`` must ask for them (a rate left out
    of a file is not a request for the 1941 record's) and run :data:`RECORD_LAW`, the law
    they were fitted under (under the linear or mixed law a rate is also per unit of the
    target: the same number is another quantity).  ``what`` says who shares the rates,
    ``hint`` ends the message."""
    scn = prep.scenario
    if borrowed:
        check_asked(prep)
    law = get_law(scn.law, **scn.law_params)
    ex = law.exponents()
    params = "".join(f", {k} = {v:g}" for k, v in sorted(scn.law_params.items()))
    if ex.red_p != 1.0 or ex.blue_p != 1.0:
        laws = SAME_AS_SQUARE if borrowed else "square, linear, mixed, power p = 1, Helmbold w = 1"
        raise prep.error(
            "law",
            f"{what} scenarios counted in different units, which needs the "
            f"firer's exponent 1 ({laws}); got {scn.law}{params}{hint}",
        )
    if borrowed and ex != get_law(RECORD_LAW).exponents():
        raise prep.error(
            "law",
            f"{what} scenarios under the {RECORD_LAW} law, a rate per day (the "
            f"enemy's combat power put out of action per unit of one's own; {SAME_AS_SQUARE}); "
            f"under the {scn.law} law{params} a rate is also per unit of the target, another "
            f"quantity{hint}",
        )


def check_asked(prep: Prepared) -> None:
    """Refuse running the whole 1941 record's rates in a scenario that did not ask for
    them: a kill rate ``"calibrated"`` only because the file left it out (the schema's
    default), with no ``calibrate_on`` either; or a ``calibrate_on`` that is not a
    scenario of the record (the rates would not be fitted on it).  The built-in scenarios
    state theirs."""
    from forceratio.scenarios.record1941 import SCENARIOS

    a = prep.scenario.attrition
    given = a.model_fields_set
    if "calibrate_on" in given and a.calibrate_on not in SCENARIOS and free_parameters(prep):
        raise prep.error(
            "attrition.calibrate_on",
            f"{a.calibrate_on!r}: the calibrated rates come only from the whole 1941 record, "
            f"whose scenarios are {', '.join(SCENARIOS)}; name one of them to borrow its "
            "rates, or give the rates (per day)",
        )
    left_out = [p for p in free_parameters(prep) if p.rsplit(".", 1)[-1] not in given]
    if not left_out or "calibrate_on" in given:
        return
    raise prep.error(
        " and ".join(left_out),
        f'not given in {prep.origin}, so "calibrated" by default: the whole 1941 '
        "Eastern-Front record's rates, with its Soviet capture rate and advance law; give "
        "the rates (per day, e.g. german_rate = 0.02 under [attrition]), or write "
        'calibrate_on = "barbarossa-22june" under [attrition] to borrow the 1941 rates '
        "knowingly, or run --uncalibrated for a kill rate of 0.02 a day (Dupuy's casualty rate, "
        "equal to it at parity)",
    )


def check_draws(prep: Prepared) -> None:
    """:func:`check_shared_rates` before ``prep`` runs on the posterior's draws."""
    check_shared_rates(
        prep,
        "the posterior's draws are the whole 1941 record's rates, fitted on",
        ": run without the draws (--posterior 0)",
    )


def log_residuals(model: FloatArray, record: FloatArray, lower: NDArray[np.bool_]) -> FloatArray:
    """``log(model / record)`` per record; 0 where a ``lower`` bound record is met (the model
    above it: no information)."""
    with np.errstate(divide="ignore"):
        r = np.log(np.maximum(model, 1e-9) / record)
    return np.where(lower & (r > 0), 0.0, r)
