"""The typer application: commands are added from one module per command group."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from forceratio.cli import battle
from forceratio.cli import calibrate as calibrate_cli
from forceratio.cli import data as data_cli
from forceratio.cli import discover as discover_cli
from forceratio.cli import explore as explore_cli
from forceratio.cli import fitting as fitting_cli
from forceratio.cli import plots as plots_cli
from forceratio.cli import scenarios as scenarios_cli
from forceratio.cli import sensitivity as sensitivity_cli
from forceratio.cli import sweeps as sweeps_cli
from forceratio.cli.errors import (
    on_the_line,
    one_line_errors,
    plain_flags,
    refuse_empty_paths,
    refuse_repeated,
)


class OnceGroup(TyperGroup):
    """The root of the command line: before anything is parsed, an option that takes one
    value given twice anywhere on the line is refused (:func:`refuse_repeated`), and an empty
    path (:func:`refuse_empty_paths`), for every
    command and subcommand at once; their flags show no ``<bool>`` in ``--help``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        for command, here, order, values in on_the_line(self, ctx, args):
            refuse_repeated(order, ctx)
            refuse_empty_paths(command, values, ctx)
            plain_flags(command, here)
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=OnceGroup,
    name="forceratio",
    help=(
        "Counterfactual force-ratio simulator: Lanchester-type battles, the sourced "
        "1941 force tables, and the 12 June vs 22 June 1941 comparison."
    ),
    no_args_is_help=True,
    # help texts are wrapped docstrings: markdown joins their lines (rich mode would keep
    # each break, cutting the command list's entries mid-sentence)
    rich_markup_mode="markdown",
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("battle")(one_line_errors(battle.battle))
app.add_typer(data_cli.app, name="data")
app.add_typer(scenarios_cli.app, name="scenarios")
app.command("run")(one_line_errors(scenarios_cli.run_command))
app.command("compare")(one_line_errors(scenarios_cli.compare_command))
app.command("calibrate")(one_line_errors(calibrate_cli.calibrate_command))
app.command("fit")(one_line_errors(fitting_cli.fit_command))
app.add_typer(fitting_cli.validate_app, name="validate")
app.command("plot")(one_line_errors(plots_cli.plot_command))
app.command("report")(one_line_errors(plots_cli.report_command))
app.command("sweep")(one_line_errors(sweeps_cli.sweep_command))
app.command("sensitivity")(one_line_errors(sensitivity_cli.sensitivity_command))
app.command("threshold")(one_line_errors(sensitivity_cli.threshold_command))
app.command("discover")(one_line_errors(discover_cli.discover_command))
app.command("app")(one_line_errors(explore_cli.app_command))


def _version(value: bool) -> None:
    if value:
        from forceratio import __version__

        print(f"forceratio {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Counterfactual force-ratio simulator."""
