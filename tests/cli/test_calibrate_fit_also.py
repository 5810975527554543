"""``calibrate --fit-also PATH``: which paths it takes, and that a freed path keys its own
result (never the default's, never another path's)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.scenarios import record_fit
from forceratio.scenarios.record1941 import OPTIONAL_PATHS
from forceratio.scenarios.session import Session
from tests.cli.refusals import refused

GATE = "operations.capture.gate"
UNPREPARED = "modifiers.posture.unprepared_factor"


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("modifiers.posture.no_such_factor", "is unknown"),
        # a registry path, fitted always: not one to free
        ("attrition.german_rate", "is fitted always or not fittable"),
        # a registry path the record fit never frees
        ("modifiers.posture.unprepared_until", "is fitted always or not fittable"),
        # optional once, fitted always since the record holds Budnitsky's aircraft
        (UNPREPARED, "is fitted always or not fittable"),
    ],
)
def test_a_path_not_fitted_on_request_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], path: str, why: str
) -> None:
    line = refused(capsys, ["calibrate", "--mode", "map", "--fit-also", path])
    assert "--fit-also" in line
    assert why in line
    for listed in OPTIONAL_PATHS:  # the message lists what it takes
        assert listed in line


@pytest.mark.parametrize(
    "extra", [["--single"], ["--prior-predictive"]], ids=["single", "prior-predictive"]
)
def test_fit_also_is_refused_where_nothing_shared_is_fitted(
    capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    line = refused(capsys, ["calibrate", *extra, "--fit-also", GATE])
    assert "--fit-also" in line
    assert "not with --single or --prior-predictive" in line


def test_the_help_names_every_path_fitted_on_request() -> None:
    res = CliRunner().invoke(app, ["calibrate", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    flat = re.sub(r"[\s│]+", " ", res.output)
    for path in OPTIONAL_PATHS:
        assert path in flat
    assert "compare and sweep keep using the shipped posterior" in flat


@pytest.fixture(scope="module")
def keys() -> dict[tuple[str, ...], str]:
    load = Session().table
    names = ("uman-1941",)  # the key's rule does not depend on how many scenarios
    return {
        freed: record_fit.key(record_fit.inputs(load, optional=freed, names=names), QUICK)
        for freed in [(), (GATE,)]
    }


QUICK = record_fit.QUICK


def test_a_freed_path_changes_the_cache_key(keys: dict[tuple[str, ...], str]) -> None:
    # two inputs, two keys: no run with --fit-also is served the default result
    assert len(set(keys.values())) == len(keys)


def test_the_default_key_is_the_shipped_one() -> None:
    # nothing freed: the shipped posterior still answers the default command
    rec = record_fit.inputs(Session().table)
    assert record_fit.shipped(rec) is not None
