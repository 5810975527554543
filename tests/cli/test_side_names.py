"""review21d M5 and L4: a scenario that is not 1941 is not labelled as 1941.  Its sides are
called by ``side_names`` (else by their slots' names, never "Soviet"/"German"), the
comparison is not titled "12 June 1941 strike v 22 June 1941", the figures' legends use the
same names, and a category neither side has is an empty panel said in words."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest
from typer.testing import CliRunner

from forceratio import scenarios
from forceratio.cli.app import app
from forceratio.plots import figures
from forceratio.plots.labels import comparison_notes, comparison_rows
from forceratio.scenarios.run import run
from tests.scenario_files import ScenarioFile

matplotlib.use("Agg")
runner = CliRunner()

NAMES = 'side_names = { USSR = "Blue", Germany = "Red" }'


def _file(tmp_path: Path, names: str = "") -> str:
    scenario = ScenarioFile(
        name="sq-reinf", description="square law, Blue reinforced on day 3", head=names
    )
    return str(scenario.write(tmp_path / "s1.toml"))


def test_a_general_scenario_is_not_titled_or_labelled_1941(tmp_path: Path) -> None:
    res = runner.invoke(app, ["compare", _file(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "1941" not in res.output
    assert "Soviet" not in res.output
    assert "German " not in res.output
    assert "USSR men lost per Germany" in " ".join(res.output.split())


def test_side_names_name_the_sides_everywhere(tmp_path: Path) -> None:
    res = runner.invoke(app, ["compare", _file(tmp_path, NAMES)])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert text.startswith("Scenario comparison (Blue : Red)")
    for said in ("Blue men lost per Red", "Red kill rate", "men at the start, Blue : Red"):
        assert said in text
    for never in ("USSR", "Germany", "Soviet", "German", "1941"):
        assert never not in text
    out = runner.invoke(app, ["compare", _file(tmp_path, NAMES), "--format", "json"])
    row = json.loads(out.output)[0]
    assert row["side_names"] == {"USSR": "Blue", "Germany": "Red"}
    assert row["attacker"] == "Germany"  # the JSON keeps the slot: its keys are the file's


def test_the_1941_wording_is_kept_for_1941_rows() -> None:
    """A row without side_names (a built-in) keeps every 1941 label as it was."""
    row = {"scenario": "x", "soviet_losses": 1.0, "loss_exchange_ratio": 2.0, "duration_days": 30.0}
    labels = [label for label, _ in comparison_rows([row])]
    assert "Soviet men lost per German, days 0-30" in labels
    named = dict(row, side_names={"USSR": "Blue", "Germany": "Red"})
    assert "Blue men lost per Red, days 0-30" in [lab for lab, _ in comparison_rows([named])]
    shown = [("destroying power on day 0 (b)", ["1"])]
    assert "the Germans destroy five" in comparison_notes(shown)[0]
    assert (
        "Red destroys five" in comparison_notes(shown, None, {"USSR": "Blue", "Germany": "Red"})[0]
    )


@pytest.mark.parametrize("names", ["", NAMES])
def test_the_trajectory_legend_and_empty_panels(tmp_path: Path, names: str) -> None:
    fig = figures.trajectory(run(scenarios.load(_file(tmp_path, names))))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    want = ["Blue (model)", "Red (model)"] if names else ["USSR (model)", "Germany (model)"]
    assert legend == want
    men, guns, tanks, air = fig.axes[:4]
    assert len(men.get_yticks()) > 0
    for ax in (guns, tanks, air):  # nobody has guns, tanks or aircraft: no 0, -0 ticks
        assert list(ax.get_yticks()) == []
        assert "none on either side" in [t.get_text() for t in ax.texts]


def test_the_tornado_calls_the_sides_by_their_names(tmp_path: Path) -> None:
    """Indices given (the figure draws, it does not analyse): every text of the drawn
    figure, tick labels included, names the sides as the file does."""
    from forceratio.plots import figure

    rows = [
        {"parameter": p, "ST": st, "S1": st / 2, "ST_ci": [st - 0.1, st + 0.1],
         "S1_ci": [st / 2 - 0.1, st / 2 + 0.1]}
        for p, st in (("attrition.german_rate", 0.6), ("modifiers.quality.USSR", 0.3))
    ]  # fmt: skip
    fig = figure("tornado", _file(tmp_path, NAMES), indices=rows)
    fig.canvas.draw()
    texts = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert any("Red kill rate" in t for t in texts)
    assert any("Blue quality" in t for t in texts)
    every = " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
    for never in ("German", "Soviet", "USSR", "Germany"):
        assert never not in every


def test_two_sides_need_two_names(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["run", _file(tmp_path, 'side_names = { USSR = "Red", Germany = "red" }')]
    )
    assert res.exit_code == 2
    assert "side_names.Germany: the two sides need two names" in " ".join(res.output.split())
