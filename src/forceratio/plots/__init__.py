"""Figures of scenarios, sweeps and sensitivity (:mod:`.figures`), and the self-contained
HTML report (:mod:`.html`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from forceratio.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from forceratio.scenarios import Sets

KINDS = ("trajectory", "ratios", "sweep", "tornado", "distribution")


def history_marks(prep: Any) -> list[tuple[str, float, float, str]]:
    """The records as (side, day, loss, label) marks on the whole front: records covering
    every sector stand alone; per-sector records of a side are summed into one mark at the
    latest of their days."""
    marks = []
    for side in ("USSR", "Germany"):
        recs = [(r, float(f.value[0])) for r, f in prep.records if r.side == side]
        whole = [(r, v) for r, v in recs if not r.sectors]
        parts = [(r, v) for r, v in recs if r.sectors]
        for r, v in whole:
            marks.append((side, float(r.day), v, r.label))
        if parts:
            covered = {s for r, _ in parts for s in r.sectors or []}
            if covered == set(prep.sectors):
                day = max(float(r.day) for r, _ in parts)
                first = min(float(r.day) for r, _ in parts)
                label = f"{side}, sum of {len(parts)} operations (days {first:g}-{day:g})"
                marks.append((side, day, sum(v for _, v in parts), label))
    return marks


def figure(
    kind: str,
    scenario: str,
    *,
    sets: Sets = None,
    tables: dict[str, str] | None = None,
    uncalibrated: bool = False,
    source: Path | pd.DataFrame | None = None,
    x: str | None = None,
    y: str | None = None,
    outcome: str | None = None,
    replications: int = 200,
    seed: int = 0,
    session: Any = None,
    indices: list[dict[str, Any]] | None = None,
) -> Any:
    """Build one figure (see :data:`KINDS`).  Figures draw, they do not analyse: the
    tornado draws Sobol ``indices`` computed by the caller
    (:func:`forceratio.sweeps.sensitivity.declared_sobol`).  A ``session``
    (:class:`~forceratio.scenarios.session.Session`) shares tables and calibration with the
    caller; without one, ``tables`` and ``uncalibrated`` make a new one."""
    import numpy as np

    from forceratio.plots import figures
    from forceratio.plots.canvas import side_colours
    from forceratio.plots.entered import entered_anywhere
    from forceratio.scenarios.run import run
    from forceratio.scenarios.session import Session

    if kind not in KINDS:
        raise InputError("kind", f"unknown kind {kind!r}; choose {', '.join(KINDS)}")
    session = session or Session(tables, uncalibrated)
    prep = session.prepare(scenario, sets)
    scn = prep.scenario
    values = session.rates(prep)
    if kind == "trajectory":
        days = np.arange(0.0, scn.duration_days + 0.5, 0.5)
        out = run(prep, calibration=values, times=days)
        return figures.trajectory(out, history_marks(prep), entered_anywhere(prep, session.table))
    if kind == "ratios":
        given = entered_anywhere(prep, session.table)  # a figure never entered: NaN, not 0
        forces = {
            s: np.where(given[s], np.sum([f.value for f in prep.forces[s]], axis=0), np.nan)
            for s in ("USSR", "Germany")
        }
        from forceratio.scenarios.sides import display_names

        colours = side_colours(scn)
        return figures.ratios(forces, scn.name, scn.date, display_names(scn), colours)
    if kind == "distribution":
        out = run(prep, calibration=values, replications=replications, seed=seed)
        return figures.distribution(out, run(prep, calibration=values))
    if kind == "tornado":
        if indices is None:
            raise InputError("kind", "a tornado needs the Sobol indices (declared_sobol)")
        fig = figures.tornado(indices, outcome or "attacker_margin", scn.name, scn.date)
        return _sides_named(fig, scn)
    # sweep
    if source is None:
        raise InputError("source", "a sweep heatmap needs --from results.parquet")
    import pandas as pd

    if isinstance(source, pd.DataFrame):  # rows the caller read (a sweep's directory)
        df = source
    else:
        try:
            df = pd.read_parquet(source)
        except (OSError, ValueError) as exc:
            raise InputError("source", f"cannot read {source}: {exc}") from None
    params = [c for c in df.columns if "." in c]
    x = x or next((p for p in params if p != y), None)
    y = y or next((p for p in params if p != x), None)  # the other one
    if x is None or y is None:
        raise InputError("x", "the sweep needs two varied parameters (give --x and --y)")
    fig = figures.sweep_heatmap(
        df, x, y, outcome or "attacker_margin", scn.name, scn.date, attacker=scn.attacker,
        sides=side_colours(scn),
    )  # fmt: skip
    return _sides_named(fig, scn)


def _sides_named(fig: Any, scn: Any) -> Any:
    """``fig`` with its texts (titles, labels, ticks, legends) calling the sides by the
    scenario's names (:func:`forceratio.scenarios.sides.display_names`): the parameter and
    outcome labels it draws are written in the 1941 wording."""
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    from forceratio.scenarios.sides import display_names, rename

    names = display_names(scn)
    if names is None:
        return fig
    for text in fig.findobj(Text):
        text.set_text(rename(text.get_text(), names))
    for ax in fig.axes:  # tick labels given as texts are drawn again from their formatter
        for axis in (ax.xaxis, ax.yaxis):
            given = axis.get_major_formatter()
            if isinstance(given, FixedFormatter | FuncFormatter):
                axis.set_major_formatter(
                    FuncFormatter(lambda x, pos, f=given: rename(f(x, pos), names))
                )
    return fig
