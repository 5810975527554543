"""One seed rule from Python and the command line, and the seed a command used printed
(an outside review of a non-1941 user, hcli's leftovers):

* ``compare()`` and ``run()`` fell back to a scenario's own ``seed`` (1941 unless set)
  while the command line used 0: the same scenario gave other numbers from Python;
* a scenario file's ``seed`` is refused (it was read from Python only), and ``--seed``
  applies to a file's own ``replications``;
* every command whose work draws random numbers says the seed it used, in its JSON and in
  its table or line;
* a plain grid store made with ``--seed`` by an older forceratio (a seed is refused for a
  grid since) resumes, with its recorded seed, which changes no number.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forceratio import scenarios
from forceratio.cli import run
from forceratio.errors import InputError
from forceratio.scenarios.compare import compare
from forceratio.scenarios.run import run as run_scenario
from tests.scenario_files import ScenarioFile

# A synthetic one-day battle under the ancient law (dR/dt = -b while B > 0), counted in men:
# the USSR side (50,000) loses german_rate men a day, the German (40,000) 80,000 a day.
FILE = ScenarioFile(
    name="ancient-synthetic", description="synthetic: one field, personnel only, ancient law",
    date="1900-01-01", attacker="USSR", duration_days=1, law="ancient", german_rate=120000,
    soviet_rate=80000, sector="field", ussr=50000, germany=40000,
)  # fmt: skip
RATE = "attrition.german_rate"
QUANTILES = ("soviet_losses_q50", "german_losses_q05", "german_losses_q50", "german_losses_q95")


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(FILE.write(tmp_path / "ancient.toml"))


def _json(capsys: pytest.CaptureFixture[str], args: list[str]) -> object:
    capsys.readouterr()
    assert run(args) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


# --- one rule ------------------------------------------------------------------------------
def test_python_compare_and_run_seed_0_unless_given(
    path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The documented default (README, "Seeds"): without a seed, the numbers of seed 0."""
    (row,) = compare([path], replications=20)
    (zero,) = compare([path], replications=20, seed=0)
    (other,) = compare([path], replications=20, seed=1941)  # the old fall-back
    assert row["seed"] == 0
    assert [row[k] for k in QUANTILES] == [zero[k] for k in QUANTILES]
    assert [row[k] for k in QUANTILES] != [other[k] for k in QUANTILES]
    cli = _json(capsys, ["run", path, "--replications", "20", "--format", "json"])
    assert isinstance(cli, dict)
    assert cli["seed"] == 0
    assert [cli[k] for k in QUANTILES] == [row[k] for k in QUANTILES]
    prep = scenarios.load(path)
    bare = run_scenario(prep, calibration={}, replications=20)
    seeded = run_scenario(prep, calibration={}, replications=20, seed=0)
    np.testing.assert_array_equal(bare.duration, seeded.duration)


def test_a_file_that_sets_a_seed_is_refused_naming_it(tmp_path: Path) -> None:
    p = replace(FILE, head="seed = 7").write(tmp_path / "seeded.toml")
    with pytest.raises(InputError) as err:
        scenarios.load_scenario(str(p))
    assert err.value.field.endswith(": seed")
    assert "--seed" in err.value.problem


def test_seed_applies_to_a_files_own_replications(
    path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``replications`` in the file (here by --set) make the run random: --seed applies
    (it was refused as 'nothing here is random') and is the one printed."""
    args = ["run", path, "--set", "replications=5", "--format", "json"]
    four = _json(capsys, [*args, "--seed", "4"])
    zero = _json(capsys, args)
    assert isinstance(four, dict)
    assert isinstance(zero, dict)
    assert (four["seed"], zero["seed"], four["replications"]) == (4, 0, 5)


# --- the seed used, printed ---------------------------------------------------------------
VARY = ["--vary", f"{RATE}=60000:200000"]


def test_run_and_compare_print_the_seed(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(capsys, ["compare", path, "--replications", "3", "--seed", "2", "--format",
                          "json"])  # fmt: skip
    assert isinstance(rows, list)
    assert rows[0]["seed"] == 2
    capsys.readouterr()
    assert run(["run", path, "--replications", "3"]) == 0
    assert f"{Path(path)} (seed 0)" in capsys.readouterr().out.replace("\n", "")
    assert run(["run", path]) == 0  # deterministic: no seed to print
    assert "seed" not in capsys.readouterr().out


def test_threshold_prints_the_seed_of_its_replications(
    path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["threshold", path, *VARY, "--format", "json"]
    assert _json(capsys, [*args, "--replications", "2"])["seed"] == 0  # type: ignore[index]
    assert "seed" not in _json(capsys, args)  # type: ignore[operator]


def test_sweep_prints_its_seed(
    path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["sweep", path, *VARY, "--samples", "4", "--no-progress", "--format", "json"]
    out = _json(capsys, [*args, "--seed", "3", "--out", str(tmp_path / "s")])
    assert isinstance(out, dict)
    assert out["seed"] == 3


def test_sensitivity_prints_its_seed(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["sensitivity", path, *VARY, "--vary", "attrition.soviet_rate=60000:100000"]
    rows = _json(capsys, [*args, "--samples", "64", "--format", "json"])
    assert isinstance(rows, list)
    assert {r["seed"] for r in rows} == {0}
    rows = _json(capsys, [*args, "--method", "morris", "--seed", "5", "--format", "json"])
    assert isinstance(rows, list)
    assert {r["seed"] for r in rows} == {5}
    capsys.readouterr()
    assert run([*args, "--samples", "64"]) == 0
    assert "seed 0" in capsys.readouterr().out


def test_discover_prints_its_seed(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["discover", path, *VARY, "--samples", "256", "--no-progress"]
    boxes = _json(capsys, [*args, "--format", "json"])
    assert isinstance(boxes, list)
    assert boxes
    assert {b["seed"] for b in boxes} == {0}
    capsys.readouterr()
    assert run([*args, "--seed", "6"]) == 0
    assert "Latin hypercube, seed 6" in capsys.readouterr().out


def test_plot_says_the_seed_of_a_figure_that_draws(
    path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    out = tmp_path / "d.png"
    args = ["plot", path, "--kind", "distribution", "--replications", "5", "--out", str(out)]
    assert run(args) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out} (distribution, seed 0)"


def test_calibrate_prints_its_seed(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["calibrate", "--format", "json"])  # the shipped posterior: seed 0
    assert isinstance(data, dict)
    assert data["seed"] == 0


# --- an old grid store ---------------------------------------------------------------------
def test_an_old_grid_store_made_with_a_seed_resumes(
    path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store as ``sweep --method grid --seed 3`` wrote it before a seed was refused for
    a grid (the library still takes one), one chunk lost; resuming it without --seed was
    refused ('was swept with --seed 3; give it'), and with --seed 3 too ('nothing here is
    random').  Oracle: the ancient law's closed form, the USSR side out at
    (50,000 - 0.5) / german_rate days, the German at (40,000 - 0.5) / 80,000."""
    from forceratio.cli.sweep_setup import sweep_setup
    from forceratio.sweeps.design import Design
    from forceratio.sweeps.evaluate import SweepSpec
    from forceratio.sweeps.runner import run_sweep
    from forceratio.sweeps.store import read_sweep

    vary = [f"{RATE}=100000:140000:3"]
    setup = sweep_setup(path, vary, None, None, False)
    spec = SweepSpec(path, Design.make("grid", setup.specs, None, 3), (), (), setup.calibration)
    out = tmp_path / "old-grid"
    run_sweep(spec, out, chunk_size=1)
    (out / "part-0000001.parquet").unlink()
    args = ["sweep", path, "--method", "grid", "--vary", *vary, "--out", str(out), "--resume",
            "--chunk-size", "1", "--no-progress", "--format", "json"]  # fmt: skip
    done = _json(capsys, args)
    assert isinstance(done, dict)
    assert (done["rows"], done["computed_chunks"]) == (3, 1)
    assert "seed" not in done  # a grid draws nothing
    df = read_sweep(out, path).sort_values(RATE)
    rates = np.array([100000.0, 120000.0, 140000.0])
    np.testing.assert_allclose(df[RATE], rates)
    ends = np.minimum((50000 - 0.5) / rates, (40000 - 0.5) / 80000)  # the first side out
    np.testing.assert_allclose(df["duration_days"], ends, rtol=1e-9)
    assert isinstance(df, pd.DataFrame)
