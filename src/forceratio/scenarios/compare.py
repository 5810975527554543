"""One comparison row per scenario: force ratios, combat power, outcome, losses, and for the
22 June scenarios the historical record beside the model with its relative error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from forceratio.data.ratios import format_ratio
from forceratio.errors import InputError
from forceratio.limits import check_replications
from forceratio.scenarios import builtins, load, set_texts
from forceratio.scenarios.capacity import change_days
from forceratio.scenarios.outcome import outcome_columns
from forceratio.scenarios.rates import Calibration
from forceratio.scenarios.registry import rate_unit
from forceratio.scenarios.run import Outcome, check_counts
from forceratio.scenarios.schema import CATEGORIES
from forceratio.scenarios.session import Session
from forceratio.scenarios.sides import display_names
from forceratio.seeds import DEFAULT_SEED

QUANTILES = (0.05, 0.5, 0.95)
#: Posterior draws behind the 12 June rows' P(attacker wins) by default (one batch each).
POSTERIOR_DRAWS = 200
#: The dates whose rows carry the posterior outcome: the 12 June strike scenarios.
STRIKE_DATES = ("1941-06-12",)


#: The note of a run whose file leaves out combat_power.
COMBAT_POWER_DEFAULT = (
    'combat_power not given: the default "division_slices" counts each category in June '
    "1941 all-arms division slices (the division_equivalents table: an average division of "
    'either side is one unit); write combat_power = "personnel" to fight with men alone, or '
    '"custom" with a [weights] table (tanks = { value = 4, source = "..." })'
)


def _num(x: Any) -> float | None:
    v = float(x)
    return v if np.isfinite(v) else None


def destroying_power(out: Outcome) -> dict[str, float]:
    """Each side's combat power destroyed a day at the start (sample 0): the enemy's loss
    rate on day 0 under the scenario's law
    (:meth:`forceratio.simulator.laws.Law.exponents`: the firer's power to its ``p``, the
    target's to its ``q``, times the firer's rate and day-0 fire
    multipliers), summed over the sectors (under the linear and mixed laws
    the target's strength counts too).  A side with nothing fires nothing (``0**0`` is 0,
    as in the engine)."""
    b = out.built
    ex = b.engagement.exps
    su, de = "USSR", "Germany"
    rate = {
        su: float(b.par["attrition.soviet_rate"][0]),
        de: float(b.par["attrition.german_rate"][0]),
    }
    # combat power per sector at the start, after the air strike (sample 0)
    power = {sd: b.initial[sd].reshape(b.n, b.s, -1)[0] @ b.weights[0] for sd in (su, de)}
    # USSR is red: Germany's losses are a R**blue_p B**blue_q, the USSR's b B**red_p R**red_q
    law = {su: (ex.blue_p, ex.blue_q), de: (ex.red_p, ex.red_q)}
    out_e: dict[str, float] = {}
    for firer, target in ((su, de), (de, su)):
        p, q = law[firer]
        x, y = power[firer], power[target]
        live = (x > 0) & (y > 0)
        if (p, q) == (1.0, 0.0) and live.all():  # square: the firer's whole effective power
            out_e[firer] = float(out.effective_power0[firer][0, 0]) * rate[firer]
            continue  # (summed as before, to the last bit)
        xp = np.power(np.where(live, x, 1.0), p)
        yq = np.power(np.where(live, y, 1.0), q)
        val = float(np.where(live, xp * yq, 0.0).sum())
        out_e[firer] = rate[firer] * float(b.multipliers[firer][0, 0]) * val
    return out_e


def scenario_row(
    out: Outcome,
    cal: Calibration | None,
    stochastic: Outcome | None = None,
) -> dict[str, Any]:
    """The comparison row of a deterministic run (sample 0), with stochastic extras."""
    prep = out.prepared
    scn = prep.scenario
    su, de = "USSR", "Germany"
    b = out.built
    ini = {
        s: out.initial[s][0, 0] + b.struck[s].reshape(b.n, b.s, -1)[0].sum(axis=0) for s in (su, de)
    }
    row: dict[str, Any] = {
        "scenario": scn.name,
        "date": scn.date,
        "attacker": scn.attacker,
        "surprised": scn.modifiers.surprise.surprised,
        "sectors": len(scn.sectors),
    }
    names = display_names(scn)
    if names is not None:  # (a 1941 built-in keeps its wording and its rows as they were)
        row["side_names"] = names
    if "combat_power" not in scn.model_fields_set:  # (every built-in says which it uses)
        row["combat_power_default"] = COMBAT_POWER_DEFAULT
    for k, cat in enumerate(CATEGORIES):
        row[f"ratio_{cat}"] = format_ratio(float(ini[su][k]), float(ini[de][k]))
    p0 = {s: float(out.power0[s][0, 0]) for s in (su, de)}
    # combat power x modifiers on day 0 x the side's rate: the QJM-style P/P, with the
    # calibrated rates standing in for the quality (CEV) difference
    par = out.built.par
    e0 = destroying_power(out)
    row["combat_power_ratio"] = _num(e0[su] / e0[de]) if e0[de] > 0 else None
    row["combat_power_ratio_text"] = format_ratio(e0[su], e0[de])
    row["combat_power_ratio_unmodified"] = _num(p0[su] / p0[de]) if p0[de] > 0 else None
    row["duration_days"] = _num(out.duration[0, 0])
    row["end_reason"] = str(out.end_reason[0, 0])
    # the outcome: the same function as the sweeps' rows (outcome_columns: the outcome
    # rule), with the attrition margin beside it as its own column
    cols = outcome_columns(out)
    row["winner"] = str(cols["winner"][0, 0])
    row["winner_decided_by"] = str(cols["decided_by"][0, 0])
    # when the rule fired (none: the margin, at the end) and the attacker's deepest advance
    # (none: the scenario declares no operations, so no depth rule), on that day and by
    # the run's end (the advance goes on after the decision: the two can differ far)
    row["winner_decided_on_day"] = _num(out.decided_at[0, 0])
    ops = out.operations
    at_decision = None if ops is None else _num(ops.depth_at_decision[0, 0].max())
    row["attacker_depth_at_decision_km"] = at_decision
    row["attacker_depth_km"] = None if ops is None else _num(ops.depth[0, 0].max())
    row["attacker_margin"] = _num(cols["attacker_margin"][0, 0])
    row["margin_winner"] = str(out.margin_winner[0, 0])
    pk, tk, ak = (CATEGORIES.index(c) for c in ("personnel", "tanks", "aircraft"))
    loss = {s: out.losses[s][0, 0] for s in (su, de)}
    row["soviet_losses"] = _num(loss[su][pk])
    row["german_losses"] = _num(loss[de][pk])
    row["soviet_tanks_lost"] = _num(loss[su][tk])
    row["german_tanks_lost"] = _num(loss[de][tk])
    row["soviet_aircraft_lost"] = _num(loss[su][ak])
    row["german_aircraft_lost"] = _num(loss[de][ak])
    row["loss_exchange_ratio"] = _num(loss[su][pk] / loss[de][pk]) if loss[de][pk] > 0 else None
    for sd, key in ((su, "soviet"), (de, "german")):  # part of the losses (issue13 8.21)
        if sd in out.transit and np.any(out.transit[sd] > 0):
            row[f"{key}_lost_in_transit"] = _num(out.transit[sd][0, 0, pk])
            row[f"{key}_tanks_lost_in_transit"] = _num(out.transit[sd][0, 0, tk])
    for sd, key in ((su, "soviet"), (de, "german")):  # the men's split (issue 13)
        if ops is not None and sd in ops.captured:
            row[f"{key}_killed_and_wounded"] = _num(ops.fire[sd][0, 0, pk])
            row[f"{key}_captured"] = _num(ops.captured[sd][0, 0, pk])
            row[f"{key}_lost_without_combat"] = _num(ops.noncombat[sd][0, 0, pk])
    for key in ("soviet", "german"):
        row[f"{key}_surviving_share"] = _num(cols[f"{key}_surviving_share"][0, 0])
    row["german_rate"] = _num(par["attrition.german_rate"][0])
    row["soviet_rate"] = _num(par["attrition.soviet_rate"][0])
    for key in ("german_rate", "soviet_rate"):  # in the scenario's law's unit
        row[f"{key}_unit"] = rate_unit(scn, f"attrition.{key}")
    row["calibrated"] = cal is not None
    if cal is not None:
        row["calibrated_on"] = cal.scenario
    heads = [(j, r) for j, (r, _) in enumerate(prep.records) if r.headline]
    for side, key in ((su, "soviet"), (de, "german")):
        js = [j for j, r in heads if r.side == side]
        if not js:
            continue
        hist = sum(float(prep.records[j][1].value[0]) for j in js)
        model = float(out.record_model[0, 0, js].sum())
        row[f"historical_{key}_losses"] = hist
        row[f"model_{key}_losses_as_recorded"] = model
        row[f"error_{key}_losses"] = model / hist - 1.0
        row[f"historical_{key}_note"] = "; ".join(prep.records[j][0].label for j in js)
        row[f"historical_{key}_days"] = sorted({float(prep.records[j][0].day) for j in js})
        row[f"historical_{key}_lower_bound"] = any(prep.records[j][0].lower_bound for j in js)
        if row[f"historical_{key}_lower_bound"]:  # a sum with an undercount is one
            row[f"historical_{key}_note"] += " (includes a lower bound)"
    if stochastic is not None:
        wins = stochastic.attacker_wins[0]
        row["replications"] = int(wins.size)
        row["attacker_win_probability"] = float(wins.mean())
        ends = stochastic.duration[0]  # each run's own window
        row["replications_duration_days"] = [float(ends.min()), float(ends.max())]
        for s, key in ((su, "soviet"), (de, "german")):
            q = np.quantile(stochastic.losses[s][0, :, pk], QUANTILES)
            for qq, v in zip(QUANTILES, q, strict=True):
                row[f"{key}_losses_q{round(qq * 100):02d}"] = float(v)
    return row


#: The most posterior draws one call evaluates (the CLI's --posterior bound): each draw is a
#: batch of runs held in memory at once.
MAX_POSTERIOR = 100_000


def _check_counts(**counts: object) -> None:
    """The Python API's counts as the CLI's options: whole numbers >= 0 (None: the default),
    ``replications`` 1 to 100,000 (:func:`~forceratio.limits.check_replications`, the rule
    of ``--replications``), ``posterior`` at most :data:`MAX_POSTERIOR` (10^9 draws exhausted
    the machine)."""
    check_replications(counts.pop("replications", None))
    check_counts(**counts)
    top = counts.get("posterior")
    if isinstance(top, (int, np.integer)) and top > MAX_POSTERIOR:
        raise InputError("posterior", f"at most {MAX_POSTERIOR:,} draws in one call, got {top:,}")


def _check_sets_apply(session: Session, names: list[str], sets: Sequence[str]) -> None:
    """Refuse a ``--set`` of a parameter that some compared scenarios have and others lack
    (``presence.strip.tanks`` on the 22 June run): naming those that have it, instead of
    the error the others' files give about a section the user never touched."""
    from forceratio.scenarios.registry import sweepable

    known = {n: set(sweepable(session.prepare(n))) for n in names}
    for item in sets:
        path = item.partition("=")[0].strip()
        having = [n for n in names if path in known[n]]
        if having and len(having) < len(names):
            lacking = next(n for n in names if path not in known[n])
            raise InputError(
                "sets",
                f"{path} is not a parameter of {lacking}; name the scenarios that have it: "
                f"forceratio compare {' '.join(having)} --set {item}",
            )


def compare(
    names: Sequence[str] | None = None,
    *,
    sets: Sequence[str] | Mapping[str, object] | None = None,
    tables: Mapping[str, str] | None = None,
    uncalibrated: bool = False,
    replications: int | None = None,
    seed: int | None = None,
    session: Session | None = None,
    posterior: int | None = None,
    posterior_seed: int | None = None,
) -> list[dict[str, Any]]:
    """Rows for ``names`` (default: every built-in), in that order.  A ``session`` shares
    its tables and calibration with the caller (``tables`` and ``uncalibrated`` then come
    from it).  The 12 June rows (:data:`STRIKE_DATES`) also carry the outcome over
    ``posterior`` draws of the whole-record posterior (:func:`posterior_fields`; None:
    :data:`POSTERIOR_DRAWS`; 0 or an uncalibrated session: none).  ``sets`` are
    ``"dotted.path=value"`` texts, one text, or a mapping path -> value (as ``load``).

    Seeds, the rule of the command line (``forceratio compare --seed``; README, "Seeds"):
    ``seed`` seeds the replications, ``posterior_seed`` the posterior draws (unset: ``seed``);
    unset, both are :data:`~forceratio.seeds.DEFAULT_SEED` (0), so ``compare(names,
    replications=50)`` gives the numbers of ``forceratio compare NAMES --replications 50``.
    A row says the seed its random work used: ``seed`` (with replications) and
    ``posterior_seed`` (with posterior draws)."""
    _check_counts(posterior=posterior, replications=replications, seed=seed,
                  posterior_seed=posterior_seed)  # fmt: skip
    sets = set_texts(sets)  # one text is one set; a mapping one per item
    session = session or Session(tables, uncalibrated)
    if posterior is None:
        posterior = POSTERIOR_DRAWS
    rows = []
    result = None
    names = [names] if isinstance(names, str) else list(names or builtins())
    if sets and len(names) > 1:
        _check_sets_apply(session, names, sets)
    preps = [session.prepare(name, sets) for name in names]
    plan = [_random_work(prep, replications, len(names), posterior, session) for prep in preps]
    _check_seeds(names, plan, seed, posterior_seed)
    seed = DEFAULT_SEED if seed is None else seed
    posterior_seed = seed if posterior_seed is None else posterior_seed
    for prep, (reps, staged, draws) in zip(preps, plan, strict=True):
        out = session.run(prep)
        sto = None
        if reps:
            sto = session.run(prep, replications=reps, seed=seed)
        row = scenario_row(out, session.calibration_for(prep), sto)
        if staged:
            row["replications"] = 0
            row["replications_note"] = "not run: dated mobile counts run deterministically"
        if draws:
            # (not session.record_posterior(): tests/cli/test_compare_posterior.py fakes the
            # draws through this function while the rates stay the real posterior's)
            from forceratio.sweeps.posterior import record_posterior

            result = result or record_posterior(session)
            row.update(posterior_fields(prep, result, posterior, posterior_seed))
            row["posterior_seed"] = posterior_seed
        if sto is not None:
            row["seed"] = seed
        rows.append(row)
    return rows


def _random_work(
    prep: Any, replications: int | None, n_names: int, posterior: int, session: Session
) -> tuple[int, bool, bool]:
    """What a row runs at random: its replications (the call's, else the scenario file's;
    0 for dated mobile counts among several scenarios, ``staged``: that row stays
    deterministic and says so; asked of it alone, run() refuses in one line), and whether
    it draws from the posterior (a 12 June row of a calibrated session)."""
    reps = replications if replications is not None else prep.scenario.replications
    staged = bool(reps and n_names > 1 and change_days(prep.scenario))
    draws = bool(posterior) and not session.uncalibrated and prep.scenario.date in STRIKE_DATES
    return (0 if staged else int(reps or 0)), staged, draws


def _check_seeds(
    names: list[str], plan: list[tuple[int, bool, bool]], seed: object, posterior_seed: object
) -> None:
    """Refuse a seed nothing random uses (as ``run()`` refuses a seed without replications):
    ``seed`` seeds the replications, and the posterior draws unless ``posterior_seed`` is
    given; ``posterior_seed`` the posterior draws."""
    reps = any(r for r, _, _ in plan)
    draws = any(d for _, _, d in plan)
    which = ", ".join(names)
    if posterior_seed is not None and not draws:
        raise InputError(
            "posterior_seed",
            f"no posterior draws to seed: {which} has no 12 June row of a calibrated "
            "comparison with posterior draws",
        )
    if seed is not None and not (reps or (draws and posterior_seed is None)):
        why = "no replications" + ("" if draws else " and no posterior draws (12 June rows)")
        raise InputError(
            "seed",
            f"nothing random uses it: {which} runs {why}; add replications or drop the seed",
        )


def posterior_fields(prep: Any, result: Any, draws: int, seed: int) -> dict[str, Any]:
    """The row's outcome over ``draws`` posterior draws (one batched engine call,
    :func:`~forceratio.scenarios.posterior_outcome.posterior_outcome`): ``p_attacker_wins``
    and its 95% interval ``p_attacker_wins_ci``, ``decided_by`` (rule -> share of draws),
    the loss quantiles, and the same as text for the table."""
    from forceratio.scenarios.posterior_outcome import posterior_outcome

    extra = posterior_outcome(prep, result, draws=draws, seed=seed)
    lo, hi = extra["p_attacker_wins_ci"]
    extra["posterior_method"] = result.method
    extra["p_attacker_wins_ci_text"] = f"{lo:.2f}-{hi:.2f}"
    extra["decided_by_text"] = ", ".join(
        f"{k} {v:.0%}" for k, v in sorted(extra["decided_by"].items())
    )
    return dict(extra)


__all__ = ["Session", "compare", "load", "scenario_row"]
