"""A :class:`Session`: what every command of one invocation shares, built once.

The loaded data tables (with the user's replacements), each prepared scenario, and the
whole-record calibration are computed on first use and kept in memory, so a report that
compares five scenarios and draws a dozen figures calibrates once.  Pass one session down
(to :func:`~forceratio.scenarios.compare.compare`, :func:`~forceratio.plots.figure`, the
report) rather than letting each build its own.

The rates a scenario marks ``"calibrated"`` are the marginal posterior medians of the
whole-record calibration (:meth:`Session.record_posterior`; issue 13), not a fit to one
scenario: the shipped posterior when the tables are the built-in ones, else one cached on
disk, else the quick mode (posterior mode and Laplace draws) computed and cached.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from numpy.typing import ArrayLike

from forceratio.calibration import CalibrationResult
from forceratio.scenarios import Sets
from forceratio.scenarios.build import Prepared
from forceratio.scenarios.rates import Calibration, check_shared_rates, from_record
from forceratio.scenarios.run import Outcome, run
from forceratio.scenarios.sampled import RATES, free_parameters


class Session:
    """Table replacements, the ``--uncalibrated`` switch, and the caches built on them.

    Parameters
    ----------
    tables : mapping of table name -> CSV path, optional
        User replacements of the built-in data tables.
    uncalibrated : bool
        Use the raw default rates instead of calibrating.
    """

    def __init__(self, tables: Mapping[str, str] | None = None, uncalibrated: bool = False):
        from forceratio.scenarios import table_loader

        self.tables = dict(tables or {})
        self.uncalibrated = uncalibrated
        self._load = table_loader(self.tables)
        self._prepared: dict[tuple[str, tuple[str, ...]], Prepared] = {}
        self._record: CalibrationResult | None = None
        self._cal: Calibration | None = None
        self._set_paths: dict[int, set[str]] = {}

    def table(self, name: str) -> pd.DataFrame:
        """A data table as this session sees it (user replacements included)."""
        return self._load(name)

    def prepare(self, name_or_path: str, sets: Sets = None) -> Prepared:
        """The scenario with its tables resolved (cached by name and ``--set`` overrides;
        ``sets`` as :func:`~forceratio.scenarios.load` takes them)."""
        from forceratio.scenarios import load_prepared, set_texts

        key = (name_or_path, tuple(set_texts(sets)))
        if key not in self._prepared:
            prep = load_prepared(name_or_path, list(key[1]), self._load)
            self._prepared[key] = prep
            self._set_paths[id(prep)] = {s.partition("=")[0].strip() for s in key[1]}
        return self._prepared[key]

    def record_posterior(self) -> CalibrationResult:
        """The whole-record calibration (issue 13), built once per session: emcee's
        posterior shipped with the package or cached on disk for these tables, else the
        quick mode (``method == "map"``: posterior mode, Laplace draws) computed and cached.
        ``draws`` are posterior draws of every fitted parameter, ``values`` the point
        (posterior medians for emcee, the mode for the quick mode)."""
        if self._record is None:
            from forceratio.scenarios import record_fit

            rec = record_fit.inputs(self.table)
            found = record_fit.cached_only(rec, record_fit.POSTERIOR)
            if found is None:
                found, _ = record_fit.fit(rec, record_fit.QUICK)
            self._record = found
        return self._record

    def calibration_for(self, prep: Prepared) -> Calibration | None:
        """The calibration this scenario's 'calibrated' rates come from (None: raw rates):
        the two kill rates of :meth:`record_posterior`."""
        if self.uncalibrated or not free_parameters(prep):
            return None
        check_shared_rates(
            prep,
            "the calibrated rates are the whole 1941 record's, fitted on",
            ": give the rates (attrition.german_rate, attrition.soviet_rate) or --uncalibrated",
        )
        if self._cal is None:
            self._cal = from_record(self.record_posterior())
        return self._cal

    def rates(self, prep: Prepared) -> dict[str, float]:
        """The calibrated values to run ``prep`` with (``{}``: the raw defaults): the two kill
        rates, and by dotted path the other shared parameters the whole-record fit gave them
        with (capture, non-combat losses, advance), since the rates only hold together with
        those; a parameter the user ``--set`` keeps the user's value."""
        cal = self.calibration_for(prep)
        if cal is None:
            return {}
        result = self.record_posterior()
        rates = set(RATES.values())
        user = self._set_paths.get(id(prep), set())
        shared = {
            p: float(result.values[p])
            for p in result.model_names
            if p not in rates and p not in user
        }
        return {**cal.values, **shared}

    def run(
        self,
        prep: Prepared,
        *,
        samples: Mapping[str, ArrayLike] | None = None,
        replications: int | None = None,
        seed: int | None = None,
        times: ArrayLike | None = None,
        **kwargs: Any,
    ) -> Outcome:
        """:func:`~forceratio.scenarios.run.run` with this session's calibration."""
        return run(
            prep,
            samples=samples,
            calibration=self.rates(prep),
            replications=replications,
            seed=seed,
            times=times,
            **kwargs,
        )
