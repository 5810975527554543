"""review15 (hostile D5, D15; fresh 7): the command line's options behave alike everywhere.

* a single-valued option given twice is refused (click kept the last without a word);
* ``--kind`` and both ``--method`` are choices that ``--help`` lists;
* ``sweep --workers`` is bounded by the cores and its processes count against the memory
  limit;
* one seed rule: random work is seeded by ``--seed`` or 0, a seed where nothing is random
  is refused; ``--replications`` has one range (battle's lone battles excepted).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from forceratio.cli import run
from forceratio.cli.app import app
from forceratio.errors import InputError
from tests.cli.refusals import refused

SCN = "strike-12june-strip"
QUALITY = "modifiers.quality.Germany"


def commands(
    group: Any = None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command of the app with the words that call it (``("data", "ratios")``)."""
    group = typer.main.get_command(app) if group is None else group
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from commands(cmd, (*path, name))
        else:
            yield (*path, name), cmd


def options(cmd: Any) -> list[Any]:
    return [p for p in cmd.params if p.param_type_name == "option" and p.expose_value]


# --- an option given twice ------------------------------------------------------------


def parse_only(args: list[str]) -> None:
    """Parse a command line as the app does, without running the command."""
    root = typer.main.get_command(app)
    with root.make_context("forceratio", list(args)):
        pass


def test_every_single_valued_option_given_twice_is_refused_and_repeatable_ones_pass() -> None:
    """Walk every command's options: a single-valued one given twice (also as
    ``--opt=value``) fails the parse naming it; a repeatable one (``--set``) passes it."""
    seen = repeatable = 0
    for path, cmd in commands():
        for p in options(cmd):
            opt = max(p.opts, key=len)
            once = [opt] if p.is_flag else [opt, "1"]
            twice = [opt] if p.is_flag else [f"{opt}=1"]
            if p.multiple:
                parse_only([*path, *once, *once])  # no error from the check (nor the parse)
                repeatable += 1
                continue
            with pytest.raises(typer.TyperException) as err:
                parse_only([*path, *once, *twice])
            message = err.value.format_message()
            assert message.startswith(opt), path
            assert "given 2 times; give it once" in message, path
            seen += 1
    assert seen > 100
    assert repeatable >= 10


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["sweep", SCN, "--seed", "1", "--seed", "2"], "--seed"),
        (["compare", "--format", "json", SCN, "--format=csv"], "--format"),
        (["data", "ratios", "strip", "--date", "1941-06-12", "--date", "1941-06-22"], "--date"),
        (["calibrate", "--loo", "--no-loo"], "--loo/--no-loo"),
        (["run", SCN, "--replications", "3", "--seed=1", "--replications=4"], "--replications"),
        (["plot", "--kind", "ratios", SCN, "--kind", "trajectory", "--out", "x.png"], "--kind"),
    ],
)
def test_a_repeated_option_is_one_line_naming_it(
    args: list[str], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(capsys, args)
    assert line == f"forceratio: error: {name}: given 2 times; give it once (the last would win)"


def test_short_forms_count_as_their_option() -> None:
    """The check reads each command with its own parser: ``-s 1 --seed 2`` and ``-s1 -s2``
    are the same option twice (the app has no short forms of its own: a small app)."""
    from forceratio.cli.app import OnceGroup

    small = typer.Typer(cls=OnceGroup)

    @small.command()
    def go(seed: int = typer.Option(0, "-s", "--seed"), tag: list[str] | None = None) -> None:
        print(seed)

    @small.command()
    def other() -> None:  # (two commands: a group)
        pass

    runner = CliRunner()
    for args in (["-s", "1", "--seed", "2"], ["-s1", "-s2"], ["--seed=1", "-s", "2"]):
        res = runner.invoke(small, ["go", *args])
        assert res.exit_code == 2, res.output
        assert "--seed: given 2 times" in res.output
    ok = runner.invoke(small, ["go", "-s", "3", "--tag", "a", "--tag", "b"])
    assert ok.exit_code == 0
    assert ok.output == "3\n"


# --- choices --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "option", "choices", "extra"),
    [
        ("plot", "--kind", ["trajectory", "ratios", "sweep", "tornado", "distribution", "fit"],
         ["--out", "x.png"]),
        ("sweep", "--method", ["grid", "sobol", "lhs", "random"], ["--out", "x"]),
        ("sensitivity", "--method", ["sobol", "morris"], []),
    ],
)  # fmt: skip
def test_kind_and_method_are_choices(
    command: str,
    option: str,
    choices: list[str],
    extra: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from forceratio.plots import KINDS
    from forceratio.sweeps.design import METHODS

    if command == "plot":
        assert choices == [*KINDS, "fit"]  # the figures the package draws
    if command == "sweep":
        assert tuple(choices) == METHODS
    res = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert f"<{'|'.join(choices)}>" in res.output  # --help lists them
    line = refused(capsys, [command, SCN, option, "pie", *extra])
    listed = ", ".join(f"'{c}'" for c in choices)
    assert line == f"forceratio: error: {option}: 'pie' is not one of {listed}."


# --- sweep --workers --------------------------------------------------------------------


def test_more_workers_than_cores_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from forceratio.limits import usable_cores

    monkeypatch.setenv("FORCERATIO_MAX_DISK", "1K")  # (a sweep that got past: refused on disk)
    out = tmp_path / "w"
    cores = usable_cores()
    line = refused(
        capsys, ["sweep", SCN, "--samples", "64", "--seed", "1", "--out", str(out),
                 "--workers", str(cores + 1)],
    )  # fmt: skip
    assert line.startswith(f"forceratio: error: --workers: {cores + 1:,} worker processes on ")
    assert line.endswith(f"use at most {cores}")
    line = refused(
        capsys, ["sweep", SCN, "--samples", "64", "--seed", "1", "--out", str(out),
                 "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
    )  # fmt: skip
    assert "--workers: sets local processes" in line
    assert not out.exists()


def test_the_workers_memory_counts_against_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers of a 64-sample sweep in chunks of 8: 8 x 2 runs in flight (0.3 MB) pass
    any limit, the command (120 MB) and two worker processes (2 x 150 MB, hmem21's measured
    anonymous memory) do not pass 350M; one process (no workers) does, and so does the
    command with one worker."""
    from forceratio.cli.sweep_limits import check_sweep_size
    from forceratio.limits import BYTES_COMMAND_BASE, BYTES_PER_WORKER
    from forceratio.scenarios.session import Session

    prep = Session().prepare(SCN)

    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "350M")
    check_sweep_size(prep, 64, 19, 0, 8, 1, tmp_path)
    with pytest.raises(InputError) as err:
        check_sweep_size(prep, 64, 19, 0, 8, 2, tmp_path)
    assert err.value.field == "--workers"
    assert "2 worker processes with 2 chunk(s) of 8 samples" in err.value.problem
    one, two = BYTES_COMMAND_BASE + BYTES_PER_WORKER, BYTES_COMMAND_BASE + 2 * BYTES_PER_WORKER
    assert two > 350 * 1024**2 > one
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "450M")
    check_sweep_size(prep, 64, 19, 0, 8, 2, tmp_path)
    # no more processes than chunks: 64 samples in one chunk start one worker
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "350M")
    check_sweep_size(prep, 64, 19, 0, 64, 2, tmp_path)


# --- seeds and replications --------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "applies"),
    [
        (["threshold", SCN, "--vary", f"{QUALITY}=0.5:3"], "--replications"),
        (["calibrate", "--single"], "the whole-record calibration (not --single)"),
        (["battle"], "--replications"),
        (["run", SCN], "--replications"),
        (["compare", SCN, "--posterior", "0"], "--replications or --posterior"),
        (
            ["sweep", SCN, "--method", "grid", "--vary", f"{QUALITY}=0.5:3:3", "--out", "g"],
            "a sampled design, --replications, --data-uncertainty or --posterior",
        ),
    ],
)
def test_a_seed_where_nothing_is_random_is_refused(
    args: list[str], applies: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = [str(tmp_path / a) if a == "g" else a for a in args]
    line = refused(capsys, [*args, "--seed", "4"])
    start = "forceratio: error: --seed: nothing here is random: "
    assert line == start + f"it applies only with {applies}"
    assert not (tmp_path / "g").exists()


def test_random_work_without_a_seed_uses_seed_0(capsys: pytest.CaptureFixture[str]) -> None:
    """The documented default: the same numbers as --seed 0, not as another seed."""
    base = ["battle", "--red", "60", "--blue", "50", "--replications", "400", "--format", "json"]
    outputs = {}
    for seed in (None, "0", "1"):
        assert run([*base, *(["--seed", seed] if seed else [])]) == 0
        outputs[seed] = json.loads(capsys.readouterr().out)["stochastic"]
    assert outputs[None] == outputs["0"]
    assert outputs[None]["seed"] == 0
    assert outputs["1"] != outputs["0"]  # (the seed matters)


def test_replications_have_one_range(capsys: pytest.CaptureFixture[str]) -> None:
    """Every --replications is a whole number >= 1 (without it: deterministic), at most
    100,000 for the scenario commands (one rule, ``limits.check_replications``, which
    Python's ``compare()`` and ``run()`` call too: each command's refusal is tried);
    battle's lone battles are bounded by memory alone and its help says why."""
    found = {}
    for path, cmd in commands():
        for p in options(cmd):
            if "--replications" in p.opts:
                found[" ".join(path)] = (p.min, p.max)
                if path == ("battle",):
                    assert "memory" in p.help
                    assert "100,000" in p.help
    assert found.pop("battle") == (1, None)
    assert set(found) == {"run", "compare", "sweep", "threshold", "plot"}
    for command in found:
        for value, problem in (
            ("0", "greater than or equal to 1"),
            ("100001", "less than or equal to 100000"),
        ):
            assert run([command, "strike-12june-strip", "--replications", value]) == 2
            err = capsys.readouterr().err.strip()
            assert err == f"forceratio: error: --replications: Input should be {problem}"


@pytest.mark.parametrize("args", [[], ["data"], ["scenarios"]])
def test_a_bare_group_prints_its_help_and_no_empty_error_line(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """It printed the help, then "forceratio: error: " with nothing after it."""
    code = run(args)
    captured = capsys.readouterr()
    assert code == 2  # (click's status for a group called without a command)
    assert "Usage: forceratio" in captured.out
    assert "error" not in captured.err


def test_resuming_without_the_seed_names_the_sweeps_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With seed 0 the default, ``--resume`` without ``--seed`` of a seed-1 sweep is
    another sweep: the line names the seed to give (the store says only "differs in
    spec")."""
    out = tmp_path / "s"
    sweep = ["sweep", SCN, "--samples", "8", "--out", str(out), "--no-progress"]
    assert run([*sweep, "--seed", "1", "--format", "json"]) == 0
    capsys.readouterr()
    line = refused(capsys, [*sweep, "--resume"])
    assert line == (
        f"forceratio: error: --seed: {out} was swept with --seed 1; give it to resume "
        "(without --seed the seed is 0)"
    )
    assert run([*sweep, "--resume", "--seed", "1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["computed_chunks"] == 0


@pytest.mark.parametrize("path", [[], ["sweep"], ["calibrate"], ["data", "show"]])
def test_help_shows_no_value_type_for_a_flag(
    path: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """review15fresh 7: every flag showed ``<bool>`` (``--help <bool>``), as if a value were
    expected; the options that take one keep their type."""
    assert run([*path, "--help"]) == 0
    out = capsys.readouterr().out
    assert "--help" in out
    assert "<bool>" not in out
    if path == ["sweep"]:
        assert "<int>" in out  # (--samples)


@pytest.mark.parametrize(
    ("extra", "name"),
    [(["--seed", "1"], "--seed"), (["--samples", "64"], "--samples"), (["--resume"], "--resume")],
)
def test_sweep_list_refuses_the_options_of_a_run(
    extra: list[str], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sweep NAME --list`` lists the parameters and runs nothing: a seed (or any option of
    a run) was ignored with exit status 0."""
    line = refused(capsys, ["sweep", SCN, "--list", *extra])
    assert line.endswith(f"error: {name}: does not apply to --list, which runs nothing; drop it")
