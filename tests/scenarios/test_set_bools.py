"""review22d L9: a Python bool or None in a ``sets`` mapping.

``_toml_text`` wrote Python's ``True`` (not TOML's ``true``) and ``None`` as text, so
``set_texts({"a.b": True})`` gave ``a.b=True``, refused later as "got 'True'".  Oracle:
tomllib reads the written value back as the Python value given.
"""

from __future__ import annotations

import tomllib

import pytest

from forceratio.errors import InputError
from forceratio.scenarios import set_texts


@pytest.mark.parametrize(
    "value", [True, False, [True, False], {"x": True, "y": [False]}, (1, True, "t")]
)
def test_bools_are_written_as_toml_reads_them(value: object) -> None:
    (text,) = set_texts({"a.b": value})
    want = list(value) if isinstance(value, tuple) else value
    assert tomllib.loads(text) == {"a": {"b": want}}


@pytest.mark.parametrize("value", [None, [1, None], {"x": None}])
def test_none_is_refused_naming_the_key(value: object) -> None:
    with pytest.raises(InputError) as err:
        set_texts({"a.b": value})
    assert err.value.field == "sets"
    assert "\n" not in str(err.value)
    assert "a.b: None" in str(err.value)
