"""Fitting attrition laws to real battles: daily series (:mod:`.daily`) and the CDB90
database (:mod:`.cdb90`)."""

from __future__ import annotations

from forceratio.fitting.daily import FIT_LAWS, FitResult, fit, fit_battle, read_battle

__all__ = ["FIT_LAWS", "FitResult", "fit", "fit_battle", "read_battle"]
