"""The entry point (methods by name, through the cache) and the JSON-ready report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from forceratio.calibration.api import calibrate
from forceratio.calibration.cache import ResultCache
from forceratio.calibration.report import to_json
from forceratio.calibration.validation import leave_one_group_out
from forceratio.errors import InputError
from tests.calibration import synthetic as syn

OBS = syn.observe(syn.TRUTH, 0.1, np.random.default_rng(4))


def test_methods_by_name_through_the_cache(tmp_path: Path) -> None:
    store = ResultCache(tmp_path)
    problem = syn.problem(OBS)
    quick, hit = calibrate(problem, method="map", cache=store, n_draws=200)
    assert (quick.method, hit) == ("map", False)
    again, hit = calibrate(problem, method="map", cache=store, n_draws=200)
    assert hit
    np.testing.assert_array_equal(again.draws, quick.draws)
    # another option, seed or scenario description is another entry
    assert not calibrate(problem, method="map", cache=store, n_draws=300)[1]
    assert not calibrate(problem, method="map", cache=store, n_draws=200, seed=1)[1]
    assert not calibrate(problem, method="map", cache=store, n_draws=200, scenarios={"v": 2})[1]
    post, hit = calibrate(problem, cache=store, n_walkers=10, n_steps=40, burn=10)
    assert (post.method, hit, post.posterior_draws) == ("mcmc", False, 300)
    assert len(list(tmp_path.glob("*.npz"))) == 5
    with pytest.raises(InputError, match="method"):
        calibrate(problem, method="nuts")


def test_report_is_json_ready() -> None:
    problem = syn.problem(OBS)
    result, _ = calibrate(problem, method="map", use_cache=False, n_draws=200)
    loo = leave_one_group_out(problem, groups=["north", "counter"])
    data = json.loads(json.dumps(to_json(result, loo), allow_nan=False))
    assert set(data["parameters"]) == {*syn.NAMES, "sigma"}
    assert {"median", "ci95_low", "ci95_high", "map"} <= set(data["parameters"]["surprise"])
    assert data["posterior_draws"] == 200
    assert data["diagnostics"] is None
    assert set(data["residuals"][0]) >= {
        "record",
        "historical",
        "model",
        "relative_error",
        "lower_bound",
    }
    assert [g["held_out"] for g in data["out_of_sample_groups"]] == ["north", "counter"]
    assert {"held_out", "relative_error"} <= set(data["out_of_sample"][0])
