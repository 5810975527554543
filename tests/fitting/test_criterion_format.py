"""A fit table writes log-likelihoods and AICc with two decimals whatever their size
(review21e, item 6: "1,008" beside "998.9929" in one column)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from forceratio.cli.app import app
from tests.fitting.test_casualties import count_series


def test_aicc_two_decimals(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    count_series(0.02, 0.03, days=40, seed=3, k=None).to_csv(path, index=False)
    res = CliRunner().invoke(app, ["fit", str(path), "--likelihood", "poisson"])
    assert res.exit_code == 0, res.output
    cells = re.findall(r"│ (?:AICc|log-likelihood) +│ +(\S+) │", res.output)
    assert len(cells) == 2
    assert all(re.fullmatch(r"-?[\d,]+\.\d\d", c) for c in cells), cells
