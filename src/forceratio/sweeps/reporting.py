"""The report's own analyses, and the report from Python.

``forceratio report`` and :func:`report` run the same analyses at the same settings: the
first scenario's Sobol tornado over its declared ranges (:data:`TORNADO_SAMPLES` base
samples), and for each Soviet strike at the calibrated rates (the 12 June scenarios and
Sokolov's plan) what carries its answer over the posterior, what would flip it and
P(attacker wins) with the assumptions drawn too (a modest sample: :data:`MECHANISM_RUNS`
joint runs, :data:`MECHANISM_CROSSED` crossed, :data:`MECHANISM_RESAMPLES` bootstrap
resamples; ``sensitivity --posterior`` takes 2,048 runs for the README's figures).  The
figures and the page are drawn by :mod:`forceratio.plots.html`, which runs no analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TORNADO_SAMPLES = 512  # the top S1 to about +-0.07 (95%, replicates); 64 gave +-0.31
MECHANISM_RUNS = 512
MECHANISM_CROSSED = (16, 16)
MECHANISM_RESAMPLES = 50


def report(
    names: Sequence[str] | None = None,
    *,
    session: Any = None,
    tables: dict[str, str] | None = None,
    uncalibrated: bool = False,
    seed: int = 0,
) -> str:
    """The report ``forceratio report`` writes, as one HTML string:
    :func:`forceratio.plots.html.build` with :func:`analyses` (``names`` default: every
    built-in; ``session`` a :class:`~forceratio.scenarios.session.Session`, else one from
    ``tables`` and ``uncalibrated``, which a given session already fixes)."""
    from forceratio.errors import InputError
    from forceratio.plots import html
    from forceratio.scenarios import builtins
    from forceratio.scenarios.session import Session

    if session is not None and (tables is not None or uncalibrated):
        raise InputError(
            "session", "give either a session or tables/uncalibrated (the session fixes them)"
        )
    names = list(names or builtins())
    session = session or Session(tables, uncalibrated)
    return html.build(
        names,
        session=session,
        seed=seed,
        tornado_samples=TORNADO_SAMPLES,
        **analyses(session, names, seed),
    )


def analyses(session: Any, names: Sequence[str], seed: int) -> dict[str, Any]:
    """:func:`~forceratio.plots.html.build`'s ``tornado``, and where a scenario runs
    calibrated rates its ``posterior``, ``priors`` and ``mechanisms``, computed with the
    report's settings and ``seed``."""
    from forceratio.sweeps.sensitivity import ConstantOutcomeError, declared_sobol

    first = session.prepare(names[0]) if names else None
    tornado: list[dict[str, Any]] | str | None = None
    if first is not None and len(first.scenario.uncertainty) >= 2:
        try:
            tornado = declared_sobol(session, names[0], samples=TORNADO_SAMPLES, seed=seed)
        except ConstantOutcomeError as e:  # said in the report in place of the figure
            tornado = f"No sensitivity tornado for {names[0]}: {e.problem}."
    out: dict[str, Any] = {"tornado": tornado}
    if not session.uncalibrated and any(
        session.calibration_for(session.prepare(n)) for n in names
    ):  # only where a scenario uses the posterior
        out.update(_posterior_analysis(session, names, seed))
    return out


def fitted_priors(result: Any) -> dict[str, Any]:
    """The prior (:data:`~forceratio.scenarios.record1941.PRIORS`) of every model parameter
    ``result`` fitted, in its column order: the shared ones and those freed by
    ``calibrate --fit-also`` (:data:`~forceratio.scenarios.record1941.OPTIONAL`) when it has
    them; not one it held fixed."""
    from forceratio.scenarios.record1941 import PRIORS

    return {
        p: PRIORS[p].prior()
        for p in result.model_names
        if p in PRIORS and p not in result.fixed and p in result.names
    }


def _posterior_analysis(session: Any, names: Sequence[str], seed: int) -> dict[str, Any]:
    """The whole-record posterior with the priors of the parameters it fitted
    (:func:`fitted_priors`), and for each Soviet strike (the USSR attacking at the
    calibrated rates) what carries its answer and what would flip it."""
    from forceratio.sweeps.mechanisms import posterior_mechanisms
    from forceratio.sweeps.posterior import record_posterior

    preps = {n: session.prepare(n) for n in names}
    strikes = [
        n
        for n, p in preps.items()
        if p.scenario.attacker == "USSR" and session.calibration_for(p) is not None
    ]
    mech = {
        n: posterior_mechanisms(
            session,
            n,
            runs=MECHANISM_RUNS,
            crossed=MECHANISM_CROSSED,
            seed=seed,
            n_resamples=MECHANISM_RESAMPLES,
        )
        for n in strikes
    }
    posterior = record_posterior(session)
    return {
        "posterior": posterior,
        "priors": fitted_priors(posterior),
        "mechanisms": mech,
    }
