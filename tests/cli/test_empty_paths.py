"""An empty path value (``--out "$OUT"`` with OUT unset) is refused in one line naming the
option, exit status 2, nothing written: ``Path('')`` is the current folder, where a sweep
was written (``_sweep.json`` and a part) or read (probe32 item 2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.refusals import refused


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["sweep", "barbarossa-22june", "--out", ""], "--out"),
        (["sweep", "barbarossa-22june", "--out="], "--out"),
        (["discover", "barbarossa-22june", "--from", ""], "--from"),
        (["fit", ""], "DATA"),
        (["plot", "--out", ""], "--out"),
        (["report", "barbarossa-22june", "--out", " "], "--out"),  # blank: a typo as well
    ],
)
def test_an_empty_path_is_refused_naming_its_option(
    args: list[str],
    option: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FORCERATIO_CACHE_DIR", str(tmp_path / "cache"))
    line = refused(capsys, args)
    assert line == f"forceratio: error: {option}: an empty path", line
    assert os.listdir(tmp_path) == []  # the oracle: the current folder stays empty
