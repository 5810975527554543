"""A calibration's two masks over its records kept apart: the records in the likelihood
(what the rates were fitted on) and the records whose error counts (in the likelihood, and
not a bound or interval the model meets).

Oracle: eight hand-built records, each mask and each error counted by hand:

==  ==========  =====  =====  ===========  =============  ====  =======
#   kind        hist.  model  in the lik.  met            ->    counted
==  ==========  =====  =====  ===========  =============  ====  =======
0   exact       100    110    yes          no                   yes (+10%)
1   lower bnd   100    150    yes          yes (above)          no
2   lower bnd   100     80    yes          no (below)           yes (-20%)
3   upper bnd   100     50    yes          yes (below)          no
4   60-190      60      85    yes          yes (inside)         no
5   60-190      60     200    yes          no (outside)         yes (+233%)
6   exact       100    130    no           no                   no
7   upper bnd   100     50    no           yes                  no
==  ==========  =====  =====  ===========  =============  ====  =======
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forceratio.scenarios.rates import Calibration, from_record

HIST = [100.0, 100.0, 100.0, 100.0, 60.0, 60.0, 100.0, 100.0]
MODEL = [110.0, 150.0, 80.0, 50.0, 85.0, 200.0, 130.0, 50.0]
LOWER = [False, True, True, False, False, False, False, False]
UPPER = [False, False, False, True, False, False, False, True]
INTERVAL = [None, None, None, None, (60.0, 190.0), (60.0, 190.0), None, None]
IN = [True] * 6 + [False] * 2

IN_LIKELIHOOD = [1, 1, 1, 1, 1, 1, 0, 0]
MET = [0, 1, 0, 1, 1, 0, 0, 1]
COUNTED = [1, 0, 1, 0, 0, 1, 0, 0]
ERRORS = [0.10, -0.20, 200.0 / 60.0 - 1.0]  # records 0, 2, 5


def _posterior() -> SimpleNamespace:
    """A whole-record result's residual rows as ``record_fit`` writes them, with the two
    kill rates it carries."""
    rates = ["attrition.german_rate", "attrition.soviet_rate"]
    return SimpleNamespace(
        residuals=pd.DataFrame(
            {
                "record": [f"r{i}" for i in range(8)],
                "historical": HIST,
                "model": MODEL,
                "lower_bound": LOWER,
                "upper_bound": UPPER,
                "low": [np.nan if iv is None else iv[0] for iv in INTERVAL],
                "high": [np.nan if iv is None else iv[1] for iv in INTERVAL],
                "in_likelihood": IN,
            }
        ),
        parameters=pd.DataFrame(
            {"ci95_low": [0.01, 0.01], "ci95_high": [0.03, 0.03]}, index=pd.Index(rates)
        ),
        values=dict.fromkeys(rates, 0.02),
        names=(*rates, "sigma"),
        extra={},
        method="mcmc",
        diagnostics=None,
    )


def test_the_masks_from_the_residual_rows() -> None:
    cal = from_record(_posterior())  # type: ignore[arg-type]
    assert cal.in_likelihood.astype(int).tolist() == IN_LIKELIHOOD
    assert cal.met.astype(int).tolist() == MET
    assert cal.counted.astype(int).tolist() == COUNTED
    assert cal.fit_error == pytest.approx(np.sqrt(np.mean(np.square(ERRORS))))
    assert cal.rms_log_error == pytest.approx(np.sqrt(np.mean(np.square(np.log1p(ERRORS)))))
    assert cal.dof == 3 - 3  # three records counted, three parameters fitted


def test_a_calibration_without_flags_counts_every_unmet_record() -> None:
    """The least squares' calibration: no record out of the likelihood, no interval."""
    cal = Calibration(
        "x", ["a"], {"a": 0.02}, {"a": (0.01, 0.03)}, ["r0", "r1", "r2"],
        np.array([100.0, 100.0, 100.0]), np.array([110.0, 150.0, 80.0]),
        [False, True, True], 0.0, 1,
    )  # fmt: skip
    assert cal.in_likelihood.tolist() == [True, True, True]
    assert cal.met.tolist() == [False, True, False]
    assert cal.counted.tolist() == [True, False, True]


def test_the_report_says_each_count_under_its_own_name() -> None:
    from forceratio.plots.summary import calibration_words

    cal = from_record(_posterior())  # type: ignore[arg-type]
    text = calibration_words(dataclass_without_posterior(cal))
    assert "over the 3 records that count" in text
    assert "3 bounds or intervals the model meets left out" in text
    assert "2 records out of the likelihood left out" in text


def dataclass_without_posterior(cal: Calibration) -> Calibration:
    """``cal`` without its whole-record result (whose summary line needs a real one)."""
    import dataclasses

    return dataclasses.replace(cal, posterior=None)
