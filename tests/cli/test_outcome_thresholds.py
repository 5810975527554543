"""The outcome rule's thresholds (review22b MED 8): ``operations.outcome.captured_share`` and
``operations.outcome.depth_km`` are declared uncertain in the 12 June files (and their 22 June
counterpart), with ranges whose sourced ends agree with the data tables; set through --set
they move the winner exactly where the closed form puts the crossing; a value outside their
domain, or not finite, is refused in one line naming the --set (exit 2).

Oracles: the data tables' rows (the range ends' derivations); closed forms of a toy run with
constant capture (U = U0 e^(-ct), captured U0 (1 - e^(-ct))) and square-law fire by the
defender alone (G' = -k U), whose advance at scale s and exponent 1 is
x(t) = s [(G0/U0 - k/c)(e^(ct) - 1)/c + k t/c]."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from scipy.optimize import brentq
from typer.testing import CliRunner

from forceratio import data
from forceratio.cli.app import app
from forceratio.scenarios import load_scenario
from tests.scenario_files import ScenarioFile

SHARE, DEPTH = "operations.outcome.captured_share", "operations.outcome.depth_km"
DECLARING = ("strike-12june-strip", "strike-12june-north", "sokolov-152v100")
U0, G0, K, C, SCALE, T = 50_000.0, 100_000.0, 0.04, 0.01, 5.0, 40.0
#: the toy: fire by the defender alone (Germany's rate nil), no break, constant capture
TOY = ScenarioFile(
    name="rule-toy",
    duration_days=T,
    german_rate=1e-12,
    soviet_rate=K,
    ussr=U0,
    germany=G0,
    tail=f"""[breakpoints]
USSR = 0.0
Germany = 0.0
[operations.capture]
rate = {{ USSR = {C} }}
ratio = 0.5
width = 0.0
[operations.advance]
scale = {SCALE}
exponent = 1.0
cap = 1000.0""",
)


def _row(table: str, side: str, formation: str, category: str) -> dict[str, object]:
    df = data.load(table)
    hit = df[(df["side"] == side) & (df["formation"] == formation) & (df["category"] == category)]
    assert len(hit) == 1, (table, side, formation, category)
    return dict(hit.iloc[0])


@pytest.mark.parametrize("name", [*DECLARING, "barbarossa-22june-strip"])
def test_the_thresholds_are_declared_with_their_anchors(name: str) -> None:
    unc = load_scenario(name).uncertainty
    west = "Belorussian strategic defensive operation (Bialystok-Minsk)"
    prisoners = float(_row("operations_1941", "USSR", west, "prisoners")["value"])  # type: ignore[arg-type]
    men = float(_row("operations_1941", "USSR", west, "personnel")["value"])  # type: ignore[arg-type]
    assert unc[SHARE] == (0.15, round(prisoners / men, 2))  # 338,500 / 671,165 = 0.504
    north = _row("outcome_22june", "Germany", "advance on the North-West axis", "depth")
    sw = "advance on the South-West axis (Soviet withdrawal)"
    south = _row("outcome_22june", "Germany", sw, "depth")
    assert unc[DEPTH] == (200.0, float(north["high"]))  # type: ignore[arg-type]
    assert float(south["low"]) == 300.0  # type: ignore[arg-type]  # the central value
    assert unc[SHARE][0] < 0.25 < unc[SHARE][1]
    assert unc[DEPTH][0] < 300.0 < unc[DEPTH][1]


def test_the_list_shows_their_ranges() -> None:
    ran = CliRunner().invoke(app, ["sweep", "strike-12june-strip", "--list", "--format", "json"])
    assert ran.exit_code == 0, ran.output
    rows = {r["path"]: r for r in json.loads(ran.output)}
    assert (rows[SHARE]["low"], rows[SHARE]["high"]) == (0.15, 0.5)
    assert (rows[DEPTH]["low"], rows[DEPTH]["high"]) == (200.0, 500.0)


def _run(tmp_path: Path, *sets: str) -> dict[str, object]:
    args = ["run", str(TOY.write(tmp_path / "toy.toml")), "--format", "json"]
    for s in sets:
        args += ["--set", s]
    ran = CliRunner().invoke(app, args)
    assert ran.exit_code == 0, ran.output
    out = json.loads(ran.output)
    return dict(out[0] if isinstance(out, list) else out)


def _depth(t: float) -> float:
    return SCALE * ((G0 / U0 - K / C) * math.expm1(C * t) / C + K * t / C)


@pytest.mark.parametrize("side", [-1, 1])
def test_the_captured_share_flips_the_winner_at_the_closed_form_crossing(
    tmp_path: Path, side: int
) -> None:
    crossing = -math.expm1(-C * T)  # the Soviet share captured by day T: 0.3297
    # the Germans keep less of their start than the Soviets: the margin is the Soviets'
    assert 1 - K * U0 * crossing / (C * G0) < 1 - crossing
    share = crossing * (1 + side * 1e-3)
    out = _run(tmp_path, f"{SHARE}={share!r}", f"{DEPTH}=5000")
    if side < 0:
        assert (out["winner"], out["winner_decided_by"]) == ("Germany", "captured")
        day = -math.log1p(-share) / C
        assert out["winner_decided_on_day"] == pytest.approx(day, rel=1e-4)
    else:
        assert (out["winner"], out["winner_decided_by"]) == ("USSR", "attrition margin")


@pytest.mark.parametrize("side", [-1, 1])
def test_the_depth_flips_the_winner_at_the_closed_form_crossing(tmp_path: Path, side: int) -> None:
    assert (G0 / U0 - K / C) * math.exp(C * T) + K / C > 1  # the ratio stays above 1: x' > 0
    depth = _depth(T) * (1 + side * 1e-3)  # 308.18 km
    out = _run(tmp_path, f"{SHARE}=1", f"{DEPTH}={depth!r}")
    if side < 0:
        assert (out["winner"], out["winner_decided_by"]) == ("Germany", "depth")
        day = brentq(lambda t: _depth(t) - depth, 0.0, T, xtol=1e-12)
        assert out["winner_decided_on_day"] == pytest.approx(day, rel=1e-4)
    else:
        assert (out["winner"], out["winner_decided_by"]) == ("USSR", "attrition margin")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (f"{SHARE}=0", "must be > 0"),
        (f"{SHARE}=1.5", "must be <= 1"),
        (f"{DEPTH}=0", "must be > 0"),
        (f"{DEPTH}=-300", "must be > 0"),
        (f"{DEPTH}=nan", "finite"),
        (f"{SHARE}=inf", "finite"),
        ("operations.capture.capacity.USSR=nan", "finite"),  # declared uncertain on main too
    ],
)
def test_a_value_outside_the_domain_is_refused_naming_the_set(text: str, problem: str) -> None:
    ran = CliRunner().invoke(app, ["run", "strike-12june-strip", "--set", text])
    assert ran.exit_code == 2, ran.output
    lines = ran.output.strip().splitlines()
    assert len(lines) == 1
    assert "Traceback" not in ran.output
    path = text.partition("=")[0]
    assert f"--set {path}" in lines[0]
    assert problem in lines[0]
    assert "uncertainty" not in lines[0]  # not the declared range's check
