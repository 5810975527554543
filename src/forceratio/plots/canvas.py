"""The figures' canvas: a bare matplotlib ``Figure`` on an Agg canvas of its own, whose
texts are drawn as written.

matplotlib reads the text between two ``$`` as mathtext: a side, scenario or sector name
such as ``$_$`` or ``$\\foo{$`` (the user's, in titles, legends, axis labels and ticks)
raised ParseFatalException when the figure was drawn.  No label of the package uses
mathtext, so every text of these figures is drawn literally.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any, Literal

# first: where matplotlib cannot write its folders, MPLCONFIGDIR is set before it is imported
from forceratio.plots import mplconfig  # noqa: F401

# isort: split
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Colormap, LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.text import Text

SIZE = (10.0, 6.0)  # inches; at DPI 100 a 1000 x 600 image
DPI = 100


class LiteralFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` whose texts are drawn as written (no mathtext),
    however it is saved (``savefig``, the HTML report, a notebook's display)."""

    def draw(self, renderer: Any) -> None:
        # texts made while drawing (tick labels) take the setting from rcParams; those made
        # before (titles, labels, legends) are set one by one.  The layout engine measures
        # the texts inside draw, so it sees them literal too.
        with matplotlib.rc_context({"text.parse_math": False}):
            for text in self.findobj(Text):
                text.set_parse_math(False)
            fit_texts(self, renderer)
            super().draw(renderer)


#: Pixels kept free at the figure's edges by a wrapped text.
MARGIN = 12.0


def _refill(text: str, width: int) -> str:
    """``text`` with each line longer than ``width`` characters broken into lines of at most
    ``width`` (at spaces where it can, inside a word where it must)."""
    return "\n".join(
        textwrap.fill(line, width, break_on_hyphens=False) if len(line) > width else line
        for line in text.split("\n")
    )


def _fit(texts: list[Text], box: Any, room: float, renderer: Any, vertical: bool = False) -> None:
    """Wrap ``texts`` together, narrower each round, until ``box`` (one of them, or the
    legend holding them) is at most ``room`` pixels wide (``vertical``: tall)."""
    given = [t.get_text() for t in texts]
    width = max((len(line) for g in given for line in g.split("\n")), default=0)
    for _ in range(40):
        extent = box.get_window_extent(renderer)
        size = extent.height if vertical else extent.width
        if size <= room or width <= 4:
            return
        width = max(4, min(width - 1, int(width * room / size)))
        for t, g in zip(texts, given, strict=True):
            t.set_text(_refill(g, width))


def _slot(fig: Figure, ax: Any) -> tuple[float, float]:
    """The width and height in pixels an axes' texts may take: its share of the figure's grid
    (its position, before this draw's layout, when it has no grid cell), less the margins."""
    spec = ax.get_subplotspec()
    if spec is None:
        box = ax.get_position()
        share = (box.width, box.height)
    else:
        rows, cols = spec.get_gridspec().get_geometry()
        share = (len(spec.colspan) / cols, len(spec.rowspan) / rows)
    return (
        max(share[0] * fig.bbox.width, fig.bbox.width / 4) - 2 * MARGIN,
        max(share[1] * fig.bbox.height, fig.bbox.height / 4) - 2 * MARGIN,
    )


def fit_texts(fig: Figure, renderer: Any) -> None:
    """Wrap the texts a user's names can make long (titles, axis labels, legends) so that
    each stays inside the figure: a 200-character scenario name or a 40-character side name
    drawn on one line ran off its edges.  Texts that fit are left as written."""
    room = fig.bbox.width - 2 * MARGIN
    tops: list[Text] = [*fig.texts]
    if (sup := getattr(fig, "_suptitle", None)) is not None:
        tops.append(sup)
    for t in tops:
        _fit([t], t, room, renderer)
    for ax in fig.axes:
        wide, high = _slot(fig, ax)
        for t in (ax.title, ax.xaxis.label):
            _fit([t], t, wide, renderer)
        _fit([ax.yaxis.label], ax.yaxis.label, high, renderer, True)
        legend = ax.get_legend()
        if legend is not None and legend.get_texts():
            _fit(legend.get_texts(), legend, wide, renderer)
    for legend in fig.legends:
        if legend.get_texts():
            _fit(legend.get_texts(), legend, room, renderer)


def new_figure(layout: Literal["constrained"] | None = "constrained") -> Figure:
    """An empty figure of the standard size on its own Agg canvas (outside pyplot)."""
    fig = LiteralFigure(figsize=SIZE, dpi=DPI, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def scenario_title(fig: Figure, what: str, scenario: str, date: str | None) -> None:
    """The figure's title: what it shows, over the scenario's name and date."""
    fig.suptitle(f"{what}\n{scenario}" + (f" ({date})" if date else ""), fontsize=12)


#: The sides' colours by slot in the 1941 scenarios: Soviet dark red, German dark grey.
COLOURS = {"USSR": "#b2182b", "Germany": "#4d4d4d"}
#: The colours of sides a scenario names itself (``side_names``): a pair that reads as
#: neither red nor blue, so a side called "Blue" is never drawn red, and that stays apart
#: under the common colour-vision deficiencies (Okabe and Ito's bluish green and orange).
NAMED_COLOURS = {"USSR": "#009e73", "Germany": "#e69f00"}


def side_colours(scenario: Any) -> dict[str, str]:
    """Slot -> colour of ``scenario``'s sides in every figure: :data:`NAMED_COLOURS` when
    the file names its sides (``side_names``), else the 1941 :data:`COLOURS`."""
    return dict(NAMED_COLOURS if getattr(scenario, "side_names", None) else COLOURS)


def side_scale(attacker: str, sides: Mapping[str, str] = COLOURS) -> Colormap:
    """A diverging scale from the defender's colour through white to the attacker's
    (``sides``: slot -> colour, :func:`side_colours`), so a side has one colour in every
    figure: high values of the winner's share or the attacker's margin are the attacker's."""
    defender = next(s for s in sides if s != attacker)
    return LinearSegmentedColormap.from_list(
        f"{defender}-{attacker}", [sides[defender], "#f7f7f7", sides[attacker]]
    )
