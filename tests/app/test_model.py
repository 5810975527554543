"""The explorer's answers without a server: parameters with labels, ranges and sources;
one point's outcome agrees with ``forceratio compare``; bad values are refused naming the
field, as the command line refuses them."""

from __future__ import annotations

import pytest

from forceratio.app.model import QUICK_SAMPLES, Explorer
from forceratio.errors import InputError
from forceratio.scenarios.compare import compare

SCN = "strike-12june-strip"


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer()


def test_parameters_carry_range_label_and_source(explorer: Explorer) -> None:
    info = explorer.scenario(SCN)
    paths = {p["path"] for p in info["parameters"]}
    assert "modifiers.quality.Germany" in paths
    for p in info["parameters"]:
        assert p["low"] < p["high"]
        assert p["low"] <= p["value"] <= p["high"]
        assert p["label"]
        assert "." not in p["label"]
        assert p["source"]


def test_the_default_point_is_the_compare_row(explorer: Explorer) -> None:
    info = explorer.scenario(SCN)
    res = explorer.run(SCN, {p["path"]: p["value"] for p in info["parameters"]})
    row = compare([SCN])[0]
    assert res["winner"] == row["winner"]
    assert res["losses"]["USSR"]["personnel"] == pytest.approx(row["soviet_losses"], rel=1e-6)
    assert res["losses"]["Germany"]["personnel"] == pytest.approx(row["german_losses"], rel=1e-6)
    assert res["nearby"]["samples"] == QUICK_SAMPLES
    assert 0.0 <= res["nearby"]["attacker_win_probability"] <= 1.0
    assert len(res["days"]) == len(res["trajectories"]["USSR"]["men"])
    # the 22 June record beside every scenario, with its sources in the labels
    assert any("Krivosheev" in r["label"] for r in res["history"])


def test_german_quality_flips_the_strike(explorer: Explorer) -> None:
    """At the two ends of its declared range German quality decides the rebuilt strike
    (the range is CDB90's Eastern-Front spread over the whole-record calibration)."""
    info = {p["path"]: p for p in explorer.scenario(SCN)["parameters"]}
    q = info["modifiers.quality.Germany"]
    low = explorer.run(SCN, {"modifiers.quality.Germany": q["low"]})
    high = explorer.run(SCN, {"modifiers.quality.Germany": q["high"]})
    assert low["winner"] == "USSR"
    assert high["winner"] == "Germany"
    # the attrition margin falls with German quality; with the Germans hardly captured
    # (factor 0.005, the record's bound) it can stay negative while the depth decides
    assert low["attacker_margin"] > high["attacker_margin"]
    assert high["attacker_margin"] < 0


def test_the_22_june_scenario_shows_its_records_beside_the_model(explorer: Explorer) -> None:
    res = explorer.run("barbarossa-22june", {})
    assert res["records"]
    for r in res["records"]:
        assert r["history"] > 0
        assert r["model"] > 0


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ({"breakpoints.USSR": "abc"}, "breakpoints.USSR: expected a number"),
        ({"breakpoints.USSR": 1.5}, "breakpoints.USSR: must be in [0, 1)"),
        ({"modifiers.quality.Germany": -1}, "modifiers.quality.Germany: must be"),
        ({"modifiers.quality.Germany": "inf"}, "must be finite"),
        ({"no.such.thing": 1}, "no.such.thing: not a parameter"),
    ],
)
def test_bad_values_are_refused_naming_the_field(
    explorer: Explorer, values: dict[str, object], needle: str
) -> None:
    with pytest.raises(InputError) as err:
        explorer.run(SCN, values)
    assert needle in str(err.value)


def test_unknown_scenario(explorer: Explorer) -> None:
    with pytest.raises(InputError, match="unknown scenario"):
        explorer.scenario("no-such")


def test_a_value_refused_as_a_product_names_its_box(explorer: Explorer) -> None:
    """A value inside its own domain whose product the engine refuses (surpriser_fire 1e-7:
    the USSR's fire multiplier below 1e-6) named only the product, so the page outlined no
    box. Oracle: the one value the test moved, sent alone and among all the page's values."""
    path = "modifiers.surprise.surpriser_fire"
    own = {p["path"]: p["value"] for p in explorer.scenario(SCN)["parameters"]}
    for values in ({path: 1e-7}, {**own, path: "0.0000001"}):
        with pytest.raises(InputError) as err:
            explorer.run(SCN, values)
        assert err.value.field == path
        assert "fire multiplier" in err.value.problem
        assert "1e-06 to 1e+06" in err.value.problem
