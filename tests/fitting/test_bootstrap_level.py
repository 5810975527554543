"""``fit --bootstrap``: the printed 95% interval of each rate is the 2.5% and 97.5% quantiles
of the bootstrap refits.

Oracle: the refits themselves, recorded as the fit makes them (the module's ``refit`` wrapped),
and numpy's quantile of them at 2.5% and 97.5%: an interval at any other level (a 90% interval
labelled 95% passed the coverage test, review20c mutant M4b) gives other ends.  The engine-unit
interval is the normalised one times the fixed factor between the scales.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forceratio.fitting import bootstrap, fit_battle

IWO = Path(__file__).parent / "fixtures" / "iwo_1.csv"


def test_bootstrap_interval_ends_are_the_refits_2_5_and_97_5_percent_quantiles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[np.ndarray] = []
    real = bootstrap.refit

    def recording(*args: object, **kwargs: object) -> np.ndarray | None:
        out = real(*args, **kwargs)  # type: ignore[arg-type]
        if out is not None:
            seen.append(np.exp(out[:2]))
        return out

    monkeypatch.setattr(bootstrap, "refit", recording)
    f = fit_battle(IWO, "square", refits=10, seed=5)
    assert f.interval_method.startswith(f"rates: parametric bootstrap, percentile 95% ({len(seen)}")
    draws = np.array(seen)
    assert draws.shape[0] >= 10
    for j, (norm_ci, ci, rate, rate_n) in enumerate(
        (
            (f.red_rate_normalised_ci, f.red_rate_ci, f.red_rate, f.red_rate_normalised),
            (f.blue_rate_normalised_ci, f.blue_rate_ci, f.blue_rate, f.blue_rate_normalised),
        )
    ):
        want = np.quantile(draws[:, j], [0.025, 0.975])
        np.testing.assert_allclose(np.array(norm_ci, dtype=float), want, rtol=1e-9)
        np.testing.assert_allclose(np.array(ci, dtype=float), want * (rate / rate_n), rtol=1e-9)
