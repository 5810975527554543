"""``operations.capture.killed_share`` (docs/design/issue13-mechanisms.md 8.26): of the men
the capture flow cuts off, that share is killed or wounded in the pocket and the rest taken
prisoner.  Only the reported split moves: the dynamics, the losses and the outcome rule (it
reads the men cut off) are those of share 0.

Oracles: closed forms of a toy with constant capture c and no fire on the captured side
(men cut off by day t: U0 (1 - e^(-ct)); the captured-share rule fires at
t* = -ln(1 - share) / c); the 1941 record's prisoner and killed-and-wounded readings are
(1 - k) and + k times the men cut off, on a built scenario whose trajectories are the same
at every k."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from forceratio import data
from forceratio.cli.app import app
from forceratio.scenarios import load_scenario
from forceratio.scenarios.build import prepare
from forceratio.scenarios.record1941 import PRIORS, SHARED, model_values, record_tables, targets
from forceratio.scenarios.run import run
from forceratio.scenarios.session import Session
from tests.cli.refusals import refused
from tests.cli.test_outcome_thresholds import TOY, U0, C, T

PATH = "operations.capture.killed_share"


def _row(tmp_path: Path, k: float) -> dict[str, object]:
    args = ["run", str(TOY.write(tmp_path / "toy.toml")), "--format", "json"]
    ran = CliRunner().invoke(app, [*args, "--set", f"{PATH}={k}"])
    assert ran.exit_code == 0, ran.output
    return dict(json.loads(ran.output))


@pytest.mark.parametrize("k", [0.0, 0.3, 1.0])
def test_the_split_of_the_men_cut_off_follows_the_closed_form(tmp_path: Path, k: float) -> None:
    row = _row(tmp_path, k)
    cut = U0 * -math.expm1(-C * T)  # by the run's end (the run goes on after the decision)
    assert row["soviet_losses"] == pytest.approx(cut, rel=1e-6)
    split = (row["soviet_captured"], row["soviet_killed_and_wounded"])
    # the men cut off are a quadrature over the trajectory (about 1e-5 relative)
    assert sum(split) == pytest.approx(row["soviet_losses"], rel=1e-4)  # type: ignore[arg-type]
    assert split == pytest.approx(((1 - k) * cut, k * cut), abs=1e-4 * cut)
    # the outcome rule reads the men cut off, whatever their share killed
    assert row["winner_decided_by"] == "captured"
    assert row["winner_decided_on_day"] == pytest.approx(-math.log(1 - 0.25) / C, rel=1e-4)


def test_the_share_moves_the_records_reading_not_the_dynamics() -> None:
    scn = load_scenario("uman-1941")
    prep = prepare(scn, Session().table)
    samples = {p: np.array([PRIORS[p].prior().median] * 2) for p, _, _ in SHARED}
    k = np.array([0.0, 0.4])
    samples[PATH] = k
    o = run(prep, samples=samples, operational=True, method="integrator")
    ops = o.operations
    assert ops is not None
    np.testing.assert_array_equal(o.losses["USSR"][0], o.losses["USSR"][1])
    np.testing.assert_array_equal(ops.captured_men["USSR"][0], ops.captured_men["USSR"][1])
    assert ops.decided_by[0, 0] == ops.decided_by[1, 0]
    tg = targets({"uman-1941": prep}, record_tables(data.load))
    got = model_values(o, tg)
    kinds = [(t.kind, t.side) for t in tg]
    pris = kinds.index(("prisoners", "USSR"))
    assert got[0, pris] > 0
    assert got[1, pris] == pytest.approx(0.6 * got[0, pris], rel=1e-12)
    j = next(i for i, (r, _) in enumerate(prep.records) if r.losses == "fire")
    rec = prep.records[j][0]
    cut = ops.captured_men["USSR"][0, 0, :, list(o.days).index(float(rec.day))].sum()
    fire = o.record_model[:, 0, j]
    assert fire[1] - fire[0] == pytest.approx(0.4 * cut, rel=1e-9)


def test_the_share_is_calibrated_with_a_bounded_sourced_prior() -> None:
    prior = PRIORS[PATH].prior()
    assert PATH in [p for p, _, _ in SHARED]
    assert prior.support == pytest.approx((0.05, 0.45))
    assert "sources.md" in PRIORS[PATH].note


@pytest.mark.parametrize("value", ["1.3", "-0.1", "nan"])
def test_a_share_out_of_its_domain_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, value: str
) -> None:
    toy = str(TOY.write(tmp_path / "toy.toml"))
    line = refused(capsys, ["run", toy, "--set", f"{PATH}={value}"])
    assert PATH in line
