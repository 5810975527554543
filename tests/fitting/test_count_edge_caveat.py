"""The count likelihoods give the strengths' fit's comparison caveat when an exponent sits at
the end of the range searched (review21e, item 3: ``--law all --likelihood negbin`` on the
Ardennes losses put power's q at 3.000 with the lowest AICc and no caveat).  Oracle:
synthetic Poisson counts whose losses grow as the own strength to the 9th (truth far beyond
the range's 3), so the optimum lies beyond the end; a square-law fit has no such exponent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forceratio.fitting import read_battle
from forceratio.fitting.casualties import fit_casualties


def _steep() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    r, b, lr, lb = [20000.0], [15000.0], [], []
    for _ in range(30):
        x = int(rng.poisson(0.03 * b[-1] * (r[-1] / 20000) ** 9))
        y = int(rng.poisson(0.02 * r[-1] * (b[-1] / 15000) ** 9))
        lr.append(x)
        lb.append(y)
        r.append(r[-1] - x)
        b.append(b[-1] - y)
    return pd.DataFrame(
        {"day": range(31), "red": r, "blue": b, "red_losses": [*lr, None],
         "blue_losses": [*lb, None]}
    )  # fmt: skip


@pytest.mark.parametrize("likelihood", ["poisson", "negbin"])
def test_exponent_at_the_end_is_caveated(likelihood: str) -> None:
    battle = read_battle(_steep())
    power = fit_casualties(battle, "power", likelihood)
    assert "q" in power.at_bound
    assert "at the end of the range the fit searches" in power.comparison_caveat
    assert any(n.startswith("power: ") and "not meaningful" in n for n in power.notes)
    assert fit_casualties(battle, "square", likelihood).comparison_caveat == ""
