"""Whole things (men, tanks, prisoners, aircraft) print as whole numbers (review20a L4:
"317.000 / 316.624" tanks, "german_tanks_lost 531.998"); a depth in km and the ratios keep
their decimals, and the JSON and CSV keep every number exact."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from forceratio.cli import run
from forceratio.cli.output import Format, count_rows, print_frame

FRAME = pd.DataFrame(
    {
        "kind": ["tanks", "depth", "prisoners"],
        "historical": [317.0, 425.0, 3961.0],
        "model": [316.624, 463.801, 262.978],
        "relative_error": [-0.00119, 0.0913, -0.9336],
    }
)
MASK = count_rows(FRAME, FRAME["kind"] != "depth", ["historical", "model"])


def _cells(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines() if "│" in line]


def test_counts_round_and_the_rest_keep_their_decimals(capsys: pytest.CaptureFixture[str]) -> None:
    print_frame(FRAME, Format.table, digits=3, counts=MASK)
    rows = _cells(capsys.readouterr().out)
    assert rows[0] == ["tanks", "317", "317", "-0.001"]  # round(316.624) = 317
    assert rows[1] == ["depth", "425.000", "463.801", "0.091"]  # km, not a count
    assert rows[2] == ["prisoners", "3,961", "263", "-0.934"]


def test_markdown_rounds_too(capsys: pytest.CaptureFixture[str]) -> None:
    print_frame(FRAME, Format.markdown, digits=3, counts=MASK)
    lines = capsys.readouterr().out.splitlines()
    assert [c.strip() for c in lines[2].split("|")[1:-1]] == ["tanks", "317", "317", "-0.001"]
    assert [c.strip() for c in lines[3].split("|")[1:-1]][1:3] == ["425.000", "463.801"]


@pytest.mark.parametrize("fmt", [Format.csv, Format.json])
def test_csv_and_json_keep_the_numbers_exact(
    capsys: pytest.CaptureFixture[str], fmt: Format
) -> None:
    print_frame(FRAME, fmt, digits=3, counts=MASK)
    out = capsys.readouterr().out
    if fmt is Format.json:
        model = [r["model"] for r in json.loads(out)]
    else:
        model = list(pd.read_csv(io.StringIO(out))["model"])
    assert model == [316.624, 463.801, 262.978]


def test_calibrates_uman_tanks_print_whole(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["calibrate"]) == 0
    text = capsys.readouterr().out
    uman = next(r for r in _cells(text) if r[0].startswith("Uman: tanks"))
    assert "counts rounded" in text
    assert run(["calibrate", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    model = next(r["model"] for r in data["residuals"] if r["record"].startswith("Uman: tanks"))
    assert model != round(model)  # exact in the JSON
    # the record and the model, rounded (316.3 on the posterior of 5 December 2026)
    assert uman[3:5] == ["317", f"{model:,.0f}"]


def test_a_sweeps_summary_prints_counts_whole(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path) + "/s"
    args = ["--samples", "16", "--seed", "1", "--no-progress", "--out", out]
    assert run(["sweep", "strike-12june-strip", *args]) == 0
    rows = {r[0]: r[1:] for r in _cells(capsys.readouterr().out)}
    summary = pd.read_parquet(out)
    mean = summary["german_tanks_lost"].mean()
    assert rows["german_tanks_lost"][0] == f"{mean:,.0f}"
    assert rows["loss_exchange_ratio"][0] == f"{summary['loss_exchange_ratio'].mean():.3f}"
