"""review21d L2: a stochastic threshold reports its Monte Carlo error; a deterministic one
crosses a win indicator (``attacker_wins``), not a "probability"."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from tests.scenario_files import ScenarioFile

runner = CliRunner()

SQUAD = ScenarioFile(
    name="squad", description="20 attackers v 30 defenders", date=None, duration_days=30,
    german_rate=0.15, soviet_rate=0.05, sector="hill", ussr=30, germany=20,
)  # fmt: skip
VARY = ["--vary", "attrition.german_rate=0.05:0.3"]


def _threshold(tmp_path: Path, *extra: str) -> dict[str, object]:
    path = SQUAD.write(tmp_path / "squad.toml")
    res = runner.invoke(app, ["threshold", str(path), *VARY, *extra, "--format", "json"])
    assert res.exit_code == 0, res.output
    out: dict[str, object] = json.loads(res.stdout)
    return out


def test_the_deterministic_flip_is_lanchesters_parity(tmp_path: Path) -> None:
    """At parity g 20^2 = 0.05 30^2 (g = 0.1125) both sides keep the same share at every
    time (Lanchester 1916: R/R0 = B/B0 = exp(-sqrt(ab) t)); above it the attacker keeps more.
    The outcome crossed is the 0/1 winner, named as such, with no Monte Carlo error."""
    out = _threshold(tmp_path)
    assert out["value"] == pytest.approx(0.1125, abs=1e-5)
    assert out["outcome"] == "attacker_wins"
    assert "value_se" not in out


def test_the_stochastic_flip_carries_its_monte_carlo_error(tmp_path: Path) -> None:
    """The reported error against the spread of the value over independent seeds: the
    delta method's estimate is of the seeds' standard deviation's order (within a factor
    that six seeds' sampling error allows)."""
    runs = [_threshold(tmp_path, "--replications", "300", "--seed", str(s)) for s in range(6)]
    assert {r["outcome"] for r in runs} == {"attacker_win_probability"}
    se = statistics.mean(float(r["value_se"]) for r in runs)  # type: ignore[arg-type]
    spread = statistics.stdev(float(r["value"]) for r in runs)  # type: ignore[arg-type]
    assert se / 5 < spread < 2 * se
    assert "Monte Carlo standard error" in str(runs[0]["note"])
