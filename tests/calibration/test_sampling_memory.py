"""The sampler's memory check counted a flat 4 kB a walker for the model's runs,
and the chains at emcee's size: 0.004-0.014 of the peak a short sampling run of the whole
1941 record adds (126-133 MB: the predictive table runs the model on 2,000 draws at once,
62 kB a draw).  It now counts the model's largest call (the ensemble, or a predictive
chunk) as :func:`~forceratio.limits.model_bytes` (hsweep23), the kept run's copies and
the predictive values: within 0.8-1.3 of the peak (VmHWM less RssFile's growth after a
warm call, reset through /proc/self/clear_refs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from forceratio.errors import InputError
from tests.memory_child import child, measure

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status"),
]

# The record's problem, sampled with the mode and its covariance stood in by the shipped
# posterior's (BFGS on the record takes minutes; a mode is a few single runs, not what is
# measured): the peak sample_posterior adds after a warm model call, and its estimate.
SAMPLING = child(
    """
    import numpy as np
    from forceratio.calibration import sampling
    from forceratio.calibration.mode import Mode
    from forceratio.scenarios import record_fit
    from forceratio.scenarios.session import Session

    rec = record_fit.inputs(Session().table)
    p = rec.problem
    draws = record_fit.shipped(rec).draws
    z = p.unconstrain(draws)
    z0 = np.median(z, axis=0)
    mode = Mode(z0, p.constrain(z0[None])[0], float(p.log_posterior(z0[None])[0]), True, "", 1, 1)
    sampling.find_mode = lambda *a, **k: mode
    sampling.laplace_covariance = lambda *a, **k: np.cov(z.T)
    p.predict(p.full(draws[:2])[0])
    sampling._emcee()
    """,
    """
    nw, steps = int(sys.argv[1]), int(sys.argv[2])
    sampling.sample_posterior(p, n_walkers=nw, n_steps=steps, burn=0, pilot=0, n_starts=1)
    """,
)


def test_a_sampling_runs_estimate_is_close_to_the_peak(tmp_path: Path) -> None:
    """48 walkers x 42 steps, 2,016 draws: about 126 MB measured, 121 MB estimated on 2
    threads (127.5 MB before hsweep23; the flat 4 kB a walker: 0.6 MB)."""
    added, asked = measure(SAMPLING, ["48", "42"], tmp_path)
    assert [field for field, _ in asked][:1] == ["n_walkers x n_steps"], asked
    assert 0.8 <= asked[0][1] / added <= 1.3, (asked, added)


def test_a_sampling_run_above_the_limit_is_refused_before_the_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same run under a 100 MB limit is refused naming ``n_walkers x n_steps`` before
    any work (the flat estimate let it through to the mode and a 126 MB peak)."""
    from forceratio.calibration import sampling
    from forceratio.scenarios import record_fit
    from forceratio.scenarios.session import Session

    def no_mode(*args: object, **kwargs: object) -> None:
        raise AssertionError("the mode was sought: nothing refused the run")

    monkeypatch.setattr(sampling, "find_mode", no_mode)
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "100M")
    problem = record_fit.inputs(Session().table).problem
    with pytest.raises(InputError) as err:
        sampling.sample_posterior(problem, n_walkers=48, n_steps=42, burn=0, pilot=0)
    assert err.value.field == "n_walkers x n_steps", err.value
