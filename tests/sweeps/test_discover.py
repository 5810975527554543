"""PRIM on synthetic data with known boxes: the box is recovered (over repeated draws, with
label noise), the statistics mean what they say, and bad options are refused."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from forceratio.errors import InputError
from forceratio.sweeps.discover import prim

NAMES = ("a", "b", "c")


def _data(seed: int, n: int = 3000, noise: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """The outcome holds in a < 0.4 and b > 0.6 (c irrelevant); ``noise`` of the labels
    flipped at random."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 3))
    y = (x[:, 0] < 0.4) & (x[:, 1] > 0.6)
    flip = rng.uniform(size=n) < noise
    return x, y ^ flip


@pytest.mark.parametrize("seed", range(8))
def test_the_known_box_is_recovered(seed: int) -> None:
    x, y = _data(seed)
    box = prim(x, y, NAMES, threshold=0.9)[0]
    cond = {c["parameter"]: (c["low"], c["high"]) for c in box.conditions()}
    assert set(cond) == {"a", "b"}  # c is never restricted
    assert cond["a"][0] == pytest.approx(0.0, abs=0.02)
    assert cond["a"][1] == pytest.approx(0.4, abs=0.04)
    assert cond["b"][0] == pytest.approx(0.6, abs=0.04)
    assert cond["b"][1] == pytest.approx(1.0, abs=0.02)
    # the true box holds 16% of the points, 95% of them positive (5% flipped)
    assert box.mass == pytest.approx(0.16, abs=0.03)
    assert box.density > 0.85
    truth = (x[:, 0] < 0.4) & (x[:, 1] > 0.6)
    best_coverage = (y & truth).sum() / y.sum()  # the true box's own coverage (~0.78)
    assert box.coverage > 0.9 * best_coverage


def test_statistics_are_what_they_say() -> None:
    x, y = _data(11)
    box = prim(x, y, NAMES)[0]
    lo, hi = np.array(box.low), np.array(box.high)
    inside = np.all((x >= lo) & (x <= hi), axis=1)
    assert box.mass == pytest.approx(inside.mean())
    assert box.density == pytest.approx(y[inside].mean())
    assert box.coverage == pytest.approx(y[inside].sum() / y.sum())


def test_the_peeling_trajectory_trades_coverage_for_density() -> None:
    x, y = _data(3, noise=0.0)
    box = prim(x, y, NAMES, paste=False)[0]
    traj = box.trajectory
    assert traj[0].mass == 1.0
    assert traj[0].coverage == 1.0
    assert traj[0].density == pytest.approx(y.mean())
    masses = [s.mass for s in traj]
    assert all(a > b for a, b in itertools.pairwise(masses))  # each peel cuts
    assert traj[-1].mass >= 0.05 - 1e-9  # never below min_mass
    assert max(s.density for s in traj) > 0.95
    assert traj[box.chosen].density >= 0.8
    # the largest coverage over the threshold, the densest of a tie (review16gen D7: the
    # first to reach the threshold, the rule before, is the least dense of a tie)
    good = [s for s in traj if s.density >= 0.8]
    top = max(s.coverage for s in good)
    assert traj[box.chosen].coverage == top
    assert traj[box.chosen].density == max(s.density for s in good if s.coverage == top)


def test_two_separate_boxes_are_both_found_by_covering() -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(size=(4000, 2))
    y = ((x[:, 0] < 0.3) & (x[:, 1] < 0.3)) | ((x[:, 0] > 0.7) & (x[:, 1] > 0.7))
    boxes = prim(x, y, ("a", "b"), threshold=0.9)
    assert len(boxes) >= 2
    centres = sorted(
        tuple(round((lo + hi) / 2, 1) for lo, hi in zip(b.low, b.high, strict=True))
        for b in boxes[:2]
    )
    assert centres[0][0] < 0.3
    assert centres[1][0] > 0.7
    assert sum(b.coverage for b in boxes[:2]) > 0.85


def test_json_shape() -> None:
    x, y = _data(2)
    d = prim(x, y, NAMES)[0].to_json()
    assert set(d) == {"conditions", "coverage", "density", "mass"}
    assert {"parameter", "low", "high"} == set(d["conditions"][0])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"alpha": 0.6}, "alpha"),
        ({"min_mass": 0.0}, "min_mass"),
        ({"threshold": 2}, "threshold"),
    ],
)
def test_bad_options(kwargs: dict[str, float], field: str) -> None:
    x, y = _data(0, n=100)
    with pytest.raises(InputError) as err:
        prim(x, y, NAMES, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_replicated_samples_count_by_majority_and_grids_peel_whole_levels() -> None:
    import pandas as pd

    from forceratio.sweeps.discover import discover

    # a 9 x 9 grid, 5 replications each; the attacker wins in 4 of 5 runs where a <= 0.25
    a, b = np.meshgrid(np.linspace(0, 1, 9), np.linspace(0, 1, 9))
    grid = pd.DataFrame({"p.a": a.ravel(), "p.b": b.ravel()})
    df = grid.loc[grid.index.repeat(5)].reset_index(drop=True)
    df["sample"] = np.repeat(np.arange(len(grid)), 5)
    rep = np.tile(np.arange(5), len(grid))
    df["attacker_wins"] = (df["p.a"] <= 0.25) & (rep < 4)
    df["winner"] = np.where(df["attacker_wins"], "USSR", "Germany")
    boxes, words, n, _ = discover(df, ["p.a", "p.b"], "winner", threshold=0.95)
    assert n == 81  # samples, not runs
    assert words == "the attacker wins"
    cond = boxes[0].conditions()
    assert [c["parameter"] for c in cond] == ["p.a"]
    assert cond[0]["high"] == pytest.approx(0.25)  # the grid level, not between levels
    assert boxes[0].density == 1.0
    assert boxes[0].coverage == 1.0
