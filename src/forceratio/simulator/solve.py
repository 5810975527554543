"""Solve an :class:`Engagement`: by closed form where one exists, else by the engine.

Both apply the one end rule of :mod:`.result`: a side is out when its weighted strength
falls to the larger of its breakpoint and its annihilation level.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.errors import ForceratioError, InputError
from forceratio.simulator import compiled, tableau
from forceratio.simulator.closed_form import CLOSED_FORMS
from forceratio.simulator.engagement import Engagement
from forceratio.simulator.kernel import OK, STEP_TOO_SMALL
from forceratio.simulator.result import (
    ANNIHILATION,
    BLUE,
    BREAKPOINT,
    NONE,
    RED,
    T_MAX,
    BattleResult,
)
from forceratio.simulator.runs import Outcome, RunTable

FloatArray = NDArray[np.float64]
#: ``compiled`` is the old name of ``integrator`` (there is one engine now), still accepted.
Method = Literal["auto", "closed_form", "integrator", "compiled"]
METHODS = ("auto", "closed_form", "integrator", "compiled")


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
        and not eng.has_flows
        and eng.exps == eng.law.exponents()
    )


def square_outcome(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray,
    LR: FloatArray, LB: FloatArray, t_max: float,
) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.int8], NDArray[np.int8]]:  # fmt: skip
    """The compiled square-law pass (:func:`.closed_form.square_chunk`) over all battles:
    (t_end, red_final, blue_final, first, bad)."""
    compiled.compile_kernels(compiled.SQUARE_KERNELS)
    from forceratio.simulator import closed_form

    n = R0.shape[0]
    t_end, Rf, Bf = np.empty(n), R0.copy(), B0.copy()
    first, bad = np.zeros(n, dtype=np.int8), np.zeros(n, dtype=np.int8)
    args = [np.ascontiguousarray(x, dtype=np.float64) for x in (R0, B0, a, b, LR, LB)]
    compiled.run_chunked(
        closed_form.square_chunk, n, *args, float(t_max), t_end, Rf, Bf, first, bad,
        chunk=1 << 16,
    )  # fmt: skip
    return t_end, Rf, Bf, first, bad


def closed_form_outcome(
    law: str, R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray,
    LR: FloatArray, LB: FloatArray, bp_r: NDArray[np.bool_], bp_b: NDArray[np.bool_],
    t_max: float,
) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.int8], NDArray[np.int8]]:  # fmt: skip
    """(t_end, red_final, blue_final, winner, end code) of single-category battles with
    levels LR, LB (raw units); ``bp_*`` says which levels are breakpoints."""
    level_times, trajectory = CLOSED_FORMS[law]
    if level_times is None:
        t_end, Rf, Bf, first, bad = square_outcome(R0, B0, a, b, LR, LB, t_max)
        if bad.any():
            raise InputError("strengths and rates", "must be finite and >= 0")
        late = first == 0
        if late.any():  # undecided by t_max: the strengths then
            Rf[late], Bf[late] = trajectory(R0[late], B0[late], a[late], b[late], t_end[late])
    else:
        tR, tB = level_times(R0, B0, a, b, LR, LB)
        t_hit = np.minimum(tR, tB)
        decided = t_hit <= t_max
        first = np.where(decided, np.where(tR == tB, 3, np.where(tR < tB, 1, 2)), 0)
        t_end = np.where(decided, t_hit, t_max)
        Rf, Bf = trajectory(R0, B0, a, b, t_end)
    red_out, blue_out = (first == 1) | (first == 3), (first == 2) | (first == 3)
    Rf = np.where(red_out, np.where(bp_r, LR, 0.0), Rf)
    Bf = np.where(blue_out, np.where(bp_b, LB, 0.0), Bf)
    winner = np.select([first == 1, first == 2], [BLUE, RED], NONE).astype(np.int8)
    by_bp = (red_out & bp_r) | (blue_out & bp_b)
    code = np.where(first == 0, T_MAX, np.where(by_bp, BREAKPOINT, ANNIHILATION))
    return t_end, Rf, Bf, winner, code.astype(np.int8)


def closed_form_trajectory(
    law: str, R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray,
    Rf: FloatArray, Bf: FloatArray, t_end: FloatArray, times: FloatArray,
) -> tuple[FloatArray, FloatArray] | None:  # fmt: skip
    """Red's and blue's strengths at ``times``, shape (N, T, 1) each, held at the final
    values from the end on; ``None`` without times."""
    if not times.size:
        return None
    trajectory = CLOSED_FORMS[law][1]
    tt = np.minimum(times[None, :], t_end[:, None])
    Rt, Bt = trajectory(R0[:, None], B0[:, None], a[:, None], b[:, None], tt)
    after = times[None, :] >= t_end[:, None]
    Rt = np.where(times[None, :] == 0.0, R0[:, None], np.where(after, Rf[:, None], Rt))
    Bt = np.where(times[None, :] == 0.0, B0[:, None], np.where(after, Bf[:, None], Bt))
    return Rt[:, :, None], Bt[:, :, None]


def solve_closed_form(eng: Engagement, *, t_max: float, times: FloatArray) -> BattleResult:
    """The exact outcome of single-category battles with constant coefficients."""
    if not closed_form_applies(eng):
        raise InputError("method", f"no closed form for this {eng.law.name} engagement")
    red, blue = eng.red, eng.blue
    R0, B0 = red.strength[:, 0], blue.strength[:, 0]
    a, b = red.kill_rates[:, 0, 0], blue.kill_rates[:, 0, 0]
    wr, wb = red.weights[:, 0], blue.weights[:, 0]
    # levels are weighted strengths; the laws run in the raw units of the one category
    LR, LB = red.level(R0 * wr) / wr, blue.level(B0 * wb) / wb
    bp_r = red.breakpoint * R0 * wr > red.annihilation_level
    bp_b = blue.breakpoint * B0 * wb > blue.annihilation_level
    t_end, Rf, Bf, winner, code = closed_form_outcome(
        eng.law.name, R0, B0, a, b, LR, LB, bp_r, bp_b, t_max
    )
    return closed_form_result(
        eng.law.name, R0, B0, a, b, t_end, Rf, Bf, winner, code, times,
        red.weights, blue.weights, red.categories, blue.categories,
    )  # fmt: skip


def closed_form_result(
    law: str, R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray,
    t_end: FloatArray, Rf: FloatArray, Bf: FloatArray, winner: NDArray[np.int8],
    code: NDArray[np.int8], times: FloatArray, w_r: FloatArray, w_b: FloatArray,
    red_categories: tuple[str, ...] = ("strength",),
    blue_categories: tuple[str, ...] = ("strength",),
) -> BattleResult:  # fmt: skip
    """The result of single-category battles solved in closed form: the outcome of
    :func:`.closed_form.closed_form_outcome` with its trajectory at ``times``; ``w_r``,
    ``w_b`` (shape (n, 1)) weight the raw strengths into the reported ones."""
    traj = closed_form_trajectory(law, R0, B0, a, b, Rf, Bf, t_end, times)
    n = R0.shape[0]
    return BattleResult(
        law=law,
        method="closed_form",
        winner_code=winner,
        end_code=code,
        duration=np.where(code != T_MAX, t_end, np.nan),
        end_time=t_end,
        red_final_by_category=Rf[:, None],
        blue_final_by_category=Bf[:, None],
        red_initial=R0 * w_r[:, 0],
        blue_initial=B0 * w_b[:, 0],
        red_weights=w_r,
        blue_weights=w_b,
        times=times,
        red_trajectory=None if traj is None else traj[0],
        blue_trajectory=None if traj is None else traj[1],
        scenario=np.arange(n),
        replication=np.zeros(n, dtype=np.int64),
        red_categories=red_categories,
        blue_categories=blue_categories,
    )


def integrate(
    eng: Engagement,
    *,
    t_max: float,
    times: FloatArray,
    rtol: float = 1e-7,
    max_steps: int = 200_000,
) -> BattleResult:
    """Integrate every battle of ``eng`` until it is decided or ``t_max`` days pass
    (:mod:`.integrator`; relative tolerance ``rtol``, absolute tolerance ``rtol`` times
    1e-3 of each category's initial strength)."""
    table = RunTable.build(eng, t_max=t_max, times=times, rtol=rtol)
    out = Outcome.empty(table.n, table.y0.shape[1], times.size)
    compiled.compile_kernels(compiled.KERNELS)
    from forceratio.simulator import integrator

    compiled.run_chunked(
        integrator.run_chunk, table.n, float(t_max), float(rtol), int(max_steps),
        tableau.STEP_TABLE, *table.arrays(), *out.arrays(), chunk=256, work=table.work(),
    )  # fmt: skip
    failed = out.status != OK
    if failed.any():
        small = int((out.status == STEP_TOO_SMALL).sum())
        raise ForceratioError(
            f"integrator: {int(failed.sum())} battles not finished ({small} with a step "
            f"below the smallest step, the rest after {max_steps} steps): a stiff or "
            "degenerate scenario?"
        )
    n = table.n
    return out.result(eng, times, "integrator", np.arange(n), np.zeros(n, dtype=np.int64))


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
    :func:`closed_form_applies`), else the integrator; ``"closed_form"`` and
    ``"integrator"`` force one (``"compiled"`` is an old name of ``"integrator"``).
    """
    t_max, tt = check_times(t_max, times)
    if not 0 < rtol < 1e-2:
        raise InputError("rtol", f"must be in (0, 0.01), got {rtol}")
    if method not in METHODS:
        raise InputError("method", f"unknown method {method!r}; choose one of {METHODS}")
    if method == "closed_form" or (method == "auto" and closed_form_applies(eng)):
        return solve_closed_form(eng, t_max=t_max, times=tt)
    return integrate(eng, t_max=t_max, times=tt, rtol=rtol)
