"""Issue 15: every refusal is one clean line with exit status 2, every resource is bounded,
no silent wrong answer.  Each case the issue lists is a test here (the races and
reproducibility cases are in test_hardening_races.py).

The commands run through :func:`forceratio.cli.run`, the console script's own entry point,
in this process: an exception that escapes it fails the test as the traceback it would be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forceratio.cli import run
from forceratio.errors import InputError
from tests.cli.refusals import refused
from tests.scenario_files import ScenarioFile

ROOT = Path(__file__).resolve().parents[2]
CDB90 = ROOT.parent / "shared" / "data" / "cdb90"
BATTLE = ["battle", "--red", "1000", "--blue", "800", "--red-rate", "0.01", "--blue-rate", "0.012"]


def forbid(monkeypatch: pytest.MonkeyPatch, *targets: str) -> None:
    """Make each ``targets`` (``"module.name"`` or ``"module.Class.method"``: the expensive
    work) fail if reached: a refusal that comes after the work then fails the test, which
    a time limit on the refusal only caught on a quiet machine."""
    for target in targets:

        def reached(*args: object, _target: str = target, **kwargs: object) -> None:
            raise AssertionError(f"{_target} was reached: the refusal came after the work")

        monkeypatch.setattr(target, reached)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A truly read-only folder (a read-only bind mount: root ignores permission bits)."""
    src, mnt = tmp_path / "src", tmp_path / "ro"
    src.mkdir()
    mnt.mkdir()
    (src / "existing.png").write_bytes(b"precious")
    try:
        subprocess.run(["mount", "--bind", str(src), str(mnt)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot make a read-only bind mount here (needs root): {exc}")
    try:
        subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(mnt)], check=True, capture_output=True
        )
        probe = mnt / "probe"
        with pytest.raises(OSError, match="Read-only"):  # refused even to root
            probe.write_bytes(b"")
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False, capture_output=True)


# --------------------------------------------------------------- tracebacks -> one line
def test_fit_on_a_directory_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ["fit", str(tmp_path)])
    assert "is a directory" in line


def test_table_replaced_by_a_directory_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(capsys, ["run", "strike-12june-strip", "--table", f"strip={tmp_path}"])
    assert "is a directory" in line
    assert str(tmp_path) in line


def test_negative_seed_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, [*BATTLE, "--seed", "-1", "--replications", "10"])
    assert "--seed" in line


def test_negative_seed_refused_by_the_library() -> None:
    from forceratio.simulator.battle import battle

    with pytest.raises(InputError, match="seed"):
        battle("square", 1000, 800, 0.01, 0.012, replications=10, seed=-1)


@pytest.mark.parametrize(
    "args",
    [
        ["plot", "strike-12june-strip", "--kind", "ratios", "--out", "{ro}/x.png"],
        ["report", "strike-12june-strip", "--out", "{ro}/rep"],
        ["sweep", "strike-12june-strip", "--seed", "1", "--samples", "8", "--out", "{ro}/out"],
        ["validate", "cdb90", "--write", "{ro}/V.md"],
    ],
    ids=["plot", "report", "sweep", "validate"],
)
def test_output_into_a_read_only_folder_is_refused_before_the_work(
    args: list[str],
    read_only: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if args[0] == "validate" and not CDB90.exists():
        pytest.skip(f"CDB90 not found at {CDB90}")
    # the work (report: minutes): a session's scenarios and calibration, CDB90's validation
    forbid(
        monkeypatch,
        "forceratio.scenarios.session.Session.__init__",
        "forceratio.fitting.cdb90_report.validate",
    )
    line = refused(capsys, [a.replace("{ro}", str(read_only)) for a in args])
    assert "cannot write in" in line
    assert "Read-only file system" in line
    assert sorted(p.name for p in read_only.iterdir()) == ["existing.png"]
    assert (read_only / "existing.png").read_bytes() == b"precious"


@pytest.mark.parametrize(
    "args",
    [
        ["plot", "strike-12june-strip", "--kind", "ratios", "--out", "/proc/forceratio/x.png"],
        ["report", "--out", "/proc/forceratio-report"],
        ["sweep", "strike-12june-strip", "--seed", "1", "--samples", "8", "--out", "/proc/o"],
        ["validate", "cdb90", "--write", "/missing/dir/V.md"],
    ],
    ids=["plot", "report", "sweep", "validate"],
)
def test_output_into_an_impossible_folder_is_one_line(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    if args[0] == "validate" and not CDB90.exists():
        pytest.skip(f"CDB90 not found at {CDB90}")
    line = refused(capsys, args)
    assert line.split(": ")[2] in ("--out", "--write")


def test_existing_output_kept_when_the_write_fails(read_only: Path) -> None:
    from forceratio.io.files import write_atomic

    with pytest.raises(InputError, match="Read-only file system"):
        write_atomic(read_only / "existing.png", b"new", "--out")
    assert (read_only / "existing.png").read_bytes() == b"precious"


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    from forceratio.io.files import write_atomic

    target = tmp_path / "fig.svg"
    target.write_text("old")
    write_atomic(target, "new", "--out")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["fig.svg"]


def test_huge_strengths_refused_before_nan_reaches_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["battle", "--red", "1e308", "--blue", "1e308", "--format", "json"]
    line = refused(capsys, args)
    assert "--red" in line
    assert "1e-06 to 1e+12" in line


# ---------------------------------------------------------------- unbounded resources
def test_a_billion_replications_refused_up_front(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    forbid(monkeypatch, "forceratio.simulator.battle.simulate_stochastic")  # the replications
    line = refused(capsys, [*BATTLE, "--replications", "1000000000", "--seed", "1"])
    assert "--replications" in line
    assert "of memory" in line
    assert "available" in line
    assert "FORCERATIO_MAX_MEMORY" in line


def test_memory_limit_is_lifted_and_lowered_by_its_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "1K")
    line = refused(capsys, [*BATTLE, "--replications", "10", "--seed", "1"])
    assert "FORCERATIO_MAX_MEMORY=1K" in line
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "unlimited")
    assert run([*BATTLE, "--replications", "10", "--seed", "1", "--format", "json"]) == 0
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "lots")
    line = refused(capsys, [*BATTLE, "--replications", "10", "--seed", "1"])
    assert "FORCERATIO_MAX_MEMORY" in line
    assert "expected a size" in line


def unread(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """Fail the test if any of ``paths`` is opened (read): refused by its stat alone."""
    real = Path.open
    guarded = {str(p) for p in paths}

    def opened(self: Path, *args: Any, **kwargs: Any) -> Any:
        if str(self) in guarded:
            raise AssertionError(f"{self} was opened: the refusal came after reading it")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", opened)


def test_device_refused_at_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    unread(monkeypatch, Path("/dev/zero"))  # before: it read 5 GB in 25 s
    line = refused(capsys, ["run", "/dev/zero"])
    assert "not a regular file" in line


def test_file_above_the_limit_refused_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as fh:  # sparse: 100 MB on paper, nothing on disk
        fh.truncate(100 * 1024**2)
    table = tmp_path / "big.csv"
    os.link(big, table)
    unread(monkeypatch, big, table)
    line = refused(capsys, ["run", str(big)])
    assert "100.0 MB, above the 64.0 MB limit" in line
    assert "FORCERATIO_MAX_FILE" in line
    line = refused(capsys, ["run", "strike-12june-strip", "--table", f"strip={table}"])
    assert "above the 64.0 MB limit" in line
    line = refused(capsys, ["fit", str(table)])
    assert "above the 64.0 MB limit" in line


def test_file_limit_bounds_the_read_of_a_file_that_reports_no_size(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    proc = Path("/proc/self/status")
    assert proc.stat().st_size == 0
    assert len(proc.read_bytes()) > 200
    monkeypatch.setenv("FORCERATIO_MAX_FILE", "100")
    line = refused(capsys, ["run", str(proc)])
    assert "more than 100 B" in line


@pytest.mark.parametrize("limit", ["unlimited", "2T"])
def test_a_lifted_file_limit_reads_the_file(
    limit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """README's FORCERATIO_MAX_FILE=unlimited: the read was sized by the limit (2**62 bytes
    allocated up front: MemoryError); the file must be read as it is."""
    scenario = tmp_path / "s.toml"
    assert run(["scenarios", "export", "strike-12june-strip"]) == 0
    scenario.write_text(capsys.readouterr().out)
    monkeypatch.setenv("FORCERATIO_MAX_FILE", limit)
    assert run(["scenarios", "show", str(scenario), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["scenario"]["name"] == "strike-12june-strip"


def test_trillion_sample_sweep_refused_against_free_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["sweep", "strike-12june-strip", "--seed", "1", "--samples", "1000000000000"]
    line = refused(capsys, [*args, "--out", str(out)])
    assert "--samples" in line
    assert "free on" in line
    assert "FORCERATIO_MAX_DISK" in line
    assert not out.exists()


def test_sweep_chunks_too_big_for_memory_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the disk check (200 million rows, ~54 GB) must not answer first on a fuller disk
    monkeypatch.setenv("FORCERATIO_MAX_DISK", "unlimited")
    args = ["sweep", "strike-12june-strip", "--seed", "1", "--samples", "20000"]
    line = refused(capsys, [*args, "--replications", "10000", "--out", str(tmp_path / "o")])
    assert "--chunk-size" in line
    assert "of memory" in line


@pytest.mark.parametrize(
    ("kind", "option", "value"),
    [("distribution", "--replications", "100000"), ("tornado", "--samples", "1073741824")],
)
def test_figures_too_big_for_memory_refused(
    kind: str,
    option: str,
    value: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 100,000 replications, the most --replications takes anywhere (10^9 before: now refused
    # by the range), need 400 MB: above this limit
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "100M")
    out = str(tmp_path / "x.png")
    line = refused(
        capsys, ["plot", "strike-12june-strip", "--kind", kind, option, value, "--out", out]
    )
    assert option in line
    assert "of memory" in line


# ------------------------------------------------------------------ silent wrong answers
@pytest.mark.parametrize("tiny", ["1e-300", "1e-200"])
def test_subnormal_strengths_refused_not_won_by_the_wrong_side(
    tiny: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["battle", "--red", tiny, "--blue", tiny, "--red-rate", "0.01", "--blue-rate", "0.012"]
    line = refused(capsys, args)
    assert "--red" in line
    assert "0 or 1e-06 to 1e+12 units" in line


@pytest.mark.parametrize("scale", [1.0, 1e3, 1e9, 1e12])
def test_strengths_across_the_accepted_range_give_the_square_law_winner(scale: float) -> None:
    """Oracle: under the square law red wins iff a R0^2 > b B0^2 (Lanchester 1916); with
    equal strengths the higher rate (blue's 0.012) wins at every scale."""
    from forceratio.simulator.battle import battle

    res = battle("square", scale, scale, 0.01, 0.012, t_max=1e6)
    assert res.winner[0] == "blue"


def test_engine_refuses_out_of_range_magnitudes_in_an_engagement() -> None:
    from forceratio.simulator.engagement import Engagement, make_side
    from forceratio.simulator.laws import get_law

    # since session 21 the side refuses them itself (Side.__post_init__), before an Engagement
    with pytest.raises(InputError, match=r"red.strength: 1e-300 is outside"):
        make_side("red", [1e-300], [0.01], n=1, k_enemy=1)
    with pytest.raises(InputError, match=r"blue.kill_rates"):
        make_side("blue", [1.0], [1e300], n=1, k_enemy=1)
    red, blue = (make_side(s, [1.0], [0.01], n=1, k_enemy=1) for s in ("red", "blue"))
    Engagement(get_law("square"), red, blue)  # in range: accepted


@pytest.mark.parametrize("level", ["nan", "inf", "-inf"])
def test_threshold_level_must_be_finite(level: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "threshold",
        "strike-12june-strip",
        "--vary",
        "modifiers.air_strike.destroyed_fraction=0:0.5",
        "--outcome",
        "soviet_losses",
        "--level",
        level,
    ]
    line = refused(capsys, args)
    assert "--level" in line
    assert "finite" in line


def _inline_scenario(path: Path, personnel: float = 1000, quality: float = 1.0) -> Path:
    """Two inline forces of men, the USSR's ``personnel`` at quality ``quality``."""
    return ScenarioFile(
        date="1941-06-12", attacker="USSR", german_rate=0.01, soviet_rate=0.01, ussr=personnel,
        germany=1000, head=f"[modifiers.quality]\nUSSR = {quality}\nGermany = 1.0",
    ).write(path)  # fmt: skip


@pytest.mark.parametrize(
    ("personnel", "quality", "field"),
    [
        (1e308, 1.0, "sectors.0.forces.USSR.0.inline.personnel"),
        (1000, 1e308, "modifiers.quality.USSR"),
    ],
)
def test_huge_scenario_values_refused_at_load_naming_the_field(
    personnel: float,
    quality: float,
    field: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _inline_scenario(tmp_path / "s.toml", personnel, quality)
    assert run(["run", str(_inline_scenario(tmp_path / "ok.toml"))]) == 0  # the file is sound
    capsys.readouterr()
    line = refused(capsys, ["run", str(path)])
    assert field in line
    assert "Warning" not in line


def test_huge_surpriser_fire_refused_at_load_at_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    forbid(monkeypatch, "forceratio.scenarios.session.Session.run")  # before: 91 s of run
    args = ["run", "strike-12june-strip", "--set", "modifiers.surprise.surpriser_fire=1e308"]
    line = refused(capsys, args)
    assert "modifiers.surprise.surpriser_fire" in line


@pytest.mark.parametrize(
    "path", ["operations.capture.rate.USSR", "operations.noncombat.USSR.tanks"]
)
def test_huge_daily_shares_refused_at_load_naming_the_field(
    path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A capture or non-combat share of 1e308 a day stalled the integrator, whose error named
    no field (review13); 1000 a day, the bound, still runs."""
    line = refused(
        capsys, ["run", "strike-12june-strip", "--uncalibrated", "--set", f"{path}=1e308"]
    )
    assert path in line
    assert "1000" in line
    assert run(["run", "strike-12june-strip", "--uncalibrated", "--set", f"{path}=1000"]) == 0


def test_fit_with_a_huge_initial_strength_refused_naming_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = tmp_path / "huge.csv"
    csv.write_text("day,red,blue\n0,1e308,100\n1,1e308,90\n2,1e308,80\n")
    forbid(monkeypatch, "forceratio.fitting.daily.fit_laws_report")  # before: 96 s of fits
    line = refused(capsys, ["fit", str(csv)])
    assert "column red" in line


def _quiet_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A real process, as a user runs it: Python's default warning filters, not pytest's."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.run(
        [sys.executable, "-m", "forceratio", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


@pytest.mark.slow
def test_no_raw_python_warning_in_normal_runs(tmp_path: Path) -> None:
    const = tmp_path / "const.csv"
    const.write_text("day,red,blue\n0,100,100\n1,100,100\n2,100,100\n")
    res = _quiet_run(["fit", str(const)], tmp_path)
    assert "Warning" not in res.stderr, res.stderr
    assert res.returncode in (0, 2), res.stderr
    big = _inline_scenario(tmp_path / "big.toml", 1e308)
    res = _quiet_run(["run", str(big)], tmp_path)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1, res.stderr
    assert "Warning" not in res.stderr
    res = _quiet_run(["battle", "--red", "1e308", "--blue", "1", "--format", "json"], tmp_path)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1, res.stderr
    assert "Warning" not in res.stderr


@pytest.mark.filterwarnings("default::RuntimeWarning")
def test_a_warning_that_escapes_is_one_line_of_the_tools_own(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from forceratio.cli.errors import one_line_errors

    @one_line_errors
    def command() -> int:
        warnings.warn("overflow encountered in multiply", RuntimeWarning, stacklevel=1)
        return 0

    assert command() == 0
    err = capsys.readouterr().err
    assert err == (
        "forceratio: warning: numerical trouble (overflow encountered in multiply); "
        "check the result\n"
    )


def test_json_output_of_a_sound_battle_still_parses(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([*BATTLE, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["winner"] == "red"


@pytest.mark.parametrize(("side", "value"), [("Germany", "1e-7"), ("USSR", "1e-9")])
def test_a_vanishing_fire_multiplier_is_named_in_the_scenarios_terms(
    side: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """review13: the line named the engine's 'blue.multiplier' and advised rescaling units."""
    line = refused(
        capsys, ["run", "strike-12june-strip", "--set", f"modifiers.quality.{side}={value}"]
    )
    assert f"error: {side} fire multiplier (modifiers: quality" in line
    assert "red." not in line
    assert "blue." not in line
    assert "rescale" not in line


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5"])
def test_a_malformed_thread_count_is_refused_not_ignored(
    value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """review13: FORCERATIO_THREADS=abc was silently ignored (every core was used)."""
    monkeypatch.setenv("FORCERATIO_THREADS", value)
    line = refused(capsys, ["scenarios", "list"])
    assert line == (
        "forceratio: error: FORCERATIO_THREADS: expected a whole number of threads >= 1, "
        f"got {value!r}"
    )
    monkeypatch.setenv("FORCERATIO_THREADS", "2")
    assert run(["scenarios", "list"]) == 0


def test_a_compare_set_some_scenarios_lack_names_those_that_have_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """review13: the 22 June run complained about 'presence.strip.end_day: Field required',
    a field the user never touched."""
    line = refused(capsys, ["compare", "--set", "presence.strip.tanks=0.5"])
    assert "--set: presence.strip.tanks is not a parameter of barbarossa-22june-strip" in line
    assert "forceratio compare strike-12june-strip strike-12june-north --set" in line
    args = ["compare", "strike-12june-strip", "strike-12june-north", "--posterior", "0"]
    assert run([*args, "--set", "presence.strip.tanks=0.5"]) == 0
