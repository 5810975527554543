"""``--set`` paths: a list item is named by its position in digits only (Python's int()
would take ``-1`` as the last item, and ``+1``, ``1_0``), and a quoted key holds its dots as
in TOML (``uncertainty."breakpoints.USSR"``), so that the path names one table entry.  The
oracle is the TOML reader itself: the same key written in a file."""

from __future__ import annotations

import tomllib

import pytest

from forceratio import scenarios
from forceratio.errors import InputError


def _raw() -> dict[str, object]:
    return {"sectors": [{"name": "a"}, {"name": "b"}], "uncertainty": {}}


@pytest.mark.parametrize(
    "key", ["-1", "-2", "+0", "+1", "0_0", "1_0", " 1", "1 ", "٣", "1" * 5000, "2"]
)
def test_a_list_item_is_named_by_its_position_in_digits(key: str) -> None:
    raw = _raw()
    with pytest.raises(InputError) as err:
        scenarios.apply_sets(raw, [f"sectors.{key}.name=z"])
    assert err.value.field == "sets"
    assert "no list item" in err.value.problem
    assert raw == _raw()  # nothing changed


def test_a_list_item_in_range_is_set() -> None:
    assert scenarios.apply_sets(_raw(), ["sectors.1.name=z"])["sectors"][1] == {"name": "z"}


@pytest.mark.parametrize(
    "path",
    ['uncertainty."breakpoints.USSR"', "uncertainty.'breakpoints.USSR'", '"uncertainty"."a.b"'],
)
def test_a_quoted_key_holds_its_dots_as_toml_reads_it(path: str) -> None:
    want = tomllib.loads(f"{path} = [0.1, 0.5]")
    got = scenarios.apply_sets({"uncertainty": {}}, [f"{path}=[0.1, 0.5]"])
    assert got == want


@pytest.mark.parametrize("path", ['uncertainty."breakpoints.USSR', 'a."b".', "a.'b"])
def test_an_unclosed_quote_is_refused_in_one_line(path: str) -> None:
    with pytest.raises(InputError) as err:
        scenarios.apply_sets({}, [f"{path}=1"])
    assert err.value.field == "sets"
    assert "not a dotted path" in err.value.problem
