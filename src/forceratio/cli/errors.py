"""One line on stderr and exit status 2 for every expected failure of a command."""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

P = ParamSpec("P")
R = TypeVar("R")


def _one_line_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    """A warning that escapes the numerics (a defect: inputs should be refused first) as
    one line of the tool's own, without the source line Python would print."""
    text = str(message).strip().splitlines()[0] if str(message).strip() else category.__name__
    sys.stderr.write(f"forceratio: warning: numerical trouble ({text}); check the result\n")


def stop_compile() -> None:
    """A command that fails leaves no engine compiling behind it (warm_up's child)."""
    warm = sys.modules.get("forceratio.warmup")
    if warm is not None:
        warm.stop_warm_up()


def one_line_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`~forceratio.errors.ForceratioError` into ``error: field: problem`` on
    stderr and exit status 2 (also under typer's CliRunner); a Python warning that
    escapes the numerics is printed as one line of the tool's own."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from forceratio.errors import ForceratioError, InputError

        try:
            with warnings.catch_warnings():
                warnings.showwarning = _one_line_warning
                return func(*args, **kwargs)
        except InputError as exc:
            field = exc.field
            if field in kwargs:  # name the option as the user typed it
                field = "--" + field.replace("_", "-")
            sys.stderr.write(f"forceratio: error: {field}: {exc.problem}\n")
            stop_compile()
            raise typer.Exit(2) from None
        except ForceratioError as exc:
            sys.stderr.write(f"forceratio: error: {exc}\n")
            stop_compile()
            raise typer.Exit(2) from None

    return wrapper
