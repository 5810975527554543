"""The parameter registry: every numeric parameter a sweep may vary, written once, as data.

Each :class:`Parameter` holds its dotted path in the scenario file, a human label and unit,
its declared domain, the default it takes when the scenario file gives none (a constant, a
row of the modifiers table, or the calibration), and where that value comes from.  Every
list of parameters elsewhere is derived from :data:`PARAMETERS`: :func:`sweepable` (the
values a sweep starts from), :func:`parameter_sources`, the range checks of samples and of
a scenario's ``[uncertainty]`` table, ``forceratio sweep --list``, ``scenarios show`` and
the report's parameter table (:func:`parameter_rows`).

The labels are public (:func:`label`, :func:`unit`, :data:`LABELS`) for figures and tables
that show a parameter to a reader rather than its path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import InputError
from forceratio.scenarios.bounds import MAX_KM, MAX_KM_PER_DAY
from forceratio.scenarios.model import CATEGORIES, SIDES, Scenario
from forceratio.simulator.magnitudes import RATE_RANGE, SHARE_RATE_MAX, WEIGHT_MAX

if TYPE_CHECKING:
    from forceratio.scenarios.build import Prepared

Raw = float | str | None
SIDE_ADJECTIVE = {"USSR": "Soviet", "Germany": "German"}
CATEGORY_LABEL = {
    "personnel": "personnel",
    "guns_mortars": "guns and mortars",
    "tanks": "tanks",
    "aircraft": "aircraft",
}


@dataclass(frozen=True)
class Domain:
    """The values a parameter may take: ``low`` .. ``high``, each end open or closed."""

    low: float = 0.0
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def contains(self, values: NDArray[np.float64]) -> NDArray[np.bool_]:
        a = np.asarray(values, dtype=float)
        above = a > self.low if self.low_open else a >= self.low
        below = a < self.high if self.high_open else a <= self.high
        return np.asarray(np.isfinite(a) & above & below)

    def __str__(self) -> str:
        if math.isinf(self.high):
            return f"{'>' if self.low_open else '>='} {self.low:g}"
        left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"in {left}{self.low:g}, {self.high:g}{right}"


POSITIVE = Domain(0.0, math.inf, low_open=True)
NON_NEGATIVE = Domain()
FRACTION = Domain(0.0, 1.0, high_open=True)
# Magnitude bounds (issue 15), the same as the scenario model's fields: past them the
# engine would under- or overflow (simulator/magnitudes.py).
RATE = Domain(*RATE_RANGE)  # a kill rate, in its law's unit (model.Rate)
SHARE_RATE = Domain(0.0, SHARE_RATE_MAX)  # a share lost per day (capture, non-combat losses)
FACTOR = Domain(0.0, 1e3, low_open=True)
FACTOR_OR_ZERO = Domain(0.0, 1e3)
DAYS = Domain(0.0, 3650.0)
WEIGHT = Domain(0.0, WEIGHT_MAX)
KM_PER_DAY = Domain(0.0, MAX_KM_PER_DAY)  # an advance rate (model.Advance)
KM = Domain(0.0, MAX_KM, low_open=True)  # a depth of advance (model.OutcomeRule)


@dataclass(frozen=True)
class Source:
    """Where a parameter's value comes from.

    ``kind``: ``table`` (a row of a data table, cited by ``key`` and ``locator`` of the
    sources table, ``verified`` if the figure was read in the source), ``calibrated``
    (fitted on a scenario's records), ``scenario`` (the scenario file's own value and
    note) or ``assumption`` (a forceratio assumption; ``text`` says why).
    """

    kind: Literal["table", "calibrated", "scenario", "assumption"]
    text: str
    key: str = ""
    locator: str = ""
    verified: bool = False

    def __str__(self) -> str:
        return self.text


def _table_source(prep: Prepared, factor: str) -> Source:
    src = prep.factor_sources.get(factor)
    return src if src is not None else Source("table", "modifiers table")


@dataclass(frozen=True)
class Parameter:
    """One sweepable parameter of the scenario file.

    ``default`` is the value when neither the scenario file nor a table gives one;
    ``factor`` names the published value (a key of ``Prepared.factors``, from the modifiers
    table) used instead when the scenario leaves the parameter unset, or None;
    ``assumption`` is set when the value, wherever it is written, is a forceratio
    assumption (it says why); ``note`` reads the scenario's own note on the value.
    """

    path: str
    label: str
    unit: str
    domain: Domain
    default: float
    factor: Callable[[Scenario], str | None] | None = None
    assumption: str = ""
    note: Callable[[Scenario], str] | None = None
    applies: Callable[[Scenario], bool] = lambda _scn: True

    # -------------------------------------------------------------- the scenario model
    def get(self, scn: Scenario) -> Raw:
        """The value as the scenario file holds it: a number, ``"calibrated"``, or None
        when unset (the default applies)."""
        node: Any = scn
        for key in self.path.split("."):
            if isinstance(node, Mapping):
                if key not in node:
                    return None
                node = node[key]
            else:
                node = getattr(node, key)
        return node if node is None or isinstance(node, str) else float(node)

    def set(self, scn: Scenario, value: float) -> Scenario:
        """A copy of ``scn`` with this parameter set to ``value`` (checked against the
        domain; raises :class:`InputError` naming the path)."""
        self.check(np.asarray([value], dtype=float))
        if self.path in scn.table_values:  # the value set replaces the table's
            rest = {k: v for k, v in scn.table_values.items() if k != self.path}
            scn = scn.model_copy(update={"table_values": rest})
        return _replace(scn, self.path.split("."), float(value), self.path)  # type: ignore[no-any-return]

    # -------------------------------------------------------------- resolved values
    def value(self, prep: Prepared, calibration: Mapping[str, float] | None = None) -> float:
        """The value a run uses: a shared parameter of the whole-record fit (``calibration``
        by dotted path), else the scenario's number, the calibrated or published value, default."""
        if calibration is not None and self.path in calibration:
            return float(calibration[self.path])
        raw = self.get(prep.scenario)
        if self.path in prep.scenario.table_values:  # a row of a data table (issue 13)
            return prep.factors[self.path]
        if isinstance(raw, float):
            return raw
        if raw == "calibrated":
            cal = (calibration or {}).get(self.path.rsplit(".", 1)[-1])
            if cal is not None:
                return float(cal)
        key = self.factor(prep.scenario) if self.factor else None
        return prep.factors[key] if key is not None else self.default

    def source(self, prep: Prepared, calibration: Mapping[str, float] | None = None) -> Source:
        """Where :meth:`value` (with the same ``calibration``) comes from."""
        if calibration is not None and self.path in calibration:
            raw_src = self.source(prep)  # what the file or table gives, the run overrides
            own = f"without it, {self.value(prep):g}: {raw_src.text}"
            text = f"calibrated on the 1941 record: the posterior median a run uses ({own})"
            return Source("calibrated", text, raw_src.key, raw_src.locator, raw_src.verified)
        scn = prep.scenario
        raw = self.get(scn)
        key = self.factor(scn) if self.factor else None
        if self.path in scn.table_values:
            return _table_source(prep, self.path)
        if self.path in scn.sources and isinstance(raw, float):
            return Source("scenario", f"scenario file: {scn.sources[self.path]}")
        if raw == "calibrated":
            raw_src = _table_source(prep, key) if key else Source("assumption", "")
            if self.path.rsplit(".", 1)[-1] not in (calibration or {}):
                text = f"raw default, not calibrated: {raw_src.text}"
                return Source(raw_src.kind, text, raw_src.key, raw_src.locator, raw_src.verified)
            text = f"calibrated on the 1941 record (raw default: {raw_src.text})"
            return Source("calibrated", text, raw_src.key, raw_src.locator, raw_src.verified)
        if self.note is not None:
            return Source("scenario", f"scenario file: {self.note(scn) or 'see its comment'}")
        if self.assumption:
            return Source("assumption", f"ASSUMPTION: {self.assumption}")
        if raw is not None:
            return Source("scenario", "scenario file")
        if key is not None:
            return _table_source(prep, key)
        return Source("scenario", f"default {self.default:g} (the scenario leaves it unset)")

    def check(self, values: NDArray[np.float64]) -> None:
        """Raise :class:`InputError` naming the path if a value is outside the domain."""
        ok = self.domain.contains(values)
        if not ok.all():
            bad = float(np.asarray(values, dtype=float)[~ok][0])
            raise InputError(self.path, f"must be {self.domain}, got {bad:g}")


def _replace(node: Any, keys: list[str], value: float, path: str) -> Any:
    """``node`` with the item at ``keys`` replaced (frozen models are copied)."""
    if not keys:
        return value
    head, rest = keys[0], keys[1:]
    if isinstance(node, Mapping):
        if rest and head not in node:
            raise InputError(path, f"the scenario has no {head!r} to set")
        new = dict(node)
        new[head] = _replace(node.get(head), rest, value, path)
        return new
    return node.model_copy(update={head: _replace(getattr(node, head), rest, value, path)})


# ------------------------------------------------------------------ the registry
def _surprise_factor(name: str) -> Callable[[Scenario], str | None]:
    def key(scn: Scenario) -> str | None:
        level = scn.modifiers.surprise.level
        return None if level == "none" else f"{name}.{level}"

    return key


def _weight_source(cat: str) -> Callable[[Scenario], str]:
    def note(scn: Scenario) -> str:
        return scn.weights[cat].source

    return note


def _weighted(cat: str) -> Callable[[Scenario], bool]:
    """Custom combat power with a weight for ``cat`` (a category the scenario has none of
    needs none: build.check_weights)."""

    def applies(scn: Scenario) -> bool:
        return scn.combat_power == "custom" and cat in scn.weights

    return applies


def rate_unit_of(p: float, q: float) -> str:
    """The unit of a kill rate whose target loses rate x firer**p x target**q a day
    (:mod:`.simulator.laws`): the one place the unit is written."""

    def per(what: str, power: float) -> str:
        return "" if power == 0 else f" per {what}" if power == 1 else f" per {what}^{power:g}"

    return f"enemy combat power{per('unit', p)}{per('enemy unit', q)} per day"


def _registry() -> tuple[Parameter, ...]:
    out: list[Parameter] = []
    for side, key in (("Germany", "german_rate"), ("USSR", "soviet_rate")):
        out.append(
            Parameter(
                f"attrition.{key}",
                f"{SIDE_ADJECTIVE[side]} kill rate",
                rate_unit_of(1.0, 0.0),  # the square law's (every built-in's); per law: rate_unit
                RATE,
                0.02,
                factor=lambda _scn: "personnel_rate",
            )
        )
    for cat in CATEGORIES:
        out.append(
            Parameter(
                f"attrition.vulnerability.{cat}",
                f"Vulnerability of {CATEGORY_LABEL[cat]}",
                "×, 1 = as exposed as the rest",
                FACTOR,
                1.0,
                assumption="1 (every category equally exposed)",
            )
        )
    out += [
        Parameter(
            "modifiers.surprise.decay_days",
            "Surprise wears off over",
            "days",
            DAYS,
            0.0,
            factor=lambda _scn: "decay_days",
        ),
        Parameter(
            "modifiers.surprise.surpriser_fire",
            "Surpriser's fire at the start",
            "×",
            FACTOR_OR_ZERO,
            1.0,
            factor=_surprise_factor("surpriser_fire"),
        ),
        Parameter(
            "modifiers.surprise.surprised_fire",
            "Surprised side's fire at the start",
            "×",
            FACTOR_OR_ZERO,
            1.0,
            factor=_surprise_factor("surprised_fire"),
        ),
        Parameter(
            "modifiers.posture.unprepared_factor",
            "Fire of a side caught unprepared",
            "×",
            Domain(0.0, 2.0, low_open=True),
            0.7,
            assumption="no published factor found",
        ),
        Parameter(
            "modifiers.posture.unprepared_until",
            "An unprepared side forms its groupings on day",
            "days",
            DAYS,
            DAYS.high,
            assumption="unset: an unprepared side stays so for the whole run",
        ),
    ]
    for side in SIDES:
        out.append(
            Parameter(
                f"modifiers.quality.{side}",
                f"{SIDE_ADJECTIVE[side]} quality (× its kill rate)",
                "×",
                FACTOR,
                1.0,
                assumption="1 = the kill rate as run (calibrated on the 1941 record, or given)",
            )
        )
        out.append(
            Parameter(
                f"breakpoints.{side}",
                f"{SIDE_ADJECTIVE[side]} breakpoint",
                "share of starting combat power left",
                FRACTION,
                0.0,
                assumption="a side breaks at this share (0: fights to the end)",
            )
        )
    out += [
        Parameter(
            "modifiers.air_strike.destroyed_fraction",
            "Aircraft destroyed by the opening air strike",
            "share of the enemy's aircraft",
            FRACTION,
            0.0,
            note=lambda scn: scn.modifiers.air_strike.note,
        ),
        Parameter(
            "modifiers.air_strike.superiority_factor",
            "Fire multiplier of air superiority",
            "×",
            Domain(1.0, 5.0),
            1.0,
            assumption="1 = none unless the scenario sets it",
        ),
    ]
    out.append(
        Parameter(
            "transfers.pz3_north.share",
            "Share of the 3rd Panzer Group in the Baltic sector",
            "share of the formation",
            Domain(0.0, 1.0),
            0.0,
            note=lambda scn: scn.transfers["pz3_north"].note,
            applies=lambda scn: "pz3_north" in scn.transfers,
        )
    )
    for cat in CATEGORIES:
        out.append(
            Parameter(
                f"weights.{cat}.value",
                f"Combat value of {CATEGORY_LABEL[cat]}",
                "combat power per unit",
                WEIGHT,
                0.0,
                note=_weight_source(cat),
                applies=_weighted(cat),
            )
        )
    from forceratio.scenarios.registry_operations import operations_parameters
    from forceratio.scenarios.registry_strike import strike_parameters

    return tuple(out + operations_parameters() + strike_parameters())


PARAMETERS: dict[str, Parameter] = {p.path: p for p in _registry()}
LABELS: dict[str, tuple[str, str]] = {p.path: (p.label, p.unit) for p in PARAMETERS.values()}


def lookup(path: str, field: str = "samples") -> Parameter:
    """The registry entry of ``path`` (raises one :class:`InputError` naming it under
    ``field``: by default ``run``'s ``samples``; the CLI passes ``--vary``)."""
    try:
        return PARAMETERS[path]
    except KeyError:
        raise InputError(field, f"unknown parameter {path!r}; see sweep --list") from None


def label(path: str) -> str:
    """The human label of a parameter path, e.g. ``German quality (× its kill rate)``."""
    return lookup(path, "parameter").label


def unit(path: str) -> str:
    """The unit of a parameter path (``×`` for a multiplier)."""
    return lookup(path, "parameter").unit


def applicable(scn: Scenario) -> list[Parameter]:
    """The parameters this scenario has, in registry order."""
    return [p for p in PARAMETERS.values() if p.applies(scn)]


# ------------------------------------------------------------------ derived views
def sweepable(prep: Prepared, calibration: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every numeric parameter a sweep may vary, with its value in this scenario
    (``calibration`` supplies the rates marked ``"calibrated"`` and, by dotted path, the
    other shared parameters a whole-record calibration fitted)."""
    return {p.path: p.value(prep, calibration) for p in applicable(prep.scenario)}


def parameter_sources(
    prep: Prepared, calibration: Mapping[str, float] | None = None
) -> dict[str, str]:
    """Where each value of :func:`sweepable` (same arguments) comes from: a table, the
    calibration, the scenario file, or 'ASSUMPTION'."""
    return {p.path: str(p.source(prep, calibration)) for p in applicable(prep.scenario)}


def parameter_rows(
    prep: Prepared, calibration: Mapping[str, float] | None = None
) -> list[dict[str, Any]]:
    """One row per parameter: path, label, unit, the value used, the scenario's
    uncertainty range (low, high or None), the domain and the source."""
    unc = prep.scenario.uncertainty
    rows = []
    for p in applicable(prep.scenario):
        src = p.source(prep, calibration)
        rows.append(
            {
                "path": p.path,
                "label": p.label,
                "unit": rate_unit(prep.scenario, p.path) or p.unit,
                "value": p.value(prep, calibration),
                "low": unc[p.path][0] if p.path in unc else None,
                "high": unc[p.path][1] if p.path in unc else None,
                "domain": str(p.domain),
                "source": src.text,
                "verified": src.verified,
            }
        )
    return rows


def rate_unit(scn: Scenario, path: str) -> str:
    """The unit of a kill rate under the scenario's law ("" for another parameter): the
    square law's rate is per unit of the firer, the linear law's also per unit of the
    target, the ancient law's neither (:func:`rate_unit_of`)."""
    from forceratio.simulator.laws import get_law

    target = {"attrition.german_rate": "red", "attrition.soviet_rate": "blue"}.get(path)
    if target is None:  # (the USSR is red: German fire's target)
        return ""
    ex = get_law(scn.law, **scn.law_params).exponents()  # each side's losses' exponents
    return rate_unit_of(*((ex.red_p, ex.red_q) if target == "red" else (ex.blue_p, ex.blue_q)))


def check_uncertainty(scn: Scenario) -> None:
    """Every ``[uncertainty]`` path is a parameter of this scenario, its range inside the
    parameter's domain."""
    known = {p.path: p for p in applicable(scn)}
    for path, (lo, hi) in scn.uncertainty.items():
        if path not in known:
            raise InputError(f"uncertainty.{path}", "not a sweepable parameter of this scenario")
        dom = known[path].domain
        if not dom.contains(np.array([lo, hi])).all():
            raise InputError(f"uncertainty.{path}", f"range [{lo:g}, {hi:g}] must be {dom}")


__all__ = [
    "LABELS",
    "PARAMETERS",
    "Domain",
    "Parameter",
    "Source",
    "applicable",
    "check_uncertainty",
    "label",
    "lookup",
    "parameter_rows",
    "parameter_sources",
    "rate_unit",
    "rate_unit_of",
    "sweepable",
    "unit",
]
