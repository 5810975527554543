"""review14 item 4: the sweep heatmap's flip line is where the *winner* flips (the outcome
rule's ``attacker_wins``, as every command names it), not where the attrition margin
crosses 0; its colours are centred on 0; empty bins are grey, not white; the long y label
stays inside the figure. Read back from the drawn artists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.colors import TwoSlopeNorm
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from forceratio.plots import figures
from tests.plots.figure_texts import texts_outside

X, Y = "modifiers.quality.Germany", "operations.capture.factor.defender"
STEP = 0.05  # grid spacing: 20 x 20 points, one per bin
HOLE = (0.225, 0.775)  # the grid point left out: its bin is empty


def _synthetic() -> pd.DataFrame:
    """The attacker wins exactly where x > y (by construction); the margin is 0.3 - x, so
    at x > 0.3 the attacker wins with a negative margin and the margin's 0 line (x = 0.3)
    is nowhere near the winner's (x = y)."""
    g = np.arange(STEP / 2, 1.0, STEP)
    xx, yy = (a.ravel() for a in np.meshgrid(g, g))
    keep = ~(np.isclose(xx, HOLE[0]) & np.isclose(yy, HOLE[1]))
    df = pd.DataFrame({X: xx[keep], Y: yy[keep]})
    df["attacker_wins"] = df[X] > df[Y]
    df["attacker_margin"] = 0.3 - df[X]
    return df


@pytest.fixture
def heat() -> Figure:
    fig = figures.sweep_heatmap(_synthetic(), X, Y, "attacker_margin", "s", "1941-06-12")
    fig.canvas.draw()
    return fig


def _mesh(fig: Figure) -> QuadMesh:
    (mesh,) = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)]
    return mesh


def _legend(fig: Figure) -> list[str]:
    (legend,) = fig.legends  # below the axes, off the bins
    return [t.get_text() for t in legend.get_texts()]


def test_the_flip_line_follows_the_winner_not_the_margin(heat: Figure) -> None:
    (line,) = [c for c in heat.axes[0].collections if isinstance(c, ContourSet)]
    assert list(line.levels) == [0.5]
    pts = np.concatenate([p.vertices for p in line.get_paths()])
    assert len(pts) > 10
    # on the diagonal x = y, within one bin, from one end of the range to the other
    assert np.abs(pts[:, 0] - pts[:, 1]).max() <= STEP + 1e-9
    assert pts[:, 0].min() < 0.1
    assert pts[:, 0].max() > 0.9
    texts = _legend(heat)
    assert any("winner flips" in t for t in texts), texts
    assert not any("margin 0" in t for t in texts), texts
    # the colour is the margin, and the colour bar says it is not the winner
    assert "not the winner" in heat.axes[1].get_ylabel().replace("\n", " ")


def test_bins_where_winner_and_margin_disagree_are_hatched(heat: Figure) -> None:
    hatched = [p for p in heat.axes[0].patches if p.get_hatch() == "//"]
    # by construction, one run per bin: the attacker wins (x > y) with a negative margin
    # (x > 0.3), or loses (x < y) with a positive one (x < 0.3); the empty bin is neither
    df = _synthetic()
    expected = int(((df[X] > df[Y]) != (df[X] < 0.3)).sum())
    assert 0 < expected < len(df)
    assert len(hatched) == expected


def test_colours_are_centred_on_zero(heat: Figure) -> None:
    norm = _mesh(heat).norm
    assert isinstance(norm, TwoSlopeNorm)
    assert norm.vcenter == 0.0
    assert norm(0.0) == pytest.approx(0.5)
    assert norm.vmax is not None
    assert norm.vmin == pytest.approx(-norm.vmax)  # equal colour, equal margin either side


def test_an_empty_bin_is_grey(heat: Figure) -> None:
    mesh = _mesh(heat)
    colours = np.asarray(mesh.get_facecolor(), dtype=float)
    n = round(1.0 / STEP)
    assert len(colours) == n * n
    row, col = int(HOLE[1] / STEP), int(HOLE[0] / STEP)  # rows are y bins
    r, g, b, alpha = colours[row * n + col]
    assert alpha == 1.0  # drawn, not transparent (it showed the white background)
    assert r == g == b < 0.85  # a mid grey: not white, not a colour of the scale
    # and no filled bin has that colour
    others = np.delete(colours, row * n + col, axis=0)
    assert not np.any(np.all(np.isclose(others, colours[row * n + col]), axis=1))
    texts = _legend(heat)
    assert "no run in this bin" in texts


def test_the_long_y_label_stays_inside_the_figure(heat: Figure) -> None:
    assert not texts_outside(heat)


def test_share_of_wins_is_centred_on_one_half_and_no_line_without_a_winner_column() -> None:
    df = _synthetic()
    fig = figures.sweep_heatmap(df, X, Y, "attacker_wins", "s", "1941-06-12")
    norm = _mesh(fig).norm
    assert isinstance(norm, TwoSlopeNorm)
    assert norm.vcenter == 0.5
    # an old sweep without the winner column: the margin is drawn, no line claims a flip
    fig = figures.sweep_heatmap(
        df.drop(columns="attacker_wins"), X, Y, "attacker_margin", "s", "1941-06-12"
    )
    assert not [c for c in fig.axes[0].collections if isinstance(c, ContourSet)]
    texts = _legend(fig)
    assert texts == ["no winner column: no flip line", "no run in this bin"]


def test_a_scattered_sweep_gets_bins_it_can_fill() -> None:
    """256 Sobol-like scattered samples in 20 x 20 bins left most of them empty (review14's
    heat.png); the bins now hold about three samples each."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({X: rng.uniform(0, 1, 256), Y: rng.uniform(0, 1, 256)})
    df["attacker_wins"] = df[X] > df[Y]
    df["attacker_margin"] = df[X] - df[Y]
    fig = figures.sweep_heatmap(df, X, Y, "attacker_margin", "s", "1941-06-12")
    values = _mesh(fig).get_array()
    assert values is not None
    z = np.ma.getmaskarray(values)
    assert z.size <= 9 * 9
    assert z.mean() < 0.1  # under a tenth of the bins empty
    (line,) = [c for c in fig.axes[0].collections if isinstance(c, ContourSet)]
    pts = np.concatenate([p.vertices for p in line.get_paths()])
    assert pts[:, 0].max() - pts[:, 0].min() > 0.6  # a line across the square, not a stub
