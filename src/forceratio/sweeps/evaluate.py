"""Evaluate one chunk of a sweep: the design's samples start..stop-1 through the vectorised
engine, as one tidy table (one row per sample and replication).

A :class:`SweepSpec` holds only plain values, so it travels to worker processes and Dask
workers; each process prepares the scenario once (cached).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.arguments import instance, real, shown, whole
from forceratio.errors import InputError
from forceratio.scenarios.outcome import outcome_columns
from forceratio.scenarios.run import MAX_STEPS, Outcome, run
from forceratio.scenarios.schema import CATEGORIES
from forceratio.sweeps.design import Design, Vary, data_uniforms
from forceratio.sweeps.posterior import PosteriorDraws

if TYPE_CHECKING:
    from forceratio.scenarios.build import Prepared
    from forceratio.scenarios.session import Session

FloatArray = NDArray[np.float64]
OUTCOMES: tuple[str, ...] = (
    "soviet_losses",
    "german_losses",
    "soviet_tanks_lost",
    "german_tanks_lost",
    "soviet_aircraft_lost",
    "german_aircraft_lost",
    "loss_exchange_ratio",
    "soviet_surviving_share",
    "german_surviving_share",
    "attacker_margin",
    "duration_days",
)
#: The outcome columns that hold text (the outcome rule's verdict), not numbers.
LABELS: tuple[str, ...] = ("winner", "decided_by", "end_reason")


@dataclass(frozen=True)
class SweepSpec:
    """Everything that determines a sweep's numbers (and nothing about how it is run).
    ``calibration``: the values of the scenario's ``"calibrated"`` rates as (path, value)
    pairs; None (the default) takes the whole-record calibration's, as the CLI does
    (:func:`resolved`); ``()`` runs the raw table defaults (``--uncalibrated``)."""

    scenario: str
    design: Design
    sets: tuple[str, ...] = ()
    tables: tuple[tuple[str, str], ...] = ()
    calibration: tuple[tuple[str, float], ...] | None = None
    replications: int = 0
    data_uncertainty: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
    posterior: PosteriorDraws | None = None  # crossed with the design (module posterior)
    paired: bool = False  # the posterior draws paired with the design points, not crossed

    def __post_init__(self) -> None:
        """Plain values of the right kinds (a list would not travel as a cache key)."""
        if not isinstance(self.scenario, str) or not self.scenario:
            raise InputError("scenario", f"expected a scenario name, got {shown(self.scenario)}")
        instance("design", self.design, Design, "a Design (Design.make(...))")
        for name, items in (("sets", self.sets), ("tables", self.tables)):
            if not isinstance(items, tuple):
                raise InputError(name, f"expected a tuple, got {shown(items)}")
        cal = self.calibration
        if cal is not None and (
            not isinstance(cal, tuple)
            or not all(isinstance(c, tuple) and len(c) == 2 and isinstance(c[0], str) for c in cal)
        ):
            raise InputError("calibration", f"expected (path, value) pairs, got {shown(cal)}")
        for path, value in cal or ():
            real(f"calibration {path}", value)
        whole("replications", self.replications, 0)
        if self.posterior is not None:
            instance("posterior", self.posterior, PosteriorDraws, "PosteriorDraws")

    @property
    def runs(self) -> int:
        """Runs of the sweep (before replications): design points x posterior draws, or
        the design points when the draws are paired with them."""
        if self.posterior is None or self.paired:
            return self.design.samples
        return self.design.samples * self.posterior.n

    def points(self, start: int, stop: int) -> tuple[dict[str, FloatArray], dict[str, Any]]:
        """The parameter values of runs ``start..stop-1`` and, with posterior draws, the
        design point and draw of each run (``point``, ``draw``: the draw's index in the
        calibration)."""
        if self.posterior is None:
            return self.design.points(start, stop), {}
        if self.paired:
            pts, point, draw = self.posterior.pair(self.design.points(start, stop), start, stop)
        else:
            m = self.posterior.n
            first, last = start // m, (stop - 1) // m + 1
            pts, point, draw = self.posterior.cross(
                self.design.points(first, last), first, start, stop
            )
        index = np.asarray(self.posterior.index, dtype=np.int64)[draw]
        return pts, {"point": point, "draw": index}

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["design"] = {
            "method": self.design.method,
            "vary": [str(v) for v in self.design.vary],
            "samples": self.design.samples,
            "seed": self.design.seed,
        }
        d["sets"] = list(self.sets)
        d["tables"] = [list(t) for t in self.tables]
        cal = self.calibration
        d["calibration"] = None if cal is None else [list(c) for c in cal]
        d["extra"] = dict(self.extra)
        if self.posterior is None:
            d.pop("posterior", None)  # manifests of sweeps without draws stay as they were
            d.pop("paired", None)
        else:
            d["posterior"] = self.posterior.to_json()
        return d

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SweepSpec:
        des = d["design"]
        design = Design(
            des["method"],
            tuple(Vary.parse(v) for v in des["vary"]),
            int(des["samples"]),
            int(des["seed"]),
        )
        return cls(
            d["scenario"],
            design,
            tuple(d["sets"]),
            tuple((a, b) for a, b in d["tables"]),
            None if d["calibration"] is None else tuple((a, float(b)) for a, b in d["calibration"]),
            int(d["replications"]),
            bool(d["data_uncertainty"]),
            dict(d.get("extra", {})),
            PosteriorDraws.from_json(d["posterior"]) if d.get("posterior") else None,
            bool(d.get("paired", False)),
        )


def resolved(spec: SweepSpec) -> SweepSpec:
    """``spec`` with ``calibration=None`` replaced by the session's calibrated values (what
    the CLI passes; a scenario without "calibrated" rates gets ``()``)."""
    if spec.calibration is not None:
        return spec
    from dataclasses import replace

    from forceratio.scenarios.session import Session

    key = (spec.scenario, spec.sets, spec.tables)
    if key not in _RATES:  # once per process: a threshold's bisection evaluates many times
        session = Session(dict(spec.tables))
        _RATES[key] = calibration_pairs(session, session.prepare(spec.scenario, list(spec.sets)))
    return replace(spec, calibration=_RATES[key])


def calibration_pairs(session: Session, prep: Prepared) -> tuple[tuple[str, float], ...]:
    """What a :class:`SweepSpec` of ``prep`` run in ``session`` holds as ``calibration``:
    the session's calibrated values for it (:meth:`~forceratio.scenarios.session.Session.rates`:
    the kill rates and the shared parameters fitted with them) as (path, value) pairs
    sorted by path; ``()`` when it has no "calibrated" rates or the session is uncalibrated."""
    return tuple(sorted(session.rates(prep).items()))


#: The calibrated values :func:`resolved` found, by (scenario, sets, tables) of a spec.
_RATES: dict[
    tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], tuple[tuple[str, float], ...]
] = {}


#: The scenarios this process has prepared, by (scenario, sets, tables) of a spec.
_PREPARED: dict[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], Prepared] = {}


def prepared_for(
    scenario: str, sets: tuple[str, ...], tables: tuple[tuple[str, str], ...]
) -> Prepared:
    """The scenario a :class:`SweepSpec` names (its ``scenario``, ``sets`` and ``tables``),
    prepared once in this process (:func:`use_prepared` hands one over) and kept for the
    next chunks: at most 8 at a time, every one dropped when a ninth comes."""
    key = (scenario, sets, tables)
    if key not in _PREPARED:
        from forceratio.scenarios import load

        if len(_PREPARED) >= 8:
            _PREPARED.clear()
        _PREPARED[key] = load(scenario, list(sets), dict(tables))
    return _PREPARED[key]


def use_prepared(spec: SweepSpec, prep: Any) -> None:
    """Have this process's chunks of ``spec`` run ``prep``: the scenario ``spec`` names,
    already prepared with its sets and tables (the command line prepares it to check the
    options; preparing it again would read and check every table again)."""
    _PREPARED[(spec.scenario, spec.sets, spec.tables)] = prep


def check_chunk(spec: SweepSpec, start: object, stop: object) -> None:
    """A chunk ``start..stop-1`` of whole numbers, whose runs (times the replications) fit
    in memory: the scenario's :func:`~forceratio.scenarios.run.batch_bytes` (what ``run()``
    checks again, naming its own ``samples``), against :mod:`forceratio.limits` as the
    command line checks its chunks.  Refused naming ``stop`` (or ``replications``) before
    the design's points or any run are made; a flat 4 kB a run was 0.14-0.6 of the peak
    (0.004 with replications) and left the refusal to ``run()``, naming ``samples``."""
    from forceratio.limits import check_memory
    from forceratio.scenarios.run import batch_bytes

    instance("spec", spec, SweepSpec, "a SweepSpec")
    a, b = whole("start", start, 0), whole("stop", stop, 0)
    if b <= a:
        raise InputError("stop", f"must be > start ({a}), got {b}")
    prep = prepared_for(spec.scenario, spec.sets, spec.tables)
    estimate, what = batch_bytes(prep, b - a, replications=spec.replications)
    check_memory("replications" if spec.replications > 1 else "stop", estimate, what)


def evaluate(
    spec: SweepSpec,
    start: int,
    stop: int,
    samples: Mapping[str, FloatArray] | None = None,
    max_steps: int = MAX_STEPS,
) -> tuple[Outcome, dict[str, FloatArray]]:
    """Run samples ``start..stop-1`` (or the given ``samples``); returns the outcome and the
    parameter values used.  ``max_steps``: the integrator's most steps per battle
    (:func:`~forceratio.scenarios.run.run`'s)."""
    check_chunk(spec, start, stop)
    spec = resolved(spec)
    prep = prepared_for(spec.scenario, spec.sets, spec.tables)
    pts = dict(samples) if samples is not None else spec.points(start, stop)[0]
    n = stop - start
    forces = None
    if spec.data_uncertainty:
        s, k = len(prep.sectors), len(CATEGORIES)
        u = data_uniforms(spec.design.seed, start, stop, 2 * s * k).reshape(n, 2, s, k)
        forces = {}
        for j, side in enumerate(("USSR", "Germany")):
            lo = np.stack([f.low for f in prep.forces[side]])  # (S, K)
            hi = np.stack([f.high for f in prep.forces[side]])
            forces[side] = lo[None] + u[:, j] * (hi - lo)[None]
    if not pts:  # nothing varied: N copies of the scenario (for replications / data draws)
        pts = {"modifiers.quality.USSR": np.full(n, _base_quality(prep))}
    out = run(
        prep,
        samples=pts,
        calibration=dict(spec.calibration or ()),
        replications=spec.replications or None,
        seed=spec.design.seed if spec.replications else None,  # (the design's, else none)
        forces=forces,
        keys=np.arange(start, stop),
        operational=True if spec.posterior is not None else None,
        split=False,  # no fire/captured/non-combat column in a sweep's rows
        outcome_only=True,  # nor any other operational output than the outcome
        max_steps=max_steps,
    )
    return out, pts


def _base_quality(prep: Any) -> float:
    from forceratio.scenarios.registry import sweepable

    return float(sweepable(prep)["modifiers.quality.USSR"])


def evaluate_chunk(spec: SweepSpec, start: int, stop: int) -> pd.DataFrame:
    """The tidy rows of samples ``start..stop-1`` (runs, with posterior draws crossed)."""
    check_chunk(spec, start, stop)
    if stop > spec.runs:
        raise InputError("stop", f"the sweep has {spec.runs:,} runs, got stop {stop:,}")
    pts, where = spec.points(start, stop)
    out, _ = evaluate(spec, start, stop, samples=pts)
    cols = outcome_columns(out)
    n, r = out.winner.shape
    data: dict[str, Any] = {
        "sample": np.repeat(np.arange(start, stop, dtype=np.int64), r),
        "replication": np.tile(np.arange(r, dtype=np.int32), n),
    }
    for key, idx in where.items():  # posterior sweeps: design point and draw of each run
        data[key] = np.repeat(idx, r)
    drawn = spec.posterior.names if spec.posterior is not None else ()
    for path in [v.path for v in spec.design.vary] + list(drawn):
        data[path] = np.repeat(pts[path], r)
    for name in OUTCOMES:
        data[name] = np.asarray(cols[name], dtype=float).reshape(-1)
    data["winner"] = np.asarray(cols["winner"]).reshape(-1).astype(str)
    data["attacker_wins"] = np.asarray(cols["attacker_wins"]).reshape(-1).astype(bool)
    for name in LABELS[1:]:
        data[name] = np.asarray(cols[name]).reshape(-1).astype(str)
    return pd.DataFrame(data)[part_columns(spec)]


def part_columns(spec: SweepSpec) -> list[str]:
    """The columns of each of ``spec``'s parts, in order: what :func:`evaluate_chunk`
    returns and a resumption expects of a finished part."""
    where = ["point", "draw"] if spec.posterior is not None else []
    drawn = list(spec.posterior.names) if spec.posterior is not None else []
    return [
        "sample", "replication", *where, *[v.path for v in spec.design.vary], *drawn,
        *OUTCOMES, "winner", "attacker_wins", *LABELS[1:],
    ]  # fmt: skip
