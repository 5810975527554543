"""Fit attrition laws to a battle's daily strengths (``forceratio fit``).

The steps, each in its own module: read and validate the series (:mod:`.data`, including
the arrivals convention and a side that starts at 0); the model in normalised units
(:mod:`.model`); plain least squares for every law the data allow, nested laws started from
the laws they contain (:mod:`.estimate`); the error model (measurement noise and day-to-day
loss variation) estimated from the most general of those fits (:mod:`.noise`); every
requested law refitted by generalised least squares under it, with profile-likelihood
intervals; and the comparison across laws (:mod:`.result`).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from forceratio.arguments import Seed, choice, instance, shown
from forceratio.errors import ForceratioError, InputError
from forceratio.fitting import bootstrap
from forceratio.fitting import noise as noise_mod
from forceratio.fitting.data import ARRIVALS, OPTIONAL, REQUIRED, RISES, Battle, read_battle
from forceratio.fitting.error_model import (
    free_noise,
    started,
)
from forceratio.fitting.estimate import (
    Interval,
    Objective,
    Solution,
    best_of,
    profile_intervals,
)
from forceratio.fitting.model import (
    CONTAINS,
    FIT_LAWS,
    INITIAL_NAMES,
    LawSpec,
    free_initial,
    law_spec,
    physical_rates,
    predict,
)
from forceratio.fitting.result import (
    INTERVAL_METHOD,
    FitResult,
    akaike_weights,
    edge_caveat,
    information_criteria,
    likelihood_ratio_tests,
)

__all__ = [
    "FIT_LAWS",
    "OPTIONAL",
    "REQUIRED",
    "Battle",
    "FitResult",
    "fit_battle",
    "fit_laws",
    "fit_laws_report",
    "read_battle",
]


def _guess(b: Battle, spec: LawSpec) -> np.ndarray:
    """Normalised rates from the average daily loss fraction of each side."""
    sr, sb = b.scale
    rates = []
    for own, arr, s in ((b.blue, b.blue_in, sb), (b.red, b.red_in, sr)):
        idx = np.flatnonzero(np.isfinite(own))
        last = int(idx[-1])
        if last == 0:
            rates.append(0.01)
            continue
        lost = (own[0] + arr[:last].sum() - own[last]) / s
        rates.append(max(lost, 1e-4) / max(float(b.t[last]), 1e-9))
    x = [math.log(rates[0]), math.log(rates[1])]
    if spec.law == "helmbold":
        x.append(0.5)
    elif spec.law == "power":
        x += [1.0, 0.0]
    if "log_attack_factor" in spec.names:
        x.append(0.0)
    first = (b.red[0] / sr, b.blue[0] / sb)
    x += [v for v, name in zip(first, INITIAL_NAMES, strict=True) if name in spec.names]
    out: np.ndarray = np.clip(np.array(x), spec.lower, spec.upper)
    return out


def _starts(
    spec: LawSpec, own: np.ndarray, done: dict[str, tuple[LawSpec, Solution]]
) -> list[np.ndarray]:
    """A law's first guess, every contained law's optimum, and a few fixed exponents."""
    starts = [own]
    inner = [done[c] for c in CONTAINS.get(spec.law, ()) if c in done]
    for s, sol in inner:
        starts.append(spec.embed(s, sol.theta))
    if inner:
        rates = min(inner, key=lambda x: x[1].cost)[1].theta[:2]
        grid = {"helmbold": [[0.25], [0.5], [0.75]], "power": [[0.5, 0.5], [1.0, 0.5]]}
        for g in grid.get(spec.law, []):
            x = np.concatenate([rates, g, own[2 + len(g) :]])
            starts.append(x)
    return starts


def _failure(law: str, err: ForceratioError) -> str:
    """Why a law could not be fitted (the engine could not follow it on these data)."""
    return (
        f"{law} could not be fitted: the engine could not follow its path on these data "
        f"({err}); fit another law"
    )


def _fit_all(
    b: Battle, specs: dict[str, LawSpec], whiten: np.ndarray | None, failed: dict[str, str]
) -> dict[str, tuple[LawSpec, Solution]]:
    """Plain least squares for every law of ``specs``; a law the engine cannot follow on
    these data is left out and its reason put in ``failed`` (it never stops the others)."""
    done: dict[str, tuple[LawSpec, Solution]] = {}
    for law, spec in specs.items():
        obj = Objective(b, spec, whiten)
        try:
            sol = best_of(obj, _starts(spec, _guess(b, spec), done))
            predict(b, spec, sol.theta, strict=True)  # the optimum itself must be followed
            done[law] = (spec, sol)
        except InputError:
            raise
        except ForceratioError as err:
            failed[law] = _failure(law, err)
    return done


def _reference(ols: dict[str, tuple[LawSpec, Solution]], n: int) -> str:
    """The law whose plain least-squares fit has the lowest AICc: its path and residuals
    shape the error model (the most general law would let weakly identified exponents
    distort the shape)."""

    def aicc(law: str) -> float:
        spec, sol = ols[law]
        k = spec.k
        extra = 2.0 * k * (k + 1) / (n - k - 1) if n > k + 1 else math.inf
        return n * math.log(max(sol.cost, 1e-300) / n) + 2.0 * k + extra

    return min(ols, key=aicc)


def _ci(iv: Interval, rate: bool) -> tuple[float | None, float | None]:
    """An interval on the fitted scale mapped to the reported one.  An end the profile does
    not reach before the parameter's box bound is open (``None``), except a rate's lower
    end, which is then 0 (a rate cannot be negative; the box's floor is 1e-9)."""
    if rate:
        low = math.exp(iv.low) if iv.low is not None else 0.0
        high = math.exp(iv.high) if iv.high is not None else None
        return low, high
    return iv.low, iv.high


#: A side reported fewer times than this gets a note: the rates' 95% intervals run narrow.
#: Measured (2026-12-06, 200 draws each, both rates; ``synth.series`` square law 20,000 v
#: 16,000 at 0.03 and 0.04, 2% log-normal reporting noise on every row, day-to-day loss factor
#: sd 0.3, rounded to 100): 3 reports a side 372 of 400 (93.0%), 4 reports 358 (89.5%),
#: 5 reports 393 (98.3%), 6 reports 395 (98.8%), 9 reports 386 (96.5%).  The error model's
#: two sizes come from a handful of residuals.
SHORT_REPORTS = 5


def short_note(b: Battle) -> list[str]:
    """The note for a side seen fewer than :data:`SHORT_REPORTS` times (none otherwise)."""
    seen = min(int(np.isfinite(b.red).sum()), int(np.isfinite(b.blue).sum()))
    if seen >= SHORT_REPORTS:
        return []
    return [
        f"{seen} reports of a side (under {SHORT_REPORTS}): the noise sizes are estimated from "
        "so few residuals that the rates' 95% intervals run narrow (coverage measured 93.0% at "
        "3 reports a side, 89.5% at 4, README): read them as rough"
    ]


def _result(
    b: Battle, obj: Objective, sol: Solution, nz: noise_mod.Noise, n: int, arrivals: str,
    refits: int = 0, seed: Seed = 0,
) -> FitResult:  # fmt: skip
    spec = obj.spec
    sr, sb = b.scale
    ivs = profile_intervals(obj, sol, n, scale_floor=1.0 if nz.at_rounding else 0.0)
    method, unseen = INTERVAL_METHOD, bootstrap.profile_notes(obj)
    if refits and unseen and spec.law in bootstrap.LAWS:
        (alpha, beta), done = bootstrap.intervals(obj, sol.theta, nz, refits, seed)
        ivs[:2] = [Interval(math.log(lo), math.log(hi)) for lo, hi in (alpha, beta)]
        method = bootstrap.method(done, refits, seed)
        unseen = [bootstrap.note(done, refits, seed)]
    red, blue = physical_rates(b, spec, sol.theta)
    span = spec.upper - spec.lower
    at_bound = [
        name.removeprefix("log_")
        for name, x, lo, hi, s in zip(
            spec.names, sol.theta, spec.lower, spec.upper, span, strict=True
        )
        if min(x - lo, hi - x) <= 1e-6 * s
    ]
    # not identifiable: an interval end the data do not reach (open), but for a rate's
    # lower end (0: the rate may be indistinguishable from none, a bound all the same)
    not_ident = [
        name.removeprefix("log_")
        for name, iv in zip(spec.names, ivs, strict=True)
        if name not in INITIAL_NAMES
        and (iv.high is None or (iv.low is None and name not in ("log_red_rate", "log_blue_rate")))
    ]
    nred = _ci(ivs[0], True)
    nblue = _ci(ivs[1], True)
    fixed = spec.law in ("square", "linear", "logarithmic")
    to_red, to_blue = red / math.exp(sol.theta[0]), blue / math.exp(sol.theta[1])

    def scaled(c: tuple[float | None, float | None], f: float) -> tuple[float | None, float | None]:
        if not fixed:
            return None, None
        return tuple(None if v is None else v * f for v in c)  # type: ignore[return-value]

    # R^2 on the scaled strengths, against each side's spread around its mean
    e, _ = obj.raw(sol.theta[None, :])
    mr, mb, _, _ = obj.observed()
    ys = np.concatenate([b.red[mr] / sr, b.blue[mb] / sb])
    group = np.concatenate([np.zeros(mr.sum()), np.ones(mb.sum())])
    sst = sum(
        float(np.sum((ys[group == g] - ys[group == g].mean()) ** 2))
        for g in (0, 1)
        if (group == g).any()
    )
    ss = float(np.sum(e**2))
    n_e = e.shape[1]
    ll = -0.5 * (n_e * math.log(2 * math.pi) + nz.log_det + sol.cost)
    aic, aicc, bic = information_criteria(ll, n, spec.k)
    xs, yv = predict(b, spec, sol.theta)
    rows = []
    for side, obs, path, s in (("red", b.red, xs[0], sr), ("blue", b.blue, yv[0], sb)):
        for j in range(b.t.size):
            o = float(obs[j])
            rows.append(
                {
                    "day": float(b.t[j] + b.day0),
                    "side": side,
                    "observed": o if math.isfinite(o) else None,
                    "fitted": float(path[j] * s),
                    "residual": o - float(path[j] * s) if math.isfinite(o) else None,
                }
            )
    caveat = edge_caveat(spec.names, sol.theta, spec.lower, spec.upper)
    message = "" if sol.converged else f"did not converge: {sol.message}"
    if at_bound:
        message = (message + "; " if message else "") + f"at a bound: {', '.join(at_bound)}"
    out = FitResult(
        law=spec.law,
        red_rate=red,
        blue_rate=blue,
        red_rate_ci=scaled(nred, to_red),
        blue_rate_ci=scaled(nblue, to_blue),
        r2=1.0 - ss / sst if sst > 0 else math.nan,
        aic=aic,
        n_obs=n,
        converged=sol.converged,
        residual_sd=math.sqrt(ss / max(n - spec.k, 1)),
        red_rate_normalised=math.exp(sol.theta[0]),
        blue_rate_normalised=math.exp(sol.theta[1]),
        red_rate_normalised_ci=nred,
        blue_rate_normalised_ci=nblue,
        k=spec.k,
        log_likelihood=ll,
        aicc=aicc,
        bic=bic,
        at_bound=at_bound,
        not_identifiable=not_ident,
        message=message,
        sigma_measurement=0.0 if nz.measurement_zero else nz.sigma_measurement,
        sigma_process=nz.sigma_process if nz.process_identified else math.nan,
        rounding_sd=noise_mod.resolution(np.concatenate([b.red, b.blue])) / math.sqrt(12.0),
        arrivals=arrivals,
        residuals=rows,
        notes=[*b.notes, *short_note(b), *unseen, *([f"{spec.law}: {caveat}"] if caveat else [])],
        comparison_caveat=caveat,
        interval_method=method,
    )
    for i, name in enumerate(spec.names[2:], start=2):
        if name in INITIAL_NAMES:
            continue
        if name == "log_attack_factor":
            out.exponents["attack_factor"] = math.exp(sol.theta[i])
            lo, hi = ivs[i].low, ivs[i].high
            out.exponents_ci["attack_factor"] = (
                None if lo is None else math.exp(lo),
                None if hi is None else math.exp(hi),
            )
        else:
            out.exponents[name] = float(sol.theta[i])
            out.exponents_ci[name] = _ci(ivs[i], False)
    return out


def _solve(
    b: Battle, laws: list[str], initial: bool = True
) -> tuple[dict[str, tuple[LawSpec, Solution]], noise_mod.Noise, int, list[str], dict[str, str]]:
    """The generalised least-squares fits of ``laws`` (and the laws they contain), the error
    model, the number of observations, the requested laws fitted and why each other
    requested law was not (too few observations, or the engine could not follow it)."""
    attack = b.attack is not None
    for law in laws:
        law_spec(law)
    free = free_initial(b) if initial else (False, False)
    all_specs = {law: law_spec(law, attack, free) for law in FIT_LAWS}
    pinned = {law: law_spec(law, attack) for law in FIT_LAWS}
    probe = Objective(b, all_specs["square"], None)
    mr, mb, cr, cb = probe.observed()
    n_e = int(mr.sum() + mb.sum())
    n = n_e + int(cr.sum() + cb.sum())
    allowed = {k: s for k, s in all_specs.items() if s.k < n}
    failed: dict[str, str] = {
        law: f"{law} needs more observations than its {all_specs[law].k} parameters"
        f"{' (the initial strengths included)' if any(free) else ''}; "
        f"the data give {n}{' (the first row included)' if any(free) else ''}"
        for law in laws
        if law not in allowed
    }
    if not allowed:  # the data, not the law: no law has so few parameters
        k = min(s.k for s in all_specs.values())
        smallest = [law for law, s in all_specs.items() if s.k == k]
        least = " or ".join([", ".join(smallest[:-1]), smallest[-1]] if smallest[:-1] else smallest)
        raise InputError(
            b.where,
            f"too few observations to fit any law: {n}"
            f"{' (the first row included)' if any(free) else ''}, and the smallest laws "
            f"({least}) have {k} parameters"
            f"{' (the initial strengths included)' if any(free) else ''}; give more days",
        )
    if len(failed) == len(laws):
        raise InputError("law", "; ".join(failed.values()))
    # every allowed law by plain least squares, for the error model's reference; a law the
    # engine cannot follow is left out (named only if it was asked for)
    broken: dict[str, str] = {}
    ols = _fit_all(b, {law: pinned[law] for law in allowed}, None, broken)
    failed.update({law: why for law, why in broken.items() if law in laws})
    if not ols:
        raise InputError("law", "; ".join(broken.values()))
    ref = _reference(ols, n)
    nz = free_noise(b, pinned[ref], ols[ref][1], allowed[ref])
    need = {c for law in laws for c in (law, *CONTAINS.get(law, ())) if c in ols}
    gls: dict[str, tuple[LawSpec, Solution]] = {}
    for law, spec in allowed.items():
        if law in need:
            obj = Objective(b, spec, nz.whiten)
            try:
                start = started(b, spec, ols[law][1].theta)
                gls[law] = (spec, best_of(obj, _starts(spec, start, gls)))
            except InputError:
                raise
            except ForceratioError as err:
                if law in laws:
                    failed[law] = _failure(law, err)
    laws = [law for law in laws if law in gls]
    if not laws:
        raise InputError("law", "; ".join(failed.values()))
    return gls, nz, n, laws, failed


def check_law(law: object, everything: bool) -> None:
    """A law of :data:`FIT_LAWS` (or ``"all"``), named ``law`` as the command's option."""
    if not isinstance(law, str) or law not in (*FIT_LAWS, *(("all",) if everything else ())):
        laws = ", ".join(FIT_LAWS) + (" or all" if everything else "")
        raise InputError("law", f"unknown law {shown(law)}; choose {laws}")


def _check_call(
    data: object,
    law: object,
    arrivals: object,
    everything: bool,
    battle: bool = True,
    rises: object = "note",
) -> None:
    """The arguments of :func:`fit` and :func:`fit_battle`, named as in Python (the command
    line prints ``law`` and ``arrivals`` as its options)."""
    kinds = (pd.DataFrame, Path, str, *((Battle,) if battle else ()))
    instance("data", data, kinds, "a DataFrame or a CSV path" + (" or a Battle" if battle else ""))
    if isinstance(data, str) and ("\n" in data or "\r" in data):  # a path has no line break
        raise InputError(
            "data", f"a CSV path, got text of several lines ({shown(data, 30)}): give the "
            "file's path, or the text read as a table, pandas.read_csv(io.StringIO(text))",
        )  # fmt: skip
    check_law(law, everything)
    choice("arrivals", arrivals, ARRIVALS)
    choice("rises", rises, RISES)


def fit_laws_state(
    b: Battle, law: str, initial: bool = True
) -> tuple[LawSpec, Solution, noise_mod.Noise, int]:
    """One law's fitted state (for the joint fit of several battles); ``initial``: estimate
    the initial strengths (else the path starts at the first row)."""
    gls, nz, n, _, _ = _solve(b, [law], initial)
    spec, sol = gls[law]
    return spec, sol, nz, n


def fit_laws_report(
    b: Battle, laws: list[str], arrivals: str = "after-observation", *, refits: int = 0,
    seed: Seed = 0,
) -> tuple[list[FitResult], list[dict[str, object]], dict[str, str]]:  # fmt: skip
    """:func:`fit_laws`, and why each requested law left out was not fitted (``{law:
    reason}``): too few observations, or the engine could not follow the law on these data
    (a stiff path).  A law that fails never stops the others; only when no requested law
    can be fitted is that an error.  ``refits``: for a side seen only at the start and at
    its annihilation, the rates' intervals from that many parametric-bootstrap refits
    (:mod:`.bootstrap`, seeded by ``seed``; laws with fixed exponents) instead of the
    profile (0: the profile, with a note that it is too narrow there); refused where no
    fit would use them (:func:`.bootstrap.check_applies`)."""
    instance("b", b, Battle, "a Battle (read_battle(data))")
    bootstrap.check(refits, seed)
    if isinstance(laws, str) or not isinstance(laws, list | tuple) or not laws:
        raise InputError("laws", f"expected a list of laws, got {shown(laws)}")
    for law in laws:
        check_law(law, everything=False)
    choice("arrivals", arrivals, ARRIVALS)
    bootstrap.check_applies(b, list(laws), refits)
    gls, nz, n, fitted, failed = _solve(b, list(laws))
    results = []
    for law in fitted:
        try:
            results.append(
                _result(
                    b,
                    Objective(b, gls[law][0], nz.whiten),
                    gls[law][1],
                    nz,
                    n,
                    arrivals,
                    refits,
                    seed,
                )
            )
        except InputError:
            raise
        except ForceratioError as err:
            failed[law] = _failure(law, err)
    if not results:
        raise InputError("law", "; ".join(failed.values()))
    akaike_weights(results)
    return results, likelihood_ratio_tests(results), failed


def fit_laws(
    b: Battle, laws: list[str], arrivals: str = "after-observation", *, refits: int = 0,
    seed: Seed = 0,
) -> tuple[list[FitResult], list[dict[str, object]]]:  # fmt: skip
    """Fit each law in ``laws`` to ``b``; also the likelihood-ratio tests of the nested pairs
    among them.  A law with at least as many parameters as observations, or one the engine
    cannot follow on these data, is left out (:func:`fit_laws_report` says why)."""
    results, tests, _ = fit_laws_report(b, laws, arrivals, refits=refits, seed=seed)
    return results, tests


def fit_battle(
    data: Battle | pd.DataFrame | Path | str,
    law: str = "square",
    *,
    arrivals: str = "after-observation",
    rises: str = "note",
    refits: int = 0,
    seed: Seed = 0,
) -> FitResult:
    """Fit one law; see the module docstring (``rises``: :func:`read_battle`; ``refits``,
    ``seed``: :func:`fit_laws_report`)."""
    _check_call(data, law, arrivals, everything=False, rises=rises)
    b = data if isinstance(data, Battle) else read_battle(data, arrivals=arrivals, rises=rises)
    return fit_laws(b, [law], arrivals, refits=refits, seed=seed)[0][0]
