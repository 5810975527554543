"""The parameter registry: every path round-trips through the scenario model, its domain is
the model's own, the derived views (sweepable values, sources, sweep --list, scenarios show)
come from it, and unknown or out-of-domain values are refused in one line."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from forceratio import scenarios
from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.scenarios.build import prepare
from forceratio.scenarios.compare import Session
from forceratio.scenarios.registry import (
    LABELS,
    PARAMETERS,
    applicable,
    label,
    lookup,
    parameter_rows,
    parameter_sources,
    sweepable,
    unit,
)
from forceratio.scenarios.run import run
from forceratio.scenarios.schema import validate_scenario
from tests.scenarios.test_scenarios import inline_toml

runner = CliRunner()
CUSTOM = inline_toml()  # "toy": custom weights, tanks on both sides, one sector "one"


def _custom(tmp_path: Path) -> str:
    path = tmp_path / "toy.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    return str(path)


def _inside(p_low: float, p_high: float) -> float:
    """A value strictly inside a domain, not equal to any default used here."""
    if math.isinf(p_high):
        return p_low + 0.37
    return p_low + 0.37 * (p_high - p_low)


@pytest.mark.parametrize("name", [*scenarios.builtins(), "custom"])
def test_every_path_round_trips_through_set_and_get(name: str, tmp_path: Path) -> None:
    scn = scenarios.load_scenario(_custom(tmp_path) if name == "custom" else name)
    params = applicable(scn)
    assert params, name
    load = scenarios.table_loader()
    for p in params:
        v = _inside(p.domain.low, p.domain.high)
        changed = p.set(scn, v)
        assert p.get(changed) == v, p.path
        # nothing else moved
        for q in params:
            if q is not p:
                assert q.get(changed) == q.get(scn), (p.path, q.path)
        # the run sees the value, and the file form re-validates to the same scenario
        assert sweepable(prepare(changed, load))[p.path] == v, p.path
        again = validate_scenario(changed.model_dump(mode="json"), "test")
        assert p.get(again) == v, p.path


def test_weights_exist_only_for_custom_combat_power(tmp_path: Path) -> None:
    strip = {p.path for p in applicable(scenarios.load_scenario("strike-12june-strip"))}
    toy = {p.path for p in applicable(scenarios.load_scenario(_custom(tmp_path)))}
    assert not any(p.startswith("weights.") for p in strip)
    # the toy has its own German capture rate; the strip one capture process (issue 13)
    assert toy - strip == {f"weights.{c}.value" for c in scenarios.schema.CATEGORIES} | {
        "operations.capture.rate.Germany"
    }
    assert parameter_sources(scenarios.load(_custom(tmp_path)))["weights.tanks.value"] == (
        "scenario file: test"
    )


def _model_accepts(raw: dict[str, object], path: str, value: float) -> bool:
    doc = scenarios.apply_sets(json.loads(json.dumps(raw)), {path: value})
    try:
        validate_scenario(doc, "test")
    except InputError:
        return False
    return True


@pytest.mark.parametrize("path", sorted(PARAMETERS))
def test_the_declared_domain_is_the_scenario_models(path: str, tmp_path: Path) -> None:
    """The registry's domain and the pydantic field's constraint agree at both ends, so a
    value a sweep may take is a value a scenario file may hold and the other way round."""
    raw = tomllib.loads(CUSTOM)
    if path.startswith("transfers."):  # a transfer's share needs the transfer (issue 12)
        part = {"inline": {"personnel": 100.0}}
        raw["transfers"] = {
            path.split(".")[1]: {"side": "Germany", "part": part, "from_sector": "one", "to": "one"}
        }
    if path.startswith("presence."):  # a presence share needs the presence (issue 13)
        raw["presence"] = {path.split(".")[1]: {"side": "Germany", "sector": "one", "end_day": 9}}
    p = PARAMETERS[path]
    lo, hi = p.domain.low, p.domain.high
    eps = 1e-9  # relative where the end is far from 1 (a kill rate's 1e-100 to 1e100)

    def step(x: float) -> float:
        return max(eps, abs(x) * eps)

    assert _model_accepts(raw, path, lo) is not p.domain.low_open
    assert not _model_accepts(raw, path, lo - step(lo))
    assert _model_accepts(raw, path, lo + step(lo))
    if math.isinf(hi):
        assert _model_accepts(raw, path, 1e12)
    else:
        assert _model_accepts(raw, path, hi) is not p.domain.high_open
        assert not _model_accepts(raw, path, hi + step(hi))
        assert _model_accepts(raw, path, hi - step(hi))
    assert bool(p.domain.contains(np.array([lo - step(lo)]))[0]) is False


def test_set_outside_the_domain_names_the_path() -> None:
    scn = scenarios.load_scenario("strike-12june-strip")
    with pytest.raises(InputError, match=r"breakpoints.USSR: must be in \[0, 1\), got 1"):
        PARAMETERS["breakpoints.USSR"].set(scn, 1.0)
    with pytest.raises(
        InputError, match=r"attrition\.german_rate: must be in \[1e-100, 1e\+100\], got 0"
    ):
        PARAMETERS["attrition.german_rate"].set(scn, 0.0)


def test_samples_outside_the_domain_are_refused_naming_the_path() -> None:
    prep = scenarios.load("strike-12june-strip")
    cal = {"german_rate": 0.02, "soviet_rate": 0.002}
    with pytest.raises(InputError, match=r"modifiers.air_strike.superiority_factor: must be in"):
        run(prep, samples={"modifiers.air_strike.superiority_factor": [1.2, 0.5]}, calibration=cal)
    with pytest.raises(InputError, match=r"unknown parameter 'modifiers\.nothing'"):
        run(prep, samples={"modifiers.nothing": [1.0]}, calibration=cal)


def test_labels_are_a_public_lookup() -> None:
    assert label("modifiers.quality.Germany") == "German quality (× its kill rate)"
    assert unit("modifiers.surprise.decay_days") == "days"
    assert LABELS["breakpoints.USSR"] == (label("breakpoints.USSR"), unit("breakpoints.USSR"))
    assert set(LABELS) == set(PARAMETERS)
    assert all(lab and un for lab, un in LABELS.values())
    assert len({lab for lab, _ in LABELS.values()}) == len(LABELS)  # no two read the same
    with pytest.raises(InputError, match=r"unknown parameter 'no\.such'"):
        label("no.such")
    assert scenarios.parameter_label("modifiers.quality.USSR") == "Soviet quality (× its kill rate)"


def test_calibrated_rates_resolve_from_the_calibration_and_say_so() -> None:
    prep = scenarios.load("strike-12june-strip")
    raw = sweepable(prep)
    assert raw["attrition.german_rate"] == pytest.approx(prep.factors["personnel_rate"])
    assert "not calibrated" in parameter_sources(prep)["attrition.german_rate"]
    cal = {"german_rate": 0.0123, "soviet_rate": 0.0045}
    rows = {r["path"]: r for r in parameter_rows(prep, cal)}
    assert rows["attrition.german_rate"]["value"] == 0.0123
    assert rows["attrition.soviet_rate"]["value"] == 0.0045
    assert rows["attrition.german_rate"]["source"].startswith("calibrated on the 1941 record")
    rate = lookup("attrition.german_rate")
    assert (rate.source(prep, cal).kind, rate.source(prep).kind) == ("calibrated", "table")
    assert rate.source(prep).key == "dupuy_institute"
    # a table default carries its citation key and whether it was read in the source
    decay = lookup("modifiers.surprise.decay_days").source(prep)
    assert (decay.kind, decay.key, decay.verified) == ("table", "oqjm", False)


def test_sweep_list_shows_the_calibrated_rates() -> None:
    session = Session()
    cal = session.calibration_for(session.prepare("strike-12june-strip"))
    assert cal is not None
    res = runner.invoke(app, ["sweep", "strike-12june-strip", "--list", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["path"]: r for r in json.loads(res.stdout)}
    for key in ("german_rate", "soviet_rate"):
        assert rows[f"attrition.{key}"]["value"] == pytest.approx(cal.values[key], rel=1e-12)
        assert rows[f"attrition.{key}"]["value"] != pytest.approx(0.02)
        assert rows[f"attrition.{key}"]["source"].startswith("calibrated on")
    assert rows["modifiers.quality.Germany"]["label"] == "German quality (× its kill rate)"
    res = runner.invoke(
        app, ["sweep", "strike-12june-strip", "--list", "--uncalibrated", "--format", "json"]
    )
    rows = {r["path"]: r for r in json.loads(res.stdout)}
    assert rows["attrition.german_rate"]["value"] == pytest.approx(0.02)
    assert "not calibrated" in rows["attrition.german_rate"]["source"]


def test_show_lists_the_calibrated_rates_with_labels() -> None:
    res = runner.invoke(app, ["scenarios", "show", "strike-12june-strip", "--format", "json"])
    assert res.exit_code == 0, res.output
    params = {p["parameter"]: p for p in json.loads(res.stdout)["parameters"]}
    assert params["attrition.german_rate"]["value"] != pytest.approx(0.02)
    assert params["breakpoints.USSR"]["label"] == "Soviet breakpoint"


@pytest.mark.parametrize(
    ("vary", "needle"),
    [
        ("nosuch.path=0:1", "--vary: unknown parameter 'nosuch.path'"),
        ("breakpoints.USSR=0.2:1.5", "breakpoints.USSR: must be in [0, 1), got 1.5"),
    ],
)
def test_bad_vary_is_one_line_naming_it(vary: str, needle: str, tmp_path: Path) -> None:
    out = tmp_path / "never"
    res = runner.invoke(
        app,
        ["sweep", "strike-12june-strip", "--vary", vary, "--seed", "1", "--out", str(out)],
    )
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert lines == [f"forceratio: error: {needle}"] or (len(lines) == 1 and needle in lines[0])
    assert not out.exists()


def test_uncertainty_range_outside_the_domain_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(CUSTOM + '[uncertainty]\n"breakpoints.USSR" = [0.5, 1.0]\n', encoding="utf-8")
    res = runner.invoke(app, ["run", str(path)])
    assert res.exit_code == 2
    assert len(res.stderr.strip().splitlines()) == 1
    assert "uncertainty.breakpoints.USSR: range [0.5, 1] must be in [0, 1)" in res.stderr


@pytest.mark.parametrize("name", scenarios.builtins())
def test_every_declared_range_holds_the_scenarios_own_value(name: str) -> None:
    """barbarossa-22june-strip ran its air strike at 0.093 with a declared range of
    [0.1, 0.35]: sweeps over the declared ranges never met the scenario itself, and the
    explorer's slider could not show it."""
    from forceratio.scenarios.registry import sweepable
    from forceratio.scenarios.session import Session

    session = Session()
    prep = session.prepare(name)
    base = sweepable(prep, session.rates(prep))
    outside = {
        path: (base[path], lo, hi)
        for path, (lo, hi) in prep.scenario.uncertainty.items()
        if path in base and not lo <= base[path] <= hi
    }
    assert not outside
