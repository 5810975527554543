"""``threshold --level L --replications 1`` crossed the win share of one run a
grid point, 0 or 1, so every L in (0, 1) gave the same value (the 0.5 answer printed under
the label L), as without replications (refused since review17).  It is refused too, in one
line naming both options, exit 2, before any run."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.errors import InputError
from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec
from forceratio.sweeps.sensitivity import threshold
from tests.cli.refusals import refused
from tests.scenario_files import ScenarioFile

ARGS = ["threshold", "smolensk-1941", "--vary", "breakpoints.USSR=0.1:0.5"]
SQUAD = ScenarioFile(
    name="squad", description="20 attackers v 30 defenders", date=None, duration_days=30,
    german_rate=0.15, soviet_rate=0.05, sector="hill", ussr=30, germany=20,
)  # fmt: skip


def test_a_level_with_one_replication_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, [*ARGS, "--level", "0.9", "--replications", "1", "--seed", "1"])
    assert line.startswith("forceratio: error: --level x --replications: with 1 replication ")
    assert "0 or 1" in line
    assert "2 or more replications" in line


def test_the_python_threshold_refuses_it_before_any_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forceratio.sweeps import sensitivity

    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run was made")

    monkeypatch.setattr(sensitivity, "common_values", no_run)
    spec = SweepSpec(
        str(SQUAD.write(tmp_path / "squad.toml")), Design("random", (), 1, 2), replications=1
    )
    with pytest.raises(InputError, match="with 1 replication") as info:
        threshold(spec, Vary("attrition.german_rate", 0.05, 0.3), level=0.9)
    assert info.value.field == "level x replications"
