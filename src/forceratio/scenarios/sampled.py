"""The parameters of a batch of runs: every sweepable parameter of a prepared scenario as an
array of N sampled values (:func:`parameters`), the categories' combat weights per sample
(:func:`weights`) and the kill rates a scenario may mark ``"calibrated"``
(:func:`free_parameters`).  :func:`.build.build` reads them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from forceratio.errors import InputError
from forceratio.scenarios.registry import PARAMETERS, lookup, sweepable
from forceratio.scenarios.schema import CATEGORIES

if TYPE_CHECKING:
    from forceratio.scenarios.build import Prepared

FloatArray = NDArray[np.float64]
K = len(CATEGORIES)

#: The kill rates a scenario may mark ``"calibrated"``: short name -> registry path.
RATES = {"german_rate": "attrition.german_rate", "soviet_rate": "attrition.soviet_rate"}


def free_parameters(prep: Prepared) -> list[str]:
    """The paths of the kill rates the scenario marks ``"calibrated"``."""
    a = prep.scenario.attrition
    return [path for k, path in RATES.items() if getattr(a, k) == "calibrated"]


def parameters(
    prep: Prepared,
    samples: Mapping[str, ArrayLike] | None = None,
    calibration: Mapping[str, float] | None = None,
) -> tuple[int, dict[str, FloatArray]]:
    """(N, every sweepable parameter as an array of N values)."""
    base = sweepable(prep, calibration)
    n = 1
    arrays: dict[str, FloatArray] = {}
    for path, vals in (samples or {}).items():
        if path not in base:
            lookup(path)  # an unknown path is named as one
            raise InputError("samples", f"{path} is not a parameter of {prep.origin}")
        a = np.atleast_1d(np.asarray(vals, dtype=float))
        if a.ndim != 1:
            raise InputError(path, "sample values must be 1-D")
        if not np.all(np.isfinite(a)):
            raise InputError(path, "sample values must be finite")
        if n != 1 and a.size not in (1, n):
            raise InputError(path, f"{a.size} values, other parameters have {n}")
        n = max(n, a.size)
        arrays[path] = a
    out = {
        p: np.broadcast_to(arrays.get(p, np.asarray([v])), (n,)).astype(float)
        for p, v in base.items()
    }
    for path, a in out.items():
        PARAMETERS[path].check(a)
    return n, out


def weights(prep: Prepared, par: Mapping[str, FloatArray], n: int) -> FloatArray:
    """Combat value per unit of each category, shape (N, K)."""
    scn = prep.scenario
    if scn.combat_power == "personnel":
        return np.tile(np.array([1.0, 0.0, 0.0, 0.0]), (n, 1))
    if scn.combat_power == "custom":  # a category without a weight has none (check_weights)
        none = np.zeros(n)
        return np.stack([par.get(f"weights.{c}.value", none) for c in CATEGORIES], axis=1)
    # one average division slice (the mean of the two sides') of each category = 1/K
    mean = (prep.slices["USSR"].value + prep.slices["Germany"].value) / 2.0
    return np.tile(1.0 / (K * mean), (n, 1))
