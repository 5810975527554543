"""``dir(forceratio)`` and ``help(forceratio)`` show the public API (review18b 3: the lazy
module ``__getattr__`` had no ``__dir__``, so ``dir`` gave only the module's imports and
``help`` listed ``__getattr__`` alone), and listing it imports nothing."""

from __future__ import annotations

import pydoc
import subprocess
import sys

import forceratio


def test_dir_lists_every_public_name() -> None:
    names = dir(forceratio)
    assert set(forceratio.__all__) <= set(names)
    assert {"battle", "compare", "fit"} <= set(names)
    assert names == sorted(names)


def test_help_shows_the_functions() -> None:
    text = pydoc.plain(pydoc.render_doc(forceratio))
    functions = text.split("\nFUNCTIONS\n", 1)[1]
    for name in ("battle", "compare", "fit", "summarize", "simulate"):
        assert f"\n    {name}(" in functions, name


def test_dir_stays_lazy() -> None:
    """Listing the API imports none of it (numpy stays unloaded: ``forceratio --help``)."""
    code = "import sys, forceratio; dir(forceratio); print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
