"""The names a scenario's two sides are shown by.

A scenario file has two side slots, ``USSR`` and ``Germany`` (its tables are keyed by them);
``side_names = { USSR = "Blue", Germany = "Red" }`` names them for every label, title and
legend.  Without it a built-in 1941 scenario keeps the 1941 wording (USSR/Soviet,
Germany/German) and any other scenario is shown by its slots' names (``USSR men lost``), so
nothing printed says "Soviet" or "German" of a battle that is neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from forceratio.errors import InputError
from forceratio.scenarios.schema import SIDES, Scenario
from forceratio.scenarios.text import check_name, skeleton

#: The title of the 1941 comparison (every row in the 1941 wording).
TITLE_1941 = "12 June 1941 strike v 22 June 1941 (USSR : Germany)"

_WORD = re.compile(r"\b(USSR|Soviet|Germany|Germans|German)\b")


def check_names(given: Mapping[str, str]) -> None:
    """Raise an :class:`InputError` naming ``side_names.<slot>`` when a given name is not a
    name (:func:`~forceratio.scenarios.text.check_name`: printable, visible, each word in
    one alphabet) or looks like the name the other side is shown by (its own given name,
    else its slot's: ``{ USSR = "Germany" }`` alone would show both sides as Germany), the
    same :func:`~forceratio.scenarios.text.skeleton`: trimmed, NFKC-normalised, Cyrillic
    and Greek twins of Latin letters made Latin, case-folded.  Naming one side only is
    allowed."""
    for slot, name in given.items():
        check_name(f"side_names.{slot}", name)
    shown = {s: given.get(s, s).strip() for s in SIDES}
    if skeleton(shown["USSR"]) == skeleton(shown["Germany"]):  # no output could tell them apart
        slot = "Germany" if "Germany" in given else "USSR"  # both given: the second repeats
        raise InputError(
            f"side_names.{slot}",
            f"the two sides need two names; both would be shown as {shown[slot]!r}",
        )


def display_names(scn: Scenario) -> dict[str, str] | None:
    """Slot -> the name it is shown by (trimmed); None for the 1941 wording (a built-in
    scenario that names no sides)."""
    from forceratio.scenarios import builtins

    given: dict[str, str] = {str(k): v.strip() for k, v in scn.side_names.items()}
    if given:
        return {s: given.get(s, s) for s in SIDES}
    if scn.name in builtins():
        return None
    return {s: s for s in SIDES}


def common_names(rows: Iterable[Mapping[str, Any]]) -> dict[str, str] | None:
    """The names of comparison rows (their ``side_names``; None on a 1941 row): None when
    every row is in the 1941 wording, the rows' names when they agree, else the slots'."""
    seen = {tuple(sorted(n.items())) if (n := r.get("side_names")) else None for r in rows}
    if seen <= {None}:
        return None
    if len(seen) == 1:
        return dict(seen.pop() or ())
    return {s: s for s in SIDES}


def rename(text: str, names: Mapping[str, str] | None) -> str:
    """``text`` (written in the 1941 wording) with the sides called by ``names``."""
    if names is None:
        return text
    su, de = names["USSR"], names["Germany"]
    text = text.replace("the Germans destroy", f"{de} destroys")
    words = {"USSR": su, "Soviet": su, "Germany": de, "German": de, "Germans": de}
    return _WORD.sub(lambda m: words[m[1]], text)


def comparison_title(rows: Iterable[Mapping[str, Any]]) -> str:
    """The comparison's title: the 1941 one for the 1941 rows, else the sides' names."""
    names = common_names(list(rows))
    if names is None:
        return TITLE_1941
    return f"Scenario comparison ({names['USSR']} : {names['Germany']})"
