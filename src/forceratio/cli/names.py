"""How the command line's printed tables name outcomes and parameters: the 1941 wording
(the stored column or path) for a built-in 1941 scenario, else words with the sides called
by their names (:func:`forceratio.scenarios.sides.display_names`).  Figures label through
:mod:`forceratio.plots.labels`, whose labels these reuse."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forceratio.plots.labels import outcome_label, parameter_label


def named_outcome(name: str, names: Mapping[str, str] | None) -> str:
    """A sweep outcome as a printed table names it: its column for the 1941 wording
    (``names`` None); else in words, the sides called by ``names``
    (:func:`forceratio.scenarios.sides.display_names`), with the column it is stored under:
    ``Blue men lost (soviet_losses)``.  Stored columns keep the slots' names (README)."""
    from forceratio.scenarios.sides import rename

    return name if names is None else f"{rename(outcome_label(name), names)} ({name})"


def named_parameter(path: str, names: Mapping[str, str] | None, scenario: Any = None) -> str:
    """A parameter as a printed table names it: its path for the 1941 wording (``names``
    None); else its label and unit with the sides called by ``names``, then the path:
    ``Red kill rate (...) (attrition.german_rate)``."""
    if names is None:
        return path
    return labelled_parameter(path, names, scenario)


def labelled_parameter(path: str, names: Mapping[str, str] | None, scenario: Any = None) -> str:
    """A parameter's label and unit with the sides called by ``names`` (None: the 1941
    wording), then its path, which keeps its slot: ``Red kill rate (...)
    (attrition.german_rate)``."""
    from forceratio.scenarios.sides import rename

    return f"{rename(str(parameter_label(path, scenario)), names)} ({path})"
