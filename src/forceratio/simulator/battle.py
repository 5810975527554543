"""The batch API for classic two-sided battles: :func:`battle`."""

from __future__ import annotations

import contextlib
from typing import Literal, cast

from numpy.typing import ArrayLike

from forceratio.arguments import battle_counts, check_times, instance, numbers, per_scenario, real
from forceratio.errors import InputError
from forceratio.simulator.closed_form import CLOSED_FORMS
from forceratio.simulator.engagement import Engagement, batch_size, make_side
from forceratio.simulator.laws import LAWS, Law, get_law
from forceratio.simulator.magnitudes import check_battle_inputs, check_whole_units
from forceratio.simulator.result import ANNIHILATION_UNITS, BattleResult
from forceratio.simulator.solve import METHODS as DET_METHODS
from forceratio.simulator.solve import Method as DetMethod
from forceratio.simulator.solve import (
    closed_form_outcome,
    closed_form_result,
    simulate,
)
from forceratio.simulator.stochastic import StochasticMethod, simulate_stochastic

Method = Literal["auto", "closed_form", "integrator", "compiled", "gillespie", "tau_leap"]
INPUTS = ("red", "blue", "red_rate", "blue_rate", "red_breakpoint", "blue_breakpoint",
          "annihilation")  # fmt: skip


#: make_side's arguments as battle's: ``red.kill_rates`` is ``red_rate``.
_ARGUMENT = {"strength": "{side}", "kill_rates": "{side}_rate", "breakpoint": "{side}_breakpoint",
             "annihilation": "annihilation"}  # fmt: skip


def battle(
    law: str | Law, red: ArrayLike, blue: ArrayLike, red_rate: ArrayLike, blue_rate: ArrayLike,
    *, t_max: float = 365.0, times: ArrayLike | None = None, p: float | None = None,
    q: float | None = None, w: float | None = None, red_breakpoint: ArrayLike = 0.0,
    blue_breakpoint: ArrayLike = 0.0, replications: int | None = None, seed: int | None = None,
    method: Method = "auto", rtol: float = 1e-7, keys: ArrayLike | None = None,
    annihilation: ArrayLike = ANNIHILATION_UNITS,
) -> BattleResult:  # fmt: skip
    """Fight N one-category battles at once.

    Every numeric input is a scalar or an array of length N; one call evaluates all N.

    Parameters
    ----------
    law : str or Law
        ``square``, ``linear``, ``logarithmic``, ``ancient``, ``mixed``, ``helmbold``
        (needs ``w``) or ``power`` (needs ``p`` and ``q``); see :mod:`.laws`.
    red, blue : float or ndarray, shape (N,)
        Initial strengths (units, >= 0).  With ``replications`` they are counts of units
        (the stochastic model is a chain on whole units): a strength that rounding to a
        whole unit would change by more than 0.1% of it is refused (1.4 v 0.6 thousand men:
        give 1400 v 600 men and ``annihilation`` in men); from 500 units up any fraction
        is rounded to the nearest whole unit.
    red_rate, blue_rate : float or ndarray, shape (N,)
        Kill rates in the law's unit (per unit per day under the square law; :mod:`.laws`):
        ``red_rate`` is red's rate against blue.
    t_max : float
        Longest battle (days); undecided battles stop there.
    times : sequence of float, optional
        Days at which to record the trajectory (with replications: read off each run's
        path, without changing the runs of a seed).
    red_breakpoint, blue_breakpoint : float or ndarray
        Fraction of initial strength at which a side quits, in [0, 1).
    replications, seed : int, optional
        With ``replications``, run the stochastic engine that many times per scenario,
        seeded with ``seed`` (required).
    method : str
        ``auto`` (closed form when exact, else the integrator; with replications the exact
        simulator for scenarios of at most 2,000 units, tau-leaping for larger ones, chosen
        scenario by scenario), or force one of ``closed_form``, ``integrator``,
        ``gillespie``, ``tau_leap`` (``compiled``: an old name of ``integrator``).
    keys : array of int, shape (N,), optional
        Stochastic runs: the key of each scenario's random stream (default its position).
        Give stable keys (sample numbers) to get the same numbers for a scenario however a
        batch is split, reordered or combined.
    annihilation : float or ndarray, shape (N,)
        Strength (the strengths' unit) at or below which a side is annihilated, 0.5 by
        default: half a man when the strengths count men.  In another unit give the level
        in it (thousands of men: 0.0005), or the result changes with the unit (1 v 0.8
        thousand at the default 0.5 is over on day 35, not 124); 0 fights to zero.  A side
        is out at the larger of this and its breakpoint, by every method.

    Returns
    -------
    BattleResult
        ``winner``, ``red_final``, ``blue_final``, ``duration`` are arrays over the N
        scenarios (N * replications runs when stochastic).

    Examples
    --------
    >>> r = battle("square", 1000, 800, 0.01, 0.012)
    >>> r.winner[0], round(float(r.red_final[0]), 2), round(float(r.duration[0]), 2)
    ('red', 481.66, 124.03)
    """
    instance("law", law, (str, Law), f"a law name ({', '.join(LAWS)}) or a Law")
    ex = {k: None if v is None else real(k, v) for k, v in zip("pqw", (p, q, w), strict=True)}
    lw = get_law(law, **ex)
    snaps = None if times is None else numbers("times", times)
    t_max_f, tt = check_times(real("t_max", t_max), snaps)
    if not isinstance(method, str) or method not in (*DET_METHODS, "gillespie", "tau_leap"):
        raise InputError("method", f"unknown method {method!r}")
    red, blue, red_rate, blue_rate, red_breakpoint, blue_breakpoint, annihilation = arrays = (
        per_scenario(INPUTS, red, blue, red_rate, blue_rate, red_breakpoint, blue_breakpoint,
                     annihilation))  # fmt: skip
    n, rtol = batch_size(*arrays), real("rtol", rtol)
    closed = method == "closed_form" or (method == "auto" and lw.name in CLOSED_FORMS)
    path = ("square" if lw.name == "square" else "closed_form") if closed else "integrator"
    batch = next((f for f, a in zip(INPUTS, arrays, strict=True) if a.size == n), "red")
    replications = battle_counts(n, tt.size, replications, seed, keys, path=path, batch=batch)
    if replications is None and lw.name == "square" and method in ("auto", "closed_form"):
        # one compiled pass that also checks the inputs; a bad value is named below
        with contextlib.suppress(InputError):
            out = closed_form_outcome(
                "square", n, red, blue, red_rate, blue_rate, red_breakpoint,
                blue_breakpoint, annihilation, annihilation, t_max_f,
            )  # fmt: skip
            return closed_form_result("square", out, red_rate, blue_rate, tt)
    check_battle_inputs(red, blue, red_rate, blue_rate, seed)  # no silent under/overflow
    if replications is not None:  # the chain counts whole units
        check_whole_units("red", red)
        check_whole_units("blue", blue)
    try:
        red_side, blue_side = (
            make_side(name, x, rate, n=n, k_enemy=1, breakpoint=bp, annihilation=annihilation)
            for name, x, rate, bp in (("red", red, red_rate, red_breakpoint),
                                      ("blue", blue, blue_rate, blue_breakpoint))
        )  # fmt: skip
    except InputError as exc:  # make_side's side.argument, said as this function's argument
        side, _, arg = exc.field.partition(".")
        raise InputError(_ARGUMENT.get(arg, "{side}").format(side=side), exc.problem) from None
    eng = Engagement(lw, red_side, blue_side)
    if replications is None:
        if method in ("gillespie", "tau_leap"):
            raise InputError("method", f"{method} needs replications")
        return simulate(eng, t_max=t_max_f, times=tt, method=cast(DetMethod, method), rtol=rtol)
    if method in DET_METHODS[1:]:
        raise InputError("method", f"{method} is deterministic; drop replications")
    return simulate_stochastic(
        eng, replications=replications, seed=cast(int, seed), t_max=t_max_f, times=tt,
        keys=keys, method=cast(StochasticMethod, method),
    )  # fmt: skip
