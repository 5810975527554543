"""``--set sectors.N.…``: N is a list position written as digits, 0 the first.  Before,
Python's int() and indexing read ``-1`` as the last sector, ``+0`` and ``0_0`` as the
first, and edited it silently, where ``sectors.99`` of a 1-sector scenario is refused."""

from __future__ import annotations

import pytest

from forceratio import scenarios
from forceratio.errors import InputError


def _raw() -> dict[str, object]:
    return {"sectors": [{"name": "A"}, {"name": "B"}]}


@pytest.mark.parametrize("index", ["-1", "-2", "+0", "0_0", " 1", "1 "])
def test_an_index_not_written_as_digits_is_refused(index: str) -> None:
    """Oracle: the refusal of an index past the list, 'no list item'."""
    with pytest.raises(InputError) as exc:
        scenarios.apply_sets(_raw(), [f"sectors.{index}.name=C"])
    assert exc.value.field == "sets", exc.value
    assert f"no list item {index!r}" in exc.value.problem, exc.value
    # the digits themselves still address the items
    assert scenarios.apply_sets(_raw(), ["sectors.1.name=C"])["sectors"] == [
        {"name": "A"}, {"name": "C"},
    ]  # fmt: skip
