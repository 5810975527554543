"""A result file of ``sensitivity`` (Sobol, Morris) or ``threshold`` runs again from itself
alone: each CSV or JSON row carries the scenario, the outcome, each parameter's ``--vary``,
the method and its size (``samples``, ``trajectories``, ``replications``), the seed, the
``--set`` values, the ``--table`` files and ``uncalibrated``.  The seed was printed in the
table's title but missing from the CSV (and, with the size, from the JSON); the oracle is
the command rebuilt from the file's own columns giving the same file again."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
import pytest

from forceratio.cli import run

SCN = "strike-12june-strip"
VARY = ["--vary", "modifiers.quality.Germany=0.5:1.5", "--vary", "breakpoints.USSR=0.3:0.6"]
SET = ["--set", "breakpoints.Germany=0.4"]


def output(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert run(args) == 0
    return capsys.readouterr().out


def common(row: dict[Any, Any], split: bool) -> list[str]:
    """The options every analysis shares, rebuilt from one row (``split``: lists are CSV
    cells joined by ``"; "``)."""

    def items(v: Any) -> list[str]:
        if split:
            return [] if pd.isna(v) else str(v).split("; ")
        return list(v)

    args = [f"--set={s}" for s in items(row["set"])]
    args += [f"--table={t}" for t in items(row["table"])]
    return args + (["--uncalibrated"] if bool(row["uncalibrated"]) else [])


def sensitivity_args(rows: list[dict[Any, Any]], split: bool) -> list[str]:
    """The ``sensitivity`` command line a file's rows record."""
    first = rows[0]
    for key in ("scenario", "outcome", "method", "seed", "set", "table", "uncalibrated"):
        assert len({str(r[key]) for r in rows}) == 1, key  # one analysis per file
    size = "--samples" if first["method"] == "sobol" else "--trajectories"
    args = ["sensitivity", str(first["scenario"]), "--method", str(first["method"])]
    args += [size, str(first[size[2:]]), "--seed", str(first["seed"])]
    args += ["--outcome", str(first["outcome"])]
    args += [a for r in rows for a in ("--vary", str(r["vary"]))]
    return args + common(first, split)


def test_a_sobol_csv_runs_again_from_itself(capsys: pytest.CaptureFixture[str]) -> None:
    text = output(capsys, ["sensitivity", SCN, *VARY, "--samples", "16", "--seed", "5",
                           *SET, "--format", "csv"])  # fmt: skip
    df = pd.read_csv(io.StringIO(text))
    assert (df["seed"] == 5).all()
    assert (df["samples"] == 16).all()
    assert (df["runs"] == 16 * (2 + 2)).all()
    assert (df["method"] == "sobol").all()
    again = sensitivity_args(df.to_dict("records"), split=True)
    assert "--set=breakpoints.Germany=0.4" in again
    assert output(capsys, [*again, "--format", "csv"]) == text
    # the seed decides the numbers: another gives others (so the check above is not empty)
    again[again.index("--seed") + 1] = "6"
    other = pd.read_csv(io.StringIO(output(capsys, [*again, "--format", "csv"])))
    assert not other["S1"].equals(df["S1"])


def test_a_morris_json_runs_again_from_itself(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sensitivity", SCN, *VARY, "--method", "morris", "--trajectories", "4"]
    text = output(capsys, [*args, "--seed", "7", "--outcome", "attacker_margin", "--format",
                           "json"])  # fmt: skip
    rows = json.loads(text)
    assert {(r["seed"], r["trajectories"], r["runs"]) for r in rows} == {(7, 4, 4 * 3)}
    again = sensitivity_args(rows, split=False)
    assert output(capsys, [*again, "--format", "json"]) == text


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_threshold_file_runs_again_from_itself(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    given = ["threshold", SCN, "--vary", "modifiers.quality.Germany=0.5:20"]
    text = output(capsys, [*given, "--replications", "2", "--seed", "3", "--format", fmt])
    if fmt == "csv":
        row = pd.read_csv(io.StringIO(text)).to_dict("records")[0]
        level = None if pd.isna(row["level_given"]) else row["level_given"]
    else:
        row = json.loads(text)
        level = row["level_given"]
    assert (row["seed"], row["replications"], row["outcome_given"]) == (3, 2, "winner")
    again = ["threshold", str(row["scenario"]), "--vary", str(row["vary"])]
    again += ["--outcome", str(row["outcome_given"]), "--replications", str(row["replications"])]
    again += ["--seed", str(row["seed"]), *(["--level", str(level)] if level is not None else [])]
    assert output(capsys, [*again, *common(row, fmt == "csv"), "--format", fmt]) == text
