"""VALIDATION.md stays readable whatever the battles: an empty Eastern Front edge table says
in one line that no battle qualifies and why (it printed a table of ``nan`` cells), no
Markdown cell reads "nan", and the left-out German-Soviet battles are counted by reason with
at most :data:`LISTED_LEFT_OUT` listed (every one was listed: thousands of lines on a large
database), all of them in ``--left-out FILE``.

Oracles: hand counts of the battles written (each fight's reason is chosen when it is made)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forceratio.cli import run
from forceratio.fitting import cdb90_report
from forceratio.fitting.cdb90_report import LISTED_LEFT_OUT
from tests.cli.refusals import refused
from tests.fitting.cdb90_folder import Fight, Side, napoleonic, write_folder

NAN = re.compile(r"\bnan\b", re.IGNORECASE)
EAST = "WORLD WAR II (EASTERN FRONT)"


def _fights(usable: int, mixed: int, bad: int, seed: int = 5) -> list[Fight]:
    """German-Soviet fights: ``usable`` with good numbers, ``mixed`` with a German side
    mixing Romanians, ``bad`` with casualties above the strength; then 40 Napoleonic ones
    (the winner prediction needs decided battles)."""
    rng = np.random.default_rng(seed)
    out = []
    kinds = ["ok"] * usable + ["mixed"] * mixed + ["bad"] * bad
    for k, kind in enumerate(kinds, start=1):
        g, s = float(rng.integers(20_000, 90_000)), float(rng.integers(20_000, 90_000))
        german = "GER & ROM ARMY" if kind == "mixed" else "GER 6TH ARMY"
        gc = g * 2 if kind == "bad" else round(g * rng.uniform(0.05, 0.2))
        out.append(
            Fight(
                k, EAST, "1943-07-05T05:00:00", Side(german, g, gc),
                Side("SOV 2ND ARMY", s, round(s * rng.uniform(0.05, 0.3))),
                int(rng.choice([1, -1])),
            )
        )  # fmt: skip
    out += napoleonic(range(len(kinds) + 1, len(kinds) + 41), rng)
    return out


def test_an_empty_edge_table_says_no_battle_qualifies_and_has_no_nan(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "cdb", _fights(0, 2, 1))
    md = cdb90_report.markdown(cdb90_report.validate(root), "cdb")
    assert not NAN.findall(md), [ln for ln in md.splitlines() if NAN.search(ln)]
    line = (
        "The German edge by law: no battle qualifies (none of the 3 German-Soviet battles "
        "found has usable numbers (left out above))."
    )
    assert line in md.splitlines()


def test_no_german_soviet_battle_at_all_is_said_without_nan(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "cdb", _fights(0, 0, 0))
    md = cdb90_report.markdown(cdb90_report.validate(root), "cdb")
    assert not NAN.findall(md)
    assert "no battle qualifies (the tables hold no German-Soviet battle of World War II)" in md


def test_many_left_out_battles_are_counted_and_listed_in_bounded_space(
    tmp_path: Path,
) -> None:
    mixed, bad = 700, 500
    root = write_folder(tmp_path / "cdb", _fights(30, mixed, bad))
    out, left = tmp_path / "V.md", tmp_path / "left.csv"
    assert run(["validate", "cdb90", "--path", str(root), "--write", str(out)]) == 0
    md = out.read_text(encoding="utf-8")
    assert len(md.encode()) < 20_000  # every one listed took 80,000 bytes
    assert not NAN.findall(md)
    assert f"Left out: {mixed + bad} German-Soviet battles, by reason:" in md
    assert re.search(rf"\| mixed side: GER & ROM ARMY\s*\|\s*{mixed} \|", md)
    assert re.search(rf"\| strengths or casualties\s*\|\s*{bad} \|", md)
    row = re.compile(r"\|\s+\d+ \| BATTLE \d+\s+\| (mixed side|strengths or casualties)")
    listed = [ln for ln in md.splitlines() if row.match(ln)]
    assert len(listed) == LISTED_LEFT_OUT
    assert run(["validate", "cdb90", "--path", str(root), "--left-out", str(left)]) == 0
    every = pd.read_csv(left)
    assert list(every.columns) == ["isqno", "name", "reason"]
    assert len(every) == mixed + bad
    assert every["reason"].value_counts().to_dict() == {
        "mixed side: GER & ROM ARMY": mixed,
        "strengths or casualties": bad,
    }


def test_left_out_file_inside_the_data_or_the_reports_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_folder(tmp_path / "cdb", _fights(3, 2, 0))
    inside = ["validate", "cdb90", "--path", str(root), "--left-out", str(root / "x.csv")]
    assert refused(capsys, inside).startswith("forceratio: error: --left-out: ")
    same = str(tmp_path / "V.md")
    both = ["validate", "cdb90", "--path", str(root), "--write", same, "--left-out", same]
    assert "also --write's file" in refused(capsys, both)
    assert not (root / "x.csv").exists()
    assert not Path(same).exists()
