"""A BattleResult is frozen through and through; summarize says what its durations cover;
FORCERATIO_THREADS is checked from Python as from the CLI (review18b 4).

Oracles: numpy's write protection, Python's data model (hash, ==), the definition of an
undecided run (no duration), and the CLI's refusal of the same variable."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import InputError, battle, summarize


@pytest.mark.parametrize(
    "kw",
    [{}, {"method": "integrator"}, {"replications": 5, "seed": 1}],
    ids=["closed_form", "integrator", "stochastic"],
)
def test_the_results_arrays_are_read_only(kw: dict[str, object]) -> None:
    # main: r.duration[0] = -5 went through and showed in to_frame()
    red = np.array([1000.0, 900.0])
    r = battle("square", red, 800, 0.01, 0.012, times=[0.0, 10.0], **kw)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="read-only"):
        r.duration[0] = -5
    arrays = {k: v for k, v in vars(r).items() if isinstance(v, np.ndarray)}
    assert {"duration", "winner_code", "red_trajectory", "times"} <= set(arrays)
    assert not any(a.flags.writeable for a in arrays.values())
    red[0] = 1.0  # the caller's own array is left writable
    assert r.to_frame()["red_final"].notna().all()


def test_results_compare_and_hash_by_identity() -> None:
    # main: hash(r) TypeError (unhashable ndarray); r == r2 ValueError (ambiguous truth)
    r = battle("square", 1000, 800, 0.01, 0.012)
    r2 = battle("square", 1000, 800, 0.01, 0.012)
    assert r == r
    assert (r == r2) is False
    assert len({r, r2, r}) == 2


def test_summarize_names_its_durations_over_decided_runs() -> None:
    # linear law at 1e-5 a side, t_max 60: most runs undecided (main: duration_q95 just
    # under t_max beside p_undecided, named as if over every run)
    r = battle("linear", 1000, 800, 1e-5, 1e-5, t_max=60.0, replications=200, seed=2)
    row = summarize(r).iloc[0]
    assert "duration_q95" not in row.index
    decided = r.duration[np.isfinite(r.duration)]
    assert row["p_undecided"] == pytest.approx(1 - decided.size / r.n)
    if decided.size:
        assert row["duration_decided_mean"] == pytest.approx(decided.mean())
    else:
        assert row["duration_decided_mean"] is None


@pytest.mark.parametrize("value", ["0", "abc", "-2", "1.5"])
def test_a_bad_thread_count_is_refused_from_python(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # main: silently ignored (every core used); the CLI refused it
    monkeypatch.setenv("FORCERATIO_THREADS", value)
    with pytest.raises(InputError, match=r"^FORCERATIO_THREADS: expected a whole number"):
        battle("power", np.full(3000, 1000.0), 800, 0.01, 0.012, p=1.5, q=0.5)
