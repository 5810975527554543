"""What the figure tests read of a drawn figure: the texts a reader sees, and those of them
whose box leaves the figure (a label cut off at the edge)."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.text import Text


def drawn_texts(fig: Figure) -> list[Text]:
    """The texts a reader sees: titles, axis labels, tick labels in view, annotations,
    legends."""
    out: list[Text] = [*fig.texts]
    sup = getattr(fig, "_suptitle", None)
    if sup is not None:
        out.append(sup)
    for leg in fig.legends:
        out += leg.get_texts()
    for ax in fig.axes:
        out += [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for axis, k in ((ax.xaxis, 0), (ax.yaxis, 1)):
            lo, hi = sorted(axis.get_view_interval())
            out += [t for t in axis.get_ticklabels() if lo <= t.get_position()[k] <= hi]
        legend = ax.get_legend()
        if legend is not None:
            out += legend.get_texts()
    return [t for t in out if t.get_visible() and t.get_text().strip()]


def texts_outside(fig: Figure) -> list[str]:
    """Every drawn text whose box leaves the figure (empty: all inside)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = fig.bbox
    bad = []
    for t in drawn_texts(fig):
        box = t.get_window_extent(renderer)
        if (
            box.x0 < frame.x0 - 0.5
            or box.x1 > frame.x1 + 0.5
            or box.y0 < frame.y0 - 0.5
            or box.y1 > frame.y1 + 0.5
        ):
            bad.append(t.get_text())
    return bad
