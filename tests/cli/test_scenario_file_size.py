"""A scenario file is refused above its own size limit before it is parsed: a 60 MB file
of 3.3 million keys (within the 64 MB limit of input files) spent 38 s in the TOML parser,
then the schema's errors for each unknown key grew past 2.4 GB and the process ended in a
Rust panic (``PyObject pointer is null``, ``memory allocation of 92 bytes failed``) under
``prlimit --as=3000000000``.  A built-in scenario is about 16 KB."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from forceratio.scenarios import MAX_SCENARIO_BYTES, builtins, export
from tests.cli.refusals import refused


def test_the_limit_leaves_room_for_every_built_in() -> None:
    assert max(len(export(n).encode()) for n in builtins()) * 20 < MAX_SCENARIO_BYTES


def test_a_scenario_file_above_the_limit_is_refused_unparsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tomllib.loads

    def parse(text: str) -> object:
        assert len(text) <= MAX_SCENARIO_BYTES, "a file above the limit was parsed"
        return plain(text)

    monkeypatch.setattr(tomllib, "loads", parse)
    big = tmp_path / "big.toml"
    lines = [export("strike-12june-strip")]
    lines += [f"k{i} = {i}" for i in range(MAX_SCENARIO_BYTES // 8)]
    big.write_text("\n".join(lines) + "\n")
    size = big.stat().st_size
    assert size > MAX_SCENARIO_BYTES
    line = refused(capsys, ["scenarios", "show", str(big)])
    assert f"{big}: file is " in line, line
    assert "limit for a scenario file" in line, line


def test_a_file_within_the_limit_is_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok = tmp_path / "ok.toml"
    ok.write_text(export("strike-12june-strip") + "\n# " + "x" * (MAX_SCENARIO_BYTES // 2) + "\n")
    line = refused(capsys, ["scenarios", "show", str(ok), "--set", "no.such=1"])
    assert "file is" not in line, line
