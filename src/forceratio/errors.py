"""Exceptions shared by every room of the package.

Numerics raise :class:`InputError` for values a caller got wrong; the CLI turns any
:class:`ForceratioError` into one line on stderr and exit status 2.
"""

from __future__ import annotations


class ForceratioError(Exception):
    """Base class of every error the package raises on purpose."""


class StepLimitError(ForceratioError):
    """The integrator stopped battles at their step limit (``max_steps``): a stiff or
    degenerate battle, or a limit lowered by a caller that bounds its work (the explorer)."""


class InputError(ForceratioError, ValueError):
    """A value given by the caller is out of range or malformed.

    The message always starts with the name of the field, e.g.
    ``red: strengths must be finite and >= 0, got -5``.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # rebuilt from both fields: raised in a sweep's worker process, it must unpickle in
        # the parent (the default rebuilds from ``args``, the one message)
        return (type(self), (self.field, self.problem))
