"""A :class:`Session`: what every command of one invocation shares, built once.

The loaded data tables (with the user's replacements), each prepared scenario, and each
calibration are computed on first use and kept in memory, so a report that compares five
scenarios and draws a dozen figures calibrates once.  Pass one session down (to
:func:`~forceratio.scenarios.compare.compare`, :func:`~forceratio.plots.figure`, the report)
rather than letting each build its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from numpy.typing import ArrayLike

from forceratio.scenarios.build import Prepared, prepare
from forceratio.scenarios.calibrate import Calibration, calibrate, free_parameters
from forceratio.scenarios.run import Outcome, run


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
        self._cal: dict[str, Calibration] = {}

    def table(self, name: str) -> pd.DataFrame:
        """A data table as this session sees it (user replacements included)."""
        return self._load(name)

    def prepare(self, name_or_path: str, sets: Sequence[str] | None = None) -> Prepared:
        """The scenario with its tables resolved (cached by name and ``--set`` overrides)."""
        from forceratio.scenarios import load_scenario

        key = (name_or_path, tuple(sets or ()))
        if key not in self._prepared:
            self._prepared[key] = prepare(load_scenario(name_or_path, list(key[1])), self._load)
        return self._prepared[key]

    def calibration_for(self, prep: Prepared) -> Calibration | None:
        """The calibration this scenario's 'calibrated' rates come from (None: raw rates)."""
        if self.uncalibrated or not free_parameters(prep):
            return None
        name = prep.scenario.attrition.calibrate_on
        if name not in self._cal:
            self._cal[name] = calibrate(self.prepare(name))
        return self._cal[name]

    def rates(self, prep: Prepared) -> dict[str, float] | None:
        """The calibrated rates to run ``prep`` with (None: the raw defaults)."""
        cal = self.calibration_for(prep)
        return dict(cal.values) if cal is not None else None

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
