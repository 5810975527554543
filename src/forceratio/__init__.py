"""forceratio: a counterfactual force-ratio simulator and a fast, honest Lanchester toolkit.

The public API is imported lazily so that ``forceratio --help`` stays fast.  It is what the
README's Python examples use: ``battle``, ``simulate`` and ``simulate_stochastic`` (with
``Engagement``, ``Side``, ``make_side``, ``Multiplier``, ``Reinforcements``, ``LAWS`` and
``get_law``) run Lanchester battles and give a ``BattleResult`` (``summarize`` tabulates its
replications); ``load`` (a scenario with its tables resolved), ``load_scenario`` (validated
only), ``run`` and ``Session`` (the calibrated rates) run scenarios; ``compare`` gives the
rows ``forceratio compare`` prints; ``fit`` fits coefficients to a daily series.  Every
error raised on purpose is a ``ForceratioError``; bad input an ``InputError``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = {
    "battle": "forceratio.simulator.battle",
    "simulate": "forceratio.simulator.solve",
    "simulate_stochastic": "forceratio.simulator.stochastic",
    "Engagement": "forceratio.simulator.engagement",
    "Side": "forceratio.simulator.engagement",
    "make_side": "forceratio.simulator.engagement",
    "Multiplier": "forceratio.simulator.schedules",
    "Reinforcements": "forceratio.simulator.schedules",
    "BattleResult": "forceratio.simulator.result",
    "LAWS": "forceratio.simulator.laws",
    "get_law": "forceratio.simulator.laws",
    "summarize": "forceratio.report",
    "fit": "forceratio.fitting.api",
    "compare": "forceratio.scenarios.compare",
    "load": "forceratio.scenarios",
    "load_scenario": "forceratio.scenarios",
    "run": "forceratio.scenarios.run",
    "Session": "forceratio.scenarios.session",
    "InputError": "forceratio.errors",
    "ForceratioError": "forceratio.errors",
}

__all__ = [
    "LAWS",
    "BattleResult",
    "Engagement",
    "ForceratioError",
    "InputError",
    "Multiplier",
    "Reinforcements",
    "Session",
    "Side",
    "battle",
    "compare",
    "fit",
    "get_law",
    "load",
    "load_scenario",
    "make_side",
    "run",
    "simulate",
    "simulate_stochastic",
    "summarize",
]

if TYPE_CHECKING:
    from forceratio.errors import ForceratioError, InputError
    from forceratio.fitting.api import fit
    from forceratio.report import summarize
    from forceratio.scenarios import load, load_scenario
    from forceratio.scenarios.compare import compare
    from forceratio.scenarios.run import run
    from forceratio.scenarios.session import Session
    from forceratio.simulator.battle import battle
    from forceratio.simulator.engagement import Engagement, Side, make_side
    from forceratio.simulator.laws import LAWS, get_law
    from forceratio.simulator.result import BattleResult
    from forceratio.simulator.schedules import Multiplier, Reinforcements
    from forceratio.simulator.solve import simulate
    from forceratio.simulator.stochastic import simulate_stochastic


def __getattr__(name: str) -> Any:
    """The public API, imported on first use (``forceratio.battle``)."""
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'forceratio' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API (``__all__``) and the package's own names, as ``dir(forceratio)``,
    tab completion and ``help(forceratio)`` show them; nothing is imported to list them."""
    return sorted({*__all__, "__version__", *globals()})
