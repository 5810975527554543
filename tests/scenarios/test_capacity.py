"""The capacity to encircle per sector (issue 13, docs/design/issue13-mechanisms.md 8.9): a
sector that counts a side's mobile (panzer) divisions sets that side's capacity there to the
side's capacity times (count / reference) ** exponent; the rest keep the side's capacity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forceratio import scenarios
from forceratio.errors import InputError
from forceratio.scenarios.build import build, prepare
from forceratio.scenarios.capacity import sector_capacity
from forceratio.scenarios.schema import Scenario, validate_scenario
from tests.scenarios.test_scenarios import run_fails_in_one_line

NAME = "barbarossa-22june"
# Panzer divisions per sector as the scenario file gives them (North-West, West, South-West)
# and the reference: Army Group North 3, Panzer Groups 2 + 3 9, Panzer Group 1 5; 9.
COUNTS = np.array([3.0, 9.0, 5.0])
REF = 9.0
RAW = {"attrition.german_rate": [0.003], "attrition.soviet_rate": [0.003]}


def _flows(prep: scenarios.Prepared, samples: dict[str, list[float]]) -> tuple[np.ndarray, int]:
    """The Soviet rows' capture rates (N, S) and N."""
    b = build(prep, {**RAW, **samples})
    f = b.engagement.red.flows
    assert f is not None
    return np.asarray(f.capture_rate).reshape(b.n, b.s), b.n


def _without_counts(scn: Scenario) -> Scenario:
    sectors = [sec.model_copy(update={"mobile": {}}) for sec in scn.sectors]
    transfers = {k: t.model_copy(update={"mobile": 0.0}) for k, t in scn.transfers.items()}
    return scn.model_copy(update={"sectors": sectors, "transfers": transfers})


def test_the_file_counts_the_panzer_divisions_of_each_sector() -> None:
    scn = scenarios.load_scenario(NAME)
    assert [sec.mobile.get("Germany") for sec in scn.sectors] == list(COUNTS)
    assert scn.operations.capture.mobile_reference == {"Germany": REF}
    assert scn.transfers["pz3_north"].mobile == 4.0  # the 3rd Panzer Group's 4
    # Uman and Smolensk count none (8.12: not a count on one basis); Leningrad and Vyazma do
    assert all(not sec.mobile for sec in scenarios.load_scenario("uman-1941").sectors)
    assert all(not sec.mobile for sec in scenarios.load_scenario("smolensk-1941").sectors)


def test_each_sector_is_captured_at_its_own_capacity_exactly() -> None:
    """Oracle: the Soviet capture rate of sector j is the one process's rate times the
    defender's factor times the German capacity times (count_j / 9) ** exponent."""
    prep = scenarios.load(NAME)
    rate = [0.05, 0.02, 0.08, 0.04]
    gamma = [1.0, 0.5, 2.0, 0.0]
    capacity = [1.0, 1.3, 0.7, 2.0]
    got, n = _flows(
        prep,
        {
            "operations.capture.rate.USSR": rate,
            "operations.capture.mobile_exponent": gamma,
            "operations.capture.capacity.Germany": capacity,
        },
    )
    assert n == 4
    for i in range(n):
        want = rate[i] * capacity[i] * (COUNTS / REF) ** gamma[i]
        np.testing.assert_allclose(got[i], want, rtol=1e-14)
    # at exponent 1: a third of the West's rate in the North-West, five ninths in the South-West
    np.testing.assert_allclose(got[0] / got[0, 1], [1 / 3, 1.0, 5 / 9], rtol=1e-14)
    # the attacking Germans are captured at the Soviet capacity in every sector (not counted)
    b = build(prep, {**RAW, "operations.capture.mobile_exponent": [1.0]})
    blue = b.engagement.blue.flows
    assert blue is not None
    assert np.unique(np.asarray(blue.capture_rate)).size == 1


def test_without_counts_or_at_exponent_0_the_rows_are_the_old_ones_bit_for_bit() -> None:
    """The default (no sector counts) repeats one rate over the sectors, as before the
    feature; exponent 0 gives the same rows to the last bit."""
    scn = scenarios.load_scenario(NAME)
    load = scenarios.table_loader()
    plain = prepare(_without_counts(scn), load)
    counted = prepare(scn, load)
    samples = {
        "operations.capture.rate.USSR": [0.05, 0.011],
        "operations.capture.ratio": [2.0, 1.0],
    }
    old, n = _flows(plain, samples)
    assert sector_capacity(plain.scenario, {}, "USSR", n) is None
    np.testing.assert_array_equal(old, np.repeat(old[:, :1], 3, axis=1))
    zero, _ = _flows(counted, {**samples, "operations.capture.mobile_exponent": [0.0, 0.0]})
    np.testing.assert_array_equal(zero, old)
    one, _ = _flows(counted, {**samples, "operations.capture.mobile_exponent": [1.0, 1.0]})
    assert not np.array_equal(one, old)
    np.testing.assert_array_equal(one[:, 1], old[:, 1])  # the West is the reference


def test_a_transfer_moves_its_panzer_divisions_with_its_share() -> None:
    """Half the 3rd Panzer Group in the North-West: its 4 panzer divisions split 2 / 2,
    so the North-West counts 5 and the West 7 (and the South-West keeps 5)."""
    prep = scenarios.load(NAME)
    got, _ = _flows(
        prep,
        {
            "transfers.pz3_north.share": [0.0, 0.5],
            "operations.capture.mobile_exponent": [1.0, 1.0],
            "operations.capture.rate.USSR": [0.05, 0.05],
        },
    )
    np.testing.assert_allclose(got[0], 0.05 * COUNTS / REF, rtol=1e-14)
    np.testing.assert_allclose(got[1], 0.05 * np.array([5.0, 7.0, 5.0]) / REF, rtol=1e-14)


def test_the_exponent_is_a_fitted_shared_parameter_of_the_record() -> None:
    from forceratio.calibration import Uniform
    from forceratio.scenarios.record1941 import SHARED

    (prior,) = [p for path, p, _ in SHARED if path == "operations.capture.mobile_exponent"]
    assert prior() == Uniform(0.0, 2.0)


@pytest.mark.parametrize(
    ("sets", "needle"),
    [
        (["sectors.0.mobile.Germany=-1"], "sectors.0.mobile.Germany"),
        (["sectors.0.mobile.France=3"], "sectors.0.mobile.France"),
        (["operations.capture.mobile_reference.Germany=0"], "mobile_reference.Germany"),
        (["operations.capture.mobile_exponent=-0.5"], "mobile_exponent"),
        (["transfers.pz3_north.mobile=-4"], "transfers.pz3_north.mobile"),
        # more panzer divisions moved than the sector has (was clipped: the West's capacity 0)
        (["transfers.pz3_north.mobile=20"], "more mobile than"),
    ],
)
def test_bad_counts_are_one_line_exit_2(sets: list[str], needle: str) -> None:
    run_fails_in_one_line(NAME, needle, "--uncalibrated", *(a for s in sets for a in ("--set", s)))


def test_a_count_without_a_reference_is_refused(tmp_path: Path) -> None:
    text = scenarios.read(NAME)[0]
    assert isinstance(text, dict)
    raw = dict(text)
    raw["operations"] = {"capture": {"process": "one"}}  # the reference dropped
    with pytest.raises(InputError, match=r"mobile\.Germany needs a mobile_reference"):
        validate_scenario(raw, NAME)
    # a transfer carrying divisions between sectors that do not count them
    raw = dict(text)
    raw["sectors"] = [{**sec, "mobile": {}} for sec in text["sectors"]]
    with pytest.raises(InputError, match=r"transfer 'pz3_north': mobile needs"):
        validate_scenario(raw, NAME)
    path = tmp_path / "bad.toml"
    src = (Path(scenarios.__file__).parent / "builtin" / f"{NAME}.toml").read_text()
    path.write_text(src.replace("mobile_reference = { Germany = 9 }", ""), encoding="utf-8")
    run_fails_in_one_line(path, "needs a mobile_reference", "--uncalibrated")


def test_the_22_june_records_identify_the_exponent() -> None:
    """Synthetic 22 June records made by the model at a known exponent (0.6, the other
    shared parameters at fixed values): their log misfit over a grid of exponents, the rest
    held, is least at the truth and grows away from it on both sides; at exponent 0 (one
    capacity everywhere) the North-West's loss is higher and the West's the same."""
    from forceratio.scenarios.record1941 import SHARED, problem, record_tables
    from forceratio.scenarios.session import Session

    session = Session()
    prep = session.prepare(NAME)
    prob, tg = problem({NAME: prep}, record_tables(session.table))
    names = [p for p, _, _ in SHARED]
    # in SHARED's order; the last, 0.25, the killed share of the men cut off
    truth = np.array([0.004, 0.0035, 0.06, 2.0, 1.0, 0.2, 22.0, 0.3, 0.0007, 0.6, 0.7, 0.02, 0.25])
    assert len(truth) == len(names)
    j = names.index("operations.capture.mobile_exponent")
    grid = np.array([0.0, 0.3, 0.45, 0.6, 0.75, 0.9, 1.2])
    batch = np.tile(truth, (grid.size, 1))
    batch[:, j] = grid
    got = prob.model(batch)
    want = got[grid == 0.6][0]
    misfit = np.sum(np.log(got / want) ** 2, axis=1)
    best = int(np.argmin(misfit))
    assert grid[best] == 0.6
    assert misfit[best] == 0.0
    assert np.all(np.diff(misfit[: best + 1]) < 0)
    assert np.all(np.diff(misfit[best:]) > 0)
    nw = next(i for i, t in enumerate(tg) if t.kind == "losses" and t.index == 0)
    west = next(i for i, t in enumerate(tg) if t.kind == "losses" and t.index == 1)
    assert got[0, nw] > 1.3 * want[nw]
    np.testing.assert_allclose(got[:, west], want[west], rtol=1e-6)  # the reference sector
