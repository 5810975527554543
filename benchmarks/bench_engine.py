"""Engine benchmark: the compiled engine against a naive solve_ivp loop, in one run, per core.

Run:  python benchmarks/bench_engine.py [--quick] [--cold]

Prints
  (a) the closed-form square law over 10^6 scenarios (the compiled pass, and ``battle()``),
      against the same closed form written in numpy (CPU time, one thread),
  (b) the integrator (``forceratio.simulate``) on 100,000 two-side, four-category scenarios
      over 30 days with time-varying multipliers and breakpoints, on one thread and on all,
  (c) 10,000 stochastic replications of a 5,000 vs 4,000 square-law battle,
  (d) a Python loop over ``scipy.integrate.solve_ivp`` on the same model as (b) for a few
      hundred scenarios (one thread), at rtol 1e-3 (its default) to 1e-8; the baseline "of
      like accuracy" is the rtol whose end times' error is nearest the engine's (on a log
      scale), both measured in this run against solve_ivp at rtol 1e-10,
  (e) every law at 1,000, 20,000 and 100,000 battles (one thread, breakpoints at 0.3),
and the per-core ratios (b)/(d): both sides run on one thread (``FORCERATIO_THREADS=1``
and one BLAS thread), timed in CPU time (``time.process_time``), medians of 3.  ``--cold``
also times, in fresh processes with an empty compile cache, the first 100,000-sample sweep
of strike-12june-strip and the first mixed, power and Helmbold battles.  Timings are
medians of repeats; the machine is shared, so read the ratios, not the absolute times, and
note the load printed at the top.

``--against SRC`` (the ``src`` folder of another checkout, e.g. main 495487d, the engine
before issue 11) also times table (e) for that checkout's engines (``method="integrator"``
and ``"compiled"``) and this one, each law in fresh processes on one thread
(``NUMBA_NUM_THREADS=1``, ``FORCERATIO_THREADS=1``), interleaved, in CPU time, and prints
the ratio of the faster old engine to this one (> 1: this one is faster).
"""

from __future__ import annotations

import argparse
import inspect
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from forceratio import Engagement, Multiplier, Side, battle, get_law, make_side, simulate
from forceratio.simulator import compiled, solve

FloatArray = NDArray[np.float64]
#: solve_ivp tolerances tried for the baseline of like accuracy (1e-3: its default)
RTOLS = (1e-3, 1e-5, 1e-6, 1e-7, 1e-8)
K = 4  # personnel, guns, tanks, aircraft
LAWS: dict[str, dict[str, Any]] = {
    "square": {},
    "linear": {},
    "logarithmic": {},
    "ancient": {},
    "mixed": {},
    "helmbold": {"w": 0.5},
    "power": {"p": 1.7, "q": 0.3},
}


def median_time(
    fn: Callable[[], object], repeats: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    """The median of ``repeats`` timings of ``fn`` on ``clock`` (wall by default;
    ``time.process_time`` for the per-core ratios: a loaded machine stretches wall time)."""
    times = []
    for _ in range(repeats):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times)


def loop_ends(d: dict[str, FloatArray], n: int, rtol: float) -> FloatArray:
    """The solve_ivp loop's end times (NaN: undecided in 30 days)."""
    return np.array([np.nan if (x := naive_one(d, i, rtol)) is None else x for i in range(n)])


def end_error(ends: FloatArray, ref: FloatArray) -> float:
    """Largest relative difference of two sets of end times where both decided."""
    both = np.isfinite(ends) & np.isfinite(ref)
    return float(np.max(np.abs(ends[both] - ref[both]) / ref[both])) if both.any() else np.nan


def threads(n: int | None) -> None:
    """Run the kernels on ``n`` threads (None: every core available)."""
    if n is None:
        os.environ.pop("FORCERATIO_THREADS", None)
    else:
        os.environ["FORCERATIO_THREADS"] = str(n)


def numpy_square(
    R0: FloatArray, B0: FloatArray, a: FloatArray, b: FloatArray, level: float, t_max: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Model (a) written the obvious way in numpy, the baseline of the compiled pass: the
    square law dR/dt = -b B, dB/dt = -a R (Lanchester 1916) solved in closed form,
    R(t) = R0 cosh(ct) - B0 sqrt(b/a) sinh(ct) with c = sqrt(ab) (B likewise), to the
    loser's ``level`` (units) or ``t_max``.  Returns (duration, red final, blue final) in days
    and units."""
    c, k = np.sqrt(a * b), np.sqrt(a / b)
    red_wins = a * R0**2 > b * B0**2
    # the loser's strength x cosh - y sinh = level, with x = e^(ct): a quadratic in x
    lose, win = np.where(red_wins, B0, R0), np.where(red_wins, k * R0, B0 / k)
    gap = win - lose
    x = (-level + np.sqrt(level**2 + gap * (lose + win))) / gap
    t = np.minimum(np.log(x) / c, t_max)
    ch, sh = np.cosh(c * t), np.sinh(c * t)
    return t, R0 * ch - B0 / k * sh, B0 * ch - k * R0 * sh


def hetero_inputs(n: int, seed: int = 0) -> dict[str, FloatArray]:
    rng = np.random.default_rng(seed)

    def kill_rates() -> FloatArray:  # (n, K, K): a firer category's rate, per target category
        rates: FloatArray = (
            rng.uniform(0.5, 1.5, (n, K, K))
            * 2e-3
            * np.array([1.0, 30.0, 60.0, 40.0])[None, :, None]
        )
        return rates

    return {
        "R0": rng.uniform(0.5, 1.5, (n, K)) * np.array([3e5, 8e3, 2e3, 1.5e3]),
        "B0": rng.uniform(0.5, 1.5, (n, K)) * np.array([4e5, 7e3, 1.5e3, 1.2e3]),
        "kr": kill_rates(),
        "kb": kill_rates(),
        "w": np.array([1.0, 20.0, 40.0, 30.0]),
        "surprise": rng.uniform(1.5, 3.0, n),
    }


def hetero_engagement(d: dict[str, FloatArray]) -> Engagement:
    n = d["R0"].shape[0]

    def side(name: str, strength: FloatArray, rates: FloatArray, mult: Multiplier | None) -> Side:
        return make_side(
            name, strength, rates, n=n, k_enemy=K, weights=d["w"], breakpoint=0.6,
            multiplier=mult, categories=("personnel", "guns", "tanks", "aircraft"),
        )  # fmt: skip

    red_surprise = Multiplier.linear_decay(d["surprise"], 3.0)  # it fades over 3 days
    return Engagement(
        get_law("square"),
        side("red", d["R0"], d["kr"], red_surprise),
        side("blue", d["B0"], d["kb"], None),
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


def law_inputs(law: str, n: int) -> tuple[FloatArray, ...]:
    """Battles of 5,000-20,000 a side decided in days to months under ``law``."""
    rng = np.random.default_rng(n)
    R, B = rng.uniform(5e3, 2e4, n), rng.uniform(5e3, 2e4, n)
    k = rng.uniform(0.005, 0.05, (2, n))  # a side's first-day loss, as a fraction
    p, q = {"square": (1, 0), "linear": (1, 1), "logarithmic": (0, 1), "ancient": (0, 0),
            "helmbold": (0.5, 0.5), "power": (1.7, 0.3)}.get(law, (1, 0))  # fmt: skip
    if law == "mixed":
        return R, B, k[1] * B / R, k[0] / B
    return R, B, k[1] * B / (R**p * B**q), k[0] * R / (B**p * R**q)


# one law at every size in a fresh process: argv method, law, repeats, sizes; prints the
# CPU microseconds per battle (median of the repeats) at each size
_CELL = """
import sys, time
from forceratio import battle
method, law, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
kw = {"helmbold": {"w": 0.5}, "power": {"p": 1.7, "q": 0.3}}.get(law, {})
for n in map(int, sys.argv[4:]):
    R, B, a, b = law_inputs(law, n)
    def run():
        battle(law, R, B, a, b, t_max=100.0, red_breakpoint=0.3, blue_breakpoint=0.3,
               method=method, **kw)
    run()
    ts = []
    for _ in range(reps):
        t0 = time.process_time()
        run()
        ts.append(time.process_time() - t0)
    print(sorted(ts)[len(ts) // 2] / n * 1e6)
"""


def law_cells(
    src: str, cache: str, method: str, law: str, sizes: tuple[int, ...], reps: int
) -> list[float]:
    """Table (e)'s cells for ``law`` with the engine of the checkout ``src`` (its ``method``,
    compile cache ``cache``), in a fresh process on one thread: CPU microseconds per battle
    at each size."""
    head = "from __future__ import annotations\nimport numpy as np\n"
    code = head + inspect.getsource(law_inputs) + _CELL
    env = dict(os.environ, PYTHONPATH=src, NUMBA_NUM_THREADS="1", FORCERATIO_THREADS="1",
               NUMBA_CACHE_DIR=cache)  # fmt: skip
    argv = [sys.executable, "-c", code, method, law, str(reps), *map(str, sizes)]
    out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    return [float(x) for x in out.split()]


def against(old_src: str, sizes: tuple[int, ...], reps: int) -> None:
    """Table (e) for the engines of ``old_src`` and this checkout, interleaved law by law."""
    here = str(Path(__file__).resolve().parents[1] / "src")
    print(f"(e) against {old_src}: CPU microseconds per battle, one thread each, medians of "
          f"{reps}; ratio: the faster old engine / now")  # fmt: skip
    print("    law           size   old integrator   old compiled       now   ratio")
    with tempfile.TemporaryDirectory() as old_cache, tempfile.TemporaryDirectory() as cache:
        for law in LAWS:  # fresh compile caches: numba's would not see an edited helper
            old_i = law_cells(old_src, old_cache, "integrator", law, sizes, reps)
            old_c = law_cells(old_src, old_cache, "compiled", law, sizes, reps)
            now = law_cells(here, cache, "integrator", law, sizes, reps)
            for n, oi, oc, nw in zip(sizes, old_i, old_c, now, strict=True):
                ratio = min(oi, oc) / nw
                print(f"    {law:<12}{n:>7,}{oi:>17.2f}{oc:>15.2f}{nw:>10.2f}{ratio:>8.2f}")
    print(f"    load average at the end: {os.getloadavg()[0]:.1f}")


def cold_start() -> None:
    """First calls in fresh processes with an empty compile cache."""
    sweep = (
        "from forceratio.cli.app import app; import sys; "
        "app(['sweep', 'strike-12june-strip', '--samples', '100000', '--seed', '1', "
        "'--out', sys.argv[1]])"
    )
    first = (
        "import numpy as np, forceratio, sys; law = sys.argv[1]; "
        "kw = {'power': dict(p=1.7, q=0.3), 'helmbold': dict(w=0.5)}.get(law, {}); "
        "forceratio.battle(law, np.full(1000, 1e4), 9e3, 1e-3, 1e-3, **kw)"
    )
    for label, args in (
        ("first 100,000-sample sweep of strike-12june-strip", ["-c", sweep]),
        ("first mixed battle", ["-c", first, "mixed"]),
        ("first power battle", ["-c", first, "power"]),
        ("first helmbold battle", ["-c", first, "helmbold"]),
    ):
        with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            env.pop("FORCERATIO_THREADS", None)
            extra = [out + "/sweep"] if "sweep" in label else []
            t0 = time.perf_counter()
            usage0 = os.times()
            subprocess.run([sys.executable, *args, *extra], env=env, check=True,
                           capture_output=True)  # fmt: skip
            usage1 = os.times()
            wall = time.perf_counter() - t0
            cpu = (usage1.children_user - usage0.children_user) + (
                usage1.children_system - usage0.children_system
            )
            print(f"    {label}: {wall:.1f} s wall, {cpu:.1f} s CPU")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    ap.add_argument("--cold", action="store_true", help="also time cold starts")
    ap.add_argument("--against", metavar="SRC", help="also table (e) for another checkout's src")
    args = ap.parse_args()
    n_a, n_b, n_c, n_d = (
        (10**6, 100_000, 10_000, 300) if not args.quick else (10**5, 10_000, 1_000, 50)
    )
    sizes = (1_000, 20_000, 100_000) if not args.quick else (1_000, 10_000)
    rep = 3  # medians of 3, --quick too (one timing is the machine's noise)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"kernel threads: {compiled.threads()}")  # fmt: skip

    # (a) closed form
    rng = np.random.default_rng(1)
    a_rate, b_rate = rng.uniform(0.005, 0.02, n_a), rng.uniform(0.005, 0.02, n_a)
    R0, B0 = np.full(n_a, 1000.0), np.full(n_a, 800.0)
    args_a = ("square", n_a, R0, B0, a_rate, b_rate, 0.0, 0.0, 0.5, 0.5, np.inf)
    solve.closed_form_outcome(*args_a)  # compile or load
    t_kernel = median_time(lambda: solve.closed_form_outcome(*args_a), 5)
    t_api = median_time(lambda: battle("square", R0, B0, a_rate, b_rate), rep)
    threads(1)
    t_api1 = median_time(lambda: battle("square", R0, B0, a_rate, b_rate), rep)
    c_api1 = median_time(lambda: battle("square", R0, B0, a_rate, b_rate), 3, time.process_time)
    c_np = median_time(
        lambda: numpy_square(R0, B0, a_rate, b_rate, 0.5, 365.0), 3, time.process_time
    )
    threads(None)
    got = battle("square", R0, B0, a_rate, b_rate)
    t_np, r_np, b_np = numpy_square(R0, B0, a_rate, b_rate, 0.5, 365.0)
    final = np.where(a_rate * R0**2 > b_rate * B0**2, r_np, b_np)  # the winner's
    won = np.where(a_rate * R0**2 > b_rate * B0**2, got.red_final, got.blue_final)
    # (duration is NaN where undecided by t_max: the finals are compared there too)
    diff = max(np.nanmax(np.abs(got.duration / t_np - 1)), np.max(np.abs(won / final - 1)))
    print(f"(a) closed-form square law, {n_a:,} scenarios")
    print(f"    compiled pass (the whole outcome): {n_a / t_kernel:,.0f} scenarios/s")
    print(f"    public API battle():            {n_a / t_api:,.0f} scenarios/s")
    print(f"    battle(), one thread:           {n_a / t_api1:,.0f} scenarios/s; "
          f"{n_a / c_api1:,.0f} per CPU s")  # fmt: skip
    print(
        f"    numpy closed form (baseline):   {n_a / c_np:,.0f} per CPU s; battle() "
        f"{c_np / c_api1:.1f}x it per core (duration, winner's final agree to {diff:.0e})"
    )

    # (b) the integrator on the heterogeneous model
    d = hetero_inputs(n_b)
    eng = hetero_engagement(d)
    res = simulate(eng, t_max=30.0)  # compile (or load the cache) before timing
    t_b = median_time(lambda: simulate(eng, t_max=30.0), rep)
    t_b_api = median_time(lambda: simulate(hetero_engagement(d), t_max=30.0), rep)
    threads(1)
    t_b1 = median_time(lambda: simulate(eng, t_max=30.0), rep)
    t_b1c = median_time(lambda: simulate(eng, t_max=30.0), rep, time.process_time)
    threads(None)
    decided = np.isfinite(res.duration).mean()
    print(
        f"(b) integrator, {n_b:,} scenarios x 2 sides x {K} categories, 30 days, "
        f"surprise multiplier + breakpoints ({decided:.0%} decided)"
    )
    print(f"    simulate(), all threads:     {t_b:.2f} s, {n_b / t_b:,.0f} scenarios/s")
    print(f"    incl. building the inputs:   {t_b_api:.2f} s, {n_b / t_b_api:,.0f} scenarios/s")
    print(f"    simulate(), one thread:      {t_b1:.2f} s, {n_b / t_b1:,.0f} scenarios/s; "
          f"{t_b1c:.2f} s CPU, {n_b / t_b1c:,.0f} per CPU s")  # fmt: skip

    # (c) stochastic
    battle("square", 5000, 4000, 0.01, 0.012, replications=10, seed=1)  # compile first
    t_c = median_time(
        lambda: battle("square", 5000, 4000, 0.01, 0.012, replications=n_c, seed=1), rep
    )
    print(
        f"(c) stochastic, {n_c:,} replications of 5,000 vs 4,000: {t_c:.2f} s "
        f"({n_c / t_c:,.0f} replications/s, tau-leaping, all threads)"
    )

    # (d) naive solve_ivp loop on the same model as (b): its tolerance chosen in this run to
    # match the engine's accuracy (both against solve_ivp at rtol 1e-10), timed in CPU time
    dd = hetero_inputs(n_d, seed=0)
    ref = loop_ends(dd, n_d, 1e-10)
    ours = simulate(hetero_engagement(dd), t_max=30.0).duration
    err = end_error(ours, ref)
    same = bool(np.array_equal(np.isfinite(ref), np.isfinite(ours)))
    errs = {rtol: end_error(loop_ends(dd, n_d, rtol), ref) for rtol in RTOLS}
    # like accuracy: the tolerance whose error is nearest the engine's (on a log scale)
    like = min(RTOLS, key=lambda r: abs(np.log(errs[r] / err)))
    t_d = {
        rtol: median_time(partial(loop_ends, dd, n_d, rtol), rep, time.process_time)
        for rtol in RTOLS
    }
    per_b1 = t_b1c / n_b
    print(f"(d) Python loop over solve_ivp, {n_d} scenarios of model (b), one thread, CPU time")
    print(f"    engine end times v solve_ivp rtol 1e-10: max relative difference {err:.1e}, "
          f"same decided set: {same}")  # fmt: skip
    print("    solve_ivp rtol: max relative difference, scenarios per CPU s, (b)/(d) per core")
    for rtol in RTOLS:
        note = " (its default)" if rtol == 1e-3 else " (like accuracy)" if rtol == like else ""
        print(f"    {rtol:g}: {errs[rtol]:.1e}, {n_d / t_d[rtol]:,.0f}/s, "
              f"{t_d[rtol] / n_d / per_b1:,.0f}x{note}")  # fmt: skip
    print("ratios per scenario, per core (both on one thread, CPU time)")
    print(f"    (b)/(d) speed-up vs solve_ivp at its default rtol 1e-3: "
          f"{t_d[1e-3] / n_d / per_b1:,.0f}x")  # fmt: skip
    print(f"    (b)/(d) speed-up vs solve_ivp of like accuracy (rtol {like:g}): "
          f"{t_d[like] / n_d / per_b1:,.0f}x")  # fmt: skip

    # (e) every law, every batch size, one thread
    threads(1)
    print("(e) every law through battle(method='integrator'), one thread, breakpoints 0.3 "
          "(microseconds per battle)")  # fmt: skip
    print("    law           " + "".join(f"{n:>12,}" for n in sizes))
    for law, kw in LAWS.items():
        cells = []
        for n in sizes:
            R, B, a, b = law_inputs(law, n)

            def run(
                R: FloatArray = R, B: FloatArray = B, a: FloatArray = a, b: FloatArray = b,
                law: str = law, kw: dict[str, Any] = kw,
            ) -> object:  # fmt: skip
                return battle(law, R, B, a, b, t_max=100.0, red_breakpoint=0.3,
                              blue_breakpoint=0.3, method="integrator", **kw)  # fmt: skip

            run()
            cells.append(median_time(run, 3 if n <= 20_000 else 2) / n * 1e6)
        print(f"    {law:<14}" + "".join(f"{c:>12.2f}" for c in cells))
    threads(None)
    if args.against:
        against(args.against, sizes, 5)
    if args.cold:
        print("(f) cold start, empty compile cache, fresh processes")
        cold_start()


if __name__ == "__main__":
    main()
