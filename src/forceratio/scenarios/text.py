"""The free text a scenario file shows in every table and figure (side names, sector names,
record labels), checked one way: printable, and for a name, visible and written in one
alphabet per word.

A name is shown where a reader compares it with another (two sides, two sectors): a
control character would reach the terminal (a newline, an ANSI escape), a format character
hides or reorders what follows it (a zero-width space; a right-to-left override, U+202E),
and a Cyrillic letter inside a Latin word looks like the Latin one ("Gеrmany" with a
Cyrillic е is not "Germany" to a program, and is to a reader).
"""

from __future__ import annotations

import re
import unicodedata

from forceratio.errors import InputError

#: Unicode categories such text may not hold: control characters (C0, DEL, C1), format
#: characters (a zero-width space, the bidirectional overrides and isolates U+202A-202E,
#: U+2066-2069) and the line and paragraph separators.
UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp"})

#: The alphabets whose letters look alike (Latin a, Cyrillic а, Greek α): a word mixing them
#: is a look-alike pasted or typed by mistake.  Other scripts have no such twins in these
#: and may stand beside them ("Red Army (РККА)": a word in each alphabet is fine).
LOOKALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")

#: Cyrillic and Greek letters drawn as a Latin one (after Unicode's confusables.txt, the
#: whole-letter twins only), so that "СССР" (Cyrillic) and "CCCP" (Latin) compare equal.
_TWINS = str.maketrans(
    "АВЕКМНОРСТУХЅІЈаеорсухѕіјһԁΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρυχ",
    "ABEKMHOPCTYXSIJaeopcyxsijhdABEZHIKMNOPTYXoikvpux",
)
_WORD = re.compile(r"[^\W\d_]+")


def visible(c: str) -> bool:
    """Whether ``c`` shows on its own: not a space, a mark or another invisible."""
    return unicodedata.category(c)[0] not in "ZMC"


def check_printable(field: str, text: str, what: str = "a name") -> None:
    """Raise an :class:`InputError` naming ``field`` when ``text`` holds a control, format
    or line-separator character (:data:`UNPRINTABLE`); ``what`` words the value."""
    bad = next((c for c in text if unicodedata.category(c) in UNPRINTABLE), None)
    if bad is not None:
        raise InputError(
            field, f"{what} must be printable text, got {text!r} (character U+{ord(bad):04X})"
        )


def _script(c: str) -> str | None:
    """The look-alike alphabet of the letter ``c`` (:data:`LOOKALIKE_SCRIPTS`), else None."""
    head = unicodedata.name(c, "").split(" ", 1)[0]
    return head if head in LOOKALIKE_SCRIPTS else None


def check_name(field: str, name: str) -> None:
    """:func:`check_printable`, then refuse a name with nothing visible or with a word whose
    letters come from two of Latin, Cyrillic and Greek (after NFKC: a full-width Ｂ is
    Latin), naming the first letter of the second alphabet."""
    check_printable(field, name)
    if not any(map(visible, name)):
        raise InputError(field, f"a name must not be blank (no visible character), got {name!r}")
    for word in _WORD.findall(unicodedata.normalize("NFKC", name)):
        seen: dict[str, str] = {}
        for c in word:
            s = _script(c)
            if s is not None:
                seen.setdefault(s, c)
        if len(seen) > 1:
            first, (other, c) = next(iter(seen)), list(seen.items())[1]
            raise InputError(
                field,
                f"{name!r} mixes {first.title()} and {other.title()} letters in one word "
                f"({c!r} is U+{ord(c):04X} {unicodedata.name(c)}, a look-alike?): write "
                "each word in one alphabet",
            )


def skeleton(name: str) -> str:
    """What a reader sees of ``name``: trimmed, NFKC-normalised (a full-width "Ｂlue" is
    "Blue"), Cyrillic and Greek twins of Latin letters made Latin ("СССР" is "CCCP"), case
    folded.  Two names with one skeleton cannot be told apart."""
    return unicodedata.normalize("NFKC", name.strip()).translate(_TWINS).casefold()
