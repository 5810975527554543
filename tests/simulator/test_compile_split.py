"""Issue 11, defect 7: the deterministic engine calls its step as a first-class function,
so the step (the right-hand side and the Dormand-Prince step) and the engine compile in
two processes at once; the numbers are those of one compile."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.simulator.test_compile_start import BATTLE, _run

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"), reason="no JIT"),
]

REPORT = (
    "from forceratio import warmup\n"
    "from forceratio.simulator import integrator, kernel\n"
    "def stats(d):\n"
    "    return [sum(d.stats.cache_hits.values()), sum(d.stats.cache_misses.values())]\n"
    "print(json.dumps({'step': stats(kernel.dopri_step), 'engine': stats(integrator.run_chunk),\n"
    "    'rates': len(kernel.rates.overloads), 'child': warmup._child,\n"
    "    'step_child': warmup._step_child, 'nums': nums}))\n"
)


def test_the_engine_compiles_without_its_step(tmp_path: Path) -> None:
    """With only the step in the cache, the engine's first call compiles the engine and
    loads the step: the right-hand side is not compiled in that process at all (it would
    be if the engine called it directly), and the numbers are those of a process that
    compiled everything itself."""
    step_only = (
        "import json\nfrom forceratio.simulator import compiled\n"
        "compiled.step_function().__wrapper_address__()\nprint(json.dumps({}))\n"
    )
    _run(step_only, tmp_path / "split")
    split = _run("import json, forceratio as f\n" + BATTLE + REPORT, tmp_path / "split")
    plain = _run("import json, forceratio as f\n" + BATTLE + REPORT, tmp_path / "plain")
    assert split["step"] == [1, 0]  # loaded
    assert split["engine"] == [0, 1]  # compiled here
    assert split["rates"] == 0  # ... without the right-hand side
    assert plain["step"] == [0, 1]
    assert plain["rates"] == 1
    assert split["nums"] == plain["nums"]  # bit for bit


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the children are for Linux")
def test_warm_up_compiles_the_step_and_the_engine_in_two_children(tmp_path: Path) -> None:
    """``warm_up()`` forks one child for the step and one for the engine; the parent's
    first call loads both (cache hits, nothing compiled) with the numbers of one compile."""
    code = "import json, forceratio as f\nfrom forceratio import warmup\nwarmup.warm_up()\n"
    warm = _run(code + BATTLE + REPORT, tmp_path / "warm")
    plain = _run("import json, forceratio as f\n" + BATTLE + REPORT, tmp_path / "plain")
    assert isinstance(warm["child"], int)
    assert isinstance(warm["step_child"], int)
    assert 0 < warm["step_child"] != warm["child"] > 0
    assert warm["step"] == [1, 0]
    assert warm["engine"] == [1, 0]
    assert warm["rates"] == 0  # compiled in the step's child only
    assert warm["nums"] == plain["nums"]
