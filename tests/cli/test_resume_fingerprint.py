"""review22c M2, M3: what a sweep store's fingerprint counts.

M2: the manifest kept ``__version__`` (always 0.1.0), so ``--resume`` by other code (the
reviewer's copy of the package with MIN_LEAP_EVENTS = 50) added that code's chunks to the
old code's: 12 old chunks and 4 new in one store.  It now keeps the calibration cache's
code version (the version and a hash of the package's sources): a resumption by other
code is refused in one line; reading the finished store is not (reading mixes nothing).

M3: the scenario's digest held its prose, so a corrected ``[sources]`` text made
``--resume`` and ``discover --from`` refuse a valid store; the prose is now left out as
the calibration's key leaves it out (one definition), and a numeric edit still counts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import forceratio
from forceratio.calibration import cache
from forceratio.cli import run
from forceratio.digest import value_digest
from forceratio.sweeps import inputs
from forceratio.sweeps.store import MANIFEST
from tests.cli.refusals import refused
from tests.cli.resumed_sweeps import OPTS as SHARED_OPTS
from tests.cli.resumed_sweeps import SCN, exported, store_files

#: 16 samples, not the shared 12: these tests read the store with discover --from, which
#: needs at least 16 (PRIM peels no box from fewer)
OPTS = [*SHARED_OPTS[: SHARED_OPTS.index("--samples") + 1], "16",
        *SHARED_OPTS[SHARED_OPTS.index("--samples") + 2 :]]  # fmt: skip


def test_resume_by_other_code_is_refused_and_reading_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "sw"
    args = ["sweep", SCN, *OPTS, "--out", str(out)]
    assert run(args) == 0
    capsys.readouterr()
    whole = pd.read_parquet(out)
    held = json.loads((out / MANIFEST).read_text())["inputs"]["forceratio"]
    assert held == cache.code_version() != forceratio.__version__  # the sources' hash kept
    (out / "part-0000001.parquet").unlink()  # an interrupted sweep
    before = store_files(out)
    monkeypatch.setattr(cache, "code_version", lambda: "0.1.0+0000000000000000")
    line = refused(capsys, [*args, "--resume"])
    assert line == (
        f"forceratio: error: --resume: {out} was swept by other forceratio code ({held} then, "
        "0.1.0+0000000000000000 now), and resuming would mix two versions' numbers in one "
        "store; sweep again into another --out"
    )
    assert store_files(out) == before  # nothing written, nothing dropped
    monkeypatch.undo()
    assert run([*args, "--resume"]) == 0  # the same code finishes it
    capsys.readouterr()
    pd.testing.assert_frame_equal(pd.read_parquet(out), whole)
    monkeypatch.setattr(cache, "code_version", lambda: "0.1.0+0000000000000000")
    assert run(["discover", SCN, "--from", str(out)]) == 0  # reading: other code is fine
    assert "Box 1" in capsys.readouterr().out


def test_resume_by_an_edited_copy_of_the_package_is_refused(tmp_path: Path) -> None:
    """The reviewer's reproduction, as a real process: a copy of the package whose one
    source file differs (here by a comment: the code version hashes every source)."""
    out = tmp_path / "sw"
    args = [sys.executable, "-m", "forceratio", "sweep", SCN, *OPTS, "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(Path(forceratio.__file__).parent.parent)}
    assert subprocess.run(args, env=env, capture_output=True).returncode == 0
    (out / "part-0000002.parquet").unlink()
    copy = tmp_path / "copy" / "forceratio"
    shutil.copytree(Path(forceratio.__file__).parent, copy, ignore=shutil.ignore_patterns("*.pyc"))
    engine = copy / "simulator" / "__init__.py"
    engine.write_text(engine.read_text() + "\n# edited\n")
    env["PYTHONPATH"] = str(copy.parent)
    done = subprocess.run([*args, "--resume"], env=env, capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert "was swept by other forceratio code" in done.stderr
    assert not (out / "part-0000002.parquet").exists()


def test_a_prose_edit_keeps_the_store_and_a_numeric_edit_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = exported(tmp_path / "mine.toml", capsys)
    text = toml.read_text()
    out = tmp_path / "sw"
    args = ["sweep", str(toml), *OPTS, "--out", str(out)]
    assert run(args) == 0
    capsys.readouterr()
    whole = pd.read_parquet(out)
    (out / "part-0000001.parquet").unlink()
    # hdoc22's kind of edit: a [sources] text, and the description and a note with it
    prose = text.replace('"ASSUMPTION, no source: the share', '"ASSUMPTION (reworded): the share')
    prose = prose.replace('\ndescription = "A Soviet strike', '\ndescription = "A strike', 1)
    prose = prose.replace("\nnotes = [", '\nnotes = [\n  "one more note",', 1)
    assert "(reworded)" in prose
    assert "A strike" in prose
    assert "one more note" in prose
    toml.write_text(prose)
    assert run([*args, "--resume"]) == 0  # refused before: "the scenario's content changed"
    capsys.readouterr()
    pd.testing.assert_frame_equal(pd.read_parquet(out), whole)
    assert run(["discover", str(toml), "--from", str(out)]) == 0  # the file edited since
    capsys.readouterr()
    moved = tmp_path / "elsewhere" / "mine.toml"  # the edited file under another path
    moved.parent.mkdir()
    moved.write_text(prose)
    assert run(["discover", str(moved), "--from", str(out)]) == 0
    capsys.readouterr()
    # a numeric edit still counts, for a resumption and a reader
    numeric = prose.replace("\nduration_days = 30 ", "\nduration_days = 10 ")
    assert numeric != prose
    toml.write_text(numeric)
    (out / "part-0000001.parquet").unlink()
    line = refused(capsys, [*args, "--resume"])
    assert "was swept from other inputs: the scenario's content" in line
    moved.write_text(numeric)
    line = refused(capsys, ["discover", str(moved), "--from", str(out)])
    assert "is another scenario of the same name (their contents differ)" in line


def test_a_store_written_when_the_digest_held_prose_is_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A guard for stores written before: their manifest's scenario digest is of the whole
    scenario, prose included; reading them must not call their scenario changed."""
    toml = exported(tmp_path / "mine.toml", capsys)
    out = tmp_path / "sw"
    monkeypatch.setattr(inputs, "scenario_digest", value_digest)  # the former digest
    assert run(["sweep", str(toml), *OPTS, "--out", str(out)]) == 0
    monkeypatch.undo()
    capsys.readouterr()
    assert run(["discover", str(toml), "--from", str(out)]) == 0
    capsys.readouterr()
    moved = tmp_path / "elsewhere" / "mine.toml"
    moved.parent.mkdir()
    shutil.copy(toml, moved)
    assert run(["discover", str(moved), "--from", str(out)]) == 0
