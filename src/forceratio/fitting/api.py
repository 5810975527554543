"""``fit``: the entry point of the daily-series fit from Python (``forceratio.fit``), the
steps in :mod:`.daily`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, overload

import pandas as pd

from forceratio.arguments import Seed, choice
from forceratio.errors import InputError
from forceratio.fitting.casualties import LIKELIHOODS, CasualtyFit, fit_casualties
from forceratio.fitting.daily import FIT_LAWS, _check_call, fit_laws, read_battle
from forceratio.fitting.result import FitResult

__all__ = ["fit"]


@overload
def fit(
    data: pd.DataFrame | Path | str,
    law: str = ...,
    *,
    arrivals: str = ...,
    rises: str = ...,
    refits: int = ...,
    seed: Seed | None = ...,
    likelihood: Literal["gaussian"] = ...,
) -> FitResult | list[FitResult]: ...
@overload
def fit(
    data: pd.DataFrame | Path | str,
    law: str = ...,
    *,
    arrivals: str = ...,
    rises: str = ...,
    refits: int = ...,
    seed: Seed | None = ...,
    likelihood: Literal["poisson", "negbin"],
) -> CasualtyFit | list[CasualtyFit]: ...
def fit(
    data: pd.DataFrame | Path | str,
    law: str = "square",
    *,
    arrivals: str = "after-observation",
    rises: str = "note",
    refits: int = 0,
    seed: Seed | None = None,
    likelihood: str = "gaussian",
) -> FitResult | list[FitResult] | CasualtyFit | list[CasualtyFit]:
    """Fit an attrition law to a battle's daily strengths.

    Parameters
    ----------
    data : DataFrame, Path or str
        One row a day (a CSV path or a DataFrame; the frame is not modified).  Required
        columns ``day`` (a number of days, or dates), ``red`` and ``blue`` (each side's
        strength that day, e.g. men; an empty cell is a day that side was not seen);
        optional ``red_reinforcements``, ``blue_reinforcements`` (men joining that day),
        ``red_losses``, ``blue_losses`` (the day's recorded losses) and ``attacker``
        (``red`` or ``blue``).  Days strictly increasing; at least as many observations as
        the law has parameters, the initial strengths included (square: 3 days).
    law : str
        ``square``, ``linear``, ``logarithmic``, ``helmbold``, ``power``, or ``all`` to
        fit every law the data allow and compare them (Akaike weights).
    arrivals : str
        ``after-observation``: a day's reinforcements join after that day's strength is
        counted; ``in-observation``: the day's strength already includes them.
    rises : str
        A strength that rises beyond the arrivals recorded (by more than the series' own
        noise explains, README): ``note`` (say so in ``notes``; the fit
        takes it as noise) or ``arrivals`` (take each rise as arrivals, an estimate).
    refits : int
        For a side seen only at the start and at its annihilation: the rates' 95%
        intervals from this many parametric-bootstrap refits (10 to 10,000; square,
        linear, logarithmic).  0 (the default): profile-likelihood intervals, with a note
        that they are too narrow there.  Refused where no fit would use them.
    seed : int or numpy.random.SeedSequence, optional
        Seed of the bootstrap refits (an integer >= 0 or a SeedSequence; the same seed
        gives the same intervals; default 0).  Nothing else is random: a seed without
        ``refits`` is refused, as the command refuses ``--seed`` without ``--bootstrap``.
    likelihood : str
        As the command's ``--likelihood``: ``gaussian`` (the default: the strengths, with
        their noise model), or the daily losses as counts, ``poisson`` or ``negbin``
        (:func:`~forceratio.fitting.casualties.fit_casualties`; a side's ``_losses`` column,
        else its day-to-day drops; no ``refits``).

    Returns
    -------
    FitResult or list of FitResult
        One :class:`~forceratio.fitting.result.FitResult` for one law; with ``law="all"``
        a list, one per law fitted (a law the data cannot support is left out).  Its
        ``red_rate`` is the rate at which red destroys blue (``blue_rate`` the reverse),
        with 95% intervals ``red_rate_ci``/``blue_rate_ci`` (an end of ``None`` is open),
        ``exponents`` for helmbold/power, ``r2``, ``aic``/``aicc``/``bic`` and
        ``akaike_weight``, the fitted path in ``residuals`` and what the reader must know
        in ``notes`` (:meth:`~forceratio.fitting.result.FitResult.caveats`).  With
        ``likelihood`` ``poisson`` or ``negbin``, a
        :class:`~forceratio.fitting.casualties.CasualtyFit` (or a list of them).

    Raises
    ------
    InputError
        A malformed table (naming the row and column), an unknown ``law``, too few
        observations (``data``), or no law that could be fitted.

    Examples
    --------
    Strengths that follow the square law exactly, red killing 0.03 of a blue unit per
    red unit a day and blue 0.04 (the closed form: cosh and sinh); the fit returns those
    rates:

    >>> import numpy as np, pandas as pd
    >>> a, b, g = 0.03, 0.04, (0.03 * 0.04) ** 0.5
    >>> t = np.arange(11.0)
    >>> red = 20000 * np.cosh(g * t) - (b / a) ** 0.5 * 15000 * np.sinh(g * t)
    >>> blue = 15000 * np.cosh(g * t) - (a / b) ** 0.5 * 20000 * np.sinh(g * t)
    >>> r = fit(pd.DataFrame({"day": t, "red": red, "blue": blue}), "square")
    >>> round(r.red_rate, 4), round(r.blue_rate, 4)
    (0.03, 0.04)
    """
    _check_call(data, law, arrivals, everything=True, battle=False, rises=rises)
    choice("likelihood", likelihood, ("gaussian", *LIKELIHOODS))
    if likelihood != "gaussian" and refits:
        raise InputError(
            "refits", f"likelihood={likelihood!r} takes no bootstrap (its intervals are its own)"
        )
    if seed is not None and not refits:
        raise InputError("seed", "nothing here is random: it applies only with refits")
    b = read_battle(data, arrivals=arrivals, rises=rises)
    laws = list(FIT_LAWS) if law == "all" else [law]
    if likelihood != "gaussian":
        counts = [fit_casualties(b, x, likelihood) for x in laws]
        return counts if law == "all" else counts[0]
    results = fit_laws(b, laws, arrivals, refits=refits, seed=0 if seed is None else seed)[0]
    return results if law == "all" else results[0]
