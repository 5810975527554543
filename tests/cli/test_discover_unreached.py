"""review21d L5: when no box reaches the density threshold, discover says so instead of
printing the densest box as if it had."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio.cli.discover import print_boxes
from forceratio.cli.output import Format
from forceratio.sweeps.discover import prim

NAMES = ("a", "b")


def _boxes(truth: str) -> list[object]:
    """Known truth: 'none' - the outcome holds in 60% of the samples wherever they lie (no
    box can be 80% dense but by chance); 'box' - it holds in every sample with a < 0.3."""
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(4000, 2))
    y = rng.uniform(size=4000) < 0.6 if truth == "none" else x[:, 0] < 0.3
    return list(prim(x, y, NAMES, threshold=0.8, max_boxes=1))


def test_no_box_reaching_the_threshold_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    boxes = _boxes("none")
    assert boxes[0].density < 0.8  # type: ignore[attr-defined]
    print_boxes(boxes, "it holds", 4000, Format.table, False, None, 0.8)
    out = " ".join(capsys.readouterr().out.split())
    assert "No box reaches the density threshold 80%: box 1 is the densest found" in out


def test_a_box_that_reaches_it_is_not_flagged(capsys: pytest.CaptureFixture[str]) -> None:
    boxes = _boxes("box")
    assert boxes[0].density >= 0.8  # type: ignore[attr-defined]
    print_boxes(boxes, "it holds", 4000, Format.table, False, None, 0.8)
    assert "No box reaches" not in capsys.readouterr().out
