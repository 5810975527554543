"""The small scenario file the tests write: one sector, two sides of men only (the USSR and
Germany slots, Germany attacking), a law and two kill rates.  :class:`ScenarioFile` holds
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
attacker = "Germany"
duration_days = {duration_days}
law = "{law}"
combat_power = "personnel"
{head}
[attrition]
german_rate = {german_rate}
soviet_rate = {soviet_rate}
[[sectors]]
name = "{sector}"
[[sectors.forces.USSR]]
inline = {{ personnel = {ussr} }}
[[sectors.forces.Germany]]
{germany_part}
{tail}
"""


@dataclasses.dataclass(frozen=True)
class ScenarioFile:
    """A scenario file's fields; :meth:`text` is its TOML, :meth:`write` writes it.

    ``date``: a ``str`` is written as a TOML string, a :class:`datetime.date` (or
    ``datetime``) as a native TOML date (or date-time), ``None`` leaves the key out.
    ``germany_part``: TOML lines for Germany's force part in place of ``inline = {
    personnel = germany }`` (a table part, say).  ``head``: TOML lines among the top-level
    keys (``side_names = ...``); ``tail``: lines after the sector (``[breakpoints]``, the
    sector's ``[[sectors.arrivals.Germany]]``).
    """

    name: str = "test"
    description: str = "test"
    date: str | datetime.date | None = "2000-01-01"
    duration_days: float = 60
    law: str = "square"
    german_rate: float = 0.012  # Germany's kill rate, men a man a day
    soviet_rate: float = 0.010
    sector: str = "A"
    ussr: float = 50000  # men
    germany: float = 40000
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
        if self.germany_part is None:
            fields["germany_part"] = f"inline = {{ personnel = {self.germany} }}"
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
