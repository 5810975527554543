"""A :class:`~.result.BattleResult` as an ``xarray.Dataset``: labelled run, side and time
dimensions (needs the ``xarray`` extra)."""

from __future__ import annotations

from typing import Any

import numpy as np

from forceratio.arguments import instance
from forceratio.errors import InputError
from forceratio.simulator.result import BattleResult


def to_xarray(result: BattleResult) -> Any:
    """The result as an ``xarray.Dataset`` (needs the ``xarray`` extra): every column of
    :meth:`BattleResult.to_frame` over a ``run`` dimension (with ``scenario`` and
    ``replication`` as coordinates), and, when trajectories were recorded, ``strength``
    over (``run``, ``side``, ``time``) and each side's categories over (``run``, ``time``,
    ``<side>_category``)."""
    instance("result", result, BattleResult, "a BattleResult (what forceratio.battle returns)")
    try:
        import xarray as xr
    except ImportError:  # pragma: no cover - exercised without the extra
        raise InputError(
            "to_xarray", "needs xarray: python -m pip install 'forceratio[xarray]'"
        ) from None
    frame = result.to_frame()
    run = np.arange(result.n)
    data: dict[str, Any] = {
        c: ("run", frame[c].to_numpy())
        for c in frame.columns
        if c not in ("scenario", "replication")
    }
    coords: dict[str, Any] = {
        "run": run,
        "scenario": ("run", np.asarray(result.scenario)),
        "replication": ("run", np.asarray(result.replication)),
    }
    if result.red_trajectory is not None and result.blue_trajectory is not None:
        coords["time"] = np.asarray(result.times)
        coords["side"] = ["red", "blue"]
        data["strength"] = (
            ("run", "side", "time"),
            np.stack([result.side_trajectory("red"), result.side_trajectory("blue")], axis=1),
        )
        for side, traj, cats in (
            ("red", result.red_trajectory, result.red_categories),
            ("blue", result.blue_trajectory, result.blue_categories),
        ):
            coords[f"{side}_category"] = list(cats)
            data[f"{side}_by_category"] = (("run", "time", f"{side}_category"), traj)
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({"law": result.law, "method": result.method})
    return ds
