"""One line on stderr and exit status 2 for every expected failure of a command."""

from __future__ import annotations

import functools
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
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


#: Unicode categories never printed as they are in an error line: controls (a line break,
#: ESC), line and paragraph separators, and format characters (a right-to-left override).
_UNSHOWN = ("Cc", "Zl", "Zp", "Cf")


def one_line(text: str) -> str:
    """``text`` with every character of :data:`_UNSHOWN` written as Python escapes it
    (``\\n``, ``\\x1b``, ``\\u2028``): a name the user gave (a file called ``a<newline>b``)
    can neither split the error line nor drive the terminal."""
    import unicodedata

    if text.isprintable():
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _UNSHOWN else c
        for c in text
    )


def stop_compile() -> None:
    """A command that fails leaves no engine compiling behind it (warm_up's child)."""
    warm = sys.modules.get("forceratio.simulator.warmup")
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
            field = cli_field(exc.field, func, kwargs)  # the option as the user typed it
            sys.stderr.write(f"forceratio: error: {one_line(f'{field}: {exc.problem}')}\n")
            stop_compile()
            raise typer.Exit(2) from None
        except ForceratioError as exc:
            sys.stderr.write(f"forceratio: error: {one_line(str(exc))}\n")
            stop_compile()
            raise typer.Exit(2) from None

    return wrapper


#: Python arguments the command line gives under another name: the library's argument ->
#: the command's parameter (``scenarios.load(name_or_path)`` is every command's SCENARIO;
#: ``tables`` the repeatable ``--table``).
PYTHON_NAMES = {"name_or_path": "scenario", "tables": "table"}
_HEAD = re.compile(r"([a-z_][a-z0-9_]*)(\s.*)?", re.DOTALL)


def cli_field(field: str, command: Callable[..., Any], kwargs: Mapping[str, object]) -> str:
    """The field of an :class:`~forceratio.errors.InputError`, raised under the Python
    argument's name (``sets``, ``tables strip=my.csv``), as the command line spells it
    (``--set``, ``--table strip=my.csv``): the one translation between the two, so that a
    check names the argument from Python and the option from the command line.  The
    argument's name (the field's first word) is looked up among the running command's
    parameters (``kwargs`` of ``command``, through :data:`PYTHON_NAMES`): an option is
    printed as its longest flag, an argument in capitals (``SCENARIO``, :func:`spellings`).
    Any other field (a scenario file's, ``--vary`` from the CLI's own checks) is printed
    as it is.  A check of several arguments together names them joined by `` x ``
    (``n_walkers x n_steps``, the sampler's memory): each is translated (``--walkers x
    --steps``)."""
    parts = field.split(" x ")
    if len(parts) > 1 and all(_NAME.fullmatch(p) for p in parts):
        return " x ".join(cli_field(p, command, kwargs) for p in parts)
    hit = _HEAD.fullmatch(field)
    if hit is None:
        return field
    head, rest = hit.group(1), hit.group(2) or ""
    name = head if head in kwargs else PYTHON_NAMES.get(head, head)
    if name not in kwargs:  # (compare's NAMES, show's NAME: a scenario, as ever)
        return "SCENARIO" + rest if head == "name_or_path" else field
    return spellings(command).get(name, "--" + name.replace("_", "-")) + rest


_NAME = re.compile(r"[a-z_][a-z0-9_]*")
#: calibrate's --walkers and --steps are the sampler's ``n_walkers`` and ``n_steps``
#: (``record_fit`` options), its --mode map's draws ``fit_map(n_draws)``;
#: sensitivity's --posterior RUNS is ``posterior_mechanisms(runs)``.
PYTHON_NAMES.update(n_walkers="walkers", n_steps="steps", n_draws="mode", runs="posterior")


def spellings(func: Callable[..., Any]) -> dict[str, str]:
    """A command's parameters as its command line spells them, read from the typer
    declarations of ``func`` (as typer reads them): an option as its longest flag
    (``sets`` -> ``--set``, ``fmt`` -> ``--format``), an argument in capitals."""
    import typing

    from typer.models import ArgumentInfo, OptionInfo

    out = {}
    for name, hint in typing.get_type_hints(func, include_extras=True).items():
        for meta in getattr(hint, "__metadata__", ()):
            if isinstance(meta, OptionInfo):
                # (inside Annotated, typer reads a text ``default`` as the first flag)
                decls = [meta.default] if isinstance(meta.default, str) else []
                flags = [f for d in [*decls, *(meta.param_decls or ())] for f in d.split("/")]
                flags = [f for f in flags if f.startswith("--")]
                out[name] = max(flags, key=len) if flags else "--" + name.replace("_", "-")
            elif isinstance(meta, ArgumentInfo):
                out[name] = name.upper()
    return out


def on_the_line(
    command: Any, ctx: Any, args: list[str]
) -> Iterator[tuple[Any, Any, list[Any], dict[str, Any]]]:
    """Each command and subcommand a command line calls, before click parses it: the
    command, a context for it, its options in the order given (one entry per
    occurrence) and the values given, by parameter name.  Each is read with its own
    option parser, so the long and short forms and ``--opt=value`` count alike; a line a
    parser cannot read stops here, left to click's own error, raised by the real parse
    that follows."""
    here = ctx
    while True:
        try:
            values, rest, order = command.make_parser(here).parse_args(args=list(args))
        except Exception:
            return
        yield command, here, order, values
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


def refuse_empty_paths(command: Any, values: dict[str, Any], ctx: Any) -> None:
    """Refuse, in one line naming it, an empty (or blank) value of a path option or
    argument (``--out ''``, an unset shell variable in ``--out "$OUT"``): ``Path('')`` is
    the current folder, where a sweep or a report would be written or read."""
    import typing

    func = getattr(command, "callback", None)
    if func is None:
        return
    names = spellings(func)
    for name, hint in typing.get_type_hints(func).items():
        if not _names_path(hint):
            continue
        given = values.get(name)
        given = given if isinstance(given, list | tuple) else [given]
        if any(isinstance(v, str) and not v.strip() for v in given):
            ctx.fail(f"{names.get(name, name)}: an empty path")


def _names_path(hint: Any) -> bool:
    """``hint`` is ``Path`` or holds it (``Path | None``, ``list[Path]``)."""
    import typing
    from pathlib import Path

    return hint is Path or any(_names_path(a) for a in typing.get_args(hint))


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
