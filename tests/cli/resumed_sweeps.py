"""What the tests of ``sweep --resume`` share: the sweep they resume (a built-in scenario,
its options), that scenario exported to a file of the user's, and a store's files as
bytes (a refused resumption must leave them as they were)."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.cli import run

SCN = "strike-12june-strip"
VARY = ["--vary", "modifiers.quality.Germany=0.3:20"]
OPTS = [*VARY, "--samples", "12", "--seed", "5", "--chunk-size", "4", "--no-progress"]


def exported(path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """:data:`SCN` written to ``path`` by ``forceratio scenarios export``."""
    assert run(["scenarios", "export", SCN]) == 0
    path.write_text(capsys.readouterr().out)
    return path


def store_files(out: Path) -> dict[str, bytes]:
    """Every file of the store ``out``, by name, as bytes."""
    return {p.name: p.read_bytes() for p in out.iterdir()}
