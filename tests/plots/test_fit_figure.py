"""The fit figure says when the drawn law has a parameter at a bound or not identifiable
(review15fit D7), and draws the file's own days (D6)."""

from __future__ import annotations

import numpy as np

from forceratio.fitting import FitResult
from forceratio.plots.figures import fit_figure

ROWS = [
    {"day": d, "side": s, "observed": 100.0 - d, "fitted": 100.0 - d, "residual": 0.0}
    for d in (2.0, 3.0, 4.0)
    for s in ("red", "blue")
]


def test_title_names_the_caveats_and_days_are_the_files() -> None:
    r = FitResult("power", 1.0, 1.0, (None, None), (None, None), 1.0, 0.0, 4)
    r.at_bound, r.not_identifiable = ["p"], ["p", "q"]
    fig = fit_figure(ROWS, "power", "ardennes.csv", r.caveats())
    title = fig.get_suptitle()
    assert title == "power law fitted to ardennes.csv\np at a bound; p not identifiable; " + (
        "q not identifiable"
    )
    assert fit_figure(ROWS, "square", "x.csv").get_suptitle() == "square law fitted to x.csv"
    line = fig.axes[0].get_lines()[0]
    assert np.asarray(line.get_xdata()).tolist() == [2.0, 3.0, 4.0]
