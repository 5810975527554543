"""A real table as it comes (the ACSDB Ardennes series of ``fixtures/ardennes_acsdb.md``,
space-separated, with its own column names) was refused as "missing column(s): day, red,
blue": true, but it named neither the spaces nor the columns to rename (found 6 December
2026 running ``forceratio fit`` on the stored file)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from forceratio.cli.app import app

RAW = Path(__file__).parent / "fixtures" / "ardennes_acsdb.txt"
runner = CliRunner()


def _refusal(path: Path) -> str:
    res = runner.invoke(app, ["fit", str(path)])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    return lines[0]


def test_a_space_separated_table_is_named_so() -> None:
    """Since 6 December 2026 named as the file's layout, before its columns are read
    (tests/test_space_separated_files.py)."""
    line = _refusal(RAW)
    assert "a space-separated file (its header and row 2 split at spaces into 5 cells" in line
    assert "separate the columns with commas, semicolons or tabs" in line


def test_the_columns_to_rename_are_named(tmp_path: Path) -> None:
    path = tmp_path / "ardennes.csv"
    path.write_text(RAW.read_text().replace(" ", ","))
    line = _refusal(path)
    assert "missing column(s): red, blue; it has forcesallies, casualtiesallies," in line
    assert "rename those holding red, blue (the fit reads day, red, blue," in line


def test_a_table_missing_a_column_only_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("day,red\n0,1\n1,2\n")
    assert _refusal(path).endswith("missing column(s): blue")
