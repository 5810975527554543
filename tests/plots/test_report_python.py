"""A report from Python is the command's report (the report's own analyses,
512 joint runs and 16 x 16 crossed for the first 12 June scenario and a 512-sample tornado,
were fixed in cli/plots.py, so ``plots.html.build`` could not make the same report).

The analyses and the HTML are faked (recording what they were asked), so the test checks
the wiring and the settings, not the numbers (tests/plots/test_report.py runs them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.plots import html
from forceratio.sweeps import mechanisms, reporting, sensitivity

NAME = "strike-12june-strip"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    seen: list[tuple[str, dict[str, Any]]] = []

    def sobol(session: Any, name: str, **kw: Any) -> list[dict[str, Any]]:
        seen.append(("sobol", {"name": name, **kw}))
        return [{"parameter": "p", "S1": 0.5}]

    def mech(session: Any, name: str, **kw: Any) -> str:
        seen.append(("mechanisms", {"name": name, **kw}))
        return f"mechanisms of {name}"

    def build(names: list[str], *, session: Any, seed: int, **kw: Any) -> str:
        return f"{names} seed {seed} {kw['tornado']} {kw.get('mechanisms')} {sorted(kw)}"

    monkeypatch.setattr(sensitivity, "declared_sobol", sobol)
    monkeypatch.setattr(mechanisms, "posterior_mechanisms", mech)
    monkeypatch.setattr(html, "build", build)
    return seen


def test_python_builds_the_report_the_command_writes(
    calls: list[tuple[str, dict[str, Any]]], tmp_path: Path
) -> None:
    r = CliRunner().invoke(app, ["report", NAME, "--seed", "3", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    written = (tmp_path / "report.html").read_text(encoding="utf-8")
    from_cli = list(calls)
    calls.clear()
    assert reporting.report([NAME], seed=3) == written
    assert calls == from_cli
    assert "mechanisms of strike-12june-strip" in written
    assert "['mechanisms', 'posterior', 'priors', 'tornado', 'tornado_samples']" in written


def test_the_report_settings(calls: list[tuple[str, dict[str, Any]]]) -> None:
    reporting.report([NAME], seed=5)
    assert calls == [
        ("sobol", {"name": NAME, "samples": 512, "seed": 5}),
        (
            "mechanisms",
            {"name": NAME, "runs": 512, "crossed": (16, 16), "seed": 5, "n_resamples": 50},
        ),
    ]


def test_an_uncalibrated_report_has_no_posterior_analysis(
    calls: list[tuple[str, dict[str, Any]]],
) -> None:
    text = reporting.report([NAME], uncalibrated=True, seed=0)
    assert "'posterior'" not in text
    assert [c for c, _ in calls] == ["sobol"]


def test_a_session_with_its_own_flags_is_refused() -> None:
    """review23d: ``report(session=S, uncalibrated=True)`` silently ignored the flag (the
    session fixes the tables and calibration)."""
    from forceratio.errors import InputError
    from forceratio.scenarios.session import Session

    with pytest.raises(InputError, match="either a session or tables/uncalibrated"):
        reporting.report([NAME], session=Session(None, False), uncalibrated=True)
