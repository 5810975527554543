"""A side has one colour in every figure of a scenario, whatever its names:
the trajectory's line, the force ratios' superiority patch, the replications' histogram
and the sweep heatmap's end for "this side wins every run" (or has the whole margin) are
the same colour.  Read back from the drawn artists of a user scenario whose attacker is
the Germany slot (named "Red"; the 1941 heatmap's red end is the attacker's, any side)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from forceratio.plots import figure
from tests.scenario_files import ScenarioFile

matplotlib.use("Agg")

FILE = ScenarioFile(
    name="colours", description="two named sides", date=None, duration_days=20,
    head='side_names = { USSR = "Blue", Germany = "Red" }',
)  # fmt: skip
X, Y = "attrition.german_rate", "modifiers.quality.USSR"


def _file(tmp_path: Path, attacker: str) -> str:
    return str(dataclasses.replace(FILE, attacker=attacker).write(tmp_path / "colours.toml"))


def _side_colours(path: str) -> dict[str, set[str]]:
    """Name -> the colours the side-drawing figures give it."""
    seen: dict[str, set[str]] = {"Blue": set(), "Red": set()}
    traj = figure("trajectory", path)
    for line in traj.axes[0].get_lines():
        name = line.get_label().removesuffix(" (model)")
        if name in seen:
            seen[name].add(to_hex(line.get_color()))
    ratios = figure("ratios", path)
    for patch in ratios.legends[0].get_patches():
        name = patch.get_label().removesuffix(" superiority")
        seen[name].add(to_hex(patch.get_facecolor()))
    dist = figure("distribution", path, replications=20, seed=1)
    for ax in dist.axes[:2]:
        name = ax.get_xlabel().split(" men lost")[0]
        bars = [p for p in ax.patches if isinstance(p, Rectangle)]
        seen[name].add(to_hex(bars[0].get_facecolor(), keep_alpha=False))
    return seen


def _heatmap_ends(path: str, outcome: str) -> tuple[str, str]:
    """The heatmap's colours of 'the attacker has it all' and 'the defender has it all'."""
    g = np.linspace(0.0, 1.0, 6)
    xx, yy = (a.ravel() for a in np.meshgrid(g, g))
    df = pd.DataFrame({X: 0.01 + 0.01 * xx, Y: yy})
    df["attacker_wins"] = xx > yy
    df["attacker_margin"] = xx - yy
    fig = figure("sweep", path, source=df, outcome=outcome)
    mesh = next(c for c in fig.axes[0].collections if isinstance(c, QuadMesh))
    norm: Any = mesh.norm
    hi, lo = mesh.get_cmap()(norm(np.array([norm.vmax, norm.vmin], dtype=float)))
    return _hex(hi), _hex(lo)


def _hex(rgba: Any) -> str:
    return str(to_hex(rgba, keep_alpha=False))


@pytest.mark.parametrize("attacker", ["Germany", "USSR"])
def test_a_side_keeps_its_colour_in_every_figure(tmp_path: Path, attacker: str) -> None:
    path = _file(tmp_path, attacker)
    seen = _side_colours(path)
    for name, colours in seen.items():
        assert len(colours) == 1, (name, colours)
    red, blue = seen["Red"].pop(), seen["Blue"].pop()
    assert red != blue
    att, dfd = (red, blue) if attacker == "Germany" else (blue, red)
    for outcome in ("attacker_wins", "attacker_margin"):
        assert _heatmap_ends(path, outcome) == (att, dfd), outcome
