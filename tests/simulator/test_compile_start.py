"""Issue 11, defect 7: how the engine's first compile is made cheaper must not change it.

* The memo of numba's typing of builtin calls (:func:`forceratio.jit.memo_typing`) gives
  the very same machine code as numba's own typing.
* :func:`.compiled.warm_up` compiles in a child process into the disk cache; the engine's
  first call in the parent then loads that cache (it compiles nothing) and gives the same
  numbers as a process that compiled the engine itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"), reason="no JIT"),
]

BATTLE = (
    "r = f.battle('power', [1000.0, 5000.0, 3e5], [800.0, 9e3, 2e5], 0.01, 0.012, p=1.5, "
    "q=0.5, times=[0.0, 1.0, 7.0], method='integrator')\n"
    "nums = [*r.red_final_by_category.ravel(), *r.blue_final_by_category.ravel(), "
    "*r.end_time, *r.red_trajectory.ravel()]\n"
)


def _run(code: str, cache: Path) -> dict[str, object]:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    res = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
    )
    assert res.returncode == 0, res.stderr[-2000:]
    out: dict[str, object] = json.loads(res.stdout.splitlines()[-1])
    return out


def test_the_typing_memo_gives_the_same_machine_code(tmp_path: Path) -> None:
    code = (
        "import sys, json, hashlib, forceratio as f\n"
        "from forceratio import jit\n"
        "if sys.argv[1:] == ['off']:\n"
        "    jit.memo_typing = lambda dispatcher: None\n"
        + BATTLE
        + "from forceratio.simulator import integrator\n"
        "asm = ''.join(integrator.run_chunk.inspect_asm().values())\n"
        "print(json.dumps({'asm': hashlib.sha256(asm.encode()).hexdigest(), 'n': len(asm)}))\n"
    )
    on = _run(code, tmp_path / "on")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "off"))
    res = subprocess.run(
        [sys.executable, "-c", code, "off"], env=env, capture_output=True, text=True, timeout=600
    )
    assert res.returncode == 0, res.stderr[-2000:]
    off = json.loads(res.stdout.splitlines()[-1])
    assert int(str(on["n"])) > 10_000
    assert on == off


def test_warm_up_compiles_in_a_child_and_the_parent_loads_its_cache(tmp_path: Path) -> None:
    code = (
        "import sys, json, time, forceratio as f\n"
        "from forceratio.simulator import compiled, integrator\n"
        "warm = sys.argv[1:] == ['warm']\n"
        "if warm:\n"
        "    compiled.warm_up()\n"
        "    time.sleep(1.0)  # the loading thread waits first: this call must wait too\n"
        "child = compiled._child\n" + BATTLE + "stats = integrator.run_chunk.stats\n"
        "print(json.dumps({'child': child, 'hits': sum(stats.cache_hits.values()), "
        "'misses': sum(stats.cache_misses.values()), 'nums': nums}))\n"
    )
    plain = _run(code, tmp_path / "plain")
    assert plain["child"] is None
    assert plain["misses"] == 1
    assert plain["hits"] == 0
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "warm"))
    res = subprocess.run(
        [sys.executable, "-c", code, "warm"], env=env, capture_output=True, text=True, timeout=600
    )
    assert res.returncode == 0, res.stderr[-2000:]
    warm = json.loads(res.stdout.splitlines()[-1])
    if not sys.platform.startswith("linux"):
        pytest.skip("the child process is for Linux only")
    assert isinstance(warm["child"], int)
    assert warm["child"] > 0
    assert warm["hits"] == 1
    assert warm["misses"] == 0
    assert warm["nums"] == plain["nums"]  # bit for bit (JSON keeps every digit)
