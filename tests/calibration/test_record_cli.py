"""``forceratio calibrate``: the whole record by default (the shipped posterior, so quick),
the JSON keys the issue fixes, the single-scenario fit behind ``--single``, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app

runner = CliRunner()


def test_calibrate_defaults_to_the_whole_record_posterior() -> None:
    res = runner.invoke(app, ["calibrate", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["method"] == "mcmc"
    assert data["source"] == "shipped"
    assert data["point"] == "posterior median"
    names = {p["parameter"] for p in data["parameters"]}
    assert {"attrition.german_rate", "attrition.soviet_rate", "sigma"} <= names
    for p in data["parameters"]:
        assert {"parameter", "value", "ci95_low", "ci95_high"} <= set(p)
        assert p["ci95_low"] <= p["value"] <= p["ci95_high"]
    groups = {r["group"] for r in data["residuals"]}
    assert {"Smolensk", "Uman", "Kiev"} <= groups  # more than 22 June
    for r in data["residuals"]:
        assert {"record", "historical", "model", "relative_error", "lower_bound"} <= set(r)
    assert {r["held_out"] for r in data["out_of_sample"]} >= {"Smolensk", "Uman", "Kiev"}
    for r in data["out_of_sample"]:
        assert {"held_out", "relative_error"} <= set(r)
    assert data["posterior_draws"] >= 1000
    diag = data["diagnostics"]
    assert {"ess", "rhat", "tau", "acceptance_fraction", "converged", "notes"} <= set(diag)
    assert set(diag["ess"]) == names
    assert data["summary"]["loo_operations"] >= 6


def test_the_table_says_whether_the_chains_converged() -> None:
    res = runner.invoke(app, ["calibrate"])
    assert res.exit_code == 0, res.output
    assert "emcee:" in res.output
    assert ("Converged" in res.output) != ("NOT CONVERGED" in res.output)


def test_the_single_scenario_fit_stays_reachable() -> None:
    res = runner.invoke(app, ["calibrate", "barbarossa-22june", "--single", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["scenario"] == "barbarossa-22june"
    assert {p["parameter"] for p in data["parameters"]} == {"german_rate", "soviet_rate"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["calibrate", "barbarossa-22june"], "--single"),
        (["calibrate", "--mode", "map", "--steps", "500"], "--mode"),
        (["calibrate", "--single", "--steps", "500"], "--single"),
        (["calibrate", "--single", "--mode", "map"], "--mode"),
        # the records share their kill rates over scenarios counted in different units
        # (men, division slices): a firer's exponent other than 1 would make that one rate
        # mean a different thing in each (issue13-mechanisms 8.10)
        (
            ["calibrate", "--set", "law=helmbold", "--set", "law_params.w=0.9"],
            "got helmbold, w = 0.9",
        ),
        (["calibrate", "--mode", "map", "--set", "law=logarithmic"], "firer's exponent 1"),
    ],
)
def test_bad_combinations_are_one_line_errors(args: list[str], message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def test_the_help_states_the_sampler_defaults_it_runs() -> None:
    """``--steps``/``--walkers`` said 2500 and 24 while the fit ran 16,000 and 48: a user
    asking for the defaults on their own tables expected a short run (review15fresh)."""
    import re

    from forceratio.scenarios.record_fit import POSTERIOR

    res = runner.invoke(app, ["calibrate", "--help"], env={"COLUMNS": "300"}, terminal_width=300)
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    steps = re.search(r"Sampler steps \(default (\d+)", text)
    walkers = re.search(r"Sampler walkers \(default (\d+)", text)
    assert steps, text
    assert walkers, text
    assert int(steps.group(1)) == POSTERIOR["options"]["n_steps"]
    assert int(walkers.group(1)) == POSTERIOR["options"]["n_walkers"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--walkers", "100000000"], "--walkers x --steps: 100,000,000 walkers x"),
        (["--steps", "1000000000"], "--walkers x --steps: 48 walkers x 1,000,001,500 steps"),
        # 14 free parameters (13 shared and sigma): 2 * 14 + 2 = 30
        (["--walkers", "3", "--steps", "500"], "--walkers: needs at least 2k + 2 = 30 walkers"),
    ],
)
def test_sampler_sizes_beyond_memory_are_refused_before_any_work(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """review15hostile D6: 10^8 walkers died in numpy's allocation (a traceback, after the
    mode's minute) and 10^9 steps ran on silently; 3 walkers were reported as 4."""
    monkeypatch.setenv("FORCERATIO_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "8G")

    def reached(*args: object, **kwargs: object) -> None:  # the work: the mode's minute
        raise AssertionError("find_mode was reached: the refusal came after the work")

    monkeypatch.setattr("forceratio.calibration.sampling.find_mode", reached)
    res = runner.invoke(app, ["calibrate", "--no-loo", "--format", "json", *args])
    assert res.exit_code == 2, res.output
    assert message in " ".join(res.output.split())
    assert "above the limit FORCERATIO_MAX_MEMORY=8G" in res.output or "walkers for" in res.output
