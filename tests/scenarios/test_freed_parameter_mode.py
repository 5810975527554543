"""Freeing a parameter (``record1941.OPTIONAL``) can only raise the posterior's maximum:
the larger problem contains the fixed one's mode, at the value the fixed one runs at.

On the 22 June scenario alone (its records only, a small problem), with the capture gate
(off in the files) set to 0.5 in both and freed in one."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from forceratio.calibration import Parameters
from forceratio.calibration.likelihood import LogNormalLikelihood
from forceratio.calibration.mode import find_mode
from forceratio.scenarios import load_scenario, record_fit
from forceratio.scenarios.session import Session

GATE = "operations.capture.gate"
NAMES = ("barbarossa-22june",)
SETS = (f"{GATE}=0.5",)


@pytest.mark.slow
def test_freeing_the_capture_gate_cannot_lower_the_maximum() -> None:
    load = Session().table
    fixed = record_fit.inputs(load, SETS, names=NAMES).problem
    freed = record_fit.inputs(load, SETS, optional=(GATE,), names=NAMES).problem
    file_value = float(load_scenario(NAMES[0], list(SETS)).operations.capture.gate)

    mode = find_mode(fixed, n_starts=1, seed=0)
    names = freed.names
    assert names[-1] == "sigma"
    assert names[-2] == GATE
    embedded = np.concatenate([mode.theta[:-1], [file_value], mode.theta[-1:]])
    # oracle 1: at the file's value the freed model is the fixed model (same likelihood)
    assert 0.05 < file_value < 2.0  # inside the freed prior's support
    np.testing.assert_allclose(
        freed.log_likelihood(embedded[None, :]),
        fixed.log_likelihood(mode.theta[None, :]),
        rtol=1e-10,
    )
    # oracle 2: maximising over the larger set, from the fixed mode, cannot do worse there
    start = dict(zip(names, embedded, strict=True))
    warm = Parameters(dataclasses.replace(q, value=start[q.name]) for q in freed.parameters.items)
    like = freed.likelihood
    assert isinstance(like, LogNormalLikelihood)
    sigma = dataclasses.replace(like.sigma, value=start["sigma"])
    from_fixed = dataclasses.replace(
        freed, parameters=warm, likelihood=dataclasses.replace(like, sigma=sigma)
    )
    wider = find_mode(from_fixed, n_starts=1, seed=0)
    at_fixed = float(freed.log_posterior(freed.unconstrain(embedded[None, :]))[0])
    assert wider.log_posterior >= at_fixed - 1e-6
