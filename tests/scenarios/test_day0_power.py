"""review21d H2: "destroying power on day 0" is each side's combat power destroyed a day at
the start under the scenario's law; the oracle is the law's hand formula at t = 0 (square
a U v b G, linear b G U v a U G, Deitchman's mixed law: the guerrilla (USSR, aimed fire)
loses b G U a day, the counter-insurgents a U), summed over the sectors."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.scenarios.compare import compare

TEMPLATE = """
name = "day0"
description = "test"
date = "2000-01-01"
attacker = "Germany"
duration_days = 30
law = "{law}"
combat_power = "personnel"
[attrition]
german_rate = {b}
soviet_rate = {a}
{sectors}
"""
SECTOR = """
[[sectors]]
name = "{name}"
[[sectors.forces.USSR]]
inline = {{ personnel = {u} }}
[[sectors.forces.Germany]]
inline = {{ personnel = {g} }}
"""


def _row(tmp_path: Path, law: str, a: float, b: float, forces: list[tuple[float, float]]) -> float:
    sectors = "".join(SECTOR.format(name=f"S{i}", u=u, g=g) for i, (u, g) in enumerate(forces))
    path = tmp_path / f"{law}.toml"
    path.write_text(TEMPLATE.format(law=law, a=a, b=b, sectors=sectors), encoding="utf-8")
    (row,) = compare([str(path)])
    return float(row["combat_power_ratio"])


def _oracle(law: str, a: float, b: float, forces: list[tuple[float, float]]) -> float:
    """USSR's destroying power over Germany's: the Germans' day-0 losses over the Soviets'."""
    german_loss = soviet_loss = 0.0
    for u, g in forces:
        german_loss += {"square": a * u, "linear": a * u * g, "mixed": a * u}[law]
        soviet_loss += {"square": b * g, "linear": b * g * u, "mixed": b * g * u}[law]
    return german_loss / soviet_loss


@pytest.mark.parametrize(
    ("law", "a", "b", "forces", "expected"),
    [
        ("mixed", 0.5, 1e-4, [(1000, 5000)], 1.0),  # the review's guerrillas: 500 v 500 a day
        ("linear", 2e-4, 1e-5, [(1000, 5000)], 20.0),  # 1,000 a day v 50
        ("linear", 2e-4, 1e-5, [(1000, 5000), (3000, 100)], None),  # sectors: sum, not product
        ("square", 0.006, 0.001, [(50000, 100000), (10, 7)], 3.0 * 50010 / 50000 * 100000 / 100007),
    ],
)
def test_day0_ratio_is_the_laws_loss_rates(
    tmp_path: Path, law: str, a: float, b: float, forces: list[tuple[float, float]],
    expected: float | None,
) -> None:  # fmt: skip
    want = _oracle(law, a, b, forces)
    if expected is not None:
        assert want == pytest.approx(expected, rel=1e-12)  # the hand figure
    assert _row(tmp_path, law, a, b, forces) == pytest.approx(want, rel=1e-9)
