"""One random stream per purpose, all derived from the user's seed.

Every number forceratio draws from a seed ``s`` (``--seed``, ``seed=``) comes from
``SeedSequence(s, spawn_key=(code(purpose), *key))``: the purpose's code (the CRC-32 of
``forceratio.<purpose>``, a 32-bit word) comes first and the purpose's own key (a design
block, a run's key) after it.  Two purposes never share a stream, however their keys are
chosen: their spawn keys differ in the first word.  Before 5 December 2026 a random design's
block ``b`` and the replications keyed ``b`` (a sweep's run ``b``, or one sector of a run) were
both ``SeedSequence(s, spawn_key=(b,))`` (the design's values and that run's noise were drawn
from the same words), and the Sobol scramble
and the posterior draws' choice both read ``SeedSequence(s)`` itself.

A stream depends on the seed, the purpose and the key only, never on how the work is cut
into chunks, ordered or spread over processes.  The codes are at least 2^16, above the
children ``SeedSequence.spawn`` numbers 0, 1, ... (what the calibration's sampler uses,
left as it is: the shipped posterior was drawn from them).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy imported where a stream is made: the command line's --help is light
    import numpy as np
    from numpy.typing import NDArray

    from forceratio.arguments import Seed

#: The seed of random work (replications, designs, posterior draws, bootstraps) when none is
#: given, from Python as from the command line (README, "Seeds"): the same call gives the
#: same numbers.
DEFAULT_SEED = 0

#: What each purpose draws (the key that follows its code in the spawn key).
PURPOSES: dict[str, str] = {
    "design": "a random or Latin-hypercube design's block of points (key: the block number)",
    "sobol_scramble": "the scrambling of a Sobol design (no key)",
    "data": "the data-uncertainty draws of a sweep's block of samples (key: the block)",
    "replications": "the stochastic replications of one run (key: the run's key)",
    "posterior_draws": "which posterior draws a batch takes (no key)",
    "sobol_sample": "the Sobol indices' independent scrambled replicates (sensitivity --method "
    "sobol; no key)",
    "morris": "the Morris trajectories (sensitivity --method morris; no key)",
    "mechanisms": "the seeds of sensitivity --posterior's two sub-sweeps (no key)",
    "mechanisms_bootstrap": "the bootstrap of sensitivity --posterior's indices (no key)",
    "prior_predictive": "the prior predictive check's prior draws and observation errors "
    "(calibrate --prior-predictive; no key)",
}


def code(purpose: str) -> int:
    """The first word of ``purpose``'s spawn key: CRC-32 of ``forceratio.<purpose>``."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown random purpose {purpose!r}; known: {', '.join(PURPOSES)}")
    return zlib.crc32(f"forceratio.{purpose}".encode())


def stream(seed: Seed, purpose: str, *key: int) -> np.random.SeedSequence:
    """The SeedSequence of ``purpose`` (and its ``key``) under ``seed`` (an integer >= 0,
    or a SeedSequence whose spawn key the purpose's is appended to)."""
    import numpy as np

    from forceratio.arguments import seed_sequence

    base = seed_sequence(seed)
    return np.random.SeedSequence(
        base.entropy, spawn_key=(*base.spawn_key, code(purpose), *(int(k) for k in key))
    )


def generator(seed: Seed, purpose: str, *key: int) -> np.random.Generator:
    """A generator on :func:`stream` ``(seed, purpose, *key)``."""
    import numpy as np

    return np.random.default_rng(stream(seed, purpose, *key))


def states(seed: Seed, purpose: str, keys: Iterable[int], words: int) -> NDArray[np.uint32]:
    """``words`` 32-bit words of ``purpose``'s stream for each of ``keys``, shape
    (len(keys), words): the seeds of the stochastic engine's replications, one row a run."""
    import numpy as np

    rows = [stream(seed, purpose, int(k)).generate_state(words) for k in keys]
    return np.asarray(rows, dtype=np.uint32).reshape(len(rows), words)
