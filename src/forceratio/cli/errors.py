"""One line on stderr and exit status 2 for every expected failure of a command."""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

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


def on_the_line(command: Any, ctx: Any, args: list[str]) -> Iterator[tuple[Any, Any, list[Any]]]:
    """Each command and subcommand a command line calls, before click parses it: the
    command, a context for it and its options in the order given (one entry per
    occurrence).  Each is read with its own option parser, so the long and short forms and
    ``--opt=value`` count alike; a line a parser cannot read stops here, left to click's
    own error, raised by the real parse that follows."""
    here = ctx
    while True:
        try:
            _, rest, order = command.make_parser(here).parse_args(args=list(args))
        except Exception:
            return
        yield command, here, order
        if not rest or not hasattr(command, "get_command"):
            return  # a command's own arguments, or nothing after a group
        sub = command.get_command(here, rest[0])
        if sub is None:
            return
        here = type(ctx)(sub, parent=here, info_name=rest[0])
        command, args = sub, rest[1:]


def refuse_repeated(order: list[Any], ctx: Any) -> None:
    """Refuse, in one line naming it, an option that takes one value (or a flag) given
    more than once (``order``: a command's options as given, :func:`on_the_line`): click
    keeps the last without a word (``sweep NAME --seed 1 --seed 2`` ran with seed 2).
    Options declared repeatable (``--set``, ``--vary``, ``--table``) stay repeatable."""
    from collections import Counter

    counts = Counter(p for p in order if _single_valued(p))
    twice = [p for p, n in counts.items() if n > 1]
    if twice:
        p = twice[0]
        name = "/".join([max(p.opts, key=len), *p.secondary_opts])
        ctx.fail(f"{name}: given {counts[p]} times; give it once (the last would win)")


def plain_flags(command: Any, ctx: Any) -> None:
    """Flags shown in ``--help`` without a value type (typer prints ``--help <bool>``,
    which reads as if a value were expected)."""
    for p in command.get_params(ctx):
        if getattr(p, "is_flag", False) and p.metavar is None:
            p.metavar = ""


def _single_valued(param: Any) -> bool:
    """An option that takes one value or is a flag (not repeatable, not a counter, not
    ``--help``)."""
    return (
        getattr(param, "param_type_name", None) == "option"
        and not param.multiple
        and not getattr(param, "count", False)
        and param.expose_value
    )
