"""review14 item 5: the library never switches the caller's matplotlib backend, and its
figures are not kept in pyplot's registry (a notebook drawing many of them gets no "More
than 20 figures" warning and no pile of open figures)."""

from __future__ import annotations

import subprocess
import sys
import warnings

import matplotlib.pyplot as plt

from forceratio.plots import figure, figures

BACKEND = """
import matplotlib
matplotlib.use("svg")  # a notebook's own choice, not Agg
import forceratio.plots
from forceratio.plots import figure, figures
fig = figure("ratios", "strike-12june-strip")
print(matplotlib.get_backend())
"""


def test_drawing_a_figure_leaves_the_callers_backend_alone() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", BACKEND],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().lower() == "svg"


def test_figures_are_not_kept_by_pyplot() -> None:
    before = len(plt.get_fignums())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the 21st pyplot figure would warn
        for _ in range(25):
            fig = figure("ratios", "strike-12june-strip")
            assert len(plt.get_fignums()) == before
            figures.to_png_bytes(fig)  # and it still renders without pyplot
    assert len(plt.get_fignums()) == before
