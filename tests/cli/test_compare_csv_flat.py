"""compare --format csv writes numbers, not Python reprs (review20a L12: cells such as
"{'captured': 0.965, ...}" and "[0.98..., 1.0]"): a [low, high] pair as numeric _low/_high
columns, a mapping as one column per key, any other list as a JSON text."""

from __future__ import annotations

import csv
import io
import json

import pytest

from forceratio.cli import run
from forceratio.cli.scenarios import flat


def test_flat_splits_pairs_and_mappings() -> None:
    row = {
        "p_attacker_wins_ci": [0.25, 0.75],
        "decided_by": {"depth": 0.5, "captured": 0.5},
        "historical_soviet_days": [15.0, 18.0],
        "posterior_duration_days": [9.5, 30.0],
        "winner": "USSR",
    }
    assert flat(row) == {
        "p_attacker_wins_ci_low": 0.25,
        "p_attacker_wins_ci_high": 0.75,
        "decided_by_captured": 0.5,
        "decided_by_depth": 0.5,
        "historical_soviet_days": "[15.0, 18.0]",
        "posterior_duration_days_low": 9.5,
        "posterior_duration_days_high": 30.0,
        "winner": "USSR",
    }


def test_compare_csv_cells_are_numbers_or_json(capsys: pytest.CaptureFixture[str]) -> None:
    names = ["strike-12june-strip", "barbarossa-22june"]
    assert run(["compare", *names, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert run(["compare", *names, "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    strike, june = table
    lo, hi = rows[0]["p_attacker_wins_ci"]
    assert (float(strike["p_attacker_wins_ci_low"]), float(strike["p_attacker_wins_ci_high"])) == (
        lo,
        hi,
    )
    shares = [
        float(v)
        for k, v in strike.items()
        if k.startswith("decided_by_") and k != "decided_by_text" and v
    ]
    assert sum(shares) == pytest.approx(1.0)  # every draw decided by one rule
    assert "p_attacker_wins_ci" not in strike
    assert "decided_by" not in strike
    assert json.loads(june["historical_soviet_days"]) == rows[1]["historical_soviet_days"]
    for row in table:
        for key, text in row.items():
            assert not text.startswith("{"), (key, text)  # no Python dict repr
            if text.startswith("["):
                json.loads(text)  # a list is JSON (double quotes), not a Python repr
