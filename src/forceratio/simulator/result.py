"""The typed result of a batch of battles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:  # pandas only for to_frame: the compile child never imports it
    import pandas as pd

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
CodeArray = NDArray[np.int8]

#: Codes of :attr:`BattleResult.winner_code`.
RED, BLUE, NONE = 1, -1, 0
#: Codes of :attr:`BattleResult.end_code`, indexes into this tuple.
END_REASONS: tuple[str, ...] = ("t_max", "annihilation", "breakpoint")
T_MAX, ANNIHILATION, BREAKPOINT = 0, 1, 2

#: The end rule, applied by every method (closed forms, integrator, stochastic engine): a
#: side is out when its weighted strength falls to its *level*, the larger of its breakpoint
#: (a fraction of its initial strength) and its annihilation level.  By default the
#: annihilation level is half a unit of the side's lightest category (weight times 0.5): a
#: side with less than half a man (gun, tank...) left is annihilated, whatever unit the
#: weights put strength in (men, or division-equivalents of combat power).
ANNIHILATION_UNITS = 0.5


@dataclass(frozen=True, eq=False)
class BattleResult:
    """Outcomes of N runs (scenarios, or scenarios x replications).

    Strength units are whatever the caller used (men, weighted combat power...), time is in
    days.  A side's *strength* is the weighted sum of its categories (weights default 1).
    Frozen through and through: its arrays are read-only views (copy one to change it), and
    results compare and hash by identity (``==`` of two results is ``is``; compare their
    arrays with numpy).

    Attributes
    ----------
    law : str
        Name of the attrition law.
    method : str
        ``closed_form``, ``integrator``, ``gillespie`` or ``tau_leap``.
    winner_code : ndarray, shape (N,), int8
        1 red, -1 blue, 0 none (undecided at ``t_max``, or a draw).
    end_code : ndarray, shape (N,), int8
        Index into :data:`END_REASONS`.
    duration : ndarray, shape (N,)
        Days until the battle was decided; NaN when nothing was decided by ``t_max``.
    end_time : ndarray, shape (N,)
        Days simulated (``duration`` or ``t_max``).
    red_final_by_category, blue_final_by_category : ndarray, shape (N, K)
        Strength per category at ``end_time``.
    red_initial, blue_initial : ndarray, shape (N,)
        Weighted strength at t = 0 (after arrivals at t = 0).
    red_weights, blue_weights : ndarray, shape (N, K)
        Category weights used for the side strengths.
    times : ndarray, shape (T,)
        Requested trajectory times.
    red_trajectory, blue_trajectory : ndarray, shape (N, T, K), optional
        Strength per category at ``times`` (held at the final value after the end).
    scenario, replication : ndarray, shape (N,), int
        Which scenario each run belongs to and its replication number (0 if deterministic).
    red_arrived, blue_arrived, red_arrived_by_category, ... : ndarray, (N,) / (N, K), optional
        Weighted / unweighted arrivals by ``end_time`` (t = 0 included): the schedule's, or a
        stochastic run's own as drawn, with its start's rounding (losses: the units lost).
    red_arrived_trajectory, blue_arrived_trajectory : ndarray, shape (N, T, K), optional
        A stochastic run's own arrivals by each of ``times`` (as ``*_arrived_by_category``;
        held after the end), so that initial + arrived - trajectory are its losses by then.
    red_transit_by_category, blue_transit_by_category : ndarray, shape (N, K), optional
        Strength lost in transit by ``end_time`` where the side's arrivals are exposed
        (``Reinforcements.transit_loss``; the arrivals are then what came through): part
        of the side's losses.
    """

    law: str
    method: str
    winner_code: CodeArray
    end_code: CodeArray
    duration: FloatArray
    end_time: FloatArray
    red_final_by_category: FloatArray
    blue_final_by_category: FloatArray
    red_initial: FloatArray
    blue_initial: FloatArray
    red_weights: FloatArray
    blue_weights: FloatArray
    times: FloatArray
    red_trajectory: FloatArray | None
    blue_trajectory: FloatArray | None
    scenario: IntArray
    replication: IntArray
    red_categories: tuple[str, ...] = ("strength",)
    blue_categories: tuple[str, ...] = ("strength",)
    red_arrived: FloatArray | None = field(default=None)
    blue_arrived: FloatArray | None = field(default=None)
    red_arrived_by_category: FloatArray | None = field(default=None)
    blue_arrived_by_category: FloatArray | None = field(default=None)
    red_arrived_trajectory: FloatArray | None = field(default=None)
    blue_arrived_trajectory: FloatArray | None = field(default=None)
    red_transit_by_category: FloatArray | None = field(default=None)
    blue_transit_by_category: FloatArray | None = field(default=None)

    def __post_init__(self) -> None:
        # read-only views (a view, not the array given: a caller's own array stays writable)
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray):
                view = value.view()
                view.flags.writeable = False
                object.__setattr__(self, name, view)

    @property
    def n(self) -> int:
        return int(self.winner_code.shape[0])

    @property
    def red_final(self) -> FloatArray:
        """Red's weighted strength at the end, shape (N,)."""
        return np.asarray((self.red_final_by_category * self.red_weights).sum(axis=1))

    @property
    def blue_final(self) -> FloatArray:
        return np.asarray((self.blue_final_by_category * self.blue_weights).sum(axis=1))

    @property
    def red_losses(self) -> FloatArray:
        """Red's weighted losses (initial + arrivals + lost in transit - final), shape (N,)."""
        arrived = 0.0 if self.red_arrived is None else self.red_arrived
        return np.asarray(self.red_initial + arrived + self.transit("red") - self.red_final)

    @property
    def blue_losses(self) -> FloatArray:
        arrived = 0.0 if self.blue_arrived is None else self.blue_arrived
        return np.asarray(self.blue_initial + arrived + self.transit("blue") - self.blue_final)

    def transit(self, side: str) -> FloatArray | float:
        """``side``'s weighted strength lost in transit, shape (N,) (0 when not exposed)."""
        lost = getattr(self, f"{side}_transit_by_category")
        w = getattr(self, f"{side}_weights")
        return 0.0 if lost is None else np.asarray((lost * w).sum(axis=1))

    @property
    def winner(self) -> NDArray[np.object_]:
        """ "red", "blue" or None per run."""
        return np.array(["blue", None, "red"], dtype=object)[self.winner_code + 1]  # BLUE -1, RED 1

    @property
    def end_reason(self) -> NDArray[np.object_]:
        return np.asarray(END_REASONS, dtype=object)[self.end_code]

    def to_frame(self) -> pd.DataFrame:
        """One row per run: scenario, replication, winner, end reason, duration, finals."""
        cols = "scenario replication winner end_reason duration red_final blue_final"
        cols += " red_losses blue_losses"
        data: dict[str, object] = {c: getattr(self, c) for c in cols.split()}
        for side, cats in (("red", self.red_categories), ("blue", self.blue_categories)):
            for k, name in enumerate(cats if len(cats) > 1 else ()):
                data[f"{side}_{name}"] = getattr(self, f"{side}_final_by_category")[:, k]
        import pandas as pd

        return pd.DataFrame(data)

    def side_trajectory(self, side: str) -> FloatArray:
        """Weighted strength of ``side`` at :attr:`times`, shape (N, T)."""
        traj, w = getattr(self, f"{side}_trajectory"), getattr(self, f"{side}_weights")
        return np.zeros((self.n, 0)) if traj is None else np.einsum("ntk,nk->nt", traj, w)

    def to_xarray(self) -> Any:
        """The result as an ``xarray.Dataset`` (see :func:`.dataset.to_xarray`)."""
        from forceratio.simulator.dataset import to_xarray

        return to_xarray(self)
