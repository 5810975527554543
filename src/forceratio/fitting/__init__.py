"""Fitting attrition laws to real battles: daily series (:mod:`.daily`, built on
:mod:`.data`, :mod:`.model`, :mod:`.estimate`, :mod:`.noise` and :mod:`.result`) and the
CDB90 database (:mod:`.cdb90`)."""

from __future__ import annotations

from forceratio.fitting.api import fit
from forceratio.fitting.casualties import CasualtyFit, fit_casualties
from forceratio.fitting.daily import FIT_LAWS, FitResult, fit_battle, fit_laws, read_battle

__all__ = [
    "FIT_LAWS",
    "CasualtyFit",
    "FitResult",
    "fit",
    "fit_battle",
    "fit_casualties",
    "fit_laws",
    "read_battle",
]
