"""Issue 11, defect 7: how the engine's first compile is made cheaper must not change it.

* The memo of numba's typing of builtin calls (:func:`forceratio.simulator.jit.memo_typing`) gives
  the very same machine code as numba's own typing.
* :func:`.warmup.warm_up` compiles in a child process into the disk cache; the engine's
  first call in the parent then loads that cache (it compiles nothing) and gives the same
  numbers as a process that compiled the engine itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def _run(code: str, cache: Path, *argv: str) -> dict[str, Any]:
    # one hash seed for every child: numba's lowering iterates over sets of names, so two
    # processes with different string hashes can allocate registers differently (the same
    # code, other machine code; seen 5 December 2026): the comparisons here are of one
    # pipeline against another, under the same seed
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONHASHSEED="0")
    res = subprocess.run(
        [sys.executable, "-c", code, *argv], env=env, capture_output=True, text=True, timeout=600
    )
    assert res.returncode == 0, res.stderr[-2000:]
    out: dict[str, Any] = json.loads(res.stdout.splitlines()[-1])
    return out


def test_the_typing_memo_gives_the_same_machine_code(tmp_path: Path) -> None:
    code = (
        "import sys, json, hashlib, forceratio as f\n"
        "from forceratio.simulator import jit\n"
        "if sys.argv[1:] == ['off']:\n"
        "    jit.memo_typing = lambda dispatcher: None\n"
        + BATTLE
        + "from forceratio.simulator import integrator\n"
        "asm = ''.join(integrator.run_chunk.inspect_asm().values())\n"
        "print(json.dumps({'asm': hashlib.sha256(asm.encode()).hexdigest(), 'n': len(asm)}))\n"
    )
    on, off = _run(code, tmp_path / "on"), _run(code, tmp_path / "off", "off")
    assert int(str(on["n"])) > 10_000
    assert on == off


def test_warm_up_compiles_in_a_child_and_the_parent_loads_its_cache(tmp_path: Path) -> None:
    code = (
        "import sys, json, time, forceratio as f\n"
        "from forceratio.simulator import warmup\n"
        "from forceratio.simulator import integrator\n"
        "warm = sys.argv[1:] == ['warm']\n"
        "if warm:\n"
        "    warmup.warm_up()\n"
        "    time.sleep(1.0)  # the loading thread waits first: this call must wait too\n"
        "child = warmup._child\n" + BATTLE + "stats = integrator.run_chunk.stats\n"
        "print(json.dumps({'child': child, 'hits': sum(stats.cache_hits.values()), "
        "'misses': sum(stats.cache_misses.values()), 'nums': nums}))\n"
    )
    plain = _run(code, tmp_path / "plain")
    assert plain["child"] is None
    assert plain["misses"] == 1
    assert plain["hits"] == 0
    warm = _run(code, tmp_path / "warm", "warm")
    if not sys.platform.startswith("linux"):
        pytest.skip("the child process is for Linux only")
    assert isinstance(warm["child"], int)
    assert warm["child"] > 0
    assert warm["hits"] == 1
    assert warm["misses"] == 0
    assert warm["nums"] == plain["nums"]  # bit for bit (JSON keeps every digit)


SWEEP = (
    "import json, os, sys\n"
    "from forceratio.simulator import warmup\n"
    "seen = {}\n"
    "fork = os.fork\n"
    "def noting_fork():\n"
    "    seen.update(typer='typer' in sys.modules, pandas='pandas' in sys.modules)\n"
    "    return fork()\n"
    "os.fork = noting_fork\n"
    "if sys.argv[2] == 'here':\n"
    "    warmup.warm_up = lambda *engines, **kw: None  # compiled by the sweep itself\n"
    "from forceratio.cli import run\n"
    "rc = run(['sweep', 'strike-12june-strip', '--samples', '3000', '--seed', '1',\n"
    "          '--no-progress', '--out', sys.argv[1]])\n"
    "from forceratio.simulator import integrator\n"
    "stats = integrator.run_chunk.stats\n"
    "import pandas as pd\n"
    "df = pd.read_parquet(sys.argv[1]).sort_values('sample')\n"
    "print(json.dumps({'rc': rc, 'seen': seen, 'hits': sum(stats.cache_hits.values()),\n"
    "    'misses': sum(stats.cache_misses.values()),\n"
    "    'rows': {c: df[c].astype(str).tolist() if df[c].dtype == object else\n"
    "             df[c].tolist() for c in df.columns}}))\n"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is for Linux only")
def test_the_command_line_starts_the_compile_first_and_loads_it(tmp_path: Path) -> None:
    """``forceratio sweep`` forks the compiling child before typer and pandas are imported;
    the sweep then loads the child's compile (a cache hit, no compile of its own) and gives
    the same rows, bit for bit, as a sweep that compiled the engine itself; a second sweep
    on the filled cache starts no child."""

    early, here = (
        _run(SWEEP, tmp_path / f"cache-{k}", str(tmp_path / k), k) for k in ("early", "here")
    )
    assert early["rc"] == here["rc"] == 0
    assert early["seen"] == {"typer": False, "pandas": False}
    assert (early["hits"], early["misses"]) == (1, 0)
    assert here["seen"] == {}  # no child: the engine compiled in the sweep's process
    assert (here["hits"], here["misses"]) == (0, 1)
    assert early["rows"] == here["rows"]
    again = _run(SWEEP, tmp_path / "cache-early", str(tmp_path / "again"), "early")
    assert again["seen"] == {}  # the cache is filled: no child
    assert (again["hits"], again["misses"]) == (1, 0)
    assert again["rows"] == early["rows"]


FAILING = (
    "import json, os, sys\n"
    "from forceratio.cli import run\n"
    "from forceratio.simulator import warmup\n"
    "rc = run(['sweep', 'strike-12june-strip', '--samples', '100', '--seed', '1'])  # no --out\n"
    "child = warmup._child\n"
    "try:\n"
    "    os.kill(child, 0)\n"
    "    alive = True\n"
    "except (ProcessLookupError, TypeError):\n"
    "    alive = False\n"
    "print(json.dumps({'rc': rc, 'child': child, 'alive': alive}))\n"
)

ORPHANS = (
    "import ctypes, json, os, subprocess, sys, time\n"
    "ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come here\n"
    "res = subprocess.run([sys.executable, '-m', 'forceratio', 'sweep', 'strike-12june-strip',\n"
    "                      '--samples', 'many', '--seed', '1', '--out', sys.argv[1]])\n"
    "time.sleep(0.3)\n"
    "left = []\n"
    "for pid in filter(str.isdigit, os.listdir('/proc')):\n"
    "    try:\n"
    "        stat = open(f'/proc/{pid}/stat').read()\n"
    "    except OSError:\n"
    "        continue\n"
    "    if int(stat.rsplit(')', 1)[1].split()[1]) == os.getpid():\n"
    "        left.append(int(pid))\n"
    "print(json.dumps({'rc': res.returncode, 'left': left}))\n"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is for Linux only")
def test_a_sweep_with_bad_input_leaves_no_compile_behind(tmp_path: Path) -> None:
    """Bad input ends the command with exit status 2 before the engine runs: the child
    compiling the engine is stopped and reaped, not left compiling for seconds."""
    failing = _run(FAILING, tmp_path / "cache-a")  # no --out: refused in the command
    assert failing["rc"] == 2
    assert isinstance(failing["child"], int)  # the compile had started...
    assert failing["alive"] is False  # ...and is gone
    # a usage error (typer's), through the console entry point
    orphans = _run(ORPHANS, tmp_path / "cache-b", str(tmp_path / "out"))
    assert orphans["rc"] == 2
    assert orphans["left"] == []


ALONE = (
    "import sys, json, time, forceratio as f\n"
    "from forceratio.simulator import warmup\n"
    "from forceratio.simulator import integrator\n"
    "engine, warm = sys.argv[1], sys.argv[2:] == ['warm']\n"
    "if warm:\n"
    "    warmup.warm_up(engine)\n"
    "    time.sleep(0.5)\n"
    "if engine == 'stochastic':\n"
    "    r = f.battle('power', [1000.0, 5000.0], [800.0, 9e3], 0.01, 0.012, p=1.5, q=0.5,\n"
    "                 times=[0.0, 1.0, 7.0], replications=40, seed=3)\n"
    "    from forceratio.simulator.stochastic import run_chunk as entry\n"
    "else:\n"
    "    r = f.battle('square', [1e4, 5e5, 3.0], [8e3, 9e5, 2.0], 0.01, [0.012, 0.2, 1.0])\n"
    "    from forceratio.simulator.closed_form import square_chunk as entry\n"
    "print(json.dumps({'child': warmup._child, 'hits': sum(entry.stats.cache_hits.values()),\n"
    "    'misses': sum(entry.stats.cache_misses.values()),\n"
    "    'deterministic': len(getattr(integrator.run_chunk, 'overloads', {})),\n"
    "    'nums': [*r.red_final.ravel(), *r.blue_final.ravel(), *r.end_time.ravel()]}))\n"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is for Linux only")
@pytest.mark.parametrize("engine", ["stochastic", "square"])
def test_an_engine_is_warmed_up_alone(tmp_path: Path, engine: str) -> None:
    """``warm_up('stochastic')`` (``'square'``) compiles that engine in the child and its
    first call loads it (a cache hit) with the same numbers as a process that compiled
    it; the deterministic engine, which it does not run, is neither compiled nor waited
    for."""
    plain = _run(ALONE, tmp_path / "plain", engine)
    warm = _run(ALONE, tmp_path / "warm", engine, "warm")
    assert (plain["hits"], plain["misses"]) == (0, 1)
    assert isinstance(warm["child"], int)
    assert (warm["hits"], warm["misses"]) == (1, 0)
    assert warm["deterministic"] == 0
    assert warm["nums"] == plain["nums"]


def test_the_entry_points_compile_without_the_loop_vectoriser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """:func:`forceratio.simulator.jit.scalar_loops`: the machine code changes (the switch acts),
    the numbers do not (no fast-math: LLVM reorders no arithmetic either way), numba's
    global setting is put back after the compile, and a ``NUMBA_LOOP_VECTORIZE`` the user set
    wins."""
    code = (
        "import sys, json, hashlib, forceratio as f\n"
        "from numba.core import config\n"
        "before = config.LOOP_VECTORIZE\n"
        + BATTLE
        + "from forceratio.simulator import integrator\n"
        "asm = ''.join(integrator.run_chunk.inspect_asm().values())\n"
        "print(json.dumps({'asm': hashlib.sha256(asm.encode()).hexdigest(), 'nums': nums,\n"
        "                  'kept': config.LOOP_VECTORIZE == before}))\n"
    )
    scalar = _run(code, tmp_path / "scalar")
    monkeypatch.setenv("NUMBA_LOOP_VECTORIZE", "1")
    vector = _run(code, tmp_path / "vector")
    assert scalar["kept"]
    assert vector["kept"]
    assert scalar["asm"] != vector["asm"]
    assert scalar["nums"] == vector["nums"]


def test_the_skipped_passes_leave_every_entry_points_machine_code_as_it_was(
    tmp_path: Path,
) -> None:
    """:data:`forceratio.simulator.jit.UNUSED_PASSES`: the three entry points compiled with numba's
    whole pipeline and with those passes skipped give byte-identical machine code."""
    code = (
        "import sys, json, hashlib\n"
        "from forceratio.simulator import jit\n"
        "if sys.argv[1:] == ['all']:\n"
        "    jit.UNUSED_PASSES = frozenset()\n"
        "from forceratio.simulator.warmup import _first_calls\n"
        "from forceratio.simulator import closed_form, integrator, stochastic\n"
        "_first_calls(frozenset(['integrator.run_chunk', 'stochastic.run_chunk',\n"
        "                        'closed_form.square_chunk']))\n"
        "fs = [integrator.run_chunk, stochastic.run_chunk, closed_form.square_chunk]\n"
        "asm = [''.join(f.inspect_asm().values()) for f in fs]\n"
        "print(json.dumps({'asm': [hashlib.sha256(a.encode()).hexdigest() for a in asm],\n"
        "                  'n': [len(a) for a in asm]}))\n"
    )
    lean, whole = _run(code, tmp_path / "lean"), _run(code, tmp_path / "whole", "all")
    assert min(lean["n"]) > 1_000
    assert lean == whole
