"""The parameter registry: every numeric parameter a sweep may vary, written once, as data.

Each :class:`Parameter` holds its dotted path in the scenario file, a human label and unit,
its declared domain, the default it takes when the scenario file gives none (a constant, a
row of the modifiers table, or the calibration), and where that value comes from.  Every
list of parameters elsewhere is derived from :data:`PARAMETERS`: :func:`sweepable` (the
values a sweep starts from), :func:`parameter_sources`, the range checks of samples and of
a scenario's ``[uncertainty]`` table, ``forceratio sweep --list``, ``scenarios show`` and
the report's parameter table (:func:`parameter_rows`).

The labels are public (:func:`label`, :func:`unit`, :data:`LABELS`) for figures and tables
that show a parameter to a reader rather than its path.  What an entry is:
:mod:`.registry_base`; the entries: :mod:`.registry_battle`, :mod:`.registry_operations`,
:mod:`.registry_strike`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from forceratio.errors import InputError
from forceratio.scenarios.registry_base import Domain, Parameter, Source, rate_unit_of
from forceratio.scenarios.registry_battle import battle_parameters
from forceratio.scenarios.registry_operations import operations_parameters
from forceratio.scenarios.registry_strike import strike_parameters
from forceratio.scenarios.schema import Scenario

if TYPE_CHECKING:
    from forceratio.scenarios.build import Prepared


PARAMETERS: dict[str, Parameter] = {
    p.path: p for p in (*battle_parameters(), *operations_parameters(), *strike_parameters())
}
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
