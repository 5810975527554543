"""The engine's own entry points from Python (hapi's list of raw errors left outside
battle()): one InputError naming the argument, no numpy TypeError/ValueError, no
AttributeError, no MemoryError after allocating."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from forceratio import Engagement, get_law, make_side, simulate, simulate_stochastic
from forceratio.errors import InputError


def _eng() -> Engagement:
    return Engagement(
        get_law("square"),
        make_side("red", 100.0, 0.05, n=1, k_enemy=1),
        make_side("blue", 100.0, 0.05, n=1, k_enemy=1),
    )


def _stochastic(**kw: Any) -> Callable[[], object]:
    return lambda: simulate_stochastic(_eng(), t_max=10.0, times=np.zeros(0), **kw)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: simulate(_eng(), t_max="10"), "t_max: expected a number"),  # type: ignore[arg-type]
        (lambda: get_law(3), "law: unknown law 3"),  # type: ignore[arg-type]
        (lambda: make_side("red", "abc", 0.05, n=1, k_enemy=1), "strength: expected numbers"),
        (lambda: make_side("red", 1.0, "x", n=1, k_enemy=1), "kill_rates: expected numbers"),
        (_stochastic(replications=10**12, seed=1), "replications: 1,000,000,000,000 replications"),
        (_stochastic(replications=10, seed=-1), "seed: must be a whole number >= 0"),
        (_stochastic(replications=10, seed=1, keys=[0.5]), "keys: must be whole numbers"),
    ],
)  # fmt: skip
def test_refused_naming_the_argument(call: Callable[[], object], needle: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert needle in str(err.value)
