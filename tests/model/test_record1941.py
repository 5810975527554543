"""The whole-record calibration problem of issue 13: its records, its batch model, and a
fit that recovers known parameters from synthetic records the model itself generated."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from forceratio.calibration import Record, Records, fit_map
from forceratio.calibration.problem import Problem
from forceratio.scenarios.record1941 import (
    SCENARIOS,
    SHARED,
    predictive_residuals,
    problem,
    record_tables,
    summary,
)
from forceratio.scenarios.run import run
from forceratio.scenarios.session import Session

#: Known values in SHARED's order (the last, 0.25, the killed share of the men cut off).
TRUTH = np.array([0.02, 0.003, 0.03, 1.8, 0.25, 0.02, 5.0, 1.5, 0.003, 1.0, 0.75, 0.02, 0.25])
#: Where the attacker's capture factor sits in SHARED (and TRUTH).
FACTOR = [p for p, _, _ in SHARED].index("operations.capture.factor.attacker")
#: Where the killed share of the men cut off sits in SHARED (and TRUTH).
KILLED = [p for p, _, _ in SHARED].index("operations.capture.killed_share")


def test_truth_lists_every_shared_parameter() -> None:
    """TRUTH gives one value per shared parameter, each inside its limits."""
    from forceratio.scenarios.record1941 import LIMITS

    assert len(TRUTH) == len(SHARED)
    for (p, _, _), v in zip(SHARED, TRUTH, strict=True):
        assert LIMITS[p][0] <= v <= LIMITS[p][1], p


@pytest.fixture(scope="module")
def session() -> Session:
    return Session()


def test_every_operation_with_a_scenario_contributes_records(session: Session) -> None:
    prepared = {n: session.prepare(n) for n in SCENARIOS}
    prob, tg = problem(prepared, session.table("operations_1941"))
    groups = set(prob.records.groups)
    assert {"Baltic", "Belorussian", "Smolensk", "Uman", "Kiev", "Vyazma-Bryansk"} <= groups
    kinds = set(prob.records.kinds)
    assert kinds == {"losses", "prisoners", "tanks", "depth"}
    # the Vyazma record is a lower bound, as the scenario says
    vy = [t for t in tg if t.record.group == "Vyazma-Bryansk" and t.kind == "losses"]
    assert vy[0].record.lower_bound


def test_german_missing_enter_as_upper_bounds_with_their_sources(session: Session) -> None:
    """The record scenarios run one capture process, the Germans (attacking) taken at the
    fitted attacker's factor: their recorded missing bound their captured from above, each
    with its table row's source; Halder's 3 July figure bounds the three 22 June sectors
    together, on day 12."""
    prepared = {n: session.prepare(n) for n in SCENARIOS}
    assert all(p.scenario.operations.capture.process == "one" for p in prepared.values())
    assert all(p.scenario.attacker == "Germany" for p in prepared.values())
    prob, tg = problem(prepared, record_tables(session.table))
    ger = {t.record.group: t for t in tg if t.kind == "prisoners" and t.side == "Germany"}
    want = {"22 June": 3961.0, "Uman": 785.0, "Kiev": 5018.0, "Smolensk": 5682.0}
    assert {g: t.record.value for g, t in ger.items()} == want
    srcs = {"22 June": "halder", "Uman": "enwiki_uman", "Kiev": "enwiki_kiev",
            "Smolensk": "enwiki_smolensk"}  # fmt: skip
    for g, t in ger.items():
        r = t.record
        assert r.upper_bound
        assert not r.lower_bound
        assert srcs[g] in r.source
        assert "missing" in r.source
        assert Record.from_dict(r.to_dict()) == r
    assert (ger["22 June"].index, ger["22 June"].day) == (-1, 12.0)
    assert int(prob.records.upper_bound.sum()) == 4
    assert "operations.capture.factor.attacker" in prob.parameters.names
    # without the 22 June table its rows are simply not records: Halder's, and Budnitsky's
    # aircraft and tanks
    _, fewer = problem(prepared, session.table("operations_1941"))
    assert len(fewer) == len(tg) - 3


def test_the_22_june_bound_is_every_sectors_captured(session: Session) -> None:
    """The model's value of the Halder bound is the Germans captured in all three sectors by
    day 12 (oracle: the same scenario run directly, the men its capture flow cut off summed
    over its sectors, less the killed share of them: 1 - 0.25 taken prisoner); it is linear in
    the attacker's factor while that is small (the Germans' capture barely moves the
    battle), and the Soviets' captured do not depend on it."""
    prep = session.prepare("barbarossa-22june")
    prob, tg = problem({"barbarossa-22june": prep}, record_tables(session.table))
    j = next(i for i, t in enumerate(tg) if t.side == "Germany" and t.kind == "prisoners")
    sov = next(i for i, t in enumerate(tg) if t.side == "USSR" and t.kind == "prisoners")
    names = [p for p, _, _ in SHARED]
    batch = np.stack([TRUTH, TRUTH, TRUTH])
    batch[:, FACTOR] = [0.001, 0.002, 0.004]
    got = prob.model(batch)
    out = run(prep, samples={p: batch[:, i] for i, p in enumerate(names)}, times=[12.0, 18.0],
              operational=True)  # fmt: skip
    assert out.operations is not None
    ti = int(np.argmin(np.abs(out.days - 12.0)))
    cut_off = out.operations.captured_men["Germany"][:, 0, :, ti].sum(axis=1)
    direct = (1.0 - TRUTH[KILLED]) * cut_off
    np.testing.assert_allclose(got[:, j], direct, rtol=1e-9)
    assert np.all(direct > 0)
    np.testing.assert_allclose(got[1:, j] / got[0, j], [2.0, 4.0], rtol=0.02)
    np.testing.assert_allclose(got[:, sov], got[0, sov], rtol=0.01)


def test_batch_model_equals_one_run_per_row(session: Session) -> None:
    prepared = {"uman-1941": session.prepare("uman-1941")}
    prob, tg = problem(prepared, session.table("operations_1941"))
    batch = np.stack([TRUTH, TRUTH * np.where(np.arange(len(TRUTH)) == 2, 2.0, 1.0)])
    got = prob.model(batch)
    names = [p for p, _, _ in SHARED]
    one = run(
        prepared["uman-1941"],
        samples={p: [batch[1, j]] for j, p in enumerate(names)},
        operational=True,
    )
    losses = [i for i, t in enumerate(tg) if t.kind == "losses"]
    np.testing.assert_allclose(got[1, losses], one.record_model[0, 0], rtol=1e-6)
    assert (
        got[1, [t.kind == "prisoners" for t in tg]][0]
        > got[0, [t.kind == "prisoners" for t in tg]][0]
    )


def test_map_recovers_known_parameters_from_synthetic_records(session: Session) -> None:
    """Records generated by the model at known values (no noise): the mode is near them
    for the parameters these operations identify (both kill rates, the capture rate and the
    attacker's factor)."""
    prepared = {n: session.prepare(n) for n in ("uman-1941", "smolensk-1941")}
    prob, _ = problem(prepared, session.table("operations_1941"))
    truth = prob.model(TRUTH[None, :])[0]
    synthetic = Records(
        Record(r.name, float(v), r.kind, r.group, False)
        for r, v in zip(prob.records, truth, strict=True)
    )
    syn = Problem(prob.parameters, synthetic, prob.model)
    # the problem is multimodal: from two starts the optimiser can stop at a local mode
    res = fit_map(syn, n_starts=4, n_draws=200, seed=1)
    got = res.values
    # both kill rates, the capture rate, and the attacker's factor (from the Germans'
    # captured, here point records at the truth)
    checked = [0, 1, 2, FACTOR]
    for name, want in zip([SHARED[i][0] for i in checked], TRUTH[checked], strict=True):
        assert got[name] == pytest.approx(want, rel=0.15), name
    assert np.max(np.abs(res.residuals["relative_error"])) < 0.05


def test_summary_counts_targets() -> None:
    data = {
        "residuals": [
            {"relative_error": 0.1, "lower_bound": False},
            {"relative_error": 0.5, "lower_bound": False},
            {"relative_error": 0.9, "lower_bound": True},
        ],
        "out_of_sample_groups": [
            {"relative_error": 0.2}, {"relative_error": -0.6}, {"relative_error": 1.0},
        ],
    }  # fmt: skip
    s = summary(data)
    assert s["within_35pct"] == 2
    assert s["median_abs_error_in_sample"] == pytest.approx(0.3)
    assert s["loo_median_abs_error"] == pytest.approx(0.6)
    assert s["loo_operations"] == 3
    assert s["loo_median_abs_error_per_record"] is None  # no out_of_sample rows given


def test_a_met_upper_bound_counts_as_within_and_a_missed_one_as_its_error() -> None:
    data = {
        "residuals": [
            {"relative_error": -0.9, "lower_bound": False, "upper_bound": True},
            {"relative_error": 0.5, "lower_bound": False, "upper_bound": True},
            {"relative_error": 0.1, "lower_bound": False, "group": "22 June", "kind": "losses"},
            {"relative_error": -0.5, "lower_bound": False, "group": "22 June",
             "kind": "prisoners", "upper_bound": True},
        ],
    }  # fmt: skip
    s = summary(data)
    assert s["within_35pct"] == 3
    assert s["median_abs_error_in_sample"] == pytest.approx(0.3)  # 0.5 and 0.1
    assert s["june22_totals"] == s["june22_within_15pct"] == 1  # the bound is no total


def test_calibrate_record_keeps_the_json_keys(session: Session) -> None:
    """The calibrate --format json shape: parameters with ci95_low/high, residuals and
    out_of_sample rows with their keys, posterior_draws, diagnostics, the summary."""
    from forceratio.scenarios import record_fit

    rec = record_fit.inputs(session.table, names=("uman-1941", "smolensk-1941"))
    settings = {"method": "map", "seed": 0, "options": {"n_starts": 1, "n_draws": 50}}
    result, source = record_fit.fit(rec, settings, loo=True, use_cache=False)
    data = record_fit.to_data(result, source)
    assert {"parameters", "residuals", "out_of_sample", "posterior_draws", "diagnostics"} <= set(
        data
    )
    assert data["posterior_draws"] == 50
    for p in data["parameters"]:
        assert {"parameter", "value", "ci95_low", "ci95_high"} <= set(p)
    for r in data["residuals"]:
        assert {"record", "historical", "model", "relative_error", "lower_bound"} <= set(r)
    assert {r["held_out"] for r in data["out_of_sample"]} == {"Uman", "Smolensk"}
    for r in data["out_of_sample"]:
        assert {"held_out", "relative_error"} <= set(r)
    assert data["summary"]["loo_operations"] == 2


def test_group_errors_do_not_cancel() -> None:
    """An operation with one record at +50% and one at -33% (ln 1.5 and ln 2/3 cancel) has
    a geometric-mean error of 0 but a non-cancelling error of exp(ln 1.5) - 1 = 0.5; a met
    lower bound counts as exact."""
    from forceratio.scenarios.record1941 import group_errors

    rows: list[dict[str, Any]] = [
        {"held_out": "A", "model": 150.0, "historical": 100.0, "lower_bound": False},
        {"held_out": "A", "model": 200.0, "historical": 300.0, "lower_bound": False},
        {"held_out": "B", "model": 500.0, "historical": 100.0, "lower_bound": True},
        {"held_out": "B", "model": 50.0, "historical": 100.0, "lower_bound": False},
    ]
    got = {g["held_out"]: g for g in group_errors(rows)}
    assert got["A"]["geometric_mean_error"] == pytest.approx(0.0, abs=1e-12)
    assert got["A"]["relative_error"] == pytest.approx(0.5)
    assert got["B"]["relative_error"] == pytest.approx(np.expm1(np.log(2.0) / 2))
    assert got["B"]["n_records"] == 2
    s = summary({"residuals": [], "out_of_sample": [
        {**r, "relative_error": r["model"] / r["historical"] - 1} for r in rows
    ]})  # fmt: skip
    assert s["loo_median_abs_error"] == pytest.approx(np.median([0.5, np.expm1(np.log(2.0) / 2)]))


def test_error_scale_prior_is_bounded(session: Session) -> None:
    """The likelihood's scale has a bounded prior (a logit transform), so that no Laplace
    draw, however wide, overflows: the largest unconstrained value maps inside it."""
    prepared = {"uman-1941": session.prepare("uman-1941")}
    prob, _ = problem(prepared, session.table("operations_1941"))
    sigma = prob.free[-1]
    assert sigma.name == "sigma"
    low, high = sigma.prior.support
    assert np.isfinite(high)
    x = sigma.prior.from_unconstrained(np.array([-1e6, 0.0, 1e6]))
    assert np.all(np.isfinite(x))
    assert np.all((x >= low) & (x <= high))


#: The start of the refit below: the shipped posterior's best draw (its ``map`` column),
#: regenerated on Kiev's and Uman's sourced Soviet postures (issue13-mechanisms 8.31); the
#: mode before them (both in hasty defence), from ``forceratio calibrate --mode map``, had
#: the German rate 0.003174 and the unprepared factor 0.5086 (interior, as 0.5024 here).
MODE = {
    "attrition.german_rate": 0.002879, "attrition.soviet_rate": 0.004413,
    "operations.capture.rate.USSR": 0.07536, "operations.capture.ratio": 1.510,
    "operations.capture.width": 0.9007, "operations.noncombat.USSR.tanks": 0.08744,
    "operations.advance.scale": 15.23, "operations.advance.exponent": 0.5625,
    "operations.capture.factor.attacker": 0.003095, "operations.capture.mobile_exponent": 1.446,
    "modifiers.posture.unprepared_factor": 0.5024, "operations.noncombat.USSR.aircraft": 0.02056,
    "operations.capture.killed_share": 0.2506,
}  # fmt: skip


@pytest.mark.slow
def test_whole_record_fit_is_no_worse_than_measured(session: Session) -> None:
    """Refit every record from the shipped posterior's best draw: of the 26 records in the
    likelihood (31 reported), at least 25 within 35% (a met bound or interval counts; the
    German missing are upper bounds, all met), in-sample median |error| at most 0.125; the
    one 22 June
    German total in the likelihood (Budnitsky's) within 15%.  Measured by this refit on the
    sourced postures (issue13-mechanisms 8.31): 25 of 26, 1 of 1 (+10.0%), 0.1145, the miss
    Uman's prisoners +36.1% (8.30 foresaw +36.1% at the mode; at the posterior medians all
    26 are met, +34.5%, README).  Before them (both in hasty defence): 26 of 26, 1 of 1
    (+11.4%), 0.130, the nearest miss Uman's Axis losses +34.5%; on the former 0.5-1 prior:
    26 of 26, 0 of 1 (+17.1%), 0.1455; before the killed share: 24 of 26, 0 of 1 (+16.5%),
    0.165; on 5 December, before the aircraft and tank records: 22 of 24, 0 of 1, 0.221)."""
    from dataclasses import replace

    from forceratio.calibration import Parameters
    from forceratio.calibration.report import to_json

    prepared = {n: session.prepare(n) for n in SCENARIOS}
    prob, _ = problem(prepared, record_tables(session.table))
    warm = Parameters(replace(q, value=MODE[q.name]) for q in prob.parameters.items)
    res = fit_map(replace(prob, parameters=warm), n_starts=1, n_draws=50, seed=0)
    s = summary(to_json(res, None))
    assert s["records"] == 26
    assert s["records_reported"] == 31
    assert s["within_35pct"] >= 25  # Uman's prisoners +36.1% at the mode
    assert s["june22_totals"] == 1
    assert s["june22_within_15pct"] == 1  # Budnitsky's, +10.0% at the mode
    assert s["median_abs_error_in_sample"] <= 0.125  # 0.1145 measured
    up = prob.records.upper_bound
    assert up.sum() == 4
    assert np.all(res.residuals["relative_error"].to_numpy()[up] <= 0)


def _personnel(fig: Any) -> float:
    from forceratio.scenarios.schema import CATEGORIES

    return float(fig.value[CATEGORIES.index("personnel")])


def test_records_and_scenarios_count_the_same_forces(session: Session) -> None:
    """The basis audit (docs section 8.4): each record is compared with the forces it counts.
    The Baltic sector's tanks with the North-Western Front's reinforcements come to the
    record's 2,523 lost within 0.5% (the 1,514 of 22 June alone are 60% of it); Smolensk
    holds the 1,991,000 men committed, Leningrad the 517,000 of 10 July (272,000 at the
    start) and the 34th Army's 54,474; Kiev's prisoner record is the OKW's 665,000 scaled
    to the South-Western Front, whose losses it is fitted beside; the Baltic loss record is
    Krivosheev's unscaled total."""
    from forceratio.scenarios.schema import CATEGORIES

    k = CATEGORIES.index("tanks")
    b = session.prepare("barbarossa-22june")
    tanks = float(b.forces["USSR"][0].value[k]) + sum(
        float(a.amount.value[k]) for a in b.arrivals["USSR"][0]
    )
    assert float(b.forces["USSR"][0].value[k]) < 0.7 * 2523  # 1,514 on 22 June
    assert tanks == pytest.approx(2523, rel=0.005)  # 1,514 + about 1,000 arrived
    assert b.records[0][1].value[0] == 75202 + 13284

    def committed(name: str) -> float:
        p = session.prepare(name)
        return _personnel(p.forces["USSR"][0]) + sum(
            _personnel(a.amount) for a in p.arrivals["USSR"][0]
        )

    assert committed("smolensk-1941") == 1_991_000
    assert committed("leningrad-1941") == 517_000 + 54_474
    assert _personnel(session.prepare("leningrad-1941").forces["USSR"][0]) == 272_000
    prepared = {n: session.prepare(n) for n in SCENARIOS}
    _, tg = problem(prepared, session.table("operations_1941"))
    kiev = next(t for t in tg if t.record.group == "Kiev" and t.kind == "prisoners")
    assert kiev.record.value == pytest.approx(665_000 * 531_471 / 616_304, abs=1.0)


def test_leave_one_out_refits_start_from_the_given_mode() -> None:
    """A refit starts from the whole-record mode as well as a prior draw and keeps the
    better optimum: on a posterior with a narrow high mode (ln a = 4) beside a wide low one
    (ln a = -2), refits started at the high mode stay there whatever the seed, where fits
    from prior draws alone land in the wide basin for some seeds."""
    from forceratio.calibration import CalibratedParameter, LogUniform, Parameters
    from forceratio.calibration.likelihood import LogNormalLikelihood
    from forceratio.scenarios.record_fit import _refit

    def model(batch: np.ndarray) -> np.ndarray:
        x = np.log(batch[:, :1])
        # the log residual: 0.1 at the wide mode (ln a = -2), 0 at the narrow one (ln a = 4)
        r = (0.1 + 0.5 * (1 - np.exp(-((x + 2) ** 2) / 8))) * (1 - np.exp(-((x - 4) ** 2) / 0.1))
        return np.exp(4.0 + np.hstack([r, r]))

    fixed = CalibratedParameter("sigma", LogUniform(0.05, 0.2), value=0.1, vary=False)
    prob = Problem(
        Parameters([CalibratedParameter("a", LogUniform(1e-4, 1e4))]),
        Records([Record("r1", float(np.exp(4.0))), Record("r2", float(np.exp(4.0)))]),
        model,
        LogNormalLikelihood(sigma=fixed),
    )
    from forceratio.calibration import fit_map

    cold = [np.log(fit_map(prob, n_starts=2, n_draws=20, seed=s).values["a"]) for s in range(6)]
    assert min(cold) < 0  # from the prior alone some fits stop in the wide basin
    refit = _refit({"a": float(np.exp(4.0))})
    warm = [np.log(refit(prob, s).values["a"]) for s in range(6)]
    np.testing.assert_allclose(warm, 4.0, atol=0.05)


def test_smolensk_prisoners_are_compared_on_5_august(session: Session) -> None:
    """The German count of 300,000 was made when the pocket's resistance ended, 5 August
    (day 27 from 10 July; the table row's note dates it): the target reads the model's
    captured on that day, the Soviet loss record on the last day (63)."""
    prepared = {n: session.prepare(n) for n in SCENARIOS}
    _, tg = problem(prepared, session.table("operations_1941"))
    smolensk = {t.kind: t for t in tg if t.record.group == "Smolensk" and t.side == "USSR"}
    assert smolensk["prisoners"].day == 27.0
    assert smolensk["prisoners"].record.value == 300_000
    assert smolensk["losses"].day == 63.0
    ops = session.table("operations_1941")
    row = ops[(ops["formation"] == "Smolensk strategic defensive operation")
              & (ops["category"] == "prisoners")].iloc[0]  # fmt: skip
    assert "5 August" in row["note"]
    assert "verified" in row["note"]


def test_leningrad_arrivals_are_the_joining_men_and_the_34th_army(session: Session) -> None:
    """The 245,000 of 10 July outside the North-Western Front join in two blocks, the militia
    divisions 1-3 (31,200, days 0-10) and the rest (213,800, evenly over the 83 days); the
    34th Army (54,474, days 28-34) comes on top: with the start, 517,000 + 54,474."""
    p = session.prepare("leningrad-1941")
    blocks = sorted((a.start, a.end, _personnel(a.amount)) for a in p.arrivals["USSR"][0])
    assert blocks == [(0.0, 10.0, 31_200.0), (0.0, 83.0, 213_800.0), (28.0, 34.0, 54_474.0)]
    assert blocks[0][2] + blocks[1][2] == 517_000 - 272_000
    assert _personnel(p.forces["USSR"][0]) == 272_000


def test_summary_counts_at_the_posterior_predictive_medians_too() -> None:
    """The in-sample count is also taken at each record's posterior predictive median
    (``predictive``'s ``model_q50``): a record missed at the point (+40%) but met by its
    predictive median (+30%) counts there, and a met lower bound counts in both."""
    data = {
        "residuals": [
            {"record": "a", "historical": 100.0, "model": 140.0, "relative_error": 0.4,
             "lower_bound": False},
            {"record": "b", "historical": 100.0, "model": 90.0, "relative_error": -0.1,
             "lower_bound": False},
            {"record": "c", "historical": 100.0, "model": 200.0, "relative_error": 1.0,
             "lower_bound": True},
        ],
        "predictive": [
            {"record": "a", "model_q50": 130.0}, {"record": "b", "model_q50": 50.0},
            {"record": "c", "model_q50": 300.0},
        ],
    }  # fmt: skip
    s = summary(data)
    assert s["within_35pct"] == 2  # a misses at the point
    assert s["within_35pct_predictive"] == 2  # a met, b (-50%) missed, c a met bound
    assert s["median_abs_error_predictive"] == pytest.approx(0.4)  # |0.3| and |-0.5|
    rows = predictive_residuals(data)
    assert [r["relative_error"] for r in rows] == pytest.approx([0.3, -0.5, 2.0])
    assert [r["model"] for r in rows] == [130.0, 50.0, 300.0]


def test_summary_without_predictive_quantiles_says_none() -> None:
    """No predictive quantiles, or one record without them: no predictive count (None),
    never a count over a subset of the records."""
    res = [{"record": "a", "historical": 10.0, "model": 11.0, "relative_error": 0.1,
            "lower_bound": False},
           {"record": "b", "historical": 10.0, "model": 9.0, "relative_error": -0.1,
            "lower_bound": False}]  # fmt: skip
    assert summary({"residuals": res})["within_35pct_predictive"] is None
    partial = {"residuals": res, "predictive": [{"record": "a", "model_q50": 10.0}]}
    assert summary(partial)["within_35pct_predictive"] is None
    assert predictive_residuals(partial) == []
