"""One translation between the library's argument names and the command line's
options (:func:`forceratio.cli.errors.cli_field`), with no hand-made second table."""

from __future__ import annotations

import inspect
from typing import Annotated

import typer

from forceratio.cli.errors import cli_field


def _toy(
    alpha_opt: Annotated[int, typer.Option("--alpha-opt", "-a")] = 1,
    bee: Annotated[int, typer.Option()] = 2,
    name: Annotated[str, typer.Argument()] = "",
) -> None:
    """A command whose options the oracle spells by hand: --alpha-opt, --bee, NAME."""


def test_a_compound_field_names_every_option() -> None:
    """A check of two arguments together (the sampler's memory: ``n_walkers x n_steps``)
    was printed half-translated; each part is now spelled as the command declares it."""
    kwargs = {"alpha_opt": 1, "bee": 2, "name": ""}
    assert cli_field("alpha_opt x bee", _toy, kwargs) == "--alpha-opt x --bee"
    assert cli_field("bee x name", _toy, kwargs) == "--bee x NAME"
    assert cli_field("alpha_opt", _toy, kwargs) == "--alpha-opt"
    # not a compound of arguments: as it was (a field with a value, or another's field)
    assert cli_field("bee x=3", _toy, kwargs) == "--bee x=3"
    assert cli_field("sectors.x x y", _toy, kwargs) == "sectors.x x y"


def test_calibrate_spells_the_sampler_through_the_one_translation() -> None:
    """cli/calibrate.py mapped n_walkers/n_steps to --walkers/--steps by hand beside cli_field."""
    from forceratio.cli import calibrate
    from forceratio.cli.calibrate import calibrate_command

    kwargs = dict.fromkeys(inspect.signature(calibrate_command).parameters)
    assert cli_field("n_walkers", calibrate_command, kwargs) == "--walkers"
    assert cli_field("n_steps", calibrate_command, kwargs) == "--steps"
    assert cli_field("n_walkers x n_steps", calibrate_command, kwargs) == "--walkers x --steps"
    assert "--walkers x --steps" not in inspect.getsource(calibrate)  # no second table
