"""Write the example series of README's "Fitting real battles" commands.

Every file here is SYNTHETIC: generated from the parameters in :data:`TRUTH` with
``scipy.integrate.solve_ivp`` (independent of forceratio's own engine) and the seed
:data:`SEED`; none is a historical record.  Run from the repository root::

    python examples/make_examples.py      # rewrites examples/*.csv, byte for byte

The law is Bracken's general form: red's losses ``blue_rate * B**p * R**q`` a day, blue's
``red_rate * R**p * B**q`` (square law p = 1, q = 0; Helmbold p = w, q = 1 - w).  Each day's
losses of each side are multiplied by ``exp(N(0, loss_sd**2) - loss_sd**2 / 2)`` (day-to-day
variation, mean one), each reported strength after the first by ``exp(N(0, report_sd**2))``
(measurement noise), then rounded to whole men.  Arrivals join right after a day's count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

SEED = 20261203
HERE = Path(__file__).resolve().parent

#: Each file's true parameters.  ``arrivals``: {day: men} joining red right after that
#: day's count; ``written``: how the file gives them (after-observation, in-observation,
#: or left out: a table that folds them into the strength).
TRUTH: dict[str, dict[str, Any]] = {
    "battle": {
        "law": "square", "red_rate": 0.03, "blue_rate": 0.04, "p": 1.0, "q": 0.0,
        "red0": 20_000, "blue0": 16_000, "days": 25, "loss_sd": 0.1, "report_sd": 0.01,
        "arrivals": {}, "written": "after-observation",
    },
    "landing": {
        "law": "square", "red_rate": 0.02, "blue_rate": 0.03, "p": 1.0, "q": 0.0,
        "red0": 0, "blue0": 8_000, "days": 12, "loss_sd": 0.1, "report_sd": 0.01,
        "arrivals": {0: 6_000, 1: 4_000, 3: 3_000}, "written": "in-observation",
    },
    "table": {
        "law": "square", "red_rate": 0.02, "blue_rate": 0.03, "p": 1.0, "q": 0.0,
        "red0": 10_000, "blue0": 8_000, "days": 14, "loss_sd": 0.1, "report_sd": 0.005,
        "arrivals": {5: 3_000}, "written": "left out",
    },
    "a": {
        "law": "helmbold", "red_rate": 0.02, "blue_rate": 0.025, "p": 0.7, "q": 0.3,
        "red0": 12_000, "blue0": 9_000, "days": 20, "loss_sd": 0.05, "report_sd": 0.005,
        "arrivals": {}, "written": "after-observation",
    },
    "b": {
        "law": "helmbold", "red_rate": 0.03, "blue_rate": 0.015, "p": 0.7, "q": 0.3,
        "red0": 6_000, "blue0": 15_000, "days": 20, "loss_sd": 0.05, "report_sd": 0.005,
        "arrivals": {}, "written": "after-observation",
    },
}  # fmt: skip


def series(truth: dict[str, Any], rng: np.random.Generator) -> pd.DataFrame:
    """One battle's daily table from its true parameters (see the module docstring)."""
    ra, rb, p, q = truth["red_rate"], truth["blue_rate"], truth["p"], truth["q"]
    arrivals = {int(k): float(v) for k, v in truth["arrivals"].items()}
    sd = truth["loss_sd"]

    def rhs(_t: float, s: np.ndarray) -> list[float]:
        r, b = np.maximum(s, 0.0)
        return [-rb * b**p * r**q if r > 0 else 0.0, -ra * r**p * b**q if b > 0 else 0.0]

    y = np.array([truth["red0"], truth["blue0"]], dtype=float)
    rows = [y.copy()]
    for d in range(truth["days"]):
        y = y + np.array([arrivals.get(d, 0.0), 0.0])
        end = np.maximum(solve_ivp(rhs, (d, d + 1), y, rtol=1e-11, atol=1e-8).y[:, -1], 0.0)
        loss = (y - end) * np.exp(rng.normal(0.0, sd, 2) - 0.5 * sd**2)
        y = np.maximum(y - loss, 0.0)
        rows.append(y.copy())
    arr = np.array(rows)
    arr[1:] *= np.exp(rng.normal(0.0, truth["report_sd"], arr[1:].shape))
    df = pd.DataFrame({"day": np.arange(truth["days"] + 1)})
    df["red"], df["blue"] = np.round(arr[:, 0]).astype(int), np.round(arr[:, 1]).astype(int)
    came = [int(arrivals.get(d, 0)) for d in range(truth["days"] + 1)]
    if truth["written"] == "after-observation" and any(came):
        df["red_reinforcements"] = came
    elif truth["written"] == "in-observation":  # a row's strength includes its arrivals
        df["red_reinforcements"] = [0, *came[:-1]]
    return df


def main() -> None:
    rng = np.random.default_rng(SEED)
    for name, truth in TRUTH.items():  # one stream, in this order
        series(truth, rng).to_csv(HERE / f"{name}.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
