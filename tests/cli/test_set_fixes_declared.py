"""A number ``--set`` on a path the scenario declares uncertain fixes it: a sweep without
--vary no longer moves it over the declared range (it used to: every row took a value of
the range, whatever --set said).  Oracle: the set value itself, in every row the engine ran.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.scenarios import load_scenario
from forceratio.sweeps.design import declared

PATH = "modifiers.surprise.decay_days"


def test_a_set_number_collapses_its_declared_range() -> None:
    scn = load_scenario("strike-12june-strip", [f"{PATH}=3"])
    assert scn.uncertainty[PATH] == (3.0, 3.0)
    assert PATH not in [v.path for v in declared(scn.uncertainty)]
    plain = load_scenario("strike-12june-strip")
    assert plain.uncertainty[PATH][0] < plain.uncertainty[PATH][1]  # declared: 1-7 days


def test_a_sweep_without_vary_leaves_the_set_value(tmp_path: Path) -> None:
    out = tmp_path / "s.parquet"
    args = ["sweep", "strike-12june-strip", "--samples", "8", "--seed", "1", "--no-progress",
            "--set", f"{PATH}=3", "--out", str(out)]  # fmt: skip
    ran = CliRunner().invoke(app, args)
    assert ran.exit_code == 0, ran.output
    df = pd.read_parquet(out)
    assert PATH not in df.columns  # not a dimension of the design
    other = "modifiers.posture.unprepared_factor"
    assert df[other].nunique() == 8  # the other declared ranges are still swept
