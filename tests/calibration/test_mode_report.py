"""review22c 1: ``calibrate --mode map`` says the optimiser's verdict (it held
``success False`` in its cache and said it nowhere): a JSON ``mode`` field, and a line in
the table output when the mode is not well defined.  The quick fit itself takes minutes, so
its result is stood in for by the shipped posterior relabelled as a quick-mode result with
the verdict under test (what ``find_mode`` puts in ``extra``)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.scenarios import record_fit

runner = CliRunner()
VERDICT = "polished ...; the mode is not well defined along operations.capture.ratio"


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    real = record_fit.fit

    def fake(rec: Any, settings: Any, **kwargs: Any) -> Any:
        result, _ = real(rec, record_fit.POSTERIOR, loo=False)
        extra = {"success": False, "message": VERDICT}
        return dataclasses.replace(result, method="map", diagnostics=None, extra=extra), "cache"

    monkeypatch.setattr(record_fit, "fit", fake)


@pytest.mark.usefixtures("quick")
def test_the_json_carries_the_modes_verdict() -> None:
    res = runner.invoke(app, ["calibrate", "--mode", "map", "--no-loo", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["mode"] == {"success": False, "message": VERDICT}


@pytest.mark.usefixtures("quick")
def test_the_table_says_the_mode_is_not_well_defined() -> None:
    res = runner.invoke(app, ["calibrate", "--mode", "map", "--no-loo"])
    assert res.exit_code == 0, res.output
    assert "MODE NOT WELL DEFINED" in res.stdout
    assert VERDICT in " ".join(res.stdout.split())
