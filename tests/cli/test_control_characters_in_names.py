"""A refusal stays one line when the name it quotes holds a line break or another control
character: a file named ``bad<newline>name.toml`` made the error two lines
(``forceratio: error: in/bad`` / ``name.toml: malformed TOML: ...``), and an escape
sequence in a name (ESC) would reach the terminal as a command.  Such characters are shown
escaped, as Python writes them in a string (``\\n``, ``\\x1b``, ``\\u2028``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.refusals import refused

#: Characters that end a line for ``str.splitlines`` or drive a terminal.
ODD = ["\n", "\r", "\x1b[2J", "\u2028", "\x85", "\u202e"]


def _escaped(name: str) -> str:
    return name.encode("unicode_escape").decode("ascii")


@pytest.mark.parametrize("odd", ODD)
def test_a_scenario_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str], odd: str) -> None:
    bad = tmp_path / f"bad{odd}name.toml"
    bad.write_text("x = [")
    line = refused(capsys, ["scenarios", "show", str(bad)])
    assert f"bad{_escaped(odd)}name.toml: malformed TOML" in line, line
    assert line.isprintable(), line


@pytest.mark.parametrize("odd", ODD)
def test_a_missing_table_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], odd: str) -> None:
    missing = tmp_path / f"x{odd}y.csv"
    line = refused(capsys, ["data", "show", "strip", "--table", f"strip={missing}"])
    assert line.endswith(f"x{_escaped(odd)}y.csv: file not found"), line


def test_a_missing_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "no\nsuch" / "x.svg"
    line = refused(capsys, ["plot", "strike-12june-strip", "--kind", "trajectory",
                            "--out", str(out)])  # fmt: skip
    assert line.endswith("no\\nsuch does not exist"), line
