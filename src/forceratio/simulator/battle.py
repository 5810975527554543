"""The batch API for classic two-sided battles: :func:`battle`."""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np
from numpy.typing import ArrayLike

from forceratio.errors import InputError
from forceratio.simulator.engagement import Engagement, batch_size, make_side
from forceratio.simulator.laws import Law, get_law
from forceratio.simulator.result import BattleResult
from forceratio.simulator.solve import Method as DetMethod
from forceratio.simulator.solve import (
    check_times,
    closed_form_result,
    simulate,
    square_compiled,
)
from forceratio.simulator.stochastic import StochasticMethod, simulate_stochastic

Method = Literal["auto", "closed_form", "integrator", "compiled", "gillespie", "tau_leap"]


def battle(
    law: str | Law,
    red: ArrayLike,
    blue: ArrayLike,
    red_rate: ArrayLike,
    blue_rate: ArrayLike,
    *,
    t_max: float = 365.0,
    times: ArrayLike | None = None,
    p: float | None = None,
    q: float | None = None,
    w: float | None = None,
    red_breakpoint: ArrayLike = 0.0,
    blue_breakpoint: ArrayLike = 0.0,
    replications: int | None = None,
    seed: int | None = None,
    method: Method = "auto",
    rtol: float = 1e-7,
) -> BattleResult:
    """Fight N one-category battles at once.

    Every numeric input is a scalar or an array of length N; one call evaluates all N.

    Parameters
    ----------
    law : str or Law
        ``square``, ``linear``, ``logarithmic``, ``ancient``, ``mixed``, ``helmbold``
        (needs ``w``) or ``power`` (needs ``p`` and ``q``); see :mod:`.laws`.
    red, blue : float or ndarray, shape (N,)
        Initial strengths (units, >= 0).
    red_rate, blue_rate : float or ndarray, shape (N,)
        Per-unit kill rate per day: ``red_rate`` is red's rate against blue.
    t_max : float
        Longest battle (days); undecided battles stop there.
    times : sequence of float, optional
        Days at which to record the trajectory.
    red_breakpoint, blue_breakpoint : float or ndarray
        Fraction of initial strength at which a side quits, in [0, 1).
    replications, seed : int, optional
        With ``replications``, run the stochastic engine that many times per scenario,
        seeded with ``seed`` (required).
    method : str
        ``auto`` (closed form when exact, else the integrator; with replications the exact
        simulator for small forces, tau-leaping for large), or force one of
        ``closed_form``, ``integrator``, ``gillespie``, ``tau_leap``.

    Returns
    -------
    BattleResult
        ``winner``, ``red_final``, ``blue_final``, ``duration`` are arrays over the N
        scenarios (N * replications runs when stochastic).

    Examples
    --------
    >>> r = battle("square", 1000, 800, 0.01, 0.012)
    >>> r.winner[0], round(float(r.red_final[0]), 2), round(float(r.duration[0]), 2)
    ('red', 481.66, 124.14)
    """
    lw = get_law(law, p=p, q=q, w=w)
    from forceratio.simulator.magnitudes import check_battle_inputs

    check_battle_inputs(red, blue, red_rate, blue_rate, seed)  # no silent under/overflow
    t_max_f, tt = check_times(t_max, times)
    fast = _square_fast_path(
        lw, red, blue, red_rate, blue_rate, red_breakpoint, blue_breakpoint, t_max_f, tt,
        replications, seed, method,
    )  # fmt: skip
    if fast is not None:
        return fast
    n = batch_size(red, blue, red_rate, blue_rate, red_breakpoint, blue_breakpoint)
    for name, val in (
        ("red", red),
        ("blue", blue),
        ("red_rate", red_rate),
        ("blue_rate", blue_rate),
    ):
        arr = np.asarray(val, dtype=float)
        if arr.ndim > 1:
            raise InputError(name, "must be a scalar or a 1-D array over scenarios")

    def column(v: ArrayLike) -> np.ndarray:
        return np.broadcast_to(np.asarray(v, dtype=float), (n,))

    eng = Engagement(
        lw,
        make_side("red", column(red), column(red_rate), n=n, k_enemy=1, breakpoint=red_breakpoint),
        make_side(
            "blue", column(blue), column(blue_rate), n=n, k_enemy=1, breakpoint=blue_breakpoint
        ),
    )
    if replications is None:
        if method in ("gillespie", "tau_leap"):
            raise InputError("method", f"{method} needs replications")
        if seed is not None:
            raise InputError("seed", "a seed applies only with replications")
        return simulate(eng, t_max=t_max_f, times=tt, method=cast(DetMethod, method), rtol=rtol)
    if seed is None:
        raise InputError("seed", "stochastic runs need an explicit seed")
    if method in ("closed_form", "integrator", "compiled"):
        raise InputError("method", f"{method} is deterministic; drop replications")
    return simulate_stochastic(
        eng,
        replications=replications,
        seed=seed,
        t_max=t_max_f,
        times=tt,
        method=cast(StochasticMethod, method),
    )


def _square_fast_path(
    lw: Any,
    red: ArrayLike,
    blue: ArrayLike,
    red_rate: ArrayLike,
    blue_rate: ArrayLike,
    red_breakpoint: ArrayLike,
    blue_breakpoint: ArrayLike,
    t_max: float,
    times: np.ndarray,
    replications: int | None,
    seed: int | None,
    method: str,
) -> BattleResult | None:
    """Large square-law batches to annihilation with no trajectory: validation and
    outcome in one compiled pass (the same formulas as the closed form's fast path).
    ``None`` sends the call down the general path, which handles everything else and
    reports bad values."""
    from forceratio.simulator import kernel

    if lw.name != "square" or replications is not None or seed is not None:
        return None
    if method not in ("auto", "closed_form"):
        return None
    if times.size or not kernel.AVAILABLE:
        return None
    bps = [np.asarray(x) for x in (red_breakpoint, blue_breakpoint)]
    if any(x.ndim != 0 or x.dtype.kind not in "fiu" or float(x) != 0.0 for x in bps):
        return None
    arrs = [np.asarray(x) for x in (red, blue, red_rate, blue_rate)]
    n = arrs[0].shape[0] if arrs[0].ndim == 1 else 0
    if n < kernel.MIN_BATCH or any(
        x.ndim != 1 or x.shape[0] != n or x.dtype != np.float64 or not x.flags.c_contiguous
        for x in arrs
    ):
        return None
    out = square_compiled(arrs[0], arrs[1], arrs[2], arrs[3], t_max)
    if out is None:
        return None
    t_end, rf, bf, dur, winner, code = out
    ones = np.ones((n, 1))
    return closed_form_result(
        "square", t_end, dur, winner, code, rf, bf, arrs[0].copy(), arrs[1].copy(), ones, ones,
        times,
    )  # fmt: skip
