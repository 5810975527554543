"""What a registry entry is: :class:`Parameter` (a dotted path of the scenario file, its
label, unit, domain, default and where its value comes from), :class:`Domain` and the
domains the entries share, :class:`Source`, and the words labels are written with.

The entries themselves live in :mod:`.registry_battle`, :mod:`.registry_operations` and
:mod:`.registry_strike`; :mod:`.registry` gathers them into
:data:`~forceratio.scenarios.registry.PARAMETERS` and derives every view of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import InputError
from forceratio.scenarios.bounds import MAX_KM, MAX_KM_PER_DAY, MOBILE_EXPONENT_MAX
from forceratio.scenarios.schema import Scenario
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
    """The values a parameter may take: ``low`` .. ``high``, each end open or closed;
    ``infinite``: +inf too (a parameter whose inf means "off")."""

    low: float = 0.0
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    infinite: bool = False

    def contains(self, values: NDArray[np.float64]) -> NDArray[np.bool_]:
        a = np.asarray(values, dtype=float)
        above = a > self.low if self.low_open else a >= self.low
        below = a < self.high if self.high_open else a <= self.high
        finite = np.isfinite(a) | (self.infinite & (a == math.inf))
        return np.asarray(finite & above & below)

    def __str__(self) -> str:
        if math.isinf(self.high):
            more = " (inf: off)" if self.infinite else ""
            return f"{'>' if self.low_open else '>='} {self.low:g}{more}"
        left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"in {left}{self.low:g}, {self.high:g}{right}"


POSITIVE = Domain(0.0, math.inf, low_open=True)
NON_NEGATIVE = Domain()
FRACTION = Domain(0.0, 1.0, high_open=True)
# Magnitude bounds (issue 15), the same as the scenario model's fields: past them the
# engine would under- or overflow (simulator/magnitudes.py).
RATE = Domain(*RATE_RANGE)  # a kill rate, in its law's unit (bounds.Rate)
SHARE_RATE = Domain(0.0, SHARE_RATE_MAX)  # a share lost per day (capture, non-combat losses)
FACTOR = Domain(0.0, 1e3, low_open=True)
FACTOR_OR_ZERO = Domain(0.0, 1e3)
DAYS = Domain(0.0, 3650.0)
WEIGHT = Domain(0.0, WEIGHT_MAX)
KM_PER_DAY = Domain(0.0, MAX_KM_PER_DAY)  # an advance rate (schema_operations.Advance)
KM = Domain(0.0, MAX_KM, low_open=True)  # a depth of advance (schema_operations.OutcomeRule)
REACH = Domain(0.0, low_open=True, infinite=True)  # a reach, km (schema_operations.Advance)
EXPONENT = Domain(0.0, MOBILE_EXPONENT_MAX)  # the capacity's power of divisions (bounds)


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
        if self.note is not None and self.note(scn):
            return Source("scenario", f"scenario file: {self.note(scn)}")
        if self.note is not None:  # no note, no [sources] entry: which, never a comment
            if raw == self.default:
                unset = f"default {self.default:g} (the scenario leaves it unset)"
                return Source("scenario", unset)
            return Source("scenario", "scenario file, no source given")
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


def rate_unit_of(p: float, q: float) -> str:
    """The unit of a kill rate whose target loses rate x firer**p x target**q a day
    (:mod:`forceratio.simulator.laws`): the one place the unit is written."""

    def per(what: str, power: float) -> str:
        return "" if power == 0 else f" per {what}" if power == 1 else f" per {what}^{power:g}"

    return f"enemy combat power{per('unit', p)}{per('enemy unit', q)} per day"
