"""``fit_map``'s memory check counted its draws alone (0.7 MB for 2,000 draws of
the whole 1941 record's 11 parameters) and not their predictive table, which runs the
model on the 2,000 draws at once (124 MB: hmem21b): 0.005 of the 151 MB it adds.  It now
counts the table as the sampler does (:func:`forceratio.calibration.result.predictive_bytes`):
0.84.  And ``forceratio calibrate`` checked the method's estimate alone, not the command's
own memory (:data:`~forceratio.limits.BYTES_COMMAND_BASE`) beside it, as every other batch
command does: ``calibrate --mode map`` adds 212 MB, the estimate read 0.003 (0.6 with the
table), now 1.17.  A calibration found shipped or cached is not refused (nothing to
compute).  Measured as hmem20/hmem21b measure (VmHWM less RssFile's growth, reset through
/proc/self/clear_refs), the mode and its covariance stood in by the shipped posterior's
median and covariance (BFGS on the record takes minutes; a mode is small single runs)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forceratio.errors import InputError
from tests.memory_child import child, measure

LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status")

# the mode and its Laplace covariance from the shipped posterior, read on first use (the
# child's spy on the memory checks is in place before the calibration modules import them)
SETUP = """
import numpy as np
from forceratio.calibration import mode, sampling
from forceratio.scenarios import record_fit
from forceratio.scenarios.session import Session

held = {}

def shipped_z(problem):
    if "z" not in held:
        ship = record_fit.shipped(record_fit.inputs(Session().table))
        held["z"] = problem.unconstrain(ship.draws)
    return held["z"]

def find_mode(problem, *args, **kwargs):
    z0 = np.median(shipped_z(problem), axis=0)
    lp = float(problem.log_posterior(z0[None])[0])
    return mode.Mode(z0, problem.constrain(z0[None])[0], lp, True, "", 1, 1)

def laplace_covariance(problem, z0, *args, **kwargs):
    return np.cov(shipped_z(problem).T)

mode.find_mode = sampling.find_mode = find_mode
mode.laplace_covariance = sampling.laplace_covariance = laplace_covariance
"""

# fit_map from Python after a warm model call
FIT_MAP = child(
    SETUP
    + """
p = record_fit.inputs(Session().table).problem
p.predict(p.full(p.constrain(shipped_z(p)[:2]))[0])
""",
    "mode.fit_map(p, n_draws=int(sys.argv[1]), n_starts=1)\n",
)

# the command, from the imported command line (hmem20's CHILD); a non-zero code fails the child
COMMAND = child(
    SETUP + "from forceratio.cli.app import app\n",
    "code = app(sys.argv[1:], standalone_mode=False)\nassert not code, code\n",
)


def _child(script: str, args: list[str], tmp: Path) -> tuple[float, list[tuple[str, float]]]:
    """:func:`tests.memory_child.measure` with an empty cache: the fit is computed."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FORCERATIO_CACHE_DIR", str(tmp / "cache"))
        return measure(script, args, tmp)


@pytest.mark.slow
@LINUX
def test_fit_maps_estimate_counts_its_predictive_table(tmp_path: Path) -> None:
    """2,000 draws: about 151 MB measured, 121 MB estimated on 2 threads (127 MB before
    hsweep23's model_bytes; the draws alone: 0.7 MB)."""
    added, asked = _child(FIT_MAP, ["2000"], tmp_path)
    first = asked[0]
    assert first[0] == "n_draws", asked
    assert 0.7 <= float(first[1]) / added <= 1.4, (first, added)


@pytest.mark.slow
@LINUX
def test_the_calibrate_commands_estimate_counts_the_command(tmp_path: Path) -> None:
    """``calibrate --mode map --no-loo`` (computed: an empty cache): about 203-212 MB
    measured, 241 MB estimated on 2 threads (the command's 120 MB and fit_map's 121 MB)."""
    args = ["calibrate", "--mode", "map", "--no-loo", "--format", "json"]
    added, asked = _child(COMMAND, args, tmp_path)
    draws = max(float(e) for f, e in asked if f == "n_draws")
    assert 0.7 <= draws / added <= 1.4, (asked, added)


def _no_mode(*args: object, **kwargs: object) -> None:
    raise AssertionError("the mode was sought: nothing refused the fit")


def test_fit_map_above_the_limit_is_refused_before_the_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from forceratio.calibration import mode
    from forceratio.scenarios import record_fit
    from forceratio.scenarios.session import Session

    monkeypatch.setattr(mode, "find_mode", _no_mode)
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "100M")
    problem = record_fit.inputs(Session().table).problem
    with pytest.raises(InputError) as err:
        mode.fit_map(problem, n_draws=2000)
    assert err.value.field == "n_draws", err.value
    # 14 free: the 13 shared parameters (operations.capture.killed_share the 13th) and sigma
    assert len(problem.free) == 14
    assert "2,000 draws of 14 and their predictive table" in err.value.problem


def test_calibrate_above_the_limit_is_refused_naming_mode_and_the_shipped_fit_is_not(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Under 200M (the map fit's 127 MB fits; with the command's 120 MB it does not) the
    computed fit is refused in one line, exit 2, before the mode; the shipped posterior,
    read not computed, is printed under the same limit."""
    from forceratio.calibration import mode
    from forceratio.cli.app import app

    monkeypatch.setattr(mode, "find_mode", _no_mode)
    env = {"FORCERATIO_MAX_MEMORY": "200M", "FORCERATIO_CACHE_DIR": str(tmp_path)}
    args = ["calibrate", "--mode", "map", "--no-loo", "--format", "json"]
    res = CliRunner().invoke(app, args, env=env)
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "forceratio: error: --mode: 2,000 draws of 14 and their predictive table need about"
    ), lines
    shipped = CliRunner().invoke(app, ["calibrate", "--format", "json"], env=env)
    assert shipped.exit_code == 0, (shipped.output[-2000:], shipped.exception)
    assert json.loads(shipped.output)["source"] == "shipped"


def test_prior_predictive_above_the_limit_names_draws(tmp_path: Path) -> None:
    """The map fit's draws are its --mode's (the test above) while the prior predictive
    check's are --draws: the same Python field, ``n_draws``, named per command path."""
    from forceratio.cli.app import app

    env = {"FORCERATIO_MAX_MEMORY": "200M", "FORCERATIO_CACHE_DIR": str(tmp_path)}
    args = ["calibrate", "--prior-predictive", "--draws", "100000000"]
    res = CliRunner().invoke(app, args, env=env)
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("forceratio: error: --draws: "), lines
