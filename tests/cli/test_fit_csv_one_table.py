"""``fit --law all --format csv`` is one CSV table: the fits and the likelihood-ratio tests
of the nested laws, told apart by a ``table`` column (two tables in one stream were misread by
pandas.read_csv: the second header became a row of the first)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from forceratio.cli import run

SERIES = """day,red,blue
0,20035,16003
1,19612,15187
2,19119,14381
3,18544,13665
4,18349,12944
5,17929,12204
6,17486,11587
7,17248,10872
8,16914,10000
9,16614,9378
10,16318,8801
11,16105,8144
"""


def test_law_all_csv_reads_back_as_one_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(SERIES, encoding="utf-8")
    assert run(["fit", str(path), "--law", "all", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert df.columns[0] == "table"
    fits = df[df["table"] == "fit"]
    tests = df[df["table"] == "likelihood_ratio_test"]
    assert len(fits) + len(tests) == len(df)
    assert list(fits["law"]) == ["square", "linear", "logarithmic", "helmbold", "power"]
    assert fits["red_rate"].dtype.kind == "f"
    # the nested pairs: helmbold holds square and logarithmic; power holds the other four
    pairs = set(zip(tests["small"], tests["large"], strict=True))
    assert pairs == {
        ("square", "helmbold"), ("logarithmic", "helmbold"), ("square", "power"),
        ("linear", "power"), ("logarithmic", "power"), ("helmbold", "power"),
    }  # fmt: skip
    assert tests["p_value"].between(0.0, 1.0).all()
    assert fits["p_value"].isna().all()
