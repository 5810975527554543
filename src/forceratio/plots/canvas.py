"""The figures' canvas: a bare matplotlib ``Figure`` on an Agg canvas of its own, whose
texts are drawn as written.

matplotlib reads the text between two ``$`` as mathtext: a side, scenario or sector name
such as ``$_$`` or ``$\\foo{$`` (the user's, in titles, legends, axis labels and ticks)
raised ParseFatalException when the figure was drawn.  No label of the package uses
mathtext, so every text of these figures is drawn literally.
"""

from __future__ import annotations

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
            super().draw(renderer)


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
