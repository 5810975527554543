"""review22d L7: side names with invisible characters, or the other side's name in another
Unicode form.

Format characters (category Cf) were accepted: a zero-width space alone ("\\u200b") as a
name, a right-to-left override ("\\u202eRed") that reverses what the terminal shows after
it; and "Ｂlue" (a full-width B, which NFKC makes "B") beside "Blue" named two sides alike.
Oracle: the Unicode database (unicodedata.category, unicodedata.normalize), checked here
beside each case.
"""

from __future__ import annotations

import unicodedata

import pytest

from forceratio.errors import InputError
from forceratio.scenarios import load_scenario

SCN = "strike-12june-strip"


def _refused(names: dict[str, str]) -> InputError:
    with pytest.raises(InputError) as err:
        load_scenario(SCN, {f"side_names.{k}": v for k, v in names.items()})
    return err.value


@pytest.mark.parametrize("name", ["\u200b", "\u202eRed", "Re\u2060d", "\u00adBlue"])
def test_a_format_character_is_refused(name: str) -> None:
    assert any(unicodedata.category(c) == "Cf" for c in name)
    err = _refused({"USSR": name, "Germany": "Grey"})
    assert err.field.endswith("side_names.USSR")
    assert "printable" in err.problem


@pytest.mark.parametrize("name", ["\u0301", " \u0301 "])
def test_a_name_with_nothing_visible_is_refused(name: str) -> None:
    assert all(unicodedata.category(c)[0] in "ZM" for c in name)  # a lone combining accent
    err = _refused({"USSR": name, "Germany": "Grey"})
    assert err.field.endswith("side_names.USSR")
    assert "blank" in err.problem


def test_names_alike_after_nfkc_and_case_folding_are_refused() -> None:
    a, b = "\uff22lue", "Blue"  # a full-width B
    assert a.casefold() != b.casefold()
    assert unicodedata.normalize("NFKC", a).casefold() == b.casefold()
    err = _refused({"USSR": a, "Germany": b})
    assert err.field.endswith("side_names.Germany")
    assert "two names" in err.problem
    # names NFKC keeps apart stay apart (an accent is a letter of its own)
    scn = load_scenario(SCN, {"side_names.USSR": "Bl\u00e9u", "side_names.Germany": "Bleu"})
    assert dict(scn.side_names) == {"USSR": "Bl\u00e9u", "Germany": "Bleu"}
