"""Posterior draws of the whole-record calibration (issue 13) as a sweep dimension.

:class:`PosteriorDraws` holds ``n`` draws of the shared parameters as plain numbers (the
index of each draw in the calibration's chain and its values), so that a
:class:`~forceratio.sweeps.evaluate.SweepSpec` carrying them travels to worker processes
and is written whole into a sweep's manifest: a resumed or re-chunked sweep uses exactly
the same draws.  A sweep with draws is *crossed*: run ``g`` is design point ``g // n``
with draw ``g % n`` (:meth:`PosteriorDraws.cross`), so every design point meets every draw;
a *paired* sweep runs design point ``g`` with draw ``g % n`` (:meth:`PosteriorDraws.pair`;
with as many draws as points, a sample of the joint distribution of the assumptions and
the posterior).  Either way the result does not depend on how the runs are cut into chunks.

:func:`record_posterior` is the one place the sweeps, ``compare`` and the report get the
whole-record calibration from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from forceratio.errors import InputError

if TYPE_CHECKING:
    from forceratio.calibration import CalibrationResult
    from forceratio.scenarios.build import Prepared
    from forceratio.scenarios.session import Session

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def check_applies(prep: Prepared) -> None:
    """Refuse the posterior's draws for a scenario they do not apply to: one whose rates
    are not fitted on the 1941 record, or that gives its own rates (none 'calibrated')."""
    from forceratio.scenarios.rates import check_draws
    from forceratio.scenarios.sampled import free_parameters

    check_draws(prep)
    if not free_parameters(prep):
        raise InputError(
            "posterior",
            f"{prep.scenario.name} gives its own rates (none is 'calibrated'), so the 1941"
            " posterior does not apply to it: run without posterior draws",
        )


def record_posterior(session: Session) -> CalibrationResult:
    """The whole-record calibration of ``session``'s tables
    (:meth:`~forceratio.scenarios.session.Session.record_posterior`: the shipped emcee
    posterior, or the disk-cached quick mode)."""
    return session.record_posterior()


@dataclass(frozen=True)
class PosteriorDraws:
    """``n`` posterior draws: ``names`` (registry paths), ``index`` (the draw's row in the
    calibration's draws) and ``values`` (n rows of len(names) values)."""

    names: tuple[str, ...]
    index: tuple[int, ...]
    values: tuple[tuple[float, ...], ...]
    method: str = ""

    @classmethod
    def from_result(cls, result: CalibrationResult, n: int, seed: int) -> PosteriorDraws:
        """``n`` draws of ``result``'s model parameters, seeded
        (:func:`~forceratio.calibration.posterior_batch`)."""
        from forceratio.calibration import posterior_batch

        batch = posterior_batch(result, n, seed=seed)
        vals = batch.to_numpy(dtype=float)
        return cls(
            tuple(str(c) for c in batch.columns),
            tuple(int(i) for i in batch.index),
            tuple(tuple(float(v) for v in row) for row in vals),
            result.method,
        )

    @property
    def n(self) -> int:
        return len(self.index)

    def array(self) -> FloatArray:
        """The values, shape (n, len(names))."""
        return np.asarray(self.values, dtype=float).reshape(self.n, len(self.names))

    def samples(self, which: IntArray | None = None) -> dict[str, FloatArray]:
        """The draws ``which`` (default: all) as engine samples: path -> values."""
        a = self.array()
        if which is not None:
            a = a[which]
        return {name: a[:, k].copy() for k, name in enumerate(self.names)}

    def cross(
        self, points: Mapping[str, FloatArray], first: int, start: int, stop: int
    ) -> tuple[dict[str, FloatArray], IntArray, IntArray]:
        """Runs ``start..stop-1`` of the crossing of design points (``points`` holds the
        design's points ``first``, ``first + 1``, ...) with the draws: the engine samples,
        the design point and the draw number (0..n-1) of each run."""
        g = np.arange(start, stop, dtype=np.int64)
        point, draw = g // self.n, g % self.n
        self._check(points)
        out = {p: np.asarray(v)[point - first] for p, v in points.items()}
        out.update(self.samples(draw))
        return out, point, draw

    def pair(
        self, points: Mapping[str, FloatArray], start: int, stop: int
    ) -> tuple[dict[str, FloatArray], IntArray, IntArray]:
        """Runs ``start..stop-1`` pairing design point ``g`` (``points`` holds points
        ``start``...) with draw ``g % n``: the engine samples, the point and the draw
        number of each run."""
        g = np.arange(start, stop, dtype=np.int64)
        self._check(points)
        out = {p: np.asarray(v) for p, v in points.items()}
        out.update(self.samples(g % self.n))
        return out, g, g % self.n

    def _check(self, points: Mapping[str, FloatArray]) -> None:
        clash = [p for p in points if p in self.names]
        if clash:
            raise InputError("vary", f"{clash[0]} is drawn from the posterior; do not vary it")

    def to_json(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "index": list(self.index),
            "values": [list(r) for r in self.values],
            "method": self.method,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PosteriorDraws:
        return cls(
            tuple(str(x) for x in d["names"]),
            tuple(int(i) for i in d["index"]),
            tuple(tuple(float(v) for v in r) for r in d["values"]),
            str(d.get("method", "")),
        )
