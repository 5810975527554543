"""The one engine: issue 11's defects, each against an independent expectation, and the
promise that a scenario's numbers do not depend on the batch it is computed in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from forceratio import Engagement, InputError, Multiplier, battle, get_law, make_side, simulate
from forceratio.simulator import battle as battle_module
from forceratio.simulator import compiled, solve


def power_survivor(R0: float, B0: float, a: float, b: float, p: float) -> float:
    """Red's survivors when blue is annihilated under dR/dt = -b B^p, dB/dt = -a R^p, from
    the invariant a R^(p+1) - b B^(p+1) (Bracken 1995); the 0.5 level is negligible here."""
    return float((R0 ** (p + 1) - (b / a) * B0 ** (p + 1)) ** (1 / (p + 1)))


# ---- defect 1: the power law with large exponents ----------------------------------------


def test_power_law_with_large_exponents_keeps_the_invariant() -> None:
    r = battle("power", 1e7, 1e7, 0.5, 0.4, p=3, q=0)
    assert r.winner[0] == "red"
    # the issue: 5,973,593 before; the invariant gives 6,687,403
    assert r.red_final[0] == pytest.approx(power_survivor(1e7, 1e7, 0.5, 0.4, 3.0), rel=1e-6)
    assert int(r.red_final[0]) == 6_687_403


def test_power_law_never_creates_troops() -> None:
    a, b = 0.017243435728809306, 4.3259335755679995
    r = battle("power", 6788199, 5903204, a, b, p=3, q=0)
    # before: red ended at 3.5e10 (losses -3.5e10); blue wins by the invariant
    assert 0.0 <= r.red_final[0] <= 6788199
    assert 0.0 <= r.blue_final[0] <= 5903204
    assert r.red_losses[0] >= 0
    assert r.blue_losses[0] >= 0
    assert a * 6788199.0**4 < b * 5903204.0**4
    assert r.winner[0] == "blue"
    assert r.blue_final[0] == pytest.approx(power_survivor(5903204, 6788199, b, a, 3.0), rel=1e-6)


# ---- defect 2: one end rule for every method -----------------------------------------------


def test_logarithmic_example_closed_form_and_integrator_agree() -> None:
    cf = battle("logarithmic", 50000, 900, 0.3, 0.002)
    ig = battle("logarithmic", 50000, 900, 0.3, 0.002, method="integrator")
    assert cf.method == "closed_form"
    assert ig.method == "integrator"
    # blue falls to half a man at log(900 / 0.5) / 0.3 days (an exponential decay)
    assert cf.winner[0] == ig.winner[0] == "red"
    assert cf.duration[0] == pytest.approx(np.log(1800) / 0.3, rel=1e-12)
    assert ig.duration[0] == pytest.approx(cf.duration[0], rel=1e-6)
    assert ig.red_final[0] == pytest.approx(50000 * np.exp(-0.002 * cf.duration[0]), rel=1e-6)


@pytest.mark.parametrize("law", ["square", "linear", "logarithmic", "ancient"])
def test_every_method_applies_the_same_end_rule(law: str) -> None:
    rng = np.random.default_rng(11)
    n = 3000
    R0 = 10 ** rng.uniform(1, 7, n)
    B0 = R0 / 10 ** rng.uniform(-2, 2, n)  # force ratios up to 100:1 either way
    a, b = 10 ** rng.uniform(-4, 0, n), 10 ** rng.uniform(-4, 0, n)
    if law == "linear":  # per-unit area fire: scaled so that battles end within a year
        a, b = a / B0, b / R0
    if law == "ancient":
        a, b = a * B0, b * R0
    cf = battle(law, R0, B0, a, b, t_max=365.0)
    ig = battle(law, R0, B0, a, b, t_max=365.0, method="integrator")
    decided = np.isfinite(cf.duration)
    # near t_max a battle may be decided by one method a hair after the other
    close = np.abs(np.nan_to_num(cf.duration, nan=365.0) - 365.0) < 1e-4 * 365
    agree = (cf.winner_code == ig.winner_code) | close
    assert agree.all(), f"{(~agree).sum()} winners differ"
    both = decided & np.isfinite(ig.duration)
    np.testing.assert_allclose(ig.duration[both], cf.duration[both], rtol=1e-6)


# ---- defect 3 is in test_stochastic.py; defect 4: keyed streams, per-scenario method ---------


def test_keys_make_a_scenario_independent_of_its_batch() -> None:
    small = battle("square", 300, 250, 0.01, 0.01, replications=50, seed=3, keys=[7])
    mixed = battle(
        "square", [5e4, 300, 1e3], [4e4, 250, 900], 0.01, 0.01, replications=50, seed=3,
        keys=[1, 7, 2],
    )  # fmt: skip
    swapped = battle(
        "square", [300, 5e4], [250, 4e4], 0.01, 0.01, replications=50, seed=3, keys=[7, 1]
    )
    mine = mixed.scenario == 1
    np.testing.assert_array_equal(small.red_final, mixed.red_final[mine])
    np.testing.assert_array_equal(small.duration, mixed.duration[mine])
    np.testing.assert_array_equal(small.red_final, swapped.red_final[swapped.scenario == 0])
    # the small battle is simulated exactly, the large one by tau-leaping, in one call
    assert small.method == "gillespie"
    assert mixed.method == "gillespie+tau_leap"


def test_without_keys_the_position_is_the_key() -> None:
    a = battle("square", [300, 400], 250, 0.01, 0.01, replications=20, seed=3)
    b = battle("square", [300, 400], 250, 0.01, 0.01, replications=20, seed=3, keys=[0, 1])
    np.testing.assert_array_equal(a.red_final, b.red_final)
    with pytest.raises(InputError, match="keys"):
        battle("square", [300, 400], 250, 0.01, 0.01, replications=2, seed=3, keys=[1])


# ---- defect 5: near draws and extreme force ratios ------------------------------------------


def test_near_draw_with_a_breakpoint() -> None:
    r = battle("square", 1e8, 1e8, 0.4, 0.4, red_breakpoint=1e-8, t_max=50)
    # red quits at 1.0: by symmetry blue holds 1.0 then, after log(1e8) / 0.4 days
    assert r.winner[0] == "blue"
    assert r.end_reason[0] == "breakpoint"
    assert r.blue_final[0] == pytest.approx(1.0, rel=1e-6)
    assert r.duration[0] == pytest.approx(np.log(1e8) / 0.4, rel=1e-9)


def test_integrator_end_time_at_a_million_to_one() -> None:
    # blue (1e3) against 1e9 at equal rates: B(t) = 1e3 cosh(gt) - 1e9 sinh(gt), g = 0.01,
    # annihilated at 0.5: tanh(gt) = (1e3 - 0.5 / cosh) / 1e9, solved by fixed point
    g = 0.01
    t = 0.0
    for _ in range(50):
        t = np.arctanh((1e3 - 0.5 / np.cosh(g * t)) / 1e9) / g
    ig = battle("square", 1e9, 1e3, 0.01, 0.01, method="integrator")
    cf = battle("square", 1e9, 1e3, 0.01, 0.01)
    assert cf.duration[0] == pytest.approx(t, rel=1e-9)
    assert ig.duration[0] == pytest.approx(t, rel=1e-6)  # the README's claim


# ---- defect 9: a bad row keeps the good rows on the fast path --------------------------------


def test_one_bad_row_costs_the_others_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2)
    n = 50_000
    R0, B0 = rng.uniform(500, 1500, n), rng.uniform(500, 1500, n)
    a, b = rng.uniform(0.005, 0.02, n), rng.uniform(0.005, 0.02, n)
    clean = battle("square", R0, B0, a, b, red_breakpoint=0.3, times=[1.0, 10.0])
    calls = []
    real = solve.closed_form_outcome

    def spy(*args: Any) -> Any:
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(battle_module, "closed_form_outcome", spy)
    R1 = R0.copy()
    R1[123] = 0.0
    r = battle("square", R1, B0, a, b, red_breakpoint=0.3, times=[1.0, 10.0])
    assert calls == [n]  # one compiled pass over all rows, zero included
    assert r.winner[123] == "blue"
    assert r.duration[123] == 0.0
    keep = np.arange(n) != 123
    np.testing.assert_array_equal(r.red_final[keep], clean.red_final[keep])
    np.testing.assert_array_equal(r.duration[keep], clean.duration[keep])
    R1[123] = -1.0
    with pytest.raises(InputError, match=r"^red: must be >= 0"):
        battle("square", R1, B0, a, b)
    R1[123] = np.nan
    with pytest.raises(InputError, match=r"^red: must be finite"):
        battle("square", R1, B0, a, b)
    with pytest.raises(InputError, match=r"^red_breakpoint: must be a scalar or a 1-D"):
        battle("square", R0, B0, a, b, red_breakpoint=np.full((1, n), 0.3))  # was a traceback


# ---- the design: one engine, the same numbers whatever the batch --------------------------


def _engagement(n: int, seed: int) -> Engagement:
    rng = np.random.default_rng(seed)
    k = 3
    mult = Multiplier(np.array([0.0, 2.0, 6.0]), rng.uniform(0.5, 3.0, (n, 3)))
    return Engagement(
        get_law("helmbold", w=0.6),
        make_side(
            "red", rng.uniform(100, 1000, (n, k)), rng.uniform(1e-3, 1e-2, (n, k, 2)), n=n,
            k_enemy=2, weights=[1.0, 2.0, 5.0], breakpoint=0.4, multiplier=mult,
            categories=("a", "b", "c"),
        ),
        make_side(
            "blue", rng.uniform(100, 1000, (n, 2)), rng.uniform(1e-3, 1e-2, (n, 2, k)), n=n,
            k_enemy=k, weights=[1.0, 3.0], breakpoint=0.3, categories=("x", "y"),
        ),
    )  # fmt: skip


def _rows(eng: Engagement, idx: np.ndarray) -> Engagement:
    def side(s: object, name: str) -> object:
        from dataclasses import replace

        m = s.multiplier  # type: ignore[attr-defined]
        return replace(
            s,  # type: ignore[type-var]
            strength=s.strength[idx], kill_rates=s.kill_rates[idx],  # type: ignore[attr-defined]
            weights=s.weights[idx], breakpoint=s.breakpoint[idx],  # type: ignore[attr-defined]
            multiplier=None if m is None else Multiplier(m.knots, m.values[idx]),
        )  # fmt: skip

    return Engagement(eng.law, side(eng.red, "red"), side(eng.blue, "blue"))  # type: ignore[arg-type]


def test_results_are_bit_identical_whatever_the_batch_or_chunking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    eng = _engagement(3000, 4)
    times = [0.5, 3.0, 20.0]
    whole = simulate(eng, t_max=40.0, times=times)
    monkeypatch.setenv("FORCERATIO_THREADS", "1")
    one_thread = simulate(eng, t_max=40.0, times=times)
    idx = np.array([2999, 17, 1500, 3])
    few = simulate(_rows(eng, idx), t_max=40.0, times=times)
    monkeypatch.setenv("FORCERATIO_THREADS", "3")
    alone = simulate(_rows(eng, np.array([17])), t_max=40.0, times=times)
    for res, rows in ((one_thread, np.arange(3000)), (few, idx), (alone, np.array([17]))):
        np.testing.assert_array_equal(res.red_final_by_category, whole.red_final_by_category[rows])
        np.testing.assert_array_equal(
            res.blue_final_by_category, whole.blue_final_by_category[rows]
        )
        np.testing.assert_array_equal(res.end_time, whole.end_time[rows])
        np.testing.assert_array_equal(res.red_trajectory, whole.red_trajectory[rows])  # type: ignore[index]


def test_one_compiled_variant_whatever_the_arrays() -> None:
    from forceratio.simulator import integrator

    eng = _engagement(10, 1)
    simulate(eng, t_max=5.0)
    # read-only, broadcast and integer inputs do not compile the engine again
    n = 7
    ro = np.full(n, 500.0)
    ro.setflags(write=False)
    simulate(
        Engagement(
            get_law("square"),
            make_side("red", ro, np.broadcast_to(0.01, (n,)), n=n, k_enemy=1),
            make_side("blue", np.arange(100, 100 + n), 0.01, n=n, k_enemy=1),
        ),
        t_max=5.0,
        method="integrator",
    )
    assert len(integrator.run_chunk.signatures) == 1  # type: ignore[attr-defined]


@pytest.mark.slow
def test_every_compiled_function_compiles_once_per_process(tmp_path: Path) -> None:
    # a constant argument (the 0 of red's first category, the True/False of rates' net
    # flag) used to give a helper a second variant, i.e. a second full compilation; an
    # empty compile cache, so that everything really compiles in this process
    import json
    import subprocess
    import sys

    code = (
        "import json, forceratio as f\n"
        "from forceratio.simulator import compiled\n"
        "f.battle('power', [1000.0, 5000.0], 1200.0, 0.01, 0.012, p=1.5, q=0.5)\n"
        "f.battle('power', 1200.0, [1000.0, 5000.0], 0.012, 0.01, p=1.5, q=0.5)\n"
        "f.battle('square', 300, 250, 0.01, 0.01, replications=3, seed=2)\n"
        "f.battle('square', 5000, 4000, 0.01, 0.01, replications=2, seed=2, method='tau_leap')\n"
        "out = {}\n"
        "for name, fn in compiled.KERNELS + compiled.STOCHASTIC_KERNELS:\n"
        "    obj = getattr(__import__('forceratio.simulator.' + name, fromlist=[fn]), fn)\n"
        "    if hasattr(obj, 'signatures'):\n"
        "        out[name + '.' + fn] = len(obj.signatures)\n"
        "print(json.dumps(out))\n"
    )
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    variants = json.loads(run.stdout.splitlines()[-1])
    assert variants["kernel.cross_time"] == 1
    assert variants["kernel.rates"] == 1
    assert all(n <= 1 for n in variants.values()), variants


def test_old_method_name_is_accepted_and_unknown_is_refused() -> None:
    r = battle("power", 1000, 900, 1e-3, 1e-3, p=1.5, q=0.5, method="compiled")
    assert r.method == "integrator"
    with pytest.raises(InputError, match=r"^method"):
        battle("square", 1000, 900, 0.01, 0.01, method="numpy")  # type: ignore[arg-type]


def test_threads_setting() -> None:
    assert compiled.threads() >= 1


@pytest.mark.slow
def test_the_kernels_run_as_plain_python_too() -> None:
    # NUMBA_DISABLE_JIT=1 runs the very same functions uncompiled (coverage); same numbers
    import subprocess
    import sys

    code = (
        "import numpy as np, forceratio as f; "
        "r = f.battle('power', [900.0, 1200.0], 1000.0, 1e-3, 1e-3, p=1.5, q=0.5, times=[5.0]); "
        "s = f.battle('square', 300, 250, 0.01, 0.01, replications=3, seed=2); "
        "print(repr(r.red_final.tolist())); print(repr(s.red_final.tolist()))"
    )
    env = dict(__import__("os").environ, NUMBA_DISABLE_JIT="1")
    plain = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    r = battle("power", [900.0, 1200.0], 1000.0, 1e-3, 1e-3, p=1.5, q=0.5, times=[5.0])
    s = battle("square", 300, 250, 0.01, 0.01, replications=3, seed=2)
    det, sto = plain.splitlines()
    # compiled code may fuse or reorder floating-point operations: the last bits can differ
    np.testing.assert_allclose(eval(det), r.red_final, rtol=1e-12)
    assert sto == repr(s.red_final.tolist())
