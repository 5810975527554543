"""The shipped whole-record posterior read straight from its file: the oracle of the tests
that check the values a calibrated run uses (``sweep --list``, ``scenarios show``, the
report's assumptions table)."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np


def shipped_medians() -> dict[str, float]:
    """The medians of the shipped posterior's draws, by model parameter name, read from the
    file itself."""
    ref = resources.files("forceratio.calibration") / "shipped" / "record1941.npz"
    with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        medians = np.median(z["draws"], axis=0)
    names: list[str] = meta["names"]
    return {n: float(medians[names.index(n)]) for n in meta["model_names"]}


def shipped_shares(quantiles: tuple[float, ...] = (0.025, 0.5, 0.975)) -> dict[str, np.ndarray]:
    """The shipped draws' ``quantiles`` of every shared parameter as shares of its prior's
    support on the prior's scale (0 the support's low end, 1 its high end; the log for a
    log-uniform prior, else linear: the record fit's priors are all uniform or log-uniform on
    a finite support, so their central 95% is 0.025-0.975 of it), read from the file and the
    priors' supports alone."""
    from forceratio.calibration import LogUniform, Uniform
    from forceratio.scenarios.record1941 import SHARED

    ref = resources.files("forceratio.calibration") / "shipped" / "record1941.npz"
    with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as z:
        names: list[str] = json.loads(str(z["meta"]))["names"]
        draws = z["draws"]
    out = {}
    for name, make, _ in SHARED:
        prior = make()
        assert isinstance(prior, LogUniform | Uniform), (name, prior)
        lo, hi = prior.support
        x = np.quantile(draws[:, names.index(name)], quantiles)
        if isinstance(prior, LogUniform):
            x, lo, hi = np.log(x), np.log(lo), np.log(hi)
        out[name] = (x - lo) / (hi - lo)
    return out


#: The medians of the posterior shipped on 4 December 2026 (main 232bf38's
#: calibration/shipped/record1941.npz, before the records were read apart), for regression
#: pins taken on it: set explicitly, the pinned numbers do not move with a regenerated posterior.
MEDIANS_4_DECEMBER: dict[str, float] = {
    "attrition.german_rate": 0.002417300699229832,
    "attrition.soviet_rate": 0.0031823169441908186,
    "operations.capture.rate.USSR": 0.0671122878726687,
    "operations.capture.ratio": 2.447912813554263,
    "operations.capture.width": 1.1394172119416366,
    "operations.noncombat.USSR.tanks": 0.2437850909026566,
    "operations.advance.scale": 22.098710548215752,
    "operations.advance.exponent": 0.22418592142854102,
    "operations.capture.factor.attacker": 0.0006642529384041245,
    "operations.capture.mobile_exponent": 0.8768480914089062,
}
