"""The sweep heatmap's two axes are two different swept parameters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forceratio.errors import InputError
from forceratio.plots import figure, figures

GOLAN = Path(__file__).parent / "files" / "golan.toml"
A, B = "modifiers.quality.USSR", "breakpoints.USSR"


def _grid() -> pd.DataFrame:
    """A 3 x 3 grid over A and B (synthetic: the attacker wins where A < 1)."""
    a, b = (v.ravel() for v in np.meshgrid([0.8, 1.0, 1.4], [0.1, 0.3, 0.5]))
    return pd.DataFrame({A: a, B: b, "attacker_margin": 1.0 - a, "attacker_wins": a < 1.0})


def test_the_same_parameter_on_both_axes_is_refused() -> None:
    with pytest.raises(InputError) as err:
        figures.sweep_heatmap(_grid(), A, A, "attacker_margin", "s", None)
    assert err.value.field == "--y"
    assert "--x" in str(err.value)


def test_x_alone_leaves_y_on_the_other_parameter() -> None:
    """Oracle: the sweep's own two columns; --x naming the second leaves the first for y."""
    fig = figure("sweep", str(GOLAN), source=_grid(), x=B)
    ax = fig.axes[0]
    assert ax.get_xlabel().split() != ax.get_ylabel().split()
    assert "quality" in ax.get_ylabel(), ax.get_ylabel()
    assert "breakpoint" in ax.get_xlabel(), ax.get_xlabel()
