"""The README's Python is the package's: every ``python`` block runs as printed against the
public API (review23a M9: its scenario example needed ``scenarios.load``, ``run.run`` and
``Session``, none of them in ``forceratio.__all__``), and every name ``__all__`` exports is
shown there (``summarize``, ``get_law``, ``LAWS`` and ``ForceratioError`` were not).  A block
the README calls an outline (placeholders for the reader's own data) runs its imports only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import forceratio

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
BLOCKS = [(m.start(), m.group(1)) for m in BLOCK.finditer(README)]


def _outline(start: int) -> bool:
    """Whether the paragraph before the block at ``start`` calls it an outline."""
    before = README[:start].rstrip().rsplit("\n\n", 1)[-1]
    return "outline" in before.lower()


def test_the_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 3
    assert sum(not _outline(s) for s, _ in BLOCKS) >= 2


@pytest.mark.parametrize(
    ("start", "code"), BLOCKS, ids=[f"line{README[:s].count(chr(10)) + 1}" for s, _ in BLOCKS]
)
def test_python_block_runs(start: int, code: str) -> None:
    tree = ast.parse(code)
    if _outline(start):  # only the imports are the package's; the rest names the reader's data
        tree.body = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        assert tree.body, "an outline block without imports"
    exec(compile(tree, "README.md", "exec"), {"__name__": "readme"})


def _shown(name: str) -> bool:
    """``forceratio.NAME`` anywhere, or NAME imported from ``forceratio`` in a block."""
    if re.search(rf"\bforceratio\.{re.escape(name)}\b", README):
        return True
    for _, code in BLOCKS:
        for node in ast.walk(ast.parse(code)):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "forceratio"
                and name in {a.name for a in node.names}
            ):
                return True
    return False


@pytest.mark.parametrize("name", forceratio.__all__)
def test_every_exported_name_is_shown(name: str) -> None:
    assert _shown(name), f"forceratio.{name} is exported but the README never shows it"


@pytest.mark.parametrize("name", ["load", "load_scenario", "run", "Session"])
def test_the_scenario_api_is_exported(name: str) -> None:
    assert name in forceratio.__all__
    assert callable(getattr(forceratio, name))
