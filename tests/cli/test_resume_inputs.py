"""``sweep --resume`` refuses a store swept from other inputs than the ones given now
(review15hostile D8): the manifest keeps a digest of the scenario's content, of each
``--table`` file's content, of the figures the scenario resolves to and the forceratio
code (its version and sources), and a resumption names what changed, in one line, before
any work.  The same inputs resume to the numbers of an uninterrupted sweep."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from forceratio.cli import run
from forceratio.scenarios import builtins, load_scenario
from forceratio.sweeps.design import Design
from forceratio.sweeps.evaluate import SweepSpec, use_prepared
from forceratio.sweeps.inputs import input_digest
from forceratio.sweeps.runner import run_sweep
from forceratio.sweeps.store import MANIFEST
from tests.cli.refusals import refused
from tests.cli.resumed_sweeps import OPTS, SCN, exported, store_files


def test_resume_after_the_scenario_file_changed_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reviewer's reproduction: a partial sweep of an exported built-in, then
    duration_days edited from 30 to 10, then --resume: refused (it mixed 30- and 10-day
    battles in one store, rc 0); with the file restored the resumption completes to the
    numbers of an uninterrupted sweep."""
    toml = exported(tmp_path / "my.toml", capsys)
    text = toml.read_text()
    assert "\nduration_days = 30 " in text
    # a partial sweep (as an interruption leaves it): 1 of 3 chunks written
    assert run(["sweep", str(toml), *OPTS, "--out", str(tmp_path / "whole")]) == 0
    capsys.readouterr()
    manifest = json.loads((tmp_path / "whole" / MANIFEST).read_text())
    spec = SweepSpec.from_json(manifest["spec"])
    run_sweep(spec, tmp_path / "mix", chunk_size=4, max_chunks=1)
    assert len(list((tmp_path / "mix").glob("part-*.parquet"))) == 1
    toml.write_text(text.replace("\nduration_days = 30 ", "\nduration_days = 10 "))
    before = store_files(tmp_path / "mix")
    line = refused(capsys, ["sweep", str(toml), *OPTS, "--out", str(tmp_path / "mix"), "--resume"])
    assert line == (
        f"forceratio: error: --resume: {tmp_path / 'mix'} was swept from other inputs: the "
        "scenario's content (its file, with the --set values) changed since; resume with the "
        "inputs it was started with, or sweep into another --out"
    )
    assert store_files(tmp_path / "mix") == before  # nothing written, nothing dropped
    toml.write_text(text)  # the inputs it was started with: it completes
    assert run(["sweep", str(toml), *OPTS, "--out", str(tmp_path / "mix"), "--resume",
                "--format", "json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["computed_chunks"] == 2
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "mix"), pd.read_parquet(tmp_path / "whole")
    )


def _table(path: Path, note: str) -> Path:
    ref = resources.files("forceratio.data").joinpath("tables/modifiers.csv")
    path.parent.mkdir(exist_ok=True)
    path.write_text(ref.read_text(encoding="utf-8").rstrip("\n") + note + "\n")
    return path


def test_a_relative_table_path_resumed_from_another_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--table modifiers=mod.csv`` (relative) swept in one directory, resumed from
    another holding another mod.csv: the same spec (the same path string), other content."""
    _table(tmp_path / "a" / "mod.csv", "")
    _table(tmp_path / "b" / "mod.csv", " ")  # one more byte in the last cell's note
    out = tmp_path / "sw"
    args = ["sweep", SCN, *OPTS, "--uncalibrated", "--table", "modifiers=mod.csv", "--out",
            str(out)]  # fmt: skip
    monkeypatch.chdir(tmp_path / "a")
    assert run(args) == 0
    capsys.readouterr()
    (out / "part-0000002.parquet").unlink()
    monkeypatch.chdir(tmp_path / "b")
    line = refused(capsys, [*args, "--resume"])
    assert "was swept from other inputs: the content of --table modifiers changed" in line
    monkeypatch.chdir(tmp_path / "a")
    assert run([*args, "--resume"]) == 0


def test_a_manifest_without_inputs_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """(Another forceratio's store: test_resume_fingerprint.)"""
    out = tmp_path / "sw"
    args = ["sweep", SCN, *OPTS, "--out", str(out)]
    assert run(args) == 0
    capsys.readouterr()
    (out / "part-0000001.parquet").unlink()
    m = json.loads((out / MANIFEST).read_text())
    del m["inputs"]  # as written before manifests recorded their inputs (format 1)
    m["format"] = 1
    (out / MANIFEST).write_text(json.dumps(m))
    line = refused(capsys, [*args, "--resume"])
    assert "was written by an older forceratio, which did not record the sweep's inputs" in line


@pytest.mark.parametrize("name", builtins())
def test_every_builtin_has_an_input_digest(name: str) -> None:
    """Every field of every prepared built-in is digested (a new kind of field fails here,
    not silently), and a --set changes the scenario's digest but not the figures'."""
    spec = SweepSpec(name, Design.make("sobol", [], 1, 0))
    a = input_digest(spec)
    assert set(a) == {"scenario", "figures", "forceratio"}
    longer = f"duration_days={load_scenario(name).duration_days + 1:g}"
    b = input_digest(SweepSpec(name, spec.design, sets=(longer,)))
    assert b["scenario"] != a["scenario"]
    assert b["figures"] == a["figures"]


def test_the_digest_is_the_same_in_another_process(tmp_path: Path) -> None:
    """A resumption runs in another process: the digest must not depend on it (no object
    addresses, no hash randomisation)."""
    code = (
        "import json; from forceratio.sweeps.design import Design; "
        "from forceratio.sweeps.evaluate import SweepSpec; "
        "from forceratio.sweeps.inputs import input_digest; "
        f"print(json.dumps(input_digest(SweepSpec({SCN!r}, Design.make('sobol', [], 1, 0)))))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    cmd = [sys.executable, "-c", code]
    seen = [
        json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout)
        for _ in range(2)
    ]
    here = input_digest(SweepSpec(SCN, Design.make("sobol", [], 1, 0)))
    assert seen == [here, here]


def test_use_prepared_of_other_figures_changes_the_digest() -> None:
    """The figures digest reads the prepared scenario's numbers (a table edited in place
    of a built-in's figures)."""
    from dataclasses import replace

    from forceratio.scenarios import load

    spec = SweepSpec(SCN, Design.make("sobol", [], 1, 0))
    prep = load(SCN)
    use_prepared(spec, prep)
    a = input_digest(spec)
    side = next(iter(prep.forces))
    f0 = prep.forces[side][0]
    other = replace(f0, value=f0.value * 1.001)
    use_prepared(spec, replace(prep, forces={**prep.forces, side: [other, *prep.forces[side][1:]]}))
    try:
        assert input_digest(spec)["figures"] != a["figures"]
        assert input_digest(spec)["scenario"] == a["scenario"]
    finally:
        use_prepared(spec, prep)
