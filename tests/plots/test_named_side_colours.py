"""Colours of sides a file names itself: a side called "Blue" is not drawn in the 1941
Soviet dark red, nor "Red" in a blue; the two stay apart for a reader with a red-green
colour-vision deficiency; the built-in 1941 scenarios keep their slot colours."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb

from forceratio.plots import figure
from tests.scenario_files import ScenarioFile

matplotlib.use("Agg")


def _line_colours(path: str) -> dict[str, str]:
    """Side name -> its line's colour in the trajectory (men)."""
    fig = figure("trajectory", path)
    return {
        str(line.get_label()).removesuffix(" (model)"): to_hex(line.get_color())
        for line in fig.axes[0].get_lines()
        if str(line.get_label()).endswith(" (model)")
    }


def _is_reddish(colour: str) -> bool:
    r, g, b = to_rgb(colour)
    return r > 0.5 and r > 1.8 * max(g, b)


def _is_bluish(colour: str) -> bool:
    r, g, b = to_rgb(colour)
    return b > 0.4 and b > 1.3 * max(r, g)


@pytest.mark.parametrize(("ussr", "germany"), [("Blue", "Red"), ("Red", "Blue")])
def test_named_sides_are_drawn_in_neither_red_nor_blue(
    tmp_path: Path, ussr: str, germany: str
) -> None:
    head = f'side_names = {{ USSR = "{ussr}", Germany = "{germany}" }}'
    path = ScenarioFile(head=head, duration_days=10).write(tmp_path / "named.toml")
    seen = _line_colours(str(path))
    assert set(seen) == {"Blue", "Red"}
    for name, colour in seen.items():  # a side's name never contradicted by its colour
        assert not _is_reddish(colour), (name, colour)
        assert not _is_bluish(colour), (name, colour)


def test_named_sides_stay_apart_under_deuteranopia(tmp_path: Path) -> None:
    """Simulated deuteranope vision (Machado, Oliveira and Fernandes 2009, severity 1, on
    linear RGB): the two colours stay far apart, where a red and a green of the same
    lightness (#d62728, #2ca02c) come within 0.07 of each other."""
    head = 'side_names = { USSR = "Blue", Germany = "Red" }'
    path = ScenarioFile(head=head, duration_days=10).write(tmp_path / "named.toml")
    a, b = _line_colours(str(path)).values()
    assert _deuteranope_distance("#d62728", "#2ca02c") < 0.1  # the oracle sees the problem
    assert _deuteranope_distance(a, b) > 0.3, (a, b)


MACHADO_DEUTERANOPIA = np.array(
    [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
     [-0.011820, 0.042940, 0.968881]]
)  # fmt: skip


def _deuteranope_distance(a: str, b: str) -> float:
    def seen(colour: str) -> np.ndarray:
        c = np.array(to_rgb(colour))
        linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return np.asarray(MACHADO_DEUTERANOPIA @ linear)

    return float(np.linalg.norm(seen(a) - seen(b)))


def test_builtin_scenarios_keep_the_1941_colours() -> None:
    seen = _line_colours("kiev-1941")
    assert seen == {"USSR": "#b2182b", "Germany": "#4d4d4d"}
