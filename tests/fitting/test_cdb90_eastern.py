"""The Eastern Front set is chosen by the sides, not by CDB90's war label (review15fit D2: four
German-Soviet battles labelled "WORLD WAR II (OKINAWA)" were dropped without a word)."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from forceratio.fitting import cdb90

ROOT = cdb90.default_path()


def _battle(k: int, war: str, att: str, dfn: str) -> dict[str, object]:
    return {
        "isqno": k, "name": f"B{k}", "war": war, "year": 1944, "attacker": att, "defender": dfn,
        "a0": 1000.0, "ac": 300.0, "d0": 800.0, "dc": 100.0,
    }  # fmt: skip


FRAME = pd.DataFrame(
    [
        _battle(1, "WORLD WAR II (EASTERN FRONT)", "GER 4TH PZ ARMY", "SOV 6TH GDS ARMY"),
        _battle(2, "WORLD WAR II (OKINAWA)", "SOV 90TH RIFLE DIV", "GER 7TH INF DIV"),
        _battle(3, "WORLD WAR II", "USSR ARMY", "GER DIV"),
        _battle(4, "WORLD WAR I (EASTERN FRONT 1914)", "GER 8TH ARMY", "RUS 1ST ARMY"),
        _battle(5, "WORLD WAR II (OKINAWA)", "US 7TH INF DIV", "JAP 32ND ARMY"),
        _battle(6, "WORLD WAR II (EASTERN FRONT)", "GER 11TH ARMY", "ROM 3RD ARMY"),
    ]
)


def test_german_soviet_by_the_sides_whatever_the_label(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cdb90, "RELABELLED", "not yet used")  # the relabelled battles listed
    ef, left = cdb90.eastern_front(FRAME)
    assert list(ef["isqno"]) == [1]
    why = left.set_index("isqno")["reason"]
    assert list(why.index) == [2, 3, 6]  # 4 (World War I) and 5 (US v Japan) are no business
    assert "'WORLD WAR II (OKINAWA)'" in why[2]
    assert "'WORLD WAR II'" in why[3]
    assert why[6] == "not German v Soviet"
    monkeypatch.setattr(cdb90, "RELABELLED", "")  # the relabelled battles used
    ef, left = cdb90.eastern_front(FRAME)
    assert list(ef["isqno"]) == [1, 2, 3]
    assert list(ef["german"]) == ["attacker", "defender", "defender"]
    # battle 2: the Soviets attack, 1000 men losing 300, the Germans 800 losing 100
    square = (1000**2 - 700**2) / (800**2 - 700**2)
    assert ef.set_index("isqno").loc[2, "edge_square"] == pytest.approx(square)
    assert list(left["isqno"]) == [6]


@pytest.mark.skipif(ROOT is None, reason="../shared/data/cdb90 not present")
def test_every_eastern_front_battle_of_the_tidy_war2_column_is_accounted_for() -> None:
    """An independent reading: battles.csv's war2 column (which the code does not read) says
    EASTERN FRONT for 512-515 and 637 too; each such World War II battle is used or listed."""
    assert ROOT is not None
    with (ROOT / "data" / "battles.csv").open(encoding="utf-8") as fh:
        war2 = {
            int(r["isqno"])
            for r in csv.DictReader(fh)
            if r["war2"] == "WORLD WAR II (EASTERN FRONT)"
        }
    assert {512, 513, 514, 515, 637} <= war2
    ef, left = cdb90.eastern_front(cdb90.advantage(cdb90.load(ROOT)))
    assert set(ef["isqno"]) | set(left["isqno"]) == war2
    assert all(math.isfinite(x) for x in ef["edge_square"])
