"""review22c 3: ``forceratio.fit``'s seed as the command's ``--seed``: refused where nothing
is random (``fit(..., seed=5)`` without refits was accepted and ignored), and, like the
calibration's, an int or a ``numpy.random.SeedSequence`` (numpy documents that
``default_rng(n)`` draws what ``default_rng(SeedSequence(n))`` does: the same intervals)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import forceratio
from forceratio.errors import InputError

IWO = Path(__file__).parent / "fixtures" / "iwo_1.csv"


@pytest.mark.parametrize("seed", [5, 0, np.random.SeedSequence(5)])
def test_a_seed_without_refits_is_refused(seed: int | np.random.SeedSequence) -> None:
    with pytest.raises(InputError, match="refits") as err:
        forceratio.fit(IWO, "square", seed=seed)
    assert err.value.field == "seed"


def test_a_seed_sequence_seeds_the_bootstrap_as_its_integer() -> None:
    by_int = forceratio.fit(IWO, "square", refits=10, seed=7)
    by_seq = forceratio.fit(IWO, "square", refits=10, seed=np.random.SeedSequence(7))
    assert not isinstance(by_int, list)
    assert not isinstance(by_seq, list)
    assert by_seq.red_rate_ci == by_int.red_rate_ci
    assert by_seq.blue_rate_ci == by_int.blue_rate_ci
    other = forceratio.fit(IWO, "square", refits=10, seed=np.random.SeedSequence(8))
    assert not isinstance(other, list)
    assert other.red_rate_ci != by_int.red_rate_ci
    assert any("seed SeedSequence(7)" in n for n in by_seq.notes)
