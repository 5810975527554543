"""Figures as matplotlib ``Figure`` objects: data in, figure out. Saving and printing are
the callers' business.

No pyplot: a figure is a bare :class:`~matplotlib.figure.Figure` with an Agg canvas of its
own, so importing or drawing never switches the caller's backend (a notebook's inline one)
and nothing is kept in pyplot's registry of open figures.

Every figure carries a title with the scenario's name and date, axis labels with units
and a legend.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

# first: where matplotlib cannot write its folders, MPLCONFIGDIR is set before it is imported
from forceratio.plots import mplconfig  # noqa: F401

# isort: split
import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from forceratio.plots.canvas import COLOURS, new_figure, scenario_title, side_colours
from forceratio.plots.canvas import DPI as DPI
from forceratio.plots.canvas import SIZE as SIZE
from forceratio.plots.heatmap import sweep_heatmap as sweep_heatmap
from forceratio.plots.labels import outcome_label, parameter_label, short
from forceratio.scenarios.schema import CATEGORIES

KINDS = ("trajectory", "ratios", "sweep", "tornado", "distribution")
LABELS = {
    "personnel": ("men", "men"),
    "guns_mortars": ("guns & mortars", "guns and mortars"),
    "tanks": ("tanks", "tanks"),
    "aircraft": ("aircraft", "aircraft"),
}
_THOUSANDS = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}")


def trajectory(
    out: Any,
    records: Sequence[tuple[str, float, float, str]] = (),
    entered: Mapping[str, np.ndarray] | None = None,
) -> Figure:
    """Each side's strength by category over the days (sample 0) up to the run's end, the
    outcome rule's deciding day marked with its rule, and the historical losses ``(side,
    day, loss, label)`` marked as the strength they imply (initial + arrivals joined by that
    day - loss), as compare measures them.  ``entered`` (side -> per category,
    :func:`.entered_anywhere`) leaves out a line never given a figure, saying so."""
    from forceratio.plots.entered import NOT_ENTERED
    from forceratio.scenarios.sides import display_names

    scn = out.prepared.scenario
    names, colours = display_names(scn) or {s: s for s in COLOURS}, side_colours(scn)
    days, end, decided = out.days, float(out.duration[0, 0]), float(out.decided_at[0, 0])
    going = days < end  # the times before the run ended
    marks = [(d, style, what) for d, style, what in (
        (decided, ":", f"decided, day {short(decided)} (rule: {out.decided_by[0, 0]})"),
        (end, "-.", f"run ended, day {short(end)}: {out.end_reason[0, 0]}"),
    ) if d < scn.duration_days]  # fmt: skip
    fig = new_figure()
    axes = fig.subplots(2, 2, sharex=True)
    legend_from = None
    for k, (cat, ax) in enumerate(zip(CATEGORIES, axes.ravel(), strict=True)):
        if k >= 2:
            ax.set_xlabel("days from the start")
        ax.set_title(LABELS[cat][0])
        given = [s for s in ("USSR", "Germany") if entered is None or entered[s][k]]
        if not given or (not any(np.any(out.trajectory[s][0, 0, :, k] != 0) for s in COLOURS)
                         and not any(out.initial[s][0, 0, k] for s in COLOURS)):  # fmt: skip
            ax.set_yticks([])  # say so, not a flat line on ticks 0, -0
            ax.text(0.5, 0.5, NOT_ENTERED if not given else "none on either side",
                    ha="center", va="center", transform=ax.transAxes, color="0.4")  # fmt: skip
            continue
        legend_from = legend_from if legend_from is not None else ax
        for side in set(COLOURS) - set(given):  # one side's figure never entered
            ax.text(0.02, 0.04, f"{names[side]}: {NOT_ENTERED}", transform=ax.transAxes,
                    color="0.4", fontsize=8)  # fmt: skip
        for side in given:
            y = out.trajectory[side][0, 0, :, k]
            start = (
                out.initial[side][0, 0, k]
                + out.built.struck[side].reshape(out.built.n, out.built.s, -1)[0, :, k].sum()
            )
            ax.plot(np.concatenate([[0.0], days[going], [end]]),  # not on past the run's end
                    np.concatenate([[start], y[going], y[-1:]]),
                    color=colours[side], label=f"{names[side]} (model)")  # fmt: skip
        if cat == "personnel":
            for side, day, value, label in records:
                ax.scatter([day], [_implied(out, side, day, k) - value], marker="x", s=60,
                           color=colours[side], zorder=5, label=f"history: {label}")  # fmt: skip
        for day, style, what in marks:  # where the rule decided, where the run stopped
            ax.axvline(day, color="0.3", ls=style, lw=1, label=what)
        ax.set_ylabel(LABELS[cat][1])
        ax.yaxis.set_major_formatter(_THOUSANDS)  # 1,400,000 rather than 1.4 under a 1e6
        ax.grid(alpha=0.3)
    handles, labels = (legend_from or axes[0, 0]).get_legend_handles_labels()
    wrapped = [textwrap.fill(lab, 60) for lab in labels]  # a long record label: two lines,
    ncol = 3 if max(map(len, labels), default=0) <= 40 else 2  # not cut off at the edges
    fig.legend(handles, wrapped, loc="outside lower center", ncol=ncol, fontsize=8)
    scenario_title(fig, "Strength by category", scn.name, scn.date)
    return fig


def _implied(out: Any, side: str, day: float, k: int) -> float:
    """Sample 0's strength of category ``k`` before any loss by ``day``: initial plus the
    arrivals joined by then and those lost on the way (the base the model's record values
    take; compare's rows)."""
    from forceratio.scenarios.arrivals import arrived_until, lost_until

    b = out.built
    until = np.minimum(np.full((b.n, 1, b.s), day), out.duration[:, :1, None])
    arrived = arrived_until(b.arrivals[side], b.n, b.s, until)[0, 0, :, k].sum()
    if any(a.exposed for _, a in b.arrivals[side]):
        arrived += lost_until(b.arrivals[side], b.n, b.s, until)[0, 0, :, k].sum()
    return float(out.initial[side][0, 0, k] + arrived)


def ratio_ticks(extent: float) -> tuple[list[float], list[str]]:
    """Ticks of a log2 ratio axis reaching ``extent`` (in log2 units): 1:1 at 0, then
    2:1, 4:1, ... on the right and 1:2, 1:4, ... on the left, Soviet : German."""
    top = max(2, int(np.ceil(extent)))
    pos = list(range(-top, top + 1))
    labels = [f"1:{2**-k}" if k < 0 else f"{2**k}:1" for k in pos]
    return [float(k) for k in pos], labels


def ratios(
    forces: dict[str, np.ndarray],
    scenario: str,
    date: str | None,
    names: Mapping[str, str] | None = None,
    sides: Mapping[str, str] = COLOURS,
) -> Figure:
    """Force ratios per category, Soviet : German, drawn from parity (1:1) on a log2 scale
    that is symmetric about it: a 2:1 edge and a 1:2 edge are bars of the same length on
    either side, and every label sits inside the frame.  ``names`` call the sides by
    other names (:func:`forceratio.scenarios.sides.display_names`; None: the 1941 ones)."""
    from forceratio.data.ratios import format_ratio
    from forceratio.plots.entered import no_ratio
    from forceratio.scenarios.sides import rename

    fig = new_figure()
    ax = fig.subplots()
    su, de = forces["USSR"], forces["Germany"]
    ok = (su > 0) & (de > 0)
    logs = np.where(ok, np.log2(np.where(ok, su, 1.0) / np.where(ok, de, 1.0)), np.nan)
    cats = [LABELS[c][0] for c in CATEGORIES]
    colours = [sides["USSR"] if v >= 0 else sides["Germany"] for v in logs]
    pos = np.arange(len(cats))
    ax.barh(pos, np.nan_to_num(logs), left=0.0, color=colours, height=0.6)
    extent = float(np.nanmax(np.abs(logs))) if np.any(ok) else 1.0
    ticks, tick_labels = ratio_ticks(extent)
    # room for the value labels beside the longest bar, inside the axes
    reach = max(ticks[-1], extent + 0.45 * max(1.0, extent / 2))
    ax.set_xlim(-reach, reach)
    ax.set_xticks(ticks, tick_labels)
    ax.set_yticks(pos, cats)
    ax.axvline(0.0, color="black", lw=1.2, label="parity (1:1)")
    for i, (v, s, g) in enumerate(zip(logs, su, de, strict=True)):
        text = format_ratio(float(s), float(g)).replace(" ", "")
        if not np.isfinite(v):  # no bar: a side without a figure, or with none at all (0)
            no = rename(no_ratio(float(s), float(g), cats[i]), names)
            ax.text(0.05, i, no, va="center", fontsize=10)
            continue
        ha, gap = ("left", 0.08) if v >= 0 else ("right", -0.08)
        ax.text(v + gap, i, text, va="center", ha=ha, fontsize=10, fontweight="bold")
    ax.set_xlabel(rename("Soviet : German strength (log scale, bars start at parity 1:1)", names))
    ax.set_ylabel("category")
    ax.invert_yaxis()
    fig.legend(
        handles=[
            Patch(color=sides["USSR"], label=rename("Soviet superiority", names)),
            Patch(color=sides["Germany"], label=rename("German superiority", names)),
            ax.get_lines()[0],
        ],
        loc="outside lower center",
        ncol=3,
        fontsize=9,
    )
    ax.grid(alpha=0.3, axis="x")
    scenario_title(fig, rename("Force ratios at the start (USSR : Germany)", names), scenario, date)
    return fig


def tornado(
    rows: Sequence[dict[str, Any]], outcome: str, scenario: str, date: str | None
) -> Figure:
    """Sobol total- and first-order indices, largest first, with their intervals."""
    rows = sorted(rows, key=lambda r: r["ST"])
    names = [textwrap.fill(str(parameter_label(r["parameter"])), 48) for r in rows]
    st = np.array([r["ST"] for r in rows])
    s1 = np.array([r["S1"] for r in rows])
    st_err = np.abs(np.array([r["ST_ci"] for r in rows]).T - st)
    s1_err = np.abs(np.array([r["S1_ci"] for r in rows]).T - s1)
    fig = new_figure()
    fig.set_size_inches(SIZE[0], max(SIZE[1], 1.8 + 0.42 * len(rows)))  # two-line labels
    ax = fig.subplots()
    pos = np.arange(len(rows))
    ax.barh(pos + 0.2, st, height=0.4, xerr=st_err, color="#2166ac", label="total order (ST)")
    ax.barh(pos - 0.2, s1, height=0.4, xerr=s1_err, color="#92c5de", label="first order (S1)")
    ax.set_yticks(pos, names, fontsize=8)
    ax.set_xlabel(f"Sobol index of {outcome_label(outcome)}\n(share of variance, 95% interval)")
    ax.set_ylabel("parameter")
    ax.axvline(0, color="black", lw=0.8)
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3, axis="x")
    scenario_title(fig, "Sensitivity (tornado)", scenario, date)
    return fig


def prior_posterior(
    draws: dict[str, np.ndarray], priors: dict[str, Any], what: str, method: str
) -> Figure:
    """Per parameter: the prior's marginal density (a line) against a histogram of the
    posterior draws, on a log axis for positive parameters (the density is then per unit
    of log10 x, so prior and histogram share a scale)."""
    names = list(draws)
    cols = min(3, len(names)) or 1
    rows = (len(names) + cols - 1) // cols
    fig = new_figure()
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, name in zip(axes.ravel(), names, strict=False):
        x = np.asarray(draws[name], dtype=float)
        prior = priors[name]
        lo, hi = prior.interval(0.999)
        lo, hi = min(lo, float(x.min())), max(hi, float(x.max()))
        log = lo > 0 and prior.support[0] > 0  # a uniform on [0, 2]: linear, from 0
        if log:
            grid = np.logspace(np.log10(lo), np.log10(hi), 400)
            dens = np.exp(prior.logpdf(grid)) * grid * np.log(10.0)  # per unit of log10 x
            ax.hist(np.log10(x), bins=40, density=True, color="#92c5de", label="posterior")
            ax.plot(np.log10(grid), dens, color="#b2182b", label="prior")
            ax.set_xlabel(textwrap.fill(f"log10 {parameter_label(name).text}", 45), fontsize=7)
        else:
            grid = np.linspace(lo, hi, 400)
            ax.hist(x, bins=40, density=True, color="#92c5de", label="posterior")
            ax.plot(grid, np.exp(prior.logpdf(grid)), color="#b2182b", label="prior")
            ax.set_xlabel(textwrap.fill(str(parameter_label(name)), 45), fontsize=7)
        ax.set_ylabel("density", fontsize=7)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7, loc="upper right")
    for ax in axes.ravel()[len(names) :]:
        ax.set_visible(False)
    scenario_title(fig, f"Prior (line) and posterior draws (histogram), {method}", what, "1941")
    return fig


def distribution(out: Any, deterministic: Any | None = None) -> Figure:
    """Men lost on each side and the days each run lasted, over the stochastic
    replications of sample 0, with the deterministic run's value marked (``deterministic``:
    the same scenario's deterministic :class:`~forceratio.scenarios.run.Outcome`)."""
    from forceratio.scenarios.sides import display_names

    scn = out.prepared.scenario
    names, colours = display_names(scn) or {s: s for s in COLOURS}, side_colours(scn)
    pk = CATEGORIES.index("personnel")
    fig = new_figure()
    axes = fig.subplots(1, 3)
    for ax, side in zip(axes[:2], ("USSR", "Germany"), strict=True):
        v = out.losses[side][0, :, pk]
        ax.hist(v, bins=30, color=colours[side], alpha=0.8, label=f"{v.size} stochastic runs")
        ax.axvline(float(np.median(v)), color="black", ls="--", label="their median")
        if deterministic is not None:
            d0 = float(deterministic.losses[side][0, 0, pk])
            ax.axvline(d0, color="#2166ac", lw=2, label=f"deterministic: {d0:,.0f}")  # not green
        ax.margins(x=0.08)
        ax.set_ylim(0.0, ax.get_ylim()[1] * 1.35)  # room for the legend above the bars
        ax.set_xlabel(f"{names[side]} men lost by the run's end")  # runs end by day duration_days
        ax.set_ylabel("runs")
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))  # whole runs
        ax.xaxis.set_major_formatter(_THOUSANDS)
        ax.tick_params(axis="x", labelrotation=30)
        ax.legend(fontsize=8, loc="upper right")  # the room left above the bars
    _durations(axes[2], out, deterministic, scn.duration_days)
    from forceratio.calibration.draws import probability_interval

    wins = np.asarray(out.attacker_wins[0], dtype=bool)
    p, lo, hi = probability_interval(int(wins.sum()), wins.size)
    what = f"P({names[scn.attacker]} wins) = {p:.0%} (95% {lo:.0%}-{hi:.0%}, Jeffreys)"
    scenario_title(fig, f"Stochastic noise only, parameters fixed: {what}", scn.name, scn.date)
    return fig


def _durations(ax: Any, out: Any, deterministic: Any | None, limit: float) -> None:
    """How the runs ended: one bar per day (0 to the limit), the runs that reached the
    limit in their own colour, so 'every run went the distance' reads as such."""
    d = np.asarray(out.duration[0], dtype=float)
    at_limit = d >= limit - 1e-9
    edges = np.arange(0.0, np.ceil(limit) + 1.0, 1.0)
    if (~at_limit).any():
        ax.hist(d[~at_limit], bins=edges, color="#5e3c99", label="ended earlier: a side lost")
    ax.bar(limit, int(at_limit.sum()), width=1.0, align="edge", color="#b2abd2",
           label=f"reached the {short(limit)}-day limit: {int(at_limit.sum())}")  # fmt: skip
    if deterministic is not None:
        d0 = float(deterministic.duration[0, 0])
        ax.axvline(d0 + (0.5 if d0 >= limit else 0.0), color="#2166ac", lw=2,
                   label=f"deterministic: {short(d0)} days")  # fmt: skip
    ax.set_xlim(0.0, limit + 1.5)
    ax.set_ylim(0.0, ax.get_ylim()[1] * 1.35)
    ax.set_xlabel("days the run lasted")
    ax.set_ylabel("runs")
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.legend(fontsize=8, loc="upper left")


def fit_figure(
    rows: Sequence[dict[str, Any]], law: str, source: str, caveats: Sequence[str] = ()
) -> Figure:
    """A fitted law against a battle's daily strengths (top) and the residuals (bottom).

    ``rows``: ``FitResult.residuals`` (day, side, observed, fitted, residual; men);
    ``caveats``: ``FitResult.caveats()`` (a parameter at a bound or not identifiable), shown
    under the title."""
    fig = new_figure(layout=None)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[2, 1])
    for side, colour in (("red", "#b2182b"), ("blue", "#2166ac")):
        mine = [r for r in rows if r["side"] == side]
        day = [r["day"] for r in mine]
        top.plot(day, [r["fitted"] for r in mine], color=colour, label=f"{side} fitted")
        seen = [r for r in mine if r["observed"] is not None]
        top.plot(
            [r["day"] for r in seen], [r["observed"] for r in seen], "o", color=colour,
            markersize=4, label=f"{side} observed",
        )  # fmt: skip
        res = [r for r in mine if r["residual"] is not None]
        bottom.plot(
            [r["day"] for r in res], [r["residual"] for r in res], "o-", color=colour,
            markersize=3, label=side,
        )  # fmt: skip
    bottom.axhline(0.0, color="black", linewidth=0.8)
    top.set_ylabel("strength (men)")
    bottom.set_ylabel("observed - fitted (men)")
    bottom.set_xlabel("day")
    top.legend(loc="upper right")
    bottom.legend(loc="lower left")
    title = f"{law} law fitted to {source}"
    if caveats:
        title += "\n" + "; ".join(caveats)
    fig.suptitle(title, fontsize=12)
    return fig


def save(fig: Figure, path: str | Any) -> None:
    """Write PNG or SVG (by the suffix)."""
    fig.savefig(path, dpi=DPI)


def to_png_bytes(fig: Figure) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()
