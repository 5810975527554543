"""Run a prepared scenario and reduce the engine's per-sector output to per-sample
outcomes: losses per side and category, combat power, winner, duration, and the model's
value of each historical record."""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    import pandas as pd

from forceratio.arguments import whole
from forceratio.errors import InputError
from forceratio.limits import check_replications
from forceratio.scenarios.arrivals import arrived_until, lost_until
from forceratio.scenarios.build import Built, Prepared, build
from forceratio.scenarios.capacity import change_days
from forceratio.scenarios.operations import GRID, Operational
from forceratio.scenarios.operations import operational as operational_outputs
from forceratio.scenarios.outcome import break_or_margin, declares_operations
from forceratio.scenarios.quadrature_grid import quadrature_days
from forceratio.scenarios.sampled import free_parameters
from forceratio.scenarios.schema import CATEGORIES, SIDES
from forceratio.scenarios.stages import simulate_staged
from forceratio.seeds import DEFAULT_SEED
from forceratio.simulator.result import END_REASONS, BattleResult
from forceratio.simulator.solve import MAX_STEPS as MAX_STEPS  # (the sweeps read it here)
from forceratio.simulator.stochastic import simulate_stochastic

FloatArray = NDArray[np.float64]
RED, BLUE = "USSR", "Germany"


@dataclass(frozen=True, repr=False)
class Outcome:
    """Arrays over (N samples, R replications[, ...]); R = 1 when deterministic.

    ``initial``/``losses``/``final`` are per side (N, R, K) summed over the sectors;
    ``initial`` is after the opening air strike, whose destroyed aircraft count as losses;
    ``arrived`` what came in, ``transit`` per side (N, R, K) what was lost in transit on
    the way (:mod:`.arrivals`; zeros unless exposed), part of ``losses``;
    ``power0``, ``power_end`` per side (N, R) in combat-power units; ``record_model``
    (N, R, n_records) the model's value of each record.  ``margin_winner`` is the side
    keeping the larger share of its combat power at the start plus its arrivals (the
    attrition margin);
    :attr:`winner` is THE outcome, the one every consumer reports.
    """

    prepared: Prepared
    days: FloatArray  # the recorded times
    built: Built
    initial: dict[str, FloatArray]
    arrived: dict[str, FloatArray]
    final: dict[str, FloatArray]
    losses: dict[str, FloatArray]
    power0: dict[str, FloatArray]
    power_end: dict[str, FloatArray]
    effective_power0: dict[str, FloatArray]
    margin_winner: NDArray[np.object_]
    end_reason: NDArray[np.object_]
    duration: FloatArray
    record_model: FloatArray
    result: BattleResult
    operations: Operational | None = None  # issue 13: fire/captured split, depth, outcome
    transit: dict[str, FloatArray] = dataclasses.field(default_factory=dict)

    @functools.cached_property
    def trajectory(self) -> dict[str, FloatArray]:
        """Side -> (N, R, T, K) strengths at :attr:`days` summed over the sectors (on first
        use: a sweep reads none)."""
        n, s = self.built.n, self.built.s
        raw = {RED: self.result.red_trajectory, BLUE: self.result.blue_trajectory}
        out = {}
        for side, a in raw.items():
            a = np.asarray(a)  # engine rows: sample-major, then sector, then replication
            out[side] = a.reshape(n, s, a.shape[0] // (n * s), *a.shape[1:]).sum(axis=1)
        return out

    @functools.cached_property
    def _rule(self) -> tuple[NDArray[np.object_], NDArray[np.object_], FloatArray]:
        if self.operations is not None:
            ops = self.operations
            return ops.winner, ops.decided_by, ops.decided_at
        res, n, s = self.result, self.built.n, self.built.s
        r = self.duration.shape[1]

        def per(a: ArrayLike) -> NDArray[Any]:  # engine rows -> (N, R, S)
            return np.swapaxes(np.asarray(a).reshape(n, s, r), 1, 2)

        return break_or_margin(
            per(res.end_time), per(res.end_code), per(res.winner_code), self.margin_winner
        )

    @property
    def winner(self) -> NDArray[np.object_]:
        """The winner (N, R) under the outcome rule (:mod:`.outcome`, :mod:`.operations`:
        break, captured share, depth, else the attrition margin); without operational
        outputs (no flow on and none asked for) the break still decides first, the
        attrition margin only when no sector broke."""
        return self._rule[0]

    @property
    def decided_by(self) -> NDArray[np.object_]:
        """Which rule decided :attr:`winner` (one of ``outcome.RULES``), per run."""
        return self._rule[1]

    @property
    def decided_at(self) -> FloatArray:
        """The day (N, R) the rule of :attr:`decided_by` fired (inf: the attrition margin)."""
        return self._rule[2]

    @property
    def attacker_wins(self) -> NDArray[np.bool_]:
        return np.asarray(self.winner == self.prepared.scenario.attacker)

    def __repr__(self) -> str:
        n, r = self.duration.shape
        wins = Counter(str(w) for w in self.winner.ravel())
        won = ", ".join(f"{w} {c}" for w, c in wins.most_common())
        return f"<Outcome {self.prepared.scenario.name}: {n} sample(s) x {r} run(s); won: {won}>"

    def to_frame(self) -> pd.DataFrame:
        """One row per sample and run: ``sample``, ``replication``, the losses of each side
        in each category (``USSR_personnel_lost``...; men, guns, tanks, aircraft), the
        ``winner``, ``decided_by``, ``end_reason`` and ``duration_days``."""
        import pandas as pd

        n, r = self.duration.shape
        cols: dict[str, Any] = {
            "sample": np.repeat(np.arange(n), r),
            "replication": np.tile(np.arange(r), n),
        }
        for side in SIDES:
            for k, cat in enumerate(CATEGORIES):
                cols[f"{side}_{cat}_lost"] = self.losses[side][..., k].ravel()
        cols["winner"] = self.winner.ravel()
        cols["decided_by"] = self.decided_by.ravel()
        cols["end_reason"] = self.end_reason.ravel()
        cols["duration_days"] = self.duration.ravel()
        return pd.DataFrame(cols)


def check_counts(**counts: object) -> None:
    """Counts and seeds from Python as the CLI's options: whole numbers >= 0 (None: unset)."""
    for name, v in counts.items():
        if v is not None:
            whole(name, v, 0)


def _check_call(prep: object, replications: object, seed: object, times: object) -> None:
    """What a notebook may pass wrongly, refused naming the argument (not a numpy error
    from deep inside): a name for the prepared scenario, replications outside 1 to 100,000
    (as ``--replications``), a negative or fractional seed or one without replications, a
    day that is not a finite number >= 0."""
    if not isinstance(prep, Prepared):
        got = type(prep).__name__
        raise InputError("prep", f"expected scenarios.load(name) (a prepared scenario), got {got}")
    check_replications(replications)  # 1 to 100,000, the rule of --replications
    check_counts(seed=seed)
    if seed is not None and replications is None:  # as battle(): it would be ignored
        raise InputError("seed", "a seed applies only with replications")
    if times is not None:
        try:
            t = np.asarray(times, dtype=float)
        except (TypeError, ValueError):
            raise InputError("times", f"expected days (numbers), got {times!r}") from None
        if not np.all(np.isfinite(t)) or np.any(t < 0):
            raise InputError("times", "days must be finite and >= 0")


def _check_calibration(
    prep: Prepared, samples: Mapping[str, ArrayLike] | None, calibration: object
) -> None:
    """A scenario whose rates are ``"calibrated"`` runs at the rates the caller names: no
    silent fall-back to the raw table defaults (which differ from what ``forceratio run``
    prints)."""
    if calibration is not None and not isinstance(calibration, Mapping):
        got = type(calibration).__name__
        raise InputError("calibration", f"expected a mapping of values, got {got}")
    given = set(samples or ()) | set(calibration or ())
    missing = [
        p for p in free_parameters(prep) if p not in given and p.rsplit(".")[-1] not in given
    ]
    if calibration is None and missing:
        raise InputError(
            "calibration",
            f'{prep.origin} has {" and ".join(missing)} "calibrated": pass '
            "calibration=Session().rates(prep) for the whole-record posterior (what "
            "`forceratio run` uses), or calibration={} for the raw table defaults "
            "(as --uncalibrated)",
        )


def batch_bytes(
    prep: Prepared, n: int, times: object = None, replications: int = 0
) -> tuple[float, str]:
    """The estimated working memory of ``n`` samples of ``prep`` (each ``replications``
    times, 0: deterministic) run at once, and what it is for: per run and sector a state and
    its trajectories over at most every recorded day (the records', the end, ``times``, the
    operational grid, the dated counts); the operational quadratures' blocks in flight
    (:data:`.operations.BLOCK` samples with their replications on each of
    :func:`engine_threads`); a staged run's stitched trajectories and closed-form block
    (:mod:`forceratio.limits` gives the measured constants)."""
    from forceratio.limits import (
        BYTES_PER_BLOCK_DAY,
        BYTES_PER_SECTOR_DAY,
        BYTES_PER_SECTOR_RUN,
        BYTES_PER_STAGED_DAY,
        BYTES_TRAJECTORY_WORK,
        TRAJECTORY_BLOCK,
    )
    from forceratio.scenarios.operations import BLOCK

    scn = prep.scenario
    extra = np.atleast_1d(np.asarray(times, dtype=float)) if times is not None else ()
    days = {float(r.day) for r, _ in prep.records} | {scn.duration_days} | set(change_days(scn))
    days |= {float(t) for t in np.arange(0.0, scn.duration_days, GRID)}
    days |= {float(t) for t in extra if 0.0 <= t <= scn.duration_days}
    s, d, r = len(scn.sectors), len(days), max(replications, 1)
    runs = float(n) * r * s
    total = runs * (BYTES_PER_SECTOR_RUN + BYTES_PER_SECTOR_DAY * d)
    total += float(min(n, BLOCK * engine_threads())) * r * s * d * BYTES_PER_BLOCK_DAY
    if change_days(scn):  # staged
        work = min(runs * d, TRAJECTORY_BLOCK) * (BYTES_TRAJECTORY_WORK / TRAJECTORY_BLOCK)
        total += runs * d * BYTES_PER_STAGED_DAY + work
    runs_text = f"{n:,} samples" if not replications else f"{n:,} x {r:,} replications"
    what = f"{runs_text} of {scn.name} ({s} sector(s), up to {d:,} recorded days)"
    return total, what


def _check_batch(
    prep: Prepared, samples: Mapping[str, ArrayLike] | None, times: object, replications: int
) -> None:
    """Refuse a batch whose runs would not fit in memory, before anything is built
    (:func:`batch_bytes`), naming ``samples`` (or ``replications``, when there are some)."""
    from forceratio.limits import check_memory

    n = max((int(np.size(v)) for v in (samples or {}).values()), default=1)
    estimate, what = batch_bytes(prep, n, times, replications)
    check_memory("replications" if replications else "samples", estimate, what)


def deterministic_only(scn: Any) -> list[str]:
    """The parameter paths of ``scn`` that only a deterministic run can take above 0 (the
    stochastic engine has no losses in transit): ``presence.<key>.transit_loss``."""
    return [f"presence.{key}.transit_loss" for key in scn.presence]


def run(
    prep: Prepared,
    *,
    samples: Mapping[str, ArrayLike] | None = None,
    calibration: Mapping[str, float] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    forces: Mapping[str, FloatArray] | None = None,
    keys: ArrayLike | None = None,
    times: ArrayLike | None = None,
    method: Literal["auto", "integrator", "compiled"] = "auto",
    operational: bool | None = None,
    rtol: float = 1e-7,
    split: bool = True,
    outcome_only: bool = False,
    max_steps: int = MAX_STEPS,
) -> Outcome:
    """Run every sample (deterministic, or ``replications`` stochastic runs each, 1 to
    100,000 as ``--replications``, seeded by ``seed``: unset, :data:`DEFAULT_SEED` as on the
    command line; a ``seed`` without replications is refused, as by ``battle``).
    ``times`` adds days at which the trajectories are recorded (``Outcome.result``);
    ``method`` picks the deterministic integrator (sweeps fix it so that the numbers do not
    depend on the chunk size); ``rtol`` is the integrator's relative tolerance (a fit's
    finite differences want a tighter one than the default); ``split=False`` skips the
    split of the losses into fire, captured and non-combat (``operations.captured``,
    ``noncombat``, ``fire`` left empty; the outcome rule does not need it);
    ``outcome_only`` computes of the operational outputs only what the outcome rule reads
    (:func:`.operations.operational`).  ``calibration`` holds the values of the scenario's
    ``"calibrated"`` rates (``Session().rates(prep)``, as ``compare`` and ``Session.run``
    pass them); ``{}`` runs the raw table defaults, as ``--uncalibrated`` does.  A scenario
    with ``"calibrated"`` rates is refused without one (unless ``samples`` gives the rates):
    raw rates are not what ``forceratio run`` reports.  ``max_steps``: the deterministic
    integrator's most steps per battle and stage (:func:`~.simulator.solve.simulate`'s; the
    explorer lowers it to bound a request's work), not with replications."""
    _check_call(prep, replications, seed, times)
    _check_calibration(prep, samples, calibration)
    scn = prep.scenario
    _check_batch(prep, samples, times, replications or 0)
    b = build(prep, samples, calibration, forces)
    n, s = b.n, b.s
    extra = (
        {float(t) for t in np.atleast_1d(np.asarray(times, dtype=float))}
        if times is not None
        else set()
    )
    # the captured and depth rules: on when the scenario declares operations, whatever
    # their values (never when a flow happens to be non-zero)
    declared = declares_operations(scn, samples or {}, calibration or {})
    if operational is None:
        operational = declared
    if operational:
        extra |= {float(t) for t in np.arange(0.0, scn.duration_days, GRID)}
    staged = change_days(scn)  # the days a mobile count changes: quadrature nodes too
    extra |= set(staged)
    extra = {t for t in extra if 0.0 <= t <= scn.duration_days}
    days = sorted({float(r.day) for r, _ in prep.records} | {scn.duration_days} | extra)
    times = np.asarray(days)
    reps = replications if replications else 0
    if reps and max_steps != MAX_STEPS:
        raise InputError("max_steps", "applies to deterministic runs only (no replications)")
    if reps and staged:
        raise prep.error(
            "sectors.mobile_changes", "dated mobile counts run deterministically (no replications)"
        )
    if reps:
        for path in deterministic_only(scn):
            if np.any(b.par[path] > 0):  # the stochastic engine has no transit losses
                raise prep.error(path, "forces lost in transit run deterministically only "
                                 "(no --replications): set it to 0 (--set "
                                 f"{path}=0; a sweep: leave it out of --vary)")  # fmt: skip
        row_keys = None
        if keys is not None:
            kk = np.asarray(keys, dtype=np.int64)
            row_keys = (kk[:, None] * s + np.arange(s)[None, :]).reshape(-1)
        res = simulate_stochastic(
            b.engagement,
            replications=reps,
            seed=int(DEFAULT_SEED if seed is None else seed),
            t_max=scn.duration_days,
            times=times,
            keys=row_keys,
            round_strengths=True,  # counts of men, guns...: to the nearest whole one
        )
        r = reps
    else:
        res = simulate_staged(
            scn, b.engagement, b.par, n, times, method=method, rtol=rtol, max_steps=max_steps
        )
        r = 1

    # engine runs are scenario-major: row (i*S + sector) then replication
    def per(a: FloatArray) -> FloatArray:
        """(N*S*R, ...) -> (N, R, S, ...)"""
        out = a.reshape(n, s, r, *a.shape[1:])
        return np.swapaxes(out, 1, 2)

    traj = {RED: per(np.asarray(res.red_trajectory)), BLUE: per(np.asarray(res.blue_trajectory))}
    w = b.weights  # (N, K)
    end = len(days) - 1
    t_end = per(res.end_time)  # (N, R, S): a run's battle is over then, and nothing joins it after
    until = np.minimum(t_end, scn.duration_days)
    out_initial, out_arr, out_final, out_loss = {}, {}, {}, {}
    power0, power_end, eff0 = {}, {}, {}
    # a stochastic run's own arrivals as drawn, else the schedule's
    drawn = {RED: res.red_arrived_by_category, BLUE: res.blue_arrived_by_category}
    out_transit = {}
    for side in SIDES:
        init = b.initial[side].reshape(n, 1, s, -1)
        got = drawn[side]
        arr_end = arrived_until(b.arrivals[side], n, s, until) if got is None else per(got)
        lost = lost_until(b.arrivals[side], n, s, until)  # in transit (zeros: not exposed)
        fin = traj[side][:, :, :, end, :]
        loss = init + b.struck[side].reshape(n, 1, s, -1) + arr_end - fin
        if any(a.exposed for _, a in b.arrivals[side]):
            loss = loss + lost
        out_initial[side] = np.broadcast_to(init.sum(axis=2), (n, r, len(CATEGORIES)))
        out_arr[side] = arr_end.sum(axis=2)
        out_transit[side] = lost.sum(axis=2)
        out_final[side] = fin.sum(axis=2)
        out_loss[side] = np.maximum(loss.sum(axis=2), 0.0)
        power0[side] = np.einsum("nrk,nk->nr", out_initial[side], w)
        power_end[side] = np.einsum("nrk,nk->nr", out_final[side], w)
        eff0[side] = power0[side] * b.multipliers[side][:, None, 0]
    # the model's value of each record: personnel losses of the side in its sectors, on its day
    pk = CATEGORIES.index("personnel")
    names = prep.sectors
    rec_model = np.zeros((n, r, len(prep.records)))
    by_time = {RED: res.red_arrived_trajectory, BLUE: res.blue_arrived_trajectory}
    for j, (rec, _) in enumerate(prep.records):
        ti = days.index(float(rec.day))
        sel = [names.index(x) for x in rec.sectors] if rec.sectors else list(range(s))
        init = b.initial[rec.side].reshape(n, 1, s, -1)[:, :, sel, pk]
        drawn_by = by_time[rec.side]
        if drawn_by is None:
            arr = arrived_until(b.arrivals[rec.side], n, s, np.minimum(t_end, rec.day))
            arr = arr[:, :, sel, pk]
        else:  # a stochastic run's own arrivals by the record's day, as drawn
            arr = per(drawn_by)[:, :, sel, ti, pk]
        now = traj[rec.side][:, :, sel, ti, pk]
        if any(a.exposed for _, a in b.arrivals[rec.side]):  # lost in transit by then
            by_day = lost_until(b.arrivals[rec.side], n, s, np.minimum(t_end, rec.day))
            arr = arr + by_day[:, :, sel, pk]
        rec_model[:, :, j] = (init + arr - now).sum(axis=2)
    # scenario winner: the side that keeps the larger share of its combat power: what it
    # had at the start, what came in, and what was lost on the way (ASSUMPTION,
    # issue13-mechanisms 8.21: losses in transit are losses of the side)
    had = {sd: out_arr[sd] + out_transit[sd] for sd in SIDES}
    start = {sd: power0[sd] + np.einsum("nrk,nk->nr", had[sd], w) for sd in SIDES}
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = {sd: np.where(start[sd] > 0, power_end[sd] / start[sd], 0.0) for sd in SIDES}
    winner = np.where(
        np.isclose(keep[RED], keep[BLUE], rtol=1e-9, atol=1e-12),
        "draw",
        np.where(keep[RED] > keep[BLUE], RED, BLUE),
    ).astype(object)
    end_code = per(res.end_code.astype(np.int64))
    win_code = per(res.winner_code.astype(np.int64))
    duration = t_end.max(axis=2)
    # one text per (end code, winner code) pair, looked up for every run and sector
    texts = np.empty((len(END_REASONS), 3), dtype=object)
    for e in range(len(END_REASONS)):
        for wc in (-1, 0, 1):
            texts[e, wc + 1] = _describe(e, wc)
    per_sector = texts[end_code, win_code + 1]  # (N, R, S)
    if s == 1:
        end_reason = per_sector[:, :, 0]
    else:
        end_reason = np.empty((n, r), dtype=object)
        for i in range(n):
            for k in range(r):
                row = per_sector[i, k].tolist()
                if len(set(row)) == 1:
                    end_reason[i, k] = row[0]
                else:
                    counts = Counter(row)
                    end_reason[i, k] = ", ".join(
                        f"{t} ({c}/{s} sectors)" for t, c in sorted(counts.items())
                    )
    ops = None
    if operational:
        ops = operational_outputs(
            scn, b, np.asarray(days), traj, t_end, end_code, win_code, out_loss,
            start, power_end,
            {sd: out_initial[sd][..., pk] + had[sd][..., pk] for sd in SIDES}, winner,
            split=split, outcome_only=outcome_only, transit=out_transit, rules=declared,
            nodes=np.isin(np.asarray(days), sorted(quadrature_days(scn, staged))),
        )  # fmt: skip
    if ops is not None:  # a record of the losses to fire alone: the prisoners taken out
        for j, (rec, _) in enumerate(prep.records):
            if rec.losses == "fire" and rec.side in ops.captured_men:
                sel = [names.index(x) for x in rec.sectors] if rec.sectors else list(range(s))
                cap = ops.prisoners(rec.side, days.index(float(rec.day)), sectors=sel)
                rec_model[:, :, j] -= cap.sum(axis=2)
    return Outcome(
        prep,
        np.asarray(days),
        b,
        out_initial,
        out_arr,
        out_final,
        out_loss,
        power0,
        power_end,
        eff0,
        winner,
        end_reason,
        duration,
        rec_model,
        res,
        ops,
        out_transit,
    )


def engine_threads() -> int:
    """The threads one batch of runs is computed on (the engine's and the operational
    outputs'; :func:`~forceratio.simulator.compiled.threads`)."""
    from forceratio.simulator.compiled import threads

    return threads()


def _describe(end_code: int, winner_code: int) -> str:
    """'time limit', or which side broke or was annihilated."""
    reason = END_REASONS[end_code]
    if reason == "t_max":
        return "time limit"
    loser = {1: BLUE, -1: RED}.get(winner_code, "both sides")
    return f"{loser} {'broke' if reason == 'breakpoint' else 'annihilated'}"
