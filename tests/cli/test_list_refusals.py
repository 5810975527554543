"""``sweep NAME --list`` runs nothing, so every option of a run is refused with it, in one
line naming the option, exit status 2: also one given at its default value (``--workers 1``,
``--chunk-size 20000``, ``--method sobol``, ``--posterior 0``), which was accepted silently
while ``--seed`` and ``--posterior 3`` were refused."""

from __future__ import annotations

import pytest
import typer

from forceratio.cli.app import app
from tests.cli.refusals import refused

SCN = "strike-12june-strip"
#: Every option of a sweep's run with a value it accepts (its default where it has one).
RUN_OPTIONS = {
    "--vary": ["modifiers.quality.Germany=0.5:1"],
    "--method": ["sobol"],
    "--samples": ["64"],
    "--replications": ["2"],
    "--data-uncertainty": [],
    "--seed": ["0"],
    "--out": ["out.parquet"],
    "--resume": [],
    "--workers": ["1"],
    "--scheduler": ["tcp://127.0.0.1:8786"],
    "--chunk-size": ["20000"],
    "--no-progress": [],
    "--posterior": ["0"],
    "--paired": [],
}
#: The options ``--list`` reads.
LIST_OPTIONS = {"--list", "--format", "--set", "--table", "--uncalibrated", "--help"}


def test_every_option_of_sweep_is_either_a_run_option_or_read_by_list() -> None:
    """The table above covers the command: a new run option is tested by the next test."""
    command = typer.main.get_command(app).commands["sweep"]  # type: ignore[attr-defined]
    names = {max(p.opts, key=len) for p in command.params if p.param_type_name == "option"}
    assert names | {"--help"} == set(RUN_OPTIONS) | LIST_OPTIONS


@pytest.mark.parametrize("option", sorted(RUN_OPTIONS))
def test_list_refuses_every_run_option(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, ["sweep", SCN, "--list", option, *RUN_OPTIONS[option]])
    assert (
        line
        == f"forceratio: error: {option}: does not apply to --list, which runs nothing; drop it"
    )
