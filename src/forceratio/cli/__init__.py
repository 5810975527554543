"""The command line: the only part of the package that prints.

:func:`run` turns every expected failure (bad option, bad file, bad value) into one line
on stderr and exit status 2, with no traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def run(argv: Sequence[str] | None = None, prog_name: str = "forceratio") -> int:
    """Run the CLI with ``argv`` and return its exit status."""
    import typer

    from forceratio.cli.app import app
    from forceratio.errors import ForceratioError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, prog_name=prog_name, standalone_mode=False)
    except typer.TyperException as exc:  # usage errors: bad option, bad choice, bad number
        sys.stderr.write(f"{prog_name}: error: {exc.format_message()}\n")
        return int(getattr(exc, "exit_code", 2))
    except ForceratioError as exc:
        sys.stderr.write(f"{prog_name}: error: {exc}\n")
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        sys.stderr.write(f"{prog_name}: aborted\n")
        return 130
    except BrokenPipeError:
        return 0
    return int(result) if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
