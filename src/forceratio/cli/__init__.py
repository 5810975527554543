"""The command line: the only part of the package that prints.

:func:`run` turns every expected failure (bad option, bad file, bad value) into one line
on stderr and exit status 2, with no traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from typing import Any

#: The commands that run the engine: its compile starts before the rest of the command
#: line is imported (:func:`start_engine`).
ENGINE_COMMANDS = frozenset({"sweep", "compare"})


def start_engine(args: Sequence[str]) -> None:
    """Start compiling the engine (:func:`forceratio.simulator.warmup.warm_up`) first thing when the
    command will run it and its cache is empty: typer, pandas, the tables and the scenario
    load meanwhile (the child starts about 0.3 s earlier than from inside the command).
    Not for ``--help`` or ``--list``; a command that then fails stops the compile."""
    if not args or args[0] not in ENGINE_COMMANDS or {"--help", "--list"} & set(args):
        return
    from forceratio.simulator.warmup import warm_up

    # only a child: loading a filled cache stays with the command, as before (started
    # beside the imports instead, a warm sweep measured the same within the noise)
    warm_up(*engines(args[0], _option(args, "--replications")), child_only=True)


def engines(command: str, replications: object) -> tuple[str, ...]:
    """The engines ``command`` runs: a sweep with replications only the stochastic one."""
    if replications in (None, 0, "0"):
        return ("deterministic",)
    return ("stochastic",) if command == "sweep" else ("deterministic", "stochastic")


def _option(args: Sequence[str], name: str) -> str | None:
    for i, a in enumerate(args[:-1]):
        if a == name:
            return args[i + 1]
    return next((a.partition("=")[2] for a in args if a.startswith(name + "=")), None)


def run(argv: Sequence[str] | None = None, prog_name: str = "forceratio") -> int:
    """Run the CLI with ``argv`` and return its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if sys.stderr is None:  # 2>&-: an error can be said nowhere; the exit status still says
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (open for the process's life)
    if sys.stdout is None:  # >&- (Python's stdout is None): refused before any work
        sys.stderr.write(
            f"{prog_name}: error: standard output is closed (>&-); redirect it instead, "
            "e.g. > out.txt or > /dev/null\n"
        )
        return 2
    from forceratio.errors import InputError
    from forceratio.limits import check_threads_env

    try:
        check_threads_env()
    except InputError as exc:
        # (imported here: cli.errors imports typer, which must load after the compile starts)
        from forceratio.cli.errors import one_line

        sys.stderr.write(f"{prog_name}: error: {one_line(str(exc))}\n")
        return 2
    _notes_as_lines(prog_name)
    start_engine(args)
    from forceratio.cli.app import app

    try:
        return _run(app, args, prog_name)
    finally:
        from forceratio.cli.errors import stop_compile

        stop_compile()  # a failed command leaves no compile behind it


def _notes_as_lines(prog_name: str) -> None:
    """The library's logged notices (a damaged or unusable compile cache: ``forceratio.jit``;
    an unwritable calibration cache: ``forceratio.cache``) as one
    ``PROG: note: ...`` line each on stderr; nothing else is logged to the user."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{prog_name}: note: %(message)s"))
    for name in ("forceratio.jit", "forceratio.cache"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False


def _run(app: Any, args: list[str], prog_name: str) -> int:
    import typer

    from forceratio.cli.errors import one_line
    from forceratio.errors import ForceratioError

    try:
        result = app(args=args, prog_name=prog_name, standalone_mode=False)
    except typer.TyperException as exc:  # usage errors: bad option, bad choice, bad number
        text = _usage_message(exc)
        if text:  # (a group called bare has printed its help: no empty error line after it)
            sys.stderr.write(f"{prog_name}: error: {one_line(text)}\n")
        return int(getattr(exc, "exit_code", 2))
    except ForceratioError as exc:
        sys.stderr.write(f"{prog_name}: error: {one_line(str(exc))}\n")
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        sys.stderr.write(f"{prog_name}: aborted\n")
        return 130
    except BrokenPipeError:  # the reader closed the pipe (| head): not an error
        return 0
    except SystemExit as exc:  # click ends a command whose output pipe closed with exit 1
        if _closed_pipe(exc.__context__):
            return 0
        raise
    except OSError as exc:  # the output could not be written (a full disk)
        where = exc.filename or "writing the output"
        sys.stderr.write(f"{prog_name}: error: {one_line(f'{where}: {exc.strerror or exc}')}\n")
        return 2
    except MemoryError:  # past the estimates: the limit lifted, or the process capped
        sys.stderr.write(f"{prog_name}: error: {out_of_memory()}\n")
        return 2
    return int(result) if isinstance(result, int) else 0


def out_of_memory() -> str:
    """The line for work that ran out of memory although its estimate was allowed: with
    ``FORCERATIO_MAX_MEMORY`` set (``unlimited`` turns the check off), or under a cap on
    the process (``ulimit -v``) that the estimate, measured against the machine, cannot see."""
    from forceratio.cli.errors import one_line
    from forceratio.limits import MAX_MEMORY_ENV

    text = os.environ.get(MAX_MEMORY_ENV)
    why = (
        f"the work passed the limit {MAX_MEMORY_ENV}={text} but not the memory there is"
        if text is not None
        else "the work passed the estimate but not the memory this process may use"
    )
    return f"out of memory: {one_line(why)}; ask for less (fewer samples, runs or steps)"


def _usage_message(exc: Any) -> str:
    """typer's message for a bad value as ``--option: problem``, the shape of every other
    error line (``Invalid value for '--kind': Value error, 'pie' is not one of ...``
    becomes ``--kind: 'pie' is not one of ...``)."""
    param = getattr(exc, "param", None)
    opts = getattr(param, "opts", None)
    bad_value = type(exc).__name__ == "BadParameter" and bool(getattr(exc, "message", None))
    if not bad_value or getattr(param, "param_type_name", None) != "option" or not opts:
        return str(exc.format_message())
    problem = str(exc.message).removeprefix("Value error, ")
    return f"{max(opts, key=len)}: {problem}"


def _closed_pipe(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE


def main() -> None:
    """Console-script entry point: runs the command, then ends the process without
    Python's teardown of the interpreter (freeing every module and object: 0.4-0.7 s after
    a sweep, measured); the exit handlers run and the output is flushed first."""
    code = run()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # (a closed pipe)
            stream.flush()
    os._exit(code)
