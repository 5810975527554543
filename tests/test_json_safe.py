"""One conversion to strict JSON, at every depth (review23a M4: the command line's JSON went
through a one-level ``_jsonable`` in cli/scenarios.py and ``json_number`` by hand elsewhere;
``print_json`` dumps with ``allow_nan=False``, so a NaN one level down was a ValueError)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from forceratio.cli.output import print_json
from forceratio.report import json_safe

NESTED = {
    "p": math.nan,
    "row": {"ci": [0.1, math.inf], "decided_by": {"captured": np.float64(-np.inf)}},
    "pairs": (np.float32("nan"), np.int64(3), np.bool_(True)),
    "array": np.array([[1.5, np.nan], [-np.inf, 2.0]]),
    "text": "NaN",
    "none": None,
}
# What strict JSON of NESTED must read back as (written out by hand: the oracle).
EXPECTED = {
    "p": None,
    "row": {"ci": [0.1, None], "decided_by": {"captured": None}},
    "pairs": [None, 3, True],
    "array": [[1.5, None], [None, 2.0]],
    "text": "NaN",
    "none": None,
}


def test_json_safe_reaches_every_depth() -> None:
    text = json.dumps(json_safe(NESTED), allow_nan=False)  # strict: raises on any NaN left
    assert json.loads(text) == EXPECTED


def test_json_safe_keeps_finite_values_exactly() -> None:
    values = [0.1, 1e-300, -2.5e307, 7, True, "x"]
    assert json_safe(values) == values
    assert [type(v) for v in json_safe([np.float64(0.1), np.int32(7)])] == [float, int]


def test_print_json_writes_a_nested_nan_as_null(capsys: pytest.CaptureFixture[str]) -> None:
    print_json([{"scenario": "s", "p_attacker_wins_ci": [math.nan, 0.4]}])
    out = json.loads(capsys.readouterr().out)
    assert out == [{"scenario": "s", "p_attacker_wins_ci": [None, 0.4]}]
