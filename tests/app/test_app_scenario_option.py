"""``forceratio app --scenario FILE``: a scenario file reaches the explorer from the command line.

Before, the explorer could list a file only from Python (``serve(files=...)``): the command had
no option for it.  Oracles: the file's own scenario name in the served list; a bad file is one
line, exit 2, before the command says where it serves.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.scenario_files import ScenarioFile

from .conftest import free_port


def test_a_file_given_on_the_command_line_is_listed(tmp_path: Path) -> None:
    path = ScenarioFile(name="from-the-cli", duration_days=20).write(tmp_path / "mine.toml")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "forceratio", "app", "--no-browser", "--port", str(port),
         "--scenario", str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    with proc:
        try:
            names: list[str] = []
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    url = f"http://127.0.0.1:{port}/api/scenarios"
                    with urllib.request.urlopen(url, timeout=5) as r:
                        names = [s["name"] for s in json.load(r)]
                    break
                except OSError:
                    time.sleep(0.5)
            alive = proc.poll() is None
        finally:
            proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert alive, err
    assert "from-the-cli" in names
    assert names[-1] == "from-the-cli"  # after the built-ins


def test_a_bad_file_is_one_line_before_anything_is_served(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 'x'\nduration_days = -3\n", encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "forceratio", "app", "--no-browser", "--port", str(free_port()),
         "--scenario", str(bad)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("forceratio: error: ")
    assert "bad.toml" in lines[0]
    assert "Traceback" not in res.stderr
    assert res.stdout == ""


def test_a_built_in_name_given_as_a_file_is_said_to_be_listed_already() -> None:
    """``--scenario kiev-1941`` (a built-in's name, not a file) said "scenario name
    'kiev-1941' is taken by a built-in scenario; rename it": there is nothing to rename.
    Oracle: the written requirement (one line naming the value and what it is)."""
    import pytest

    from forceratio.app.model import Explorer
    from forceratio.errors import InputError

    with pytest.raises(InputError) as err:
        Explorer(files=("kiev-1941",))
    assert err.value.field == "kiev-1941"
    assert "rename" not in err.value.problem
    assert err.value.problem.startswith("a built-in scenario, listed already")
