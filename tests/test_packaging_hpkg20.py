"""Packaging checks (review20d): the declared dependency floors really work, and the floors in
pyproject.toml are the ones ci/constraints-min.txt pins."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lower_bounds_pinned_exactly() -> None:
    """Every runtime floor is pinned in ci/constraints-min.txt at that exact version."""
    assert _script("check_min_deps").consistency_problems() == []


def test_lower_bounds_above_the_known_breaks() -> None:
    """The floors review20d found broken are gone: typer < 0.28 has no TyperException (every
    usage error a traceback), pydantic 2.5 rejects the scenarios' strict tuples, scipy < 1.15's
    sobol_indices has no rng=. typer 0.28 itself needs rich >= 13.8."""
    script = _script("check_min_deps")
    floors = {name: script._version_tuple(v) for name, v in script._declared_floors().items()}
    assert floors["typer"] >= (0, 28)
    assert floors["pydantic"] >= (2, 6)
    assert floors["scipy"] >= (1, 15)
    assert floors["rich"] >= (13, 8)


@pytest.mark.slow
def test_floor_stack_installs_and_runs(tmp_path: Path) -> None:
    """The floor stack (pip install -c ci/constraints-min.txt) installs, passes pip check and
    runs the CLI commands that broke below the old floors (about two minutes: downloads)."""
    assert _script("check_min_deps").run_floor_stack(tmp_path / "venv") == []
