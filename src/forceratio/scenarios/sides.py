"""The names a scenario's two sides are shown by.

A scenario file has two side slots, ``USSR`` and ``Germany`` (its tables are keyed by them);
``side_names = { USSR = "Blue", Germany = "Red" }`` names them for every label, title and
legend.  Without it a built-in 1941 scenario keeps the 1941 wording (USSR/Soviet,
Germany/German) and any other scenario is shown by its slots' names (``USSR men lost``), so
nothing printed says "Soviet" or "German" of a battle that is neither.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from forceratio.errors import InputError
from forceratio.scenarios.model import SIDES, Scenario

#: The title of the 1941 comparison (every row in the 1941 wording).
TITLE_1941 = "12 June 1941 strike v 22 June 1941 (USSR : Germany)"

_WORD = re.compile(r"\b(USSR|Soviet|Germany|Germans|German)\b")


#: Unicode categories a name may not hold: control characters (C0, DEL, C1: a newline or
#: an ANSI escape would reach the terminal), format characters (a zero-width space, a
#: right-to-left override that reverses what follows it) and the line and paragraph
#: separators.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _visible(c: str) -> bool:
    """Whether ``c`` shows on its own: not a space, a mark or another invisible."""
    return unicodedata.category(c)[0] not in "ZMC"


def _same(a: str, b: str) -> bool:
    """Whether two names would be read as one: equal after NFKC (a full-width "Ｂlue" is
    "Blue") and case folding."""
    return (
        unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()
    )


def check_names(given: Mapping[str, str]) -> None:
    """Raise an :class:`InputError` naming ``side_names.<slot>`` when a given name has no
    visible character, holds a control or format character, or is, trimmed, NFKC-normalised
    and case-folded, the name the other side is shown by (its own given name, else its
    slot's: ``{ USSR = "Germany" }`` alone would show both sides as Germany).  Naming one
    side only is allowed."""
    for slot, name in given.items():
        bad = next((c for c in name if unicodedata.category(c) in _UNPRINTABLE), None)
        if bad is not None:
            raise InputError(
                f"side_names.{slot}",
                f"a name must be printable text, got {name!r} (character U+{ord(bad):04X})",
            )
        if not any(map(_visible, name)):
            raise InputError(
                f"side_names.{slot}",
                f"a name must not be blank (no visible character), got {name!r}",
            )
    shown = {s: given.get(s, s).strip() for s in SIDES}
    if _same(shown["USSR"], shown["Germany"]):  # no output could tell them apart
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
