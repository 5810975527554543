"""A CDB90-style folder written from a few battles: the four tables the validation reads,
with only the columns it reads (tests of small or odd databases)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Side:
    name: str
    strength: float
    casualties: float


@dataclass(frozen=True)
class Fight:
    isqno: int
    war: str
    start: str  # active_periods.csv's start_time_min, e.g. 1944-06-22T05:00:00
    attacker: Side
    defender: Side
    wina: int  # 1 attacker won, -1 lost, 0 draw


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def write_folder(root: Path, fights: list[Fight]) -> Path:
    _write(
        root / "src-data/CDB90/CDB90-patched.csv",
        ["ISQNO", "WINA", "YR1"],
        [[f.isqno, f.wina, f.start[:4] if f.start[:4].isdigit() else 9999] for f in fights],
    )
    _write(
        root / "data/active_periods.csv",
        ["isqno", "start_time_min", "end_time_min"],
        [[f.isqno, f.start, ""] for f in fights],
    )
    _write(
        root / "data/battles.csv",
        ["isqno", "name", "war"],
        [[f.isqno, f"BATTLE {f.isqno}", f.war] for f in fights],
    )
    sides = [
        [f.isqno, att, s.name, s.strength, 0, s.strength, s.casualties, 1]
        for f in fights
        for att, s in ((1, f.attacker), (0, f.defender))
    ]
    _write(
        root / "data/belligerents.csv",
        ["isqno", "attacker", "nam", "intst", "rerp", "str", "cas", "code"],
        sides,
    )
    return root


def napoleonic(ids: range, rng: np.random.Generator) -> list[Fight]:
    """Austerlitz-like battles (5,000-50,000 a side, 5-30% losses, a random winner), one per
    id, drawn from ``rng`` in id order: battles the German-Soviet sections never read."""
    out = []
    for k in ids:
        a, d = float(rng.integers(5_000, 50_000)), float(rng.integers(5_000, 50_000))
        out.append(
            Fight(
                k, "NAPOLEONIC WARS", "1805-12-02T08:00:00",
                Side("FR ARMY", a, round(a * rng.uniform(0.05, 0.3))),
                Side("AU ARMY", d, round(d * rng.uniform(0.05, 0.3))),
                int(rng.choice([1, -1])),
            )
        )  # fmt: skip
    return out
