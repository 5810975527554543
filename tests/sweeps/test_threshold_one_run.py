"""review22a L10: ``threshold --replications 1`` printed a Monte Carlo standard error
("1 replications") though one run per grid point wins or loses outright: the win share is
0 or 1 at every point, so the delta method's error (binomial error over the share's
slope) means nothing.  It now gives none and says why."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec
from forceratio.sweeps.sensitivity import threshold
from tests.scenario_files import ScenarioFile

runner = CliRunner()
SQUAD = ScenarioFile(
    name="squad", description="20 attackers v 30 defenders", date=None, duration_days=30,
    german_rate=0.15, soviet_rate=0.05, sector="hill", ussr=30, germany=20,
)  # fmt: skip


def test_one_replication_gives_no_monte_carlo_error(tmp_path: Path) -> None:
    path = SQUAD.write(tmp_path / "squad.toml")
    res = runner.invoke(
        app,
        ["threshold", str(path), "--vary", "attrition.german_rate=0.05:0.3",
         "--replications", "1", "--seed", "2", "--format", "json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert {y for _, y in out["grid"]} <= {0.0, 1.0}  # one run a point: a share of 0 or 1
    assert out["value"] is not None  # (a flip was found: the case the error was printed for)
    assert out["value_se"] is None
    assert "1 replication with" in out["note"]
    assert "no Monte Carlo error can be given" in out["note"]


def test_the_python_threshold_gives_none_either(tmp_path: Path) -> None:
    spec = SweepSpec(
        str(SQUAD.write(tmp_path / "squad.toml")), Design("random", (), 1, 2), replications=1
    )
    res = threshold(spec, Vary("attrition.german_rate", 0.05, 0.3))
    assert res.value is not None
    assert res.value_se is None
