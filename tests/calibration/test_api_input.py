"""The calibration API from Python: records, fit_map, find_mode and calibrate refuse a
wrong type or range with one InputError naming the argument (review of the Python API)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from forceratio import InputError
from forceratio.calibration import Record, Records, calibrate, find_mode, fit_map
from forceratio.calibration.problem import Problem
from forceratio.limits import human
from tests.calibration import synthetic as syn


@pytest.fixture(scope="module")
def problem() -> Problem:
    return syn.problem(syn.observe(syn.TRUTH, 0.2, np.random.default_rng(0)))


@pytest.mark.parametrize(
    ("kwargs", "field", "problem_text"),
    [
        ({"n_draws": 0}, "n_draws", "must be a whole number >= 2, got 0"),
        ({"n_draws": -1}, "n_draws", "must be a whole number >= 2, got -1"),
        ({"n_draws": 1}, "n_draws", "must be a whole number >= 2, got 1"),
        ({"n_draws": 2.5}, "n_draws", "must be a whole number >= 2, got 2.5"),
        ({"seed": -1}, "seed", "must be a whole number >= 0, got -1"),
        ({"seed": 1.5}, "seed", "must be a whole number >= 0, got 1.5"),
        ({"n_starts": 1.5}, "n_starts", "must be a whole number >= 1, got 1.5"),
    ],
)
def test_fit_map_names_the_argument(
    problem: Problem, kwargs: dict[str, Any], field: str, problem_text: str
) -> None:
    """n_draws=0 was an IndexError, seed=-1 numpy's ValueError, a float a TypeError;
    n_draws=1 gave a NaN standard deviation without a word."""
    with pytest.raises(InputError, match=f"^{field}: {problem_text}"):
        fit_map(problem, **kwargs)


def test_draws_beyond_memory_are_refused_with_the_estimate(problem: Problem) -> None:
    """A raw MemoryError before.  The estimate: the draws, and their predictive table (at
    most N_PREDICTIVE draws' four values a record, a chunk of model runs; hsim22)."""
    from forceratio.calibration.mode import BYTES_PER_DRAW_VALUE
    from forceratio.calibration.result import N_PREDICTIVE, PREDICTIVE_CHUNK
    from forceratio.limits import model_bytes

    table = 32.0 * N_PREDICTIVE * len(problem.records) + model_bytes(PREDICTIVE_CHUNK)
    est = human(1e12 * 4 * BYTES_PER_DRAW_VALUE + table)
    with pytest.raises(
        InputError,
        match=f"^n_draws: 1,000,000,000,000 draws of 4 and their predictive table need about {est}",
    ):
        fit_map(problem, n_draws=10**12)


def test_what_is_not_a_problem_is_refused() -> None:
    """These were an AttributeError."""
    for call in (
        lambda: fit_map(5),  # type: ignore[arg-type]
        lambda: find_mode(5),  # type: ignore[arg-type]
        lambda: calibrate(5, method="map", use_cache=False),  # type: ignore[arg-type]
    ):
        with pytest.raises(InputError, match=r"^problem: expected a Problem\(.*got int 5"):
            call()


def test_calibrate_checks_its_seed_method_and_options(problem: Problem) -> None:
    with pytest.raises(InputError, match=r"^seed: must be a whole number >= 0, got -1"):
        calibrate(problem, method="map", seed=-1, use_cache=False)
    with pytest.raises(InputError, match=r"^method: unknown method \['map'\]"):
        calibrate(problem, method=["map"], use_cache=False)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^bogus: not an option of the map method; .*n_draws"):
        calibrate(problem, method="map", bogus=1, use_cache=False)


@pytest.mark.parametrize(
    ("args", "kwargs", "field", "problem_text"),
    [
        (("r", "abc"), {}, "record r.value", "expected a number, got 'abc'"),
        (("r", True), {}, "record r.value", "expected a number, got True"),
        ((5, 1.0), {}, "record.name", "must be a non-empty text, got 5"),
        (("r", 1.0), {"lower_bound": "no"}, "record r.lower_bound", "must be True or False"),
        (("r", 1.0), {"group": None}, "record r.group", "must be a text, got None"),
    ],
)
def test_a_record_checks_its_fields(
    args: tuple[Any, ...], kwargs: dict[str, Any], field: str, problem_text: str
) -> None:
    """Record("r", "abc") was a TypeError; the others ran."""
    with pytest.raises(InputError, match=f"^{field}: {problem_text}"):
        Record(*args, **kwargs)


@pytest.mark.parametrize("items", [[1, 2], "ab", None, Record("r", 1.0)])
def test_records_are_made_of_records(items: Any) -> None:
    """These were an AttributeError or a TypeError."""
    with pytest.raises(InputError, match=r"^records: expected Record items"):
        Records(items)


def test_calibrate_checks_its_cache_arguments(problem: Problem, tmp_path: Any) -> None:
    """A scenarios description that is not JSON was the cache's TypeError, a text cache an
    AttributeError."""
    from forceratio.calibration.cache import ResultCache

    cache = ResultCache(tmp_path)
    with pytest.raises(InputError, match=r"^scenarios: must be JSON-serialisable"):
        calibrate(problem, method="map", scenarios=object(), cache=cache)
    with pytest.raises(InputError, match=r"^cache: expected a ResultCache, got str 'x'"):
        calibrate(problem, method="map", cache="x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^use_cache: expected True or False, got str 'no'"):
        calibrate(problem, method="map", use_cache="no")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())  # refused before any work


@pytest.mark.parametrize(
    "d", [{"name": "r", "value": "abc"}, {"value": 1.0}, {"name": "r", "value": None}]
)
def test_a_record_from_a_dict_names_the_record(d: dict[str, Any]) -> None:
    """A ValueError, a KeyError and a TypeError before."""
    with pytest.raises(InputError, match=r"^record: expected a name and a numeric value"):
        Record.from_dict(d)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"n_walkers": "a"}, "n_walkers: must be a whole number >= 2"),
        ({"n_steps": 2.5}, "n_steps: must be a whole number"),
        ({"problem": 5}, "problem: expected a Problem"),
    ],
)
def test_sample_posterior_names_its_arguments(
    problem: Problem, kwargs: dict[str, Any], needle: str
) -> None:
    from forceratio.calibration import sample_posterior

    args = {"problem": problem, **kwargs}
    with pytest.raises(InputError, match=needle):
        sample_posterior(**args)


def test_the_building_blocks_refuse_wrong_kinds(problem: Problem) -> None:
    """Raw AttributeError/TypeError before, or silence (hapi's list, fixed by the lead)."""
    from forceratio.calibration import CalibratedParameter, LogNormal, Parameters, posterior_batch

    with pytest.raises(InputError, match=r"parameter x\.prior: expected a Prior"):
        CalibratedParameter("x", 5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="parameters: expected CalibratedParameter"):
        Parameters([1])  # type: ignore[list-item]
    with pytest.raises(InputError, match="median_value: expected a number"):
        LogNormal("a", 1)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="parameters: expected Parameters"):
        Problem(5, problem.records, problem.model)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="model: expected a callable model"):
        Problem(problem.parameters, problem.records, 5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"n: must be a whole number >= 1, got 2\.5"):
        posterior_batch(None, 2.5)  # type: ignore[arg-type]
