"""README's "Layout" section names every top-level module and folder of the package, and
every benchmark script, and only ones that exist: a newcomer reads from it what lives where
(the oracle is the package's and benchmarks/' own folder listings)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "forceratio"
BENCHMARKS = ROOT / "benchmarks"


def _layout() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def _top_level() -> set[str]:
    modules = {p.name for p in PACKAGE.glob("*.py")}
    folders = {p.name + "/" for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    return modules | folders


def test_layout_lists_every_top_level_module_and_folder() -> None:
    listed = set(re.findall(r"^src/forceratio/(\S+)", _layout(), flags=re.MULTILINE))
    assert _top_level() - listed == set(), "in the package, missing from README's Layout"
    assert listed - _top_level() == set(), "in README's Layout, not in the package"


def test_layout_lists_every_benchmark_script() -> None:
    line = _layout().split("\nbenchmarks/", 1)[1].split("\n```", 1)[0]
    scripts = line.split("(", 1)[1].split(")", 1)[0]  # the scripts' list, before RESULTS.md
    listed = {name.strip() for name in scripts.replace("\n", " ").split(",")}
    listed = {name.removeprefix("and ").strip() for name in listed}
    there = {p.stem for p in BENCHMARKS.glob("*.py")}
    assert there - listed == set(), "in benchmarks/, missing from README's Layout"
    assert listed - there == set(), "in README's Layout, not in benchmarks/"
