"""The small scenario file the tests write: one sector, two sides of men only (the USSR and
Germany slots, Germany attacking), the square law and two kill rates.  :class:`ScenarioFile` holds
the template's fields with their defaults; a test names only the fields it changes and
writes the TOML where it wants it::

    path = ScenarioFile(duration_days=120, ussr=50000, germany=100000).write(tmp_path / "a.toml")
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

TEMPLATE = """
name = "{name}"
description = "{description}"
{date}
attacker = "{attacker}"
duration_days = {duration_days}
{law}
{combat_power}
{head}
{attrition}
[[sectors]]
name = "{sector}"
{sector_lines}
[[sectors.forces.USSR]]
{ussr_part}
[[sectors.forces.Germany]]
{germany_part}
{tail}
"""


@dataclasses.dataclass(frozen=True)
class ScenarioFile:
    """A scenario file's fields; :meth:`text` is its TOML, :meth:`write` writes it.

    ``date``: a ``str`` is written as a TOML string, a :class:`datetime.date` (or
    ``datetime``) as a native TOML date (or date-time); ``None`` leaves the key out, as it
    does ``law`` and ``combat_power`` (their defaults then).  ``ussr_part``,
    ``germany_part``: TOML lines for the side's force part in place of ``inline = {
    personnel = ussr }`` (tanks too, a table part).  ``head``: TOML lines among the top-level
    keys (``side_names = ...``); ``sector_lines``: lines among the sector's keys (``mobile =
    ...``); ``tail``: lines after the sector (``[breakpoints]``, the
    sector's ``[[sectors.arrivals.Germany]]``).  ``attrition``: the ``[attrition]`` table's
    TOML in place of the two rates (``""`` leaves the table out).
    """

    name: str = "test"
    description: str = "test"
    date: str | datetime.date | None = "2000-01-01"
    attacker: str = "Germany"
    duration_days: float = 60
    law: str | None = "square"
    combat_power: str | None = "personnel"
    german_rate: float = 0.012  # Germany's kill rate, men a man a day
    soviet_rate: float = 0.010
    attrition: str | None = None
    sector: str = "A"
    sector_lines: str = ""
    ussr: float = 50000  # men
    germany: float = 40000
    ussr_part: str | None = None
    germany_part: str | None = None
    head: str = ""
    tail: str = ""

    def text(self) -> str:
        fields = dataclasses.asdict(self)
        if self.date is None:
            fields["date"] = ""
        elif isinstance(self.date, datetime.date):
            fields["date"] = f"date = {self.date.isoformat()}"
        else:
            fields["date"] = f'date = "{self.date}"'
        fields["law"] = "" if self.law is None else f'law = "{self.law}"'
        fields["combat_power"] = (
            "" if self.combat_power is None else f'combat_power = "{self.combat_power}"'
        )
        if self.attrition is None:
            fields["attrition"] = (
                f"[attrition]\ngerman_rate = {self.german_rate}\nsoviet_rate = {self.soviet_rate}"
            )
        for side, men in (("ussr", self.ussr), ("germany", self.germany)):
            if fields[f"{side}_part"] is None:
                fields[f"{side}_part"] = f"inline = {{ personnel = {men} }}"
        return TEMPLATE.format(**fields)

    def write(self, path: Path) -> Path:
        """The file written at ``path`` (UTF-8), ``path`` returned."""
        path.write_text(self.text(), encoding="utf-8")
        return path


def arrival(side: str, start: float, end: float, men: float) -> str:
    """A ``tail`` for :class:`ScenarioFile`: ``men`` of ``side`` arriving in the sector
    from day ``start`` to day ``end`` (all on that day when they are equal)."""
    return (
        f"[[sectors.arrivals.{side}]]\nstart_day = {start}\nend_day = {end}\n"
        f"[[sectors.arrivals.{side}.parts]]\ninline = {{ personnel = {men} }}\n"
    )
