"""Names as long as a scenario file allows (a 100-character name, MAX_NAME;
40-character side names) are wrapped inside the figure, none of their characters lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.plots import figure
from forceratio.scenarios.schema import MAX_NAME
from forceratio.scenarios.session import Session
from tests.plots.figure_texts import drawn_texts, texts_outside

GOLAN = Path(__file__).parent / "files" / "golan.toml"
NAME = "n" * MAX_NAME
BLUE, RED = "Ж" * 40, "W" * 40


@pytest.fixture(scope="module")
def long_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    text = GOLAN.read_text(encoding="utf-8")
    text = text.replace('name = "golan-test"', f'name = "{NAME}"')
    text = text.replace(
        '{ USSR = "Blue", Germany = "Red" }', f'{{ USSR = "{BLUE}", Germany = "{RED}" }}'
    )
    path = tmp_path_factory.mktemp("long") / "long.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("kind", ["ratios", "trajectory", "distribution"])
def test_long_names_stay_inside_the_figure(long_file: str, kind: str) -> None:
    """Oracle: the figure's frame (every drawn text's box inside it) and the names
    themselves (each still read in full once the line breaks are taken out)."""
    fig = figure(kind, long_file, session=Session(None, False), replications=5)
    assert not texts_outside(fig)
    joined = "".join("".join(t.get_text().split()) for t in drawn_texts(fig))
    for name in (NAME, BLUE, RED):
        assert name in joined, name[:10]
