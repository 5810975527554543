"""``BattleResult.to_xarray()`` holds the same numbers as ``to_frame()`` and the
trajectories, labelled by run, side and time."""

from __future__ import annotations

import numpy as np
import pytest

from forceratio import battle

xr = pytest.importorskip("xarray")


def test_to_xarray_matches_to_frame_and_the_trajectories() -> None:
    res = battle("square", [1000.0, 800.0], [900.0, 900.0], 0.05, 0.04, t_max=40.0,
                 times=np.linspace(0, 40, 9))  # fmt: skip
    ds = res.to_xarray()
    assert isinstance(ds, xr.Dataset)
    frame = res.to_frame()
    assert ds.sizes["run"] == len(frame)
    for col in ("red_final", "blue_final", "red_losses", "blue_losses"):
        np.testing.assert_array_equal(ds[col].to_numpy(), frame[col].to_numpy())
    assert list(ds["winner"].to_numpy()) == list(frame["winner"])
    assert ds["strength"].dims == ("run", "side", "time")
    np.testing.assert_array_equal(
        ds["strength"].sel(side="blue").to_numpy(), res.side_trajectory("blue")
    )
    # the square law's invariant, read through the labels: a*R^2 - b*B^2 is constant
    red = ds["strength"].sel(side="red").isel(run=0)
    blue = ds["strength"].sel(side="blue").isel(run=0)
    alive = (red > 0) & (blue > 0)
    inv = (0.05 * red**2 - 0.04 * blue**2).where(alive, drop=True).to_numpy()
    np.testing.assert_allclose(inv, inv[0], rtol=1e-5)
    assert ds.attrs["law"] == "square"
