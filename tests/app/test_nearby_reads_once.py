"""The explorer's "nearby" sweep runs the scenario file it read at start-up, as its outcome does.

review23d: ``_nearby`` let the sweep engine load the file again by its path, so a file
edited while ``forceratio app --scenario F`` ran gave the outcome from the old text and
P(attacker wins) nearby from the new.  Oracle: a lopsided battle (Germany attacking with five
times the men), edited after start-up into the reverse; within +-10% of each range the
winner cannot change, so the nearby P must agree with the outcome's winner.
"""

from __future__ import annotations

from pathlib import Path

from forceratio.app.model import Explorer
from tests.scenario_files import ScenarioFile

RANGES = """
[uncertainty]
"attrition.german_rate" = [0.01, 0.014]
"attrition.soviet_rate" = [0.008, 0.012]
"""


def test_an_edited_file_does_not_split_the_outcome_from_its_nearby_sweep(tmp_path: Path) -> None:
    path = tmp_path / "lopsided.toml"
    strong = ScenarioFile(name="lopsided", ussr=20000, germany=100000, tail=RANGES)
    strong.write(path)
    explorer = Explorer(files=(str(path),))
    ScenarioFile(name="lopsided", ussr=100000, germany=20000, tail=RANGES).write(path)
    res = explorer.run("lopsided", {})
    assert res["winner"] == "Germany"  # the text read at start-up
    assert res["nearby"]["attacker_win_probability"] == 1.0
