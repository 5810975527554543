"""Parametric-bootstrap intervals for a side seen only at the start and at its annihilation
(Engel's Iwo Jima configuration).

There the profile intervals are too narrow: the annihilation enters as an exact constraint,
while that side's unseen day-to-day loss variation moves the day it is wiped out (and the
other side's losses).  The bootstrap puts that variation back: from the fitted law and rates
it simulates ``n`` new battles day by day (each day one call of the engine for the ``n``
at once, :func:`forceratio.simulator.battle.battle`; each day's losses of each side multiplied by
``exp(N(0, sigma_p**2) - sigma_p**2 / 2)``, each report off by ``N(0, sigma_m**2)`` times
its level as in :mod:`.noise` and written to the original's last digit, whose rounding
variance the fit adds, :func:`written`), each ending at the first row at which the unseen side is at
0 (its new annihilation day; the series extended at the last step when it outlives the
original), and refits each as the fit itself does (plain least squares, the noise sizes by
REML, generalised least squares).  The interval is the percentile interval of the refitted
rates (Efron & Tibshirani 1993, ch. 13), seeded.

The noise sizes of each simulated battle are drawn from their restricted likelihood
(:func:`forceratio.fitting.noise.process_sample`), not fixed at the estimate: on Engel-type
series REML puts sigma_p at 0 on about a third of the draws, and a bootstrap with the
fitted noise was then as narrow as the profile (``process="fitted"`` keeps that variant).

ASSUMPTION: a flat prior on sigma_p over 0 .. 2; the law's exponents fixed (square,
linear, logarithmic); the error model's reference law the fitted law itself.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from forceratio.arguments import Seed, seed_sequence, seed_text
from forceratio.errors import ForceratioError, InputError
from forceratio.fitting.data import Battle
from forceratio.fitting.estimate import Objective, Solution, minimise
from forceratio.fitting.model import INITIAL_NAMES, LawSpec, engine_rates, law_spec
from forceratio.fitting.noise import LEVEL_FLOOR, Noise, process_sample, resolution
from forceratio.simulator.battle import battle
from forceratio.simulator.magnitudes import STRENGTH_RANGE

FloatArray = NDArray[np.float64]
#: The number of refits by default.
REFITS = 199
LEVEL = 0.95


def unseen_sides(obj: Objective) -> list[str]:
    """The sides seen only at the start and at their annihilation."""
    mr, mb, cr, cb = obj.observed()
    return [s for s, m, c in (("red", mr, cr), ("blue", mb, cb)) if not m[1:].any() and c.any()]


#: The measured coverage of the square law's 95% intervals on the 30 synthetic Iwo
#: Jima-like draws (the defender seen only at the start and at its annihilation; day-to-day
#: loss variation sd 0.2, 1% measurement noise): red's rate, blue's rate, draws.
ENGEL_COVERAGE = (21, 22, 30)


#: The laws the bootstrap refits: those with fixed exponents.
LAWS = ("square", "linear", "logarithmic")


def profile_notes(obj: Objective) -> list[str]:
    """A note for each side seen only at the start and at its annihilation (Engel's
    configuration), whose intervals are known to be too narrow (README, Intervals).  Only a
    law the bootstrap takes (:data:`LAWS`) is advised to ask for it."""
    red, blue, draws = ENGEL_COVERAGE
    way = (
        "or take the rates' intervals from a parametric bootstrap (--bootstrap 199, refits=199)"
        if obj.spec.law in LAWS
        else f"the parametric bootstrap (--bootstrap) takes only {', '.join(LAWS)}, not "
        "helmbold or power"
    )
    return [
        f"{side} is seen only at the start and at its annihilation: the intervals are too "
        f"narrow here (the error model cannot see {side}'s day-to-day loss variation, which "
        "moves the day it is wiped out and the other side's losses); on synthetic Iwo "
        f"Jima-like series the 95% intervals covered the true rates {red} and {blue} times in "
        f"{draws} (about 70%): widen them, read them as about 70% intervals; {way}"
        for side in unseen_sides(obj)
    ]


def check_applies(b: Battle, laws: list[str], refits: int) -> None:
    """Refuse ``refits`` where no fit would use them: no law of :data:`LAWS` among ``laws``,
    or no side seen only at the start and at its annihilation (the profile intervals then
    hold, README Intervals)."""
    if not refits:
        return
    if not set(laws) & set(LAWS):
        raise InputError(
            "refits",
            f"the bootstrap refits only {', '.join(LAWS)} (fixed exponents), not "
            f"{', '.join(laws)}: ask for no bootstrap, or fit one of those laws",
        )
    if not unseen_sides(Objective(b, law_spec("square"), None)):
        raise InputError(
            "refits",
            "applies only to a side seen only at the start and at its annihilation (Engel's "
            "Iwo Jima configuration); here every side is observed between, or neither is "
            "annihilated: the profile intervals serve (on every synthetic case measured they "
            "covered 95% within binomial noise, or more; README), ask for no bootstrap",
        )


#: A strength (men) below which a side drawn by the bootstrap is at 0: the engine's smallest
#: non-zero strength (:data:`forceratio.simulator.magnitudes.STRENGTH_RANGE`), a millionth
#: of a man, reached only where a day's drawn losses leave a side a sliver of itself.
FLOOR = STRENGTH_RANGE[0]


def _day(
    x: FloatArray, y: FloatArray, dt: float, law: str, rates: tuple[float, float],
    f: tuple[float, float],
) -> tuple[FloatArray, FloatArray]:  # fmt: skip
    """Red's and blue's strengths (men, shape (n,)) after ``dt`` days of ``law`` from ``x``,
    ``y``: one engine call for the ``n`` draws (:func:`forceratio.simulator.battle.battle`,
    the law's closed form; a side at 0 neither fires nor loses).  ``rates``: the engine's
    red_rate and blue_rate (:func:`.model.engine_rates`); ``f`` the factors on red's and
    blue's losses (the attack factor on the day)."""
    x, y = np.where(x < FLOOR, 0.0, x), np.where(y < FLOOR, 0.0, y)
    res = battle(law, x, y, rates[0] * f[1], rates[1] * f[0], t_max=dt, annihilation=0.0)
    return res.red_final, res.blue_final


def written(men: FloatArray, unit: float) -> FloatArray:
    """Reports (men) written to the last digit ``unit`` (men) the original series is written
    to (:func:`.noise.resolution`; 0: not rounded).  The fit adds that rounding's variance,
    unit**2 / 12, to every report's measurement variance (:func:`.error_model.rounding`):
    the draws carry it too (a uniform error of that variance where a report's spread is at
    least about half the unit, Sheppard's correction), and each refit reads the same unit
    off them (unrounded, it read none and fitted without the floor)."""
    if unit <= 0:
        return men
    out: FloatArray = np.round(men / unit) * unit
    return out


def draw_battles(
    obj: Objective, theta: FloatArray, sigmas: tuple[FloatArray, FloatArray],
    rng: np.random.Generator,
) -> list[Battle]:  # fmt: skip
    """Battles drawn from the fitted model, one per (sigma_m, sigma_p) of ``sigmas`` (see
    the module docstring): each day of all of them one engine call (:func:`_day`)."""
    b, spec = obj.battle, obj.spec
    sr, sb = b.scale
    if spec.law not in LAWS:
        raise InputError("law", f"the bootstrap draws only {', '.join(LAWS)}, not {spec.law}")
    red_rate, blue_rate = (float(v[0]) for v in engine_rates(b, spec, theta[None, :]))
    f_all = spec.factor(theta[None, :])
    factor = 1.0 if f_all is None else float(f_all[0])
    sm, sp = sigmas
    n = sm.size
    dead = [s == "red" for s in unseen_sides(obj)] or [False]
    hidden = 0 if dead[0] else 1
    mr, mb, _, _ = obj.observed()
    unit = resolution(np.concatenate([b.red, b.blue]))  # men: the reports' last digit
    steps = np.diff(b.t)
    rows = b.t.size
    extra = 3 * rows  # rows added at the last step when the unseen side outlives the series
    t = np.concatenate([b.t, b.t[-1] + steps[-1] * np.arange(1, extra + 1)])
    rin = np.concatenate([b.red_in, np.zeros(extra)])  # men
    bin_ = np.concatenate([b.blue_in, np.zeros(extra)])
    start = spec.initial(b, theta[None, :])[0]
    x, y = np.full(n, start[0] * sr), np.full(n, start[1] * sb)
    xs, ys = [x], [y]
    for j in range(t.size - 1):
        x0, y0 = x + rin[j], y + bin_[j]
        att = 0.0 if b.attack is None or j >= b.attack.size else float(b.attack[j])
        f = (factor if att < 0 else 1.0, factor if att > 0 else 1.0)
        z = rng.normal(0.0, 1.0, (2, n)) * sp - 0.5 * sp**2
        if not (x0, y0)[hidden].any():  # every draw's end is behind: the rows go unread
            x, y = x0, y0
        else:
            x1, y1 = _day(x0, y0, float(t[j + 1] - t[j]), spec.law, (red_rate, blue_rate), f)
            x = np.maximum(x0 - (x0 - x1) * np.exp(z[0]), 0.0)
            y = np.maximum(y0 - (y0 - y1) * np.exp(z[1]), 0.0)
        xs.append(x)
        ys.append(y)
    paths = np.stack([np.array(xs) / sr, np.array(ys) / sb])  # (2, rows + extra, n), scaled
    seen = np.stack([np.append(mr, [mr[-1]] * extra), np.append(mb, [mb[-1]] * extra)])
    out = []
    for i in range(n):
        gone = np.flatnonzero(paths[hidden, 1:, i] <= 0.0)
        end = int(gone[0]) + 1 if gone.size else t.size - 1
        obs = paths[:, : end + 1, i].copy()
        noisy = obs + sm[i] * np.maximum(obs, LEVEL_FLOOR) * rng.normal(size=obs.shape)
        noisy = np.maximum(noisy, 0.0)
        mask = seen[:, : end + 1].copy()
        mask[:, 0] = True
        # a first row the fit estimates is a noisy report; one it takes as given stays exact
        exact = [name not in spec.names for name in INITIAL_NAMES]
        noisy[exact, 0] = obs[exact, 0]
        noisy[hidden, end] = 0.0
        mask[hidden, end] = True
        noisy[~mask] = np.nan
        out.append(
            Battle(
                t[: end + 1],
                written(noisy[0] * sr, unit),
                written(noisy[1] * sb, unit),
                rin[: end + 1],
                bin_[: end + 1],
                None if b.attack is None else np.resize(b.attack, end),
                b.name,
                b.day0,
            )
        )
    return out


def refit(b: Battle, spec: LawSpec, start: FloatArray) -> FloatArray | None:
    """The fit's estimator on one simulated battle (plain least squares, REML noise sizes,
    generalised least squares); ``None`` when the engine cannot follow it."""
    from forceratio.fitting.error_model import free_noise, started

    try:
        pinned = law_spec(spec.law, "log_attack_factor" in spec.names)
        ols = minimise(Objective(b, pinned, None), start[: pinned.k])
        nz = free_noise(b, pinned, ols, spec)
        gls: Solution = minimise(Objective(b, spec, nz.whiten), started(b, spec, ols.theta))
    except InputError:
        raise
    except (ForceratioError, np.linalg.LinAlgError, ValueError):
        return None
    return gls.theta if math.isfinite(gls.cost) else None


def sigmas(
    obj: Objective, theta: FloatArray, noise: Noise, n: int, rng: np.random.Generator,
    process: str = "sample",
) -> tuple[FloatArray, FloatArray]:  # fmt: skip
    """The noise sizes of ``n`` simulated battles: drawn from their likelihood
    (``"sample"``, :func:`forceratio.fitting.noise.process_sample`) or the fitted ones."""
    if process == "fitted":
        return np.full(n, noise.sigma_measurement), np.full(n, noise.sigma_process)
    from forceratio.fitting.error_model import noise_inputs

    b = obj.battle
    return process_sample(noise_inputs(b, Objective(b, obj.spec, None), theta), n, rng)


def intervals(
    obj: Objective, theta: FloatArray, noise: Noise, refits: int = REFITS, seed: Seed = 0,
    process: str = "sample",
) -> tuple[list[tuple[float, float]], int]:  # fmt: skip
    """Percentile intervals of the normalised rates (alpha, beta) from ``refits`` simulated
    battles, and the number of refits that succeeded."""
    rng = np.random.default_rng(seed_sequence(seed))
    draws = []
    for sim in draw_battles(obj, theta, sigmas(obj, theta, noise, refits, rng, process), rng):
        fitted = refit(sim, obj.spec, theta)
        if fitted is not None:
            draws.append(np.exp(fitted[:2]))
    if len(draws) < max(10, refits // 2):
        raise InputError("refits", f"only {len(draws)} of {refits} bootstrap refits succeeded")
    arr = np.array(draws)
    tail = (1.0 - LEVEL) / 2.0
    lo, hi = np.quantile(arr, [tail, 1.0 - tail], axis=0, method="linear")
    return [(float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))], len(draws)


#: The most refits a fit takes (each about 0.2-0.5 s on a 40-row series).
MAX_REFITS = 10_000


def check(refits: object, seed: object) -> None:
    """``refits``: 0 (off) or 10 .. :data:`MAX_REFITS`; ``seed``: an integer >= 0 or a
    SeedSequence."""
    if (
        isinstance(refits, bool)
        or not isinstance(refits, int)
        or not (refits == 0 or 10 <= refits <= MAX_REFITS)
    ):
        raise InputError(
            "refits", f"must be 0 (off) or 10 .. {MAX_REFITS:,} refits, got {refits!r}"
        )
    if not isinstance(seed, np.random.SeedSequence) and (
        isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0
    ):
        raise InputError("seed", f"must be an integer >= 0 or a SeedSequence, got {seed!r}")


def method(done: int, refits: int, seed: Seed) -> str:
    """The interval method named in a result whose rates were bootstrapped."""
    return (
        f"rates: parametric bootstrap, percentile 95% ({done} of {refits} refits, "
        f"seed {seed_text(seed)}); other parameters: profile likelihood"
    )


def note(done: int, refits: int, seed: Seed) -> str:
    """The note of a result whose rates were bootstrapped (replacing the profile's caveat)."""
    return (
        "a side is seen only at the start and at its annihilation: the rates' intervals are "
        f"parametric-bootstrap percentile intervals ({done} of {refits} refits, "
        f"seed {seed_text(seed)}), "
        "the day-to-day variation's size drawn from its likelihood; on 40 synthetic Iwo "
        "Jima-like series (39 refits each) they covered the true rates 39 and 37 times (95%), "
        "but they are wide: about 1.8 times what the estimates' own "
        "spread needs, as the variation's size is barely known from one series"
    )
