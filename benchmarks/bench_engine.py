"""Engine benchmark: the vectorised engine against a naive solve_ivp loop, in one run.

Run:  python benchmarks/bench_engine.py [--quick]

Prints scenarios per second for
  (a) the closed-form square law over 10^6 scenarios,
  (b) the batched integrator (public API ``forceratio.simulate``) on 100,000 two-side,
      four-category scenarios over 30 days with time-varying multipliers and breakpoints,
  (c) 10,000 stochastic replications of a 5,000 vs 4,000 square-law battle,
  (d) a Python loop over ``scipy.integrate.solve_ivp`` on the same model as (b) for a few
      hundred scenarios, at its default tolerances and at rtol = 1e-8,
and the per-scenario ratios (b)/(d).  Timings are medians of repeats; the machine is
shared, so read the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from forceratio import Engagement, Multiplier, battle, get_law, make_side, simulate

FloatArray = NDArray[np.float64]
K = 4  # personnel, guns, tanks, aircraft


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def hetero_inputs(n: int, seed: int = 0) -> dict[str, FloatArray]:
    rng = np.random.default_rng(seed)
    return {
        "R0": rng.uniform(0.5, 1.5, (n, K)) * np.array([3e5, 8e3, 2e3, 1.5e3]),
        "B0": rng.uniform(0.5, 1.5, (n, K)) * np.array([4e5, 7e3, 1.5e3, 1.2e3]),
        "kr": rng.uniform(0.5, 1.5, (n, K, K))
        * 2e-3
        * np.array([1.0, 30.0, 60.0, 40.0])[None, :, None],
        "kb": rng.uniform(0.5, 1.5, (n, K, K))
        * 2e-3
        * np.array([1.0, 30.0, 60.0, 40.0])[None, :, None],
        "w": np.array([1.0, 20.0, 40.0, 30.0]),
        "surprise": rng.uniform(1.5, 3.0, n),
    }


def hetero_engagement(d: dict[str, FloatArray]) -> Engagement:
    n = d["R0"].shape[0]
    mult = Multiplier.linear_decay(d["surprise"], 3.0)  # red's surprise fades over 3 days
    return Engagement(
        get_law("square"),
        make_side(
            "red",
            d["R0"],
            d["kr"],
            n=n,
            k_enemy=K,
            weights=d["w"],
            breakpoint=0.6,
            multiplier=mult,
            categories=("personnel", "guns", "tanks", "aircraft"),
        ),
        make_side(
            "blue",
            d["B0"],
            d["kb"],
            n=n,
            k_enemy=K,
            weights=d["w"],
            breakpoint=0.6,
            categories=("personnel", "guns", "tanks", "aircraft"),
        ),
    )


def naive_one(d: dict[str, FloatArray], i: int, rtol: float) -> float | None:
    """One scenario of model (b) written the obvious way and solved with solve_ivp."""
    R0, B0, kr, kb, w, s = d["R0"][i], d["B0"][i], d["kr"][i], d["kb"][i], d["w"], d["surprise"][i]
    lev_r, lev_b = 0.6 * float(w @ R0), 0.6 * float(w @ B0)

    def rhs(t: float, y: FloatArray) -> FloatArray:
        R, B = np.maximum(y[:K], 0), np.maximum(y[K:], 0)
        m = s + (1.0 - s) * min(t / 3.0, 1.0)
        wr, wb = w * R, w * B
        dR = -(B @ kb) * wr / wr.sum()
        dB = -(R @ kr) * wb / wb.sum() * m
        return np.concatenate([dR, dB])

    def ev_r(t: float, y: FloatArray) -> float:
        return float(w @ y[:K] - lev_r)

    def ev_b(t: float, y: FloatArray) -> float:
        return float(w @ y[K:] - lev_b)

    ev_r.terminal = ev_b.terminal = True  # type: ignore[attr-defined]
    y0 = np.concatenate([R0, B0])
    sol1 = solve_ivp(rhs, (0, 3), y0, rtol=rtol, atol=rtol * 1e-3, events=(ev_r, ev_b))
    if sol1.status == 1:
        return float(sol1.t[-1])
    sol = solve_ivp(rhs, (3, 30), sol1.y[:, -1], rtol=rtol, atol=rtol * 1e-3, events=(ev_r, ev_b))
    return float(sol.t[-1]) if sol.status == 1 else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = ap.parse_args()
    n_a, n_b, n_c, n_d = (
        (10**6, 100_000, 10_000, 300) if not args.quick else (10**5, 10_000, 1_000, 50)
    )
    rep = 3 if not args.quick else 1

    # (a) closed form
    rng = np.random.default_rng(1)
    a_rate, b_rate = rng.uniform(0.005, 0.02, n_a), rng.uniform(0.005, 0.02, n_a)
    from forceratio.simulator.closed_form import square_time_to_level, square_to_annihilation

    R0 = np.full(n_a, 1000.0)
    B0 = np.full(n_a, 800.0)
    zero = np.zeros(n_a)
    t_fast = median_time(lambda: square_to_annihilation(R0, B0, a_rate, b_rate), 5)
    from forceratio.simulator import kernel

    kernel.square_battle(R0, B0, a_rate, b_rate, np.inf)  # compile or load the cache
    t_fast_c = median_time(lambda: kernel.square_battle(R0, B0, a_rate, b_rate, np.inf), 5)
    t_kernel = median_time(lambda: square_time_to_level(R0, B0, a_rate, b_rate, zero, zero), 5)
    t_api = median_time(lambda: battle("square", R0, B0, a_rate, b_rate), rep)
    print(f"(a) closed-form square law, {n_a:,} scenarios")
    print(f"    fast kernel (to annihilation): {n_a / t_fast:,.0f} scenarios/s")
    print(f"    compiled, whole outcome:       {n_a / t_fast_c:,.0f} scenarios/s")
    print(f"    general kernel (any levels):  {n_a / t_kernel:,.0f} scenarios/s")
    print(f"    public API battle():         {n_a / t_api:,.0f} scenarios/s")

    # (b) batched integrator on the heterogeneous model
    d = hetero_inputs(n_b)
    eng = hetero_engagement(d)
    res = simulate(eng, t_max=30.0)  # auto: the compiled integrator for a batch this large
    simulate(eng, t_max=30.0, method="compiled")  # compile (or load the cache) before timing
    t_b = median_time(lambda: simulate(eng, t_max=30.0), rep)
    t_b_api = median_time(lambda: simulate(hetero_engagement(d), t_max=30.0), rep)
    t_b_np = median_time(lambda: simulate(eng, t_max=30.0, method="integrator"), rep)
    numpy_res = simulate(eng, t_max=30.0, method="integrator")
    agree = float(
        np.nanmax(np.abs(res.end_time - numpy_res.end_time) / np.maximum(numpy_res.end_time, 1e-9))
    )
    decided = np.isfinite(res.duration).mean()
    print(
        f"(b) integrator, {n_b:,} scenarios x 2 sides x {K} categories, 30 days, "
        f"surprise multiplier + breakpoints ({decided:.0%} decided)"
    )
    print(f"    simulate() ({res.method}):       {t_b:.2f} s, {n_b / t_b:,.0f} scenarios/s")
    print(f"    incl. building the inputs:   {t_b_api:.2f} s, {n_b / t_b_api:,.0f} scenarios/s")
    print(f"    numpy integrator:            {t_b_np:.2f} s, {n_b / t_b_np:,.0f} scenarios/s")
    print(f"    compiled vs numpy end times: max relative difference {agree:.1e}")

    # (c) stochastic
    t_c = median_time(
        lambda: battle("square", 5000, 4000, 0.01, 0.012, replications=n_c, seed=1), rep
    )
    print(
        f"(c) stochastic, {n_c:,} replications of 5,000 vs 4,000: {t_c:.2f} s "
        f"({n_c / t_c:,.0f} replications/s, tau-leaping)"
    )

    # (d) naive solve_ivp loop on the same model as (b), and accuracy of (b) against it
    dd = hetero_inputs(n_d, seed=0)
    t_d = median_time(lambda: [naive_one(dd, i, 1e-3) for i in range(n_d)], 1)
    t_d8 = median_time(lambda: [naive_one(dd, i, 1e-8) for i in range(n_d)], 1)
    ends = np.array([np.nan if (x := naive_one(dd, i, 1e-10)) is None else x for i in range(n_d)])
    ours = simulate(hetero_engagement(dd), t_max=30.0).duration
    both = np.isfinite(ends) & np.isfinite(ours)
    err = np.max(np.abs(ours[both] - ends[both]) / ends[both]) if both.any() else float("nan")
    print(f"(d) Python loop over solve_ivp, {n_d} scenarios of model (b)")
    print(f"    default tolerances (rtol 1e-3): {n_d / t_d:,.0f} scenarios/s")
    print(f"    rtol 1e-8:                      {n_d / t_d8:,.0f} scenarios/s")
    print(
        f"    engine vs solve_ivp(rtol 1e-10) end time: max relative difference {err:.1e}, "
        f"same decided set: {bool(np.array_equal(np.isfinite(ends), np.isfinite(ours)))}"
    )
    per_b, per_d, per_d8 = t_b / n_b, t_d / n_d, t_d8 / n_d
    per_np = t_b_np / n_b
    print("ratios (per scenario)")
    print(f"    (b)/(d) speed-up vs default solve_ivp: {per_d / per_b:,.0f}x")
    print(f"    (b)/(d) speed-up vs solve_ivp rtol 1e-8: {per_d8 / per_b:,.0f}x")
    print(f"    numpy integrator vs solve_ivp rtol 1e-8: {per_d8 / per_np:,.0f}x")


if __name__ == "__main__":
    main()
