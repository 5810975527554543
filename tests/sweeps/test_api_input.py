"""The sweeps API from Python: designs, varied ranges, specs and chunks refuse wrong
types, reversed ranges and chunks beyond memory with one InputError naming the argument,
as the command line refuses its options (review of the Python API)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from forceratio import InputError
from forceratio.limits import human
from forceratio.scenarios.run import batch_bytes
from forceratio.scenarios.session import Session
from forceratio.sweeps import Design, SweepSpec, Vary, evaluate_chunk

Q = "modifiers.quality.USSR"


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ((Q, 2.0, 1.0), f"{Q}: lo 2 > hi 1"),
        ((Q, float("nan"), 1.0), f"{Q}: lo and hi must be finite, lo is nan"),
        ((Q, 0.0, float("inf")), f"{Q}: lo and hi must be finite, hi is inf"),
        ((Q, "a", 1.0), f"{Q}: lo and hi must be numbers, got 'a'"),
        ((Q, 0.0, 1.0, 0), f"{Q}: n must be >= 1, got 0"),
        ((Q, 0.0, 1.0, 2.5), f"{Q}: n must be >= 1, got 2.5"),
        (("", 0.0, 1.0), "expected a dotted parameter path, got ''"),
    ],
)
def test_a_vary_range_is_checked_when_built(args: tuple[Any, ...], problem: str) -> None:
    """Vary(path, 2, 1) ran a sweep over a reversed range without a word."""
    with pytest.raises(InputError, match=f"^vary: {problem}"):
        Vary(*args)


@pytest.mark.parametrize(
    ("args", "field", "problem"),
    [
        (("foo", [], 10, 0), "method", "unknown method 'foo'; choose grid, sobol, lhs, random"),
        (("sobol", [], 0, 0), "samples", "sobol designs need at least one sample, got 0"),
        (
            ("sobol", [], None, 0),
            "samples",
            r"a sobol design needs a number of samples \(--samples\)",
        ),
        (("sobol", [], -3, 0), "samples", "must be a whole number >= 0, got -3"),
        (("lhs", [], 2.5, 0), "samples", "must be a whole number >= 0, got 2.5"),
        (("sobol", [], 10, -1), "seed", "must be a whole number >= 0, got -1"),
        (("random", [], 10, 1.5), "seed", "must be a whole number >= 0, got 1.5"),
        (("random", ["a.b=0:1"], 10, 0), "vary", r"expected Vary\(path, low, high\) items"),
        (("random", [Vary(Q, 0, 1, 3)], 10, 0), "vary", "lo:hi:n gives grid points"),
    ],
)
def test_design_make_names_the_python_argument(
    args: tuple[Any, ...], field: str, problem: str
) -> None:
    """These were named --method, --samples, --seed, or ran (a fractional sample count, a
    fractional seed, a text range)."""
    with pytest.raises(InputError, match=f"^{field}: {problem}"):
        Design.make(*args)


def test_a_design_built_directly_is_checked() -> None:
    with pytest.raises(InputError, match=r"^method: must be one of grid, sobol, lhs, random"):
        Design("foo", (), 1, 0)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^samples: must be a whole number >= 1, got 0"):
        Design("random", (), 0, 0)


def design(samples: int = 8) -> Design:
    return Design.make("random", [Vary(Q, 0.5, 1.0)], samples, 0)


@pytest.mark.parametrize(
    ("kwargs", "field", "problem"),
    [
        ({"replications": -1}, "replications", "must be a whole number >= 0, got -1"),
        ({"replications": 1.5}, "replications", "must be a whole number >= 0, got 1.5"),
        ({"design": 5}, "design", r"expected a Design \(Design.make\(...\)\), got int 5"),
        ({"sets": ["a=1"]}, "sets", r"expected a tuple, got \['a=1'\]"),
        ({"calibration": (("a.b", "x"),)}, "calibration a.b", "expected a number, got 'x'"),
        ({"scenario": 5}, "scenario", "expected a scenario name, got 5"),
    ],
)
def test_a_sweep_spec_is_checked_when_built(
    kwargs: dict[str, Any], field: str, problem: str
) -> None:
    """A list of sets failed later as an unhashable cache key; the others ran or failed
    deep inside."""
    args: dict[str, Any] = {"scenario": "strike-12june-strip", "design": design()} | kwargs
    with pytest.raises(InputError, match=f"^{field}: {problem}"):
        SweepSpec(**args)


def test_a_chunk_beyond_memory_is_refused_with_the_estimate() -> None:
    """evaluate_chunk(spec, 0, 10**9) and 10^9 replications had no memory bound; they are
    refused with the scenario's estimate of its runs (``batch_bytes``, hmem21)."""
    prep = Session().prepare("strike-12june-strip")
    spec = SweepSpec("strike-12june-strip", design(10**9))
    est, what = batch_bytes(prep, 10**9)
    assert what.startswith("1,000,000,000 samples of strike-12june-strip")
    with pytest.raises(InputError, match=f"^stop: {re.escape(what)} need about {human(est)}"):
        evaluate_chunk(spec, 0, 10**9)
    many = SweepSpec("strike-12june-strip", design(), replications=10**9)
    est, what = batch_bytes(prep, 2, replications=10**9)
    assert what.startswith("2 x 1,000,000,000 replications")
    need = f"^replications: {re.escape(what)} need about {human(est)}"
    with pytest.raises(InputError, match=need):
        evaluate_chunk(many, 0, 2)


def test_the_chunk_limit_is_the_clis_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "1M")
    spec = SweepSpec("strike-12june-strip", design(), replications=100)
    with pytest.raises(InputError, match=r"^replications: .*FORCERATIO_MAX_MEMORY=1M"):
        evaluate_chunk(spec, 0, 8)


@pytest.mark.parametrize(
    ("start", "stop", "field", "problem"),
    [
        (5, 2, "stop", r"must be > start \(5\), got 2"),
        (0.5, 2, "start", "must be a whole number >= 0, got 0.5"),
        (-1, 2, "start", "must be a whole number >= 0, got -1"),
        (0, 9, "stop", "the sweep has 8 runs, got stop 9"),
    ],
)
def test_a_chunk_outside_the_sweep_is_refused(
    start: Any, stop: Any, field: str, problem: str
) -> None:
    with pytest.raises(InputError, match=f"^{field}: {problem}"):
        evaluate_chunk(SweepSpec("strike-12june-strip", design()), start, stop)


@pytest.mark.parametrize(
    ("start", "stop", "field", "problem"),
    [
        (5, 2, "stop", r"must be > start \(5\), got 2"),
        (0, 0, "stop", r"must be > start \(0\), got 0"),
        (0.5, 2, "start", "must be a whole number >= 0, got 0.5"),
        (-3, 2, "start", "must be a whole number >= 0, got -3"),
    ],
)
def test_design_points_check_their_range(start: Any, stop: Any, field: str, problem: str) -> None:
    """(5, 2) gave no points without a word; the others were numpy's ValueError or a
    TypeError."""
    with pytest.raises(InputError, match=f"^{field}: {problem}"):
        design().points(start, stop)


def test_design_points_beyond_memory_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "1M")
    assert design().points(0, 8)[Q].shape == (8,)
    est = human(16.0 * (10**6 + 4096))
    with pytest.raises(InputError, match=f"^stop: 1,000,000 design points need about {est}"):
        design(10**6).points(0, 10**6)
