"""battle() from Python: a wrong type or an impossible size is one InputError naming the
argument, as ``forceratio battle`` refuses its options (review of the Python API)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import forceratio
from forceratio import InputError
from forceratio.limits import BYTES_PER_BATTLE_RUN, human

ARGS = ("square", 1000.0, 800.0, 0.01, 0.012)


def call(*args: Any, **kwargs: Any) -> Any:
    return forceratio.battle(*args, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "field", "problem"),
    [
        (("square", "abc", 10, 0.1, 0.1), {}, "red", "expected numbers, got 'abc'"),
        (("square", 10, 10, [0.1, "x"], 0.1), {}, "red_rate", "expected numbers"),
        (ARGS, {"blue_breakpoint": "half"}, "blue_breakpoint", "expected numbers"),
        ((3, 10, 10, 0.1, 0.1), {}, "law", r"expected a law name \(square, .*got int 3"),
        (ARGS, {"t_max": "10"}, "t_max", "expected a number, got '10'"),
        (ARGS, {"times": ["a"]}, "times", "expected numbers"),
        (ARGS, {"rtol": "tight"}, "rtol", "expected a number"),
        (("power", 10, 10, 0.1, 0.1), {"p": "a", "q": 1.0}, "p", "expected a number"),
        (("helmbold", 10, 10, 0.1, 0.1), {"w": [0.5, 0.6]}, "w", "expected a number"),
        (ARGS, {"replications": True, "seed": 1}, "replications", "whole number >= 1, got True"),
        (ARGS, {"replications": 3, "seed": 1.5}, "seed", "whole number >= 0, got 1.5"),
        (ARGS, {"replications": 3, "seed": "a"}, "seed", "whole number >= 0, got 'a'"),
        (ARGS, {"keys": [0]}, "keys", "only with replications"),
        (ARGS, {"replications": 2, "seed": 1, "keys": [0.5]}, "keys", "whole numbers"),
        (ARGS, {"replications": 2, "seed": 1, "keys": ["a"]}, "keys", "expected numbers"),
    ],
)
def test_a_wrong_type_is_refused_naming_the_argument(
    args: tuple[Any, ...], kwargs: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(InputError, match=f"^{field}: .*{problem}") as err:
        call(*args, **kwargs)
    assert err.value.field == field


def test_replications_beyond_memory_are_refused_up_front_with_the_estimate() -> None:
    """10^12 replications was a raw MemoryError from numpy."""
    est = human(1e12 * BYTES_PER_BATTLE_RUN)
    need = f"^replications: 1,000,000,000,000 replications need about {est} of memory"
    with pytest.raises(InputError, match=need):
        call(*ARGS, replications=10**12, seed=1)


def test_the_memory_limit_is_the_clis_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scenarios x replications x (a run + four floats a recorded time: the state and the
    arrivals by then), against FORCERATIO_MAX_MEMORY; the same call runs under a higher
    limit."""
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "1M")
    red = np.full(100, 50.0)
    runs = 100 * 1000
    est = human(runs * (BYTES_PER_BATTLE_RUN + 32 * 3))
    with pytest.raises(InputError, match=f"replications: .*about {est} .*FORCERATIO_MAX_MEMORY=1M"):
        call("square", red, 40.0, 0.01, 0.012, replications=1000, seed=1, times=[1, 2, 3])
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "1G")
    res = call("square", red, 40.0, 0.01, 0.012, replications=1000, seed=1, times=[1, 2, 3])
    assert res.n == runs


def test_long_deterministic_trajectories_are_refused_up_front(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "1M")
    # two floats a scenario and time, two a time, and the closed forms' block (review18b 3)
    est = human(16 * 1001 * 10_000 + 16 * 8 * 2**18)
    with pytest.raises(InputError, match=f"^times: trajectories of 1,000 scenarios .*about {est}"):
        call("square", np.full(1000, 50.0), 40.0, 0.01, 0.012, times=np.arange(10_000.0))


def test_numpy_counts_and_lists_run_as_python_ones() -> None:
    """The checks convert, they do not change a good call's numbers."""
    a = call("square", [1000, 900], 800, 0.01, 0.012, replications=np.int64(5), seed=np.uint8(3))
    b = call("square", np.array([1000.0, 900.0]), 800.0, 0.01, 0.012, replications=5, seed=3)
    np.testing.assert_array_equal(a.red_final, b.red_final)
    np.testing.assert_array_equal(a.duration, b.duration)


def test_summarize_refuses_what_is_not_a_battle_result() -> None:
    """summarize(5) was an AttributeError."""
    with pytest.raises(InputError, match=r"^result: expected a BattleResult .*got int 5"):
        forceratio.summarize(5)  # type: ignore[arg-type]


def test_a_scenario_or_run_not_in_the_result_is_refused() -> None:
    """outcome_stats of a missing scenario was NaNs and a RuntimeWarning; battle_record of
    a run past the end an IndexError."""
    from forceratio.report import battle_record, outcome_stats

    res = call("square", [10.0, 20.0], 10.0, 0.1, 0.1, replications=5, seed=1)
    assert outcome_stats(res, 1)["replications"] == 5
    with pytest.raises(
        InputError, match=r"^scenario: no runs of scenario 2; the result has 0\.\.1"
    ):
        outcome_stats(res, 2)
    with pytest.raises(InputError, match=r"^scenario: must be a whole number >= 0, got 'a'"):
        outcome_stats(res, "a")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^index: the result has 10 runs \(0\.\.9\), got 10"):
        battle_record(res, 10)
