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
