"""Solve an :class:`Engagement`: by closed form where one exists, else by the engine.

Both apply the one end rule of :mod:`.result`: a side is out when its weighted strength
falls to the larger of its breakpoint and its annihilation level.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.arguments import check_times, whole
from forceratio.errors import ForceratioError, InputError, StepLimitError
from forceratio.limits import TRAJECTORY_BLOCK
from forceratio.simulator import compiled, tableau
from forceratio.simulator.closed_form import CLOSED_FORMS
from forceratio.simulator.engagement import Engagement, checked
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
from forceratio.simulator.runs import KernelOutput, RunTable

FloatArray = NDArray[np.float64]
#: ``compiled`` is the old name of ``integrator`` (there is one engine now), still accepted.
Method = Literal["auto", "closed_form", "integrator", "compiled"]
METHODS = ("auto", "closed_form", "integrator", "compiled")
#: The integrator's default step limit per battle (:func:`simulate`'s ``max_steps``).
MAX_STEPS = 200_000


def closed_form_applies(eng: Engagement) -> bool:
    """Whether :func:`solve_closed_form` is exact for ``eng``: a law with a closed form,
    one category a side, no time-dependent inputs."""
    constant = not (eng.time_dependent or eng.has_flows)
    return eng.law.name in CLOSED_FORMS and eng.single_category and constant


ClosedFormOutput = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray,
                         NDArray[np.int8], NDArray[np.int8]]  # fmt: skip


def closed_form_outcome(
    law: str, n: int, R0: ArrayLike, B0: ArrayLike, a: ArrayLike, b: ArrayLike,
    fr: ArrayLike, fb: ArrayLike, ann_r: ArrayLike, ann_b: ArrayLike, t_max: float,
) -> ClosedFormOutput:  # fmt: skip
    """(t_end, duration, red_final, blue_final, red_initial, blue_initial, winner, end
    code) of ``n`` single-category battles, each input a scalar or one value a battle:
    strengths, rates, breakpoint fractions and annihilation levels in the law's units.
    The square law runs as one compiled pass (:func:`.closed_form.square_chunk`) that
    also checks the inputs: one bad value raises :class:`InputError` and costs the other
    battles nothing; the other laws' inputs are checked by the caller."""
    cols = [np.asarray(v, dtype=np.float64) for v in (R0, B0, a, b, fr, fb, ann_r, ann_b)]
    if any(x.ndim > 1 or x.size not in (1, n) for x in cols):
        raise InputError("batch", f"each input must be a scalar or {n} values")
    cols = [np.ascontiguousarray(x.reshape(-1)) for x in cols]
    level_time, trajectory = CLOSED_FORMS[law]
    if level_time is None:
        compiled.compile_kernels(compiled.SQUARE_KERNELS)
        from forceratio.simulator import closed_form

        t_end, duration, Rf, Bf, R, B = (np.empty(n) for _ in range(6))
        winner, code = np.empty(n, np.int8), np.empty(n, np.int8)
        out = (t_end, duration, Rf, Bf, R, B, winner, code)
        compiled.run_chunked(closed_form.square_chunk, n, *cols, float(t_max), *out, chunk=1 << 16)
        if n and code.min() < 0:
            raise InputError("strengths and rates", "out of range (see the full checks)")
        late = np.flatnonzero(code == T_MAX)
        if late.size:  # undecided by t_max: the strengths then
            ab = [np.broadcast_to(x, (n,))[late] for x in cols[2:4]]
            Rf[late], Bf[late] = trajectory(R[late], B[late], ab[0], ab[1], t_end[late])
        return out
    R, B, a, b, fr, fb, ann_r, ann_b = (np.broadcast_to(x, (n,)) for x in cols)
    LR, LB = np.maximum(fr * R, ann_r), np.maximum(fb * B, ann_b)
    tR = np.where(R <= LR, 0.0, level_time(R, B, a, b, LR))
    tB = np.where(B <= LB, 0.0, level_time(B, R, b, a, LB))
    t_hit = np.minimum(tR, tB)
    decided = t_hit <= t_max
    first = np.where(decided, np.where(tR == tB, 3, np.where(tR < tB, 1, 2)), 0)
    t_end = np.where(decided, t_hit, t_max)
    Rf, Bf = trajectory(R, B, a, b, t_end)
    red_out, blue_out = (first & 1) != 0, (first & 2) != 0
    bp_r, bp_b = red_out & (fr * R > ann_r), blue_out & (fb * B > ann_b)
    Rf = np.where(red_out, np.where(bp_r, LR, 0.0), Rf)
    Bf = np.where(blue_out, np.where(bp_b, LB, 0.0), Bf)
    winner = np.select([first == 1, first == 2], [BLUE, RED], NONE).astype(np.int8)
    code = np.where(first == 0, T_MAX, np.where(bp_r | bp_b, BREAKPOINT, ANNIHILATION))
    duration = np.where(decided, t_end, np.nan)
    return t_end, duration, Rf, Bf, R.copy(), B.copy(), winner, code.astype(np.int8)


def solve_closed_form(eng: Engagement, *, t_max: float, times: FloatArray) -> BattleResult:
    """The exact outcome of single-category battles with constant coefficients."""
    if not closed_form_applies(eng):
        raise InputError("method", f"no closed form for this {eng.law.name} engagement")
    red, blue = eng.red, eng.blue
    a, b = red.kill_rates[:, 0, 0], blue.kill_rates[:, 0, 0]
    wr, wb = red.weights[:, 0], blue.weights[:, 0]
    # the laws run in the raw units of the one category: levels divided by the weights
    out = closed_form_outcome(
        eng.law.name, eng.n, red.strength[:, 0], blue.strength[:, 0], a, b, red.breakpoint,
        blue.breakpoint, red.annihilation_level / wr, blue.annihilation_level / wb, t_max,
    )  # fmt: skip
    return closed_form_result(
        eng.law.name, out, a, b, times, red.weights, blue.weights, red.categories,
        blue.categories,
    )  # fmt: skip


def closed_form_result(
    law: str, out: ClosedFormOutput, a: ArrayLike, b: ArrayLike, times: FloatArray,
    w_r: FloatArray | None = None, w_b: FloatArray | None = None,
    red_categories: tuple[str, ...] = ("strength",),
    blue_categories: tuple[str, ...] = ("strength",),
) -> BattleResult:  # fmt: skip
    """The result of :func:`closed_form_outcome` with the trajectory at ``times``, held at
    the final values from the end on; ``w_r``, ``w_b`` (shape (n, 1), default 1) weight
    the raw strengths into the reported ones."""
    t_end, duration, Rf, Bf, R0, B0, winner, code = out
    n = t_end.shape[0]
    ones = np.ones((n, 1))
    traj: list[FloatArray | None] = [None, None]
    if times.size:
        out_r, out_b = np.empty((n, times.size, 1)), np.empty((n, times.size, 1))
        traj = [out_r, out_b]
        a, b = (np.broadcast_to(np.asarray(x, dtype=float), (n,)) for x in (a, b))
        # block by block: the closed forms' temporaries (a dozen arrays of a block) stay
        # small beside the two trajectories (limits.trajectory_bytes; whole, they were 5
        # times the trajectories)
        cols = min(times.size, TRAJECTORY_BLOCK)
        rows = max(1, TRAJECTORY_BLOCK // cols)
        for i in range(0, n, rows):
            r = slice(i, i + rows)
            for j in range(0, times.size, cols):
                c = slice(j, j + cols)
                t, end = times[None, c], t_end[r, None]
                states = CLOSED_FORMS[law][1](
                    R0[r, None], B0[r, None], a[r, None], b[r, None], np.minimum(t, end)
                )
                for dest, x0, xf, x in ((out_r, R0, Rf, states[0]), (out_b, B0, Bf, states[1])):
                    x = np.where(t >= end, xf[r, None], x)
                    dest[r, c, 0] = np.where(t == 0.0, x0[r, None], x)
    return BattleResult(
        law=law, method="closed_form", winner_code=winner, end_code=code, duration=duration,
        end_time=t_end, red_final_by_category=Rf[:, None], blue_final_by_category=Bf[:, None],
        red_initial=R0 if w_r is None else R0 * w_r[:, 0],
        blue_initial=B0 if w_b is None else B0 * w_b[:, 0],
        red_weights=ones if w_r is None else w_r, blue_weights=ones if w_b is None else w_b,
        times=times, red_trajectory=traj[0], blue_trajectory=traj[1], scenario=np.arange(n),
        replication=np.zeros(n, dtype=np.int64), red_categories=red_categories,
        blue_categories=blue_categories,
    )  # fmt: skip


def integrate(
    eng: Engagement,
    *,
    t_max: float,
    times: FloatArray,
    rtol: float = 1e-7,
    max_steps: int = MAX_STEPS,
) -> BattleResult:
    """Integrate every battle of ``eng`` until it is decided or ``t_max`` days pass
    (:mod:`.integrator`; relative tolerance ``rtol``, absolute tolerance ``rtol`` times
    1e-3 of each category's initial strength)."""
    table = RunTable.build(eng, t_max=t_max, times=times, rtol=rtol)
    out = KernelOutput.empty(table.n, table.y0.shape[1], times.size)
    compiled.compile_kernels(compiled.KERNELS)
    from forceratio.simulator import integrator

    compiled.run_chunked(
        integrator.run_chunk, table.n, float(t_max), float(rtol), int(max_steps),
        tableau.STEP_TABLE, *table.arrays(), *out.arrays(), chunk=256, work=table.work(),
    )  # fmt: skip
    failed = out.status != OK
    if failed.any():
        small = int((out.status == STEP_TOO_SMALL).sum())
        # at the step limit (some battles): a caller that lowered the limit can say so
        error = StepLimitError if small < int(failed.sum()) else ForceratioError
        raise error(
            f"integrator: {int(failed.sum())} battles not finished ({small} with a step "
            f"below the smallest step, the rest after {max_steps} steps): a stiff or "
            "degenerate scenario?"
        )
    return out.result(eng, times, "integrator", np.arange(table.n), np.zeros(table.n, np.int64))


def simulate(
    eng: Engagement, *, t_max: float = 365.0, times: ArrayLike | None = None,
    method: Method = "auto", rtol: float = 1e-7, max_steps: int = MAX_STEPS,
) -> BattleResult:  # fmt: skip
    """Run every battle of ``eng`` deterministically.

    ``method="auto"`` takes the closed form when it is exact (see
    :func:`closed_form_applies`), else the integrator; ``"closed_form"`` and
    ``"integrator"`` force one (``"compiled"`` is an old name of ``"integrator"``).

    Parameters
    ----------
    rtol : float
        The integrator's relative tolerance, in (0, 0.01) (the closed form is exact).
    max_steps : int
        The integrator's most steps per battle (>= 1): a battle not decided nor at
        ``t_max`` by then raises :class:`ForceratioError` (a stiff or degenerate
        scenario).  A caller that tries many far-out points can give a lower cap (the
        fitter's trial points, :data:`forceratio.fitting.model.TRIAL_STEPS`).
    """
    checked(eng)
    t_max, tt = check_times(t_max, times)
    if not 0 < rtol < 1e-2:
        raise InputError("rtol", f"must be in (0, 0.01), got {rtol}")
    max_steps = whole("max_steps", max_steps, 1)
    if method not in METHODS:
        raise InputError("method", f"unknown method {method!r}; choose one of {METHODS}")
    if method == "closed_form" or (method == "auto" and closed_form_applies(eng)):
        return solve_closed_form(eng, t_max=t_max, times=tt)
    return integrate(eng, t_max=t_max, times=tt, rtol=rtol, max_steps=max_steps)
