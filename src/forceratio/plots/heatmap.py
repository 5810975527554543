"""The sweep's heat map: the mean of an outcome over two swept parameters, binned, with the
line where the winner flips (:func:`sweep_heatmap`, ``plot --kind sweep``)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

# first: where matplotlib cannot write its folders, MPLCONFIGDIR is set before it is imported
from forceratio.plots import mplconfig  # noqa: F401

# isort: split
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from forceratio.errors import InputError
from forceratio.plots.canvas import COLOURS, new_figure, scenario_title, side_scale
from forceratio.plots.labels import outcome_label, parameter_label


def _numeric(col: pd.Series, bool_ok: bool) -> bool:
    is_bool = pd.api.types.is_bool_dtype(col)
    return bool(pd.api.types.is_numeric_dtype(col) and (bool_ok or not is_bool))


EMPTY = "#bdbdbd"  # a bin no run fell in: grey, never a colour of the scale
WINNER = "attacker_wins"  # the sweep's winner column (the outcome rule, as every command)


PER_BIN = 3  # scattered samples (Sobol, LHS): about this many per bin, so few bins are empty


def _binned(df: pd.DataFrame, col: str, bins: int, points: int) -> tuple[pd.Series, np.ndarray]:
    """The column cut into equal bins, and the bins' edges: one bin per value of a grid
    axis (up to ``bins``); for scattered ``points`` (distinct x, y pairs) as many as keep
    about :data:`PER_BIN` of them in each of the square's bins."""
    values = df[col].nunique()
    if values > bins:  # not a grid axis
        bins = min(bins, max(2, int(np.sqrt(points / PER_BIN))))
    cut, edges = pd.cut(df[col], bins=min(bins, values), retbins=True)
    return cut, np.asarray(edges, dtype=float)


def _colours(
    z: np.ndarray, outcome: str, attacker: str | None = None, sides: Mapping[str, str] = COLOURS
) -> tuple[Any, Any]:
    """Colour map and norm: a signed outcome on a diverging scale with white at 0 (symmetric
    limits), the share of attacker wins with white at one half, anything else sequential.
    With the scenario's ``attacker`` the winner's share and the attacker's margin run from
    the defender's colour to the attacker's (:func:`side_scale`)."""
    finite = z[np.isfinite(z)]
    sided = attacker in sides and outcome in (WINNER, "attacker_margin")
    diverging = side_scale(str(attacker), sides) if sided else matplotlib.colormaps["RdBu_r"]
    if outcome == WINNER:
        return diverging, TwoSlopeNorm(0.5, 0.0, 1.0)
    if finite.size and finite.min() < 0:
        top = float(np.abs(finite).max())
        return diverging, TwoSlopeNorm(0.0, -top, top)
    return matplotlib.colormaps["viridis"], None


def sweep_heatmap(
    df: pd.DataFrame,
    x: str,
    y: str,
    outcome: str,
    scenario: str,
    date: str | None,
    bins: int = 20,
    attacker: str | None = None,
    sides: Mapping[str, str] = COLOURS,
) -> Figure:
    """Mean of ``outcome`` over a grid of two swept parameters, with the line where the
    winner flips: where the attacker wins half the runs of a bin, by the sweep's winner
    column (the outcome rule: break, captured share, depth, else the attrition margin), so
    the line names the same winner as every command. Bins no run fell in are grey.
    ``attacker``: the scenario's attacking slot, whose colour the attacker's share and
    margin are drawn in (``sides``: slot -> colour, :func:`side_scale`; None: red for the
    attacker, blue else)."""
    for opt, col in (("--x", x), ("--y", y), ("--outcome", outcome)):
        if col not in df.columns:
            known = ", ".join(c for c in df.columns if ("." in c) == (opt != "--outcome"))
            raise InputError(opt, f"the sweep in --from has no column {col!r}; choose {known}")
        axis = opt != "--outcome"  # an axis is binned; an outcome averaged (a bool: a share)
        if not _numeric(df[col], bool_ok=not axis):
            fit = [c for c in df.columns if ("." in c) == axis and _numeric(df[c], not axis)]
            raise InputError(opt, f"{col!r} is not numeric; choose one of {', '.join(fit)}")
    if x == y:  # a parameter against itself: a diagonal in a grey field, no finding
        raise InputError("--y", f"{y!r} is on the x axis too (--x); choose another parameter")
    points = len(df[[x, y]].drop_duplicates())
    (xb, xe), (yb, ye) = _binned(df, x, bins, points), _binned(df, y, bins, points)

    def per_bin(col: str) -> np.ndarray:
        grid = df.groupby([yb, xb], observed=False)[col].mean().unstack()
        return np.asarray(grid.to_numpy(dtype=float))  # rows: y bins, columns: x bins

    z = per_bin(outcome)
    cmap, norm = _colours(z, outcome, attacker, sides)
    fig = new_figure()
    ax = fig.subplots()
    mesh = ax.pcolormesh(xe, ye, np.ma.masked_invalid(z), shading="flat",
                         cmap=cmap.with_extremes(bad=EMPTY), norm=norm)  # fmt: skip
    cbar = fig.colorbar(mesh, ax=ax)
    what = f"mean {outcome_label(outcome)}"
    if outcome == WINNER:
        what = "share of runs the attacker wins (outcome rule)"
    elif outcome == "attacker_margin":
        what = "mean attrition margin (share kept, attacker minus defender): not the winner"
    cbar.set_label(textwrap.fill(what, 45))
    handles = _flip_line(ax, df, per_bin, xe, ye, outcome)
    if np.isnan(z).any():
        handles.append(
            Patch(facecolor=EMPTY, edgecolor="black", lw=0.5, label="no run in this bin")
        )
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8)
    ax.set_xlabel(textwrap.fill(str(parameter_label(x)), 70))
    ax.set_ylabel(textwrap.fill(str(parameter_label(y)), 45))
    scenario_title(fig, f"Sweep: {outcome_label(outcome)}", scenario, date)
    return fig


def _flip_line(
    ax: Any, df: pd.DataFrame, per_bin: Any, xe: np.ndarray, ye: np.ndarray, outcome: str
) -> list[Any]:
    """Draw the winner's flip (share of attacker wins = 1/2) and return the legend handles;
    a sweep without the winner column gets no line, and says so."""
    if WINNER not in df.columns:
        return [Line2D([], [], ls="none", label="no winner column: no flip line")]
    wins = per_bin(WINNER)
    xs, ys = (xe[:-1] + xe[1:]) / 2, (ye[:-1] + ye[1:]) / 2
    seen = wins[np.isfinite(wins)]
    handles: list[Any] = []
    if seen.size and seen.min() < 0.5 < seen.max() and min(wins.shape) >= 2:
        ax.contour(xs, ys, np.ma.masked_invalid(wins), levels=[0.5], colors="black")
        handles.append(Line2D([], [], color="black",
                              label="the winner flips (attacker wins half the runs)"))  # fmt: skip
    elif seen.size:
        side = "the attacker" if seen.min() >= 0.5 else "the defender"
        handles.append(Line2D([], [], ls="none", label=f"no flip: {side} wins in every bin"))
    if outcome == "attacker_margin":  # where the margin's sign and the winner disagree
        margin = per_bin("attacker_margin")
        odd = np.isfinite(wins) & np.isfinite(margin) & ((wins >= 0.5) != (margin > 0))
        hatch: dict[str, Any] = {"fill": False, "hatch": "//", "lw": 0, "color": "black"}
        for i, j in zip(*np.nonzero(odd), strict=True):
            ax.add_patch(
                Rectangle((xe[j], ye[i]), xe[j + 1] - xe[j], ye[i + 1] - ye[i], **hatch, alpha=0.5)
            )
        if odd.any():
            handles.append(Patch(label="winner and margin's sign differ", **hatch, alpha=0.5))
    return handles
