"""Calibrate a scenario's free attrition rates on its historical records (the first
version's single-scenario fit; the :class:`~.rates.Calibration` it returns, and the
whole-record one, live in :mod:`.rates`).

Bounded nonlinear least squares (``scipy.optimize.least_squares``, trust-region
reflective) on the log-ratios ``log(model / record)`` of every record, over the logs of
the free rates (those the scenario marks ``"calibrated"``).  A record marked
``lower_bound`` (a component was not found) counts only when the model falls below it.

Confidence intervals come from the Jacobian at the optimum, ``cov = s^2 (J^T J)^-1`` with
``s^2`` the residual variance on m - p degrees of freedom and Student's t quantile; they
are exponentiated back to rates (asymmetric).  The out-of-sample check refits without
the records of one sector at a time and predicts them.  The German records cover every
sector, so they stay in each refit: the held-out sector is not entirely unseen, and the
report says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import InputError
from forceratio.scenarios.build import Prepared
from forceratio.scenarios.rates import Calibration, FloatArray, log_residuals
from forceratio.scenarios.run import run
from forceratio.scenarios.sampled import free_parameters

BOUNDS = (1e-4, 2.0)  # per-day rates


def calibrate(
    prep: Prepared,
    *,
    targets: Mapping[str, float] | None = None,
    leave_one_out: bool = True,
) -> Calibration:
    """Fit the free rates to the records (``targets`` may replace record values by label,
    which is how the tests feed synthetic data)."""
    names = [p.rsplit(".", 1)[-1] for p in free_parameters(prep)]
    if not names:
        raise prep.error("attrition", "no rate is marked 'calibrated'")
    if not prep.records:
        raise prep.error("records", "no historical records to fit")
    labels = [r.label or f"record {i}" for i, (r, _) in enumerate(prep.records)]
    record = np.array([float(f.value[0]) for _, f in prep.records])
    for label, v in (targets or {}).items():
        if label not in labels:
            raise InputError("targets", f"unknown record {label!r}")
        record[labels.index(label)] = float(v)
    if np.any(record <= 0):
        raise prep.error("records", "record values must be > 0")
    lower = np.array([r.lower_bound for r, _ in prep.records])

    def model_at(theta: FloatArray) -> FloatArray:
        cal = {nm: float(np.exp(t)) for nm, t in zip(names, theta, strict=True)}
        return np.asarray(run(prep, calibration=cal).record_model[0, 0], dtype=float)

    from scipy import optimize  # here only: every sweep and compare imports this module

    def fit(use: NDArray[np.bool_]) -> optimize.OptimizeResult:
        def fun(theta: FloatArray) -> FloatArray:
            return log_residuals(model_at(theta), record, lower)[use]

        x0 = np.log(np.full(len(names), 0.02))
        return optimize.least_squares(
            fun,
            x0,
            bounds=(np.log(BOUNDS[0]), np.log(BOUNDS[1])),
            x_scale=1.0,
            diff_step=1e-4,
            xtol=1e-10,
            ftol=1e-10,
        )

    everything = np.ones(record.size, dtype=bool)
    res = fit(everything)
    model = model_at(res.x)
    met = lower & (res.fun == 0.0)  # a met lower bound: residual clipped to 0, no information
    m, p = int((everything & ~met).sum()), len(names)  # (as Calibration.counted)
    dof = m - p
    ci: dict[str, tuple[float, float]] = {}
    jac = np.asarray(res.jac)
    try:
        s2 = float(np.sum(res.fun**2)) / dof if dof > 0 else np.nan
        cov = s2 * np.linalg.inv(jac.T @ jac)
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        from scipy import stats  # only here: scipy.stats costs a second or more to import

        tq = float(stats.t.ppf(0.975, dof)) if dof > 0 else np.nan
    except np.linalg.LinAlgError:
        se, tq = np.full(p, np.nan), np.nan
    for i, nm in enumerate(names):
        ci[nm] = (float(np.exp(res.x[i] - tq * se[i])), float(np.exp(res.x[i] + tq * se[i])))
    counted = res.fun[~met]  # a met lower bound has no error to average (Calibration.counted)
    rms = float(np.sqrt(np.mean(counted**2))) if counted.size else 0.0
    cal = Calibration(
        prep.scenario.name,
        names,
        {nm: float(np.exp(v)) for nm, v in zip(names, res.x, strict=True)},
        ci,
        labels,
        record,
        model,
        lower.tolist(),
        rms,
        dof,
        success=bool(res.success),
        message=str(res.message),
    )
    if leave_one_out:
        loo = []
        for sector in prep.sectors:
            held = np.array([bool(r.sectors) and r.sectors == [sector] for r, _ in prep.records])
            if not held.any() or (~held).sum() < p:
                continue
            r2 = fit(~held)
            pred = model_at(r2.x)
            for j in np.flatnonzero(held):
                loo.append(
                    {
                        "held_out": sector,
                        "record": labels[j],
                        "historical": float(record[j]),
                        "predicted": float(pred[j]),
                        "relative_error": float(pred[j] / record[j] - 1.0),
                        "lower_bound": bool(lower[j]),
                        **{nm: float(np.exp(v)) for nm, v in zip(names, r2.x, strict=True)},
                    }
                )
        object.__setattr__(cal, "loo", loo)
    return cal
