"""One line on stderr and exit status 2 for every expected failure of a command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

P = ParamSpec("P")
R = TypeVar("R")


def one_line_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`~forceratio.errors.ForceratioError` into ``error: field: problem`` on
    stderr and exit status 2 (also under typer's CliRunner)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from forceratio.errors import ForceratioError, InputError

        try:
            return func(*args, **kwargs)
        except InputError as exc:
            field = exc.field
            if field in kwargs:  # name the option as the user typed it
                field = "--" + field.replace("_", "-")
            sys.stderr.write(f"forceratio: error: {field}: {exc.problem}\n")
            raise typer.Exit(2) from None
        except ForceratioError as exc:
            sys.stderr.write(f"forceratio: error: {exc}\n")
            raise typer.Exit(2) from None

    return wrapper
