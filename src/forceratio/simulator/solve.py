"""Solve an :class:`Engagement` by closed form where one exists, else by integration."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.errors import InputError
from forceratio.simulator.closed_form import (
    CLOSED_FORMS,
    square_survivor,
    square_to_annihilation,
    square_trajectory,
)
from forceratio.simulator.engagement import Engagement
from forceratio.simulator.integrate import integrate
from forceratio.simulator.result import (
    ANNIHILATION,
    BLUE,
    BREAKPOINT,
    NONE,
    RED,
    T_MAX,
    BattleResult,
)

FloatArray = NDArray[np.float64]
Method = Literal["auto", "closed_form", "integrator", "compiled"]


def check_times(t_max: float, times: ArrayLike | None) -> tuple[float, FloatArray]:
    """Validate ``t_max`` and the trajectory times (days)."""
    if not np.isfinite(t_max) or t_max <= 0:
        raise InputError("t_max", f"must be finite and > 0, got {t_max}")
    tt = np.zeros(0) if times is None else np.atleast_1d(np.asarray(times, dtype=float))
    if tt.ndim != 1 or not np.all(np.isfinite(tt)) or np.any(tt < 0):
        raise InputError("times", "must be finite, >= 0 days")
    if np.any(np.diff(tt) <= 0):
        raise InputError("times", "must be strictly increasing")
    return float(t_max), tt


def closed_form_applies(eng: Engagement) -> bool:
    """Whether :func:`solve_closed_form` is exact for ``eng``: a law with a closed form,
    one category a side, no time-dependent inputs and the law's own exponents."""
    return (
        eng.law.has_closed_form
        and eng.law.name in CLOSED_FORMS
        and eng.single_category
        and not eng.time_dependent
        and eng.exps == eng.law.exponents()
    )


def solve_closed_form(eng: Engagement, *, t_max: float, times: FloatArray) -> BattleResult:
    """The exact outcome of single-category battles with constant coefficients."""
    if not closed_form_applies(eng):
        raise InputError("method", f"no closed form for this {eng.law.name} engagement")
    level_times, trajectory = CLOSED_FORMS[eng.law.name]
    red, blue = eng.red, eng.blue
    R0, B0 = red.strength[:, 0], blue.strength[:, 0]
    a, b = red.kill_rates[:, 0, 0], blue.kill_rates[:, 0, 0]
    # Levels are in weighted units; the laws run in raw units of the single category.
    LR, LB = red.breakpoint * R0, blue.breakpoint * B0
    fast = (
        eng.law.name == "square"
        and not np.any(LR)
        and not np.any(LB)
        and bool(np.all(a > 0))
        and bool(np.all(b > 0))
        and bool(np.all(R0 > 0))
        and bool(np.all(B0 > 0))
    )
    if fast:
        from forceratio.simulator import kernel

        out = None
        if R0.size >= kernel.MIN_BATCH and kernel.AVAILABLE and not times.size:
            out = square_compiled(R0, B0, a, b, t_max)
        if out is not None:
            t_end, Rf, Bf, dur, winner, code = out
            return _result(eng, t_end, dur, winner, code, Rf, Bf, times, None, None)
        t_hit, Rf, Bf = square_to_annihilation(R0, B0, a, b)
        decided = t_hit <= t_max
        red_first = decided & (Bf > 0)
        draw = np.zeros_like(decided)
        t_end = np.where(decided, t_hit, t_max)
        late = ~decided
        if late.any():  # undecided by t_max (near draws): the strengths at t_max
            Rf[late], Bf[late] = trajectory(R0[late], B0[late], a[late], b[late], t_end[late])
    else:
        tR, tB = level_times(R0, B0, a, b, LR, LB)
        t_hit = np.minimum(tR, tB)
        decided = t_hit <= t_max
        draw = decided & (tR == tB)
        red_first = decided & (tR < tB)
        t_end = np.where(decided, t_hit, t_max)
        Rf, Bf = trajectory(R0, B0, a, b, t_end)
    if eng.law.name == "square" and not fast:
        # The survivor from the invariant, exact whatever the time scale.
        Rf = np.where(decided & ~red_first, square_survivor(R0, B0, a, b, LB), Rf)
        Bf = np.where(decided & red_first, square_survivor(B0, R0, b, a, LR), Bf)
    Rf = np.where(red_first | draw, LR, Rf)
    Bf = np.where(decided & ~red_first, LB, Bf)
    winner = np.where(~decided | draw, NONE, np.where(red_first, BLUE, RED)).astype(np.int8)
    loser_level = np.where(red_first | draw, LR, LB)
    code = np.where(decided, np.where(loser_level > 0, BREAKPOINT, ANNIHILATION), T_MAX).astype(
        np.int8
    )
    red_traj = blue_traj = None
    if times.size:
        tt = np.minimum(times[None, :], t_end[:, None])

        def col(x: FloatArray) -> FloatArray:
            return x[:, None]

        Rt, Bt = trajectory(col(R0), col(B0), col(a), col(b), tt)
        start = times[None, :] == 0.0
        Rt = np.where(start, col(R0), Rt)
        Bt = np.where(start, col(B0), Bt)
        after = times[None, :] >= t_end[:, None]
        Rt = np.where(after, col(Rf), Rt)
        Bt = np.where(after, col(Bf), Bt)
        red_traj, blue_traj = Rt[:, :, None], Bt[:, :, None]
    duration = np.where(decided, t_end, np.nan)
    return _result(eng, t_end, duration, winner, code, Rf, Bf, times, red_traj, blue_traj)


def _result(
    eng: Engagement,
    t_end: FloatArray,
    duration: FloatArray,
    winner: NDArray[np.int8],
    code: NDArray[np.int8],
    Rf: FloatArray,
    Bf: FloatArray,
    times: FloatArray,
    red_traj: FloatArray | None,
    blue_traj: FloatArray | None,
) -> BattleResult:
    """The closed form's result object (single category per side)."""
    red, blue = eng.red, eng.blue
    return closed_form_result(
        eng.law.name, t_end, duration, winner, code, Rf, Bf,
        red.strength[:, 0] * red.weights[:, 0], blue.strength[:, 0] * blue.weights[:, 0],
        red.weights, blue.weights, times, red_traj, blue_traj,
        red.categories, blue.categories,
    )  # fmt: skip


def closed_form_result(
    law: str,
    t_end: FloatArray,
    duration: FloatArray,
    winner: NDArray[np.int8],
    code: NDArray[np.int8],
    Rf: FloatArray,
    Bf: FloatArray,
    red_initial: FloatArray,
    blue_initial: FloatArray,
    red_weights: FloatArray,
    blue_weights: FloatArray,
    times: FloatArray,
    red_traj: FloatArray | None = None,
    blue_traj: FloatArray | None = None,
    red_categories: tuple[str, ...] = ("strength",),
    blue_categories: tuple[str, ...] = ("strength",),
) -> BattleResult:
    """A deterministic single-category result (one run per scenario)."""
    n = t_end.shape[0]
    return BattleResult(
        law=law,
        method="closed_form",
        winner_code=winner,
        end_code=code,
        duration=duration,
        end_time=t_end,
        red_final_by_category=Rf[:, None],
        blue_final_by_category=Bf[:, None],
        red_initial=red_initial,
        blue_initial=blue_initial,
        red_weights=red_weights,
        blue_weights=blue_weights,
        times=times,
        red_trajectory=red_traj,
        blue_trajectory=blue_traj,
        scenario=np.arange(n),
        replication=np.zeros(n, dtype=np.int64),
        red_categories=red_categories,
        blue_categories=blue_categories,
    )


def square_compiled(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, t_max: float
) -> (
    tuple[FloatArray, FloatArray, FloatArray, FloatArray, NDArray[np.int8], NDArray[np.int8]] | None
):
    """The square law to annihilation in one compiled pass (inputs checked there; ``None``
    when any battle needs the general path), with the undecided battles' strengths at
    ``t_max`` filled in."""
    from forceratio.simulator import kernel

    c = [np.ascontiguousarray(x, dtype=float) for x in (R0, B0, a, b)]
    out = kernel.square_battle(c[0], c[1], c[2], c[3], t_max)
    if out is None:
        return None
    t_end, Rf, Bf, dur, winner, code = out
    late = code == T_MAX
    if late.any():  # undecided by t_max (near draws): their strengths at t_max
        Rf[late], Bf[late] = square_trajectory(
            c[0][late], c[1][late], c[2][late], c[3][late], t_end[late]
        )
    return t_end, Rf, Bf, dur, winner, code


def simulate(
    eng: Engagement,
    *,
    t_max: float = 365.0,
    times: ArrayLike | None = None,
    method: Method = "auto",
    rtol: float = 1e-7,
) -> BattleResult:
    """Run every battle of ``eng`` deterministically.

    ``method="auto"`` takes the closed form when it is exact (see
    :func:`closed_form_applies`); otherwise the compiled integrator
    (:mod:`.kernel`, numba) for batches of at least ``kernel.MIN_BATCH`` battles with
    proportional allocation when numba is installed, and the numpy integrator for the rest.
    ``"integrator"`` and ``"compiled"`` force one of the two (same method, same results to
    rounding).
    """
    from forceratio.simulator import kernel

    t_max, tt = check_times(t_max, times)
    if not 0 < rtol < 1e-2:
        raise InputError("rtol", f"must be in (0, 0.01), got {rtol}")
    if method not in ("auto", "closed_form", "integrator", "compiled"):
        raise InputError("method", f"unknown method {method!r}")
    if method == "closed_form" or (method == "auto" and closed_form_applies(eng)):
        return solve_closed_form(eng, t_max=t_max, times=tt)
    if method == "compiled":
        if not kernel.eligible(eng):
            raise InputError(
                "method", "compiled needs numba installed and proportional fire allocation"
            )
        compiled: BattleResult = kernel.integrate_compiled(eng, t_max=t_max, times=tt, rtol=rtol)
        return compiled
    if method == "auto" and eng.n >= kernel.MIN_BATCH and kernel.eligible(eng):
        big: BattleResult = kernel.integrate_compiled(eng, t_max=t_max, times=tt, rtol=rtol)
        return big
    return integrate(eng, t_max=t_max, times=tt, rtol=rtol)
