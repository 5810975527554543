"""What the explorer page asks, answered as JSON-ready data: the scenarios, a scenario's
uncertain parameters (value, range, label, source), and one point's outcome with its
trajectories, a quick sweep around it, and the 22 June record beside the model.

No web framework here: :class:`Explorer` is plain Python, tested without a server.
"""

from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from forceratio.errors import InputError
from forceratio.scenarios.schema import CATEGORIES, MAX_NAME, SIDES

#: Samples of the quick sweep around the chosen point, and its half-width as a share of
#: each parameter's declared range.
QUICK_SAMPLES = 64
QUICK_SPAN = 0.1
HISTORY = "barbarossa-22june"
#: The most integrator steps one request may take, runs x steps (the engine's cost: a
#: step costs about the same whatever the point): its point and the quick sweep's
#: QUICK_SAMPLES runs, each of S sectors, each battle in each stage between a mobile
#: count's change days given an equal share (:meth:`Explorer.steps_per_battle`).  A point
#: that needs more (a stiff battle: a non-combat loss rate of hundreds a day) is refused,
#: naming the values sent, in place of holding the server, one run at a time, for minutes.
REQUEST_STEPS = 1_000_000


@dataclass
class Explorer:
    """Caches the scenarios and calibrations of one server (one per process).

    The server calls it from several worker threads at once: each cache is filled under a
    lock of its own (a scenario's preparation under its name's, the session's calibration
    under one), so that concurrent requests for the same thing compute it once, the rest
    waiting for it, while other scenarios go on."""

    uncalibrated: bool = False
    #: Scenario files shown after the built-in scenarios, each under its own ``name``.
    files: tuple[str, ...] = ()
    #: The most integrator steps a request may take in all (:data:`REQUEST_STEPS`).
    request_steps: int = REQUEST_STEPS
    _session: Any = field(default=None, init=False, repr=False)
    _paths: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _prepared: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _locks: dict[str, threading.Lock] = field(default_factory=dict, init=False, repr=False)
    _locks_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        from forceratio.scenarios import builtins
        from forceratio.scenarios.session import Session

        self._session = Session(None, self.uncalibrated)
        for path in self.files:  # read now: a bad file is one line before the server starts
            if path in builtins():  # (a built-in's name is read before a file of that name)
                raise InputError(
                    path, "a built-in scenario, listed already; --scenario takes a scenario file"
                )
            # (a name past the schema's MAX_NAME is refused here, before anything is served)
            name = self._session.prepare(path).scenario.name
            other = self._paths.get(name)
            if other is not None or name in builtins():
                by = f"the file {other}" if other is not None else "a built-in scenario"
                raise InputError(path, f"scenario name {name!r} is taken by {by}; rename it")
            self._paths[name] = path

    def _lock(self, key: str) -> threading.Lock:
        """The lock that the cache fill called ``key`` is computed under."""
        with self._locks_lock:
            return self._locks.setdefault(key, threading.Lock())

    def _rates(self, prep: Any) -> dict[str, float]:
        """The session's calibrated values for ``prep``, the calibration built once."""
        with self._lock("calibration"):
            rates: dict[str, float] = self._session.rates(prep)
            return rates

    def scenarios(self) -> list[dict[str, str]]:
        from forceratio.scenarios import builtins

        out = []
        for name in [*builtins(), *self._paths]:
            scn = self._prep(name).scenario
            out.append({"name": name, "date": scn.date, "description": scn.description})
        return out

    def _prep(self, name: str) -> Any:
        from forceratio.scenarios import builtins

        if len(name) > MAX_NAME:  # (refused without echoing it: it may be megabytes long)
            raise InputError(
                "scenario",
                f"a name of {len(name):,} characters; no scenario's is longer than {MAX_NAME}",
            )
        if name not in builtins() and name not in self._paths:
            raise InputError("scenario", f"unknown scenario {name!r}")
        if name not in self._prepared:
            with self._lock(f"scenario {name}"):
                if name not in self._prepared:  # not filled while this request waited
                    self._prepared[name] = self._session.prepare(self._source(name))
        return self._prepared[name]

    def _source(self, name: str) -> str:
        """What the scenario called ``name`` is loaded from: its name, or its file."""
        return self._paths.get(name, name)

    def scenario(self, name: str) -> dict[str, Any]:
        """The scenario's declared uncertain parameters, with their values (exactly those
        ``forceratio compare`` runs the scenario at) and sources."""
        from forceratio.plots.labels import parameter_label
        from forceratio.scenarios.registry import parameter_sources, sweepable
        from forceratio.scenarios.sides import display_names, rename
        from forceratio.sweeps.design import declared

        prep = self._prep(name)
        scn = prep.scenario
        cal = self._rates(prep)
        base = sweepable(prep, cal)
        sources = parameter_sources(prep, cal)
        names = display_names(scn)
        params = []
        for v in declared(scn.uncertainty):
            path, lo, hi = v.path, v.low, v.high
            lab = parameter_label(path, scn)
            params.append(
                {
                    "path": path,  # (a path keeps its slot: it is the key, as in the CLI)
                    "label": rename(str(lab), names),
                    "unit": lab.unit,
                    "low": lo,
                    "high": hi,
                    # exactly the value compare runs, even outside the declared range
                    # (the page's slider then sits at its nearer end)
                    "value": base[path],
                    "source": sources.get(path, ""),
                }
            )
        return {
            "name": name,
            "date": scn.date,
            "attacker": scn.attacker,
            "sides": shown_names(scn),
            "law": scn.law,
            "file": name in self._paths,  # a user's file, not a built-in 1941 scenario
            "description": scn.description,
            "duration_days": scn.duration_days,
            "notes": list(scn.notes),
            "parameters": params,
        }

    def _values(self, name: str, values: Mapping[str, Any]) -> dict[str, float]:
        """The page's values, refused as the CLI refuses them (one line naming the field)."""
        from forceratio.scenarios.build import sweepable
        from forceratio.scenarios.sampled import parameters

        prep = self._prep(name)
        known = sweepable(prep)
        out = {}
        for path, v in values.items():
            if path not in known:
                raise InputError(path, "not a parameter of this scenario")
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, str)):
                # JSON true is not 1.0, nor a list or an object a number
                raise InputError(path, f"expected a number, got {json_name(v)}")
            odd = _odd_text(v) if isinstance(v, str) else None
            if odd is not None:  # float() reads "1_0" as 10 and "١٢" as 12: the CLI refuses them
                raise InputError(path, f"expected a number: {odd}")
            try:
                x = float(v)
            except ValueError:
                raise InputError(path, f"expected a number, got {v!r}") from None
            except OverflowError:  # an integer of hundreds of digits
                raise InputError(path, "out of range: an integer too large for a number") from None
            if not math.isfinite(x):
                raise InputError(path, f"must be finite, got {v!r}")
            out[path] = x
        parameters(prep, {p: np.array([x]) for p, x in out.items()})  # the engine's checks
        return out

    def steps_per_battle(self, name: str) -> int:
        """The integrator's most steps per battle and stage in a request on ``name``: an
        equal share of :attr:`request_steps` among the request's battles (its point and
        the quick sweep's runs, each of the scenario's sectors, in each stage)."""
        from forceratio.scenarios.capacity import change_days
        from forceratio.scenarios.run import MAX_STEPS

        prep = self._prep(name)
        stages = len(change_days(prep.scenario)) + 1
        battles = (1 + QUICK_SAMPLES) * len(prep.sectors) * stages
        return max(1, min(MAX_STEPS, self.request_steps // battles))

    def run(self, name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """One point: outcome, trajectories, P(attacker wins) nearby, the record; a point
        whose battles need more than :attr:`request_steps` integrator steps is refused
        (``values``)."""
        from forceratio.errors import ForceratioError, StepLimitError

        point = self._values(name, values)
        try:
            # a duration of 5e-324 days overflows t / d, clipped to [0, 1] after: no
            # RuntimeWarning on the server's console (numpy's errstate: this thread's only)
            with np.errstate(over="ignore", divide="ignore"):
                return self._run(name, point, self.steps_per_battle(name))
        except InputError as exc:
            moved = self._moved_paths(name, point)
            if exc.field in point or len(moved) != 1:
                raise
            # the engine names a product (a side's fire multiplier): the page's box is the
            # one value moved from the scenario's own
            raise InputError(moved[0], f"with this value, {exc}") from None
        except StepLimitError:
            raise InputError(
                "values",
                f"this point ({self._moved(name, point)}) needs more than the "
                f"{self.request_steps:,} integrator steps (runs x steps) the explorer gives a "
                f"request: a stiff battle; run it with `forceratio run {name} --set PATH=VALUE`",
            ) from None
        except ForceratioError as exc:  # the integrator could not finish a battle
            moved = self._moved_paths(name, point)
            if len(moved) != 1:
                raise
            raise InputError(moved[0], f"with this value, {exc}") from None

    def _moved_paths(self, name: str, point: Mapping[str, float]) -> list[str]:
        """The paths of ``point`` whose values are not the scenario's own."""
        from forceratio.scenarios.build import sweepable

        prep = self._prep(name)
        own = sweepable(prep, self._rates(prep))
        return [p for p, x in point.items() if own.get(p) != x]

    def _moved(self, name: str, point: Mapping[str, float]) -> str:
        """The values of ``point`` other than the scenario's own, the first three shown."""
        moved = [f"{p}={point[p]:g}" for p in self._moved_paths(name, point)]
        more = f" and {len(moved) - 3} more" if len(moved) > 3 else ""
        return ", ".join(moved[:3]) + more if moved else "the scenario's own values"

    def _run(self, name: str, point: Mapping[str, float], max_steps: int) -> dict[str, Any]:
        """:meth:`run` of the checked ``point``, each battle at most ``max_steps`` steps."""
        from forceratio.scenarios.outcome import outcome_columns
        from forceratio.scenarios.run import run
        from forceratio.scenarios.sides import display_names, rename

        prep = self._prep(name)
        scn = prep.scenario
        cal = self._rates(prep)
        days = np.arange(0.0, scn.duration_days + 0.25, 0.5)
        samples = {p: np.array([x]) for p, x in point.items()}
        out = run(prep, samples=samples, calibration=cal, times=days, max_steps=max_steps)
        cols = outcome_columns(out)
        pk = CATEGORIES.index("personnel")
        w = out.built.weights[0]
        # the run's own days: to its end, the state frozen there drawn at
        # the end day itself, not a flat tail to the scenario's last day
        end = float(out.duration[0, 0])
        upto = int(np.searchsorted(out.days, end, side="left"))  # days before the end
        shown = [*out.days[:upto].tolist(), end]
        rows = [*range(upto), min(upto, len(out.days) - 1)]
        trajectories = {
            side: {
                "men": out.trajectory[side][0, 0, rows, pk].tolist(),
                "power": (out.trajectory[side][0, 0, rows] @ w).tolist(),
            }
            for side in SIDES
        }
        losses = {
            side: {c: float(out.losses[side][0, 0, k]) for k, c in enumerate(CATEGORIES)}
            for side in SIDES
        }
        names = display_names(scn)
        return {
            "scenario": name,
            "values": point,
            # the sides by slot (attacker, winner, the tables' keys) and the names they are
            # shown by: the 1941 wording's USSR and Germany, else the scenario's own
            "sides": shown_names(scn),
            "attacker": scn.attacker,
            "winner": str(out.winner[0, 0]),
            "decided_by": str(out.decided_by[0, 0]),
            "end_reason": rename(str(out.end_reason[0, 0]), names),
            "duration_days": float(out.duration[0, 0]),
            "attacker_margin": float(cols["attacker_margin"][0, 0]),
            "kept": {
                "USSR": float(cols["soviet_surviving_share"][0, 0]),
                "Germany": float(cols["german_surviving_share"][0, 0]),
            },
            "losses": losses,
            "days": shown,
            "trajectories": trajectories,
            "nearby": self._nearby(name, point, max_steps),
            "records": self._records(prep, out),
            # 22 June 1941 beside a 1941 scenario; not beside another war's named sides
            "history": [] if scn.side_names else self.history(),
            # this run's rows beside that record: the 1941 wording's "Soviet men lost" on a
            # built-in, "USSR men lost" on a file that names no sides (display_names)
            "lost_labels": {
                "USSR": rename("Soviet men lost", names),
                "Germany": rename("German men lost", names),
            },
        }

    def _nearby(self, name: str, point: Mapping[str, float], max_steps: int) -> dict[str, Any]:
        """P(attacker wins) over a quick random sweep of +-QUICK_SPAN of each declared range
        around the point (seeded: the same point gives the same answer), each battle at most
        ``max_steps`` integrator steps."""
        from forceratio.calibration import probability_interval
        from forceratio.scenarios.build import sweepable
        from forceratio.scenarios.outcome import outcome_columns
        from forceratio.scenarios.registry import lookup
        from forceratio.sweeps.design import Design, declared
        from forceratio.sweeps.evaluate import SweepSpec, calibration_pairs, evaluate, use_prepared

        prep = self._prep(name)
        scn = prep.scenario
        with self._lock("calibration"):
            calibration = calibration_pairs(self._session, prep)
        value = {**sweepable(prep), **dict(calibration)}  # a value not sent: the scenario's own
        rng = np.random.default_rng(20260612)
        samples = {}
        for v in declared(scn.uncertainty):
            path, lo, hi = v.path, v.low, v.high
            x = point.get(path, value.get(path, (lo + hi) / 2))
            half = QUICK_SPAN * (hi - lo)
            # within the declared range, or (a typed value outside it) within the domain
            dom = lookup(path).domain
            floor, top = (lo, hi) if lo <= x <= hi else (dom.low, dom.high)
            a, b = max(floor, x - half), min(top, x + half)
            u = rng.uniform(a, b, QUICK_SAMPLES)
            samples[path] = np.where(dom.contains(u), u, x)  # never an open end itself
        for path, x in point.items():
            samples.setdefault(path, np.full(QUICK_SAMPLES, x))
        spec = SweepSpec(self._source(name), Design("random", (), 1, 0), calibration=calibration)
        use_prepared(spec, prep)  # the text read at start-up, as the outcome's (not re-read)
        out, _ = evaluate(spec, 0, QUICK_SAMPLES, samples=samples, max_steps=max_steps)
        wins = np.asarray(outcome_columns(out)["attacker_wins"], dtype=bool)
        k = int(wins.sum())
        # the interval compare and sweeps give a share of wins (one function)
        _, lo, hi = probability_interval(k, QUICK_SAMPLES)
        return {
            "attacker_win_probability": float(wins.mean()),
            "wins": k,
            "interval": [lo, hi],
            "interval_method": "Jeffreys",
            "samples": QUICK_SAMPLES,
            "span": QUICK_SPAN,
        }

    def _records(self, prep: Any, out: Any) -> list[dict[str, Any]]:
        """This scenario's own records beside the model's value of each."""
        from forceratio.scenarios.sides import display_names, rename

        names = display_names(prep.scenario)
        return [
            {
                "label": rename(rec.label, names),
                "side": rec.side,
                "day": float(rec.day),
                "history": float(fig.value[0]),
                "model": float(out.record_model[0, 0, j]),
                "lower_bound": rec.lower_bound,
            }
            for j, (rec, fig) in enumerate(prep.records)
        ]

    def history(self) -> list[dict[str, Any]]:
        """The 22 June 1941 record (what happened), with its sources, for every page."""
        prep = self._prep(HISTORY)
        return [
            {
                "label": rec.label,
                "side": rec.side,
                "day": float(rec.day),
                "value": float(fig.value[0]),
                "lower_bound": rec.lower_bound,
            }
            for rec, fig in prep.records
        ]


def shown_names(scn: Any) -> dict[str, str]:
    """Slot -> the name the page shows the side by: the scenario's ``side_names``, else
    the slot's own name (the 1941 wording's, and a file's that names no sides)."""
    from forceratio.scenarios.sides import display_names

    return display_names(scn) or {s: s for s in SIDES}


def json_name(v: Any) -> str:
    """What a JSON value is, for an error (never the value itself, which may be huge)."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, list):
        return "a list"
    return "an object" if isinstance(v, dict) else type(v).__name__


def _odd_text(text: str) -> str | None:
    """Why ``text`` is not a number as the command line reads one (``--set``, a table's
    cell), though ``float`` reads it: an underscore between digits, a hexadecimal literal,
    digits other than ASCII 0-9; None when it is plain."""
    from forceratio.arguments import unmeant_number

    odd = unmeant_number(text.strip())
    if odd is None and not text.isascii():
        odd = f"{text!r} holds a character other than ASCII; write the number in 0-9"
    return odd
