"""One random stream per purpose (review22c L3): for one seed, the streams of different
purposes are never the same SeedSequence state.

Before session 23 a random design's block 0 and the replications of run 0 were both
``SeedSequence(seed, spawn_key=(0,))``, and the Sobol scramble and the posterior draws'
choice both ``default_rng(seed)``.  The oracle is the invariant itself: rebuild the
generator one consumer would have had if it read the other's stream, and check that it does
not reproduce the other's numbers.
"""

from __future__ import annotations

import inspect
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest
from numpy.typing import ArrayLike, NDArray
from scipy.stats import qmc

from forceratio.calibration import CalibrationResult, posterior_batch
from forceratio.simulator import compiled
from forceratio.simulator.battle import battle
from forceratio.sweeps.design import BLOCK, Design, Vary, data_uniforms

SEED = 7
VARY = [Vary("a", 0.0, 1.0), Vary("b", 0.0, 1.0), Vary("c", 0.0, 1.0)]


class Words(np.random.bit_generator.ISeedSequence):
    """A seed sequence that hands out given 32-bit words: the generator a consumer would
    build from another's stream, if the two were one (``default_rng(ss)`` seeds PCG64 with
    ``ss.generate_state(4, uint64)``, the first eight 32-bit words)."""

    def __init__(self, words: ArrayLike) -> None:
        self.words = np.asarray(words, dtype=np.uint32)

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> NDArray[Any]:
        if np.dtype(dtype) == np.uint64:
            return self.words[: 2 * n_words].view(np.uint64)
        return self.words[:n_words]


def rebuilt(words: ArrayLike) -> np.random.Generator:
    """The generator ``default_rng`` builds from a sequence whose first words are ``words``."""
    return np.random.Generator(np.random.PCG64(cast(Any, Words(words))))


def replication_words(seed: int, replications: int) -> NDArray[np.uint32]:
    """The engine's seed words of run 0's replications (what the compiled stochastic
    kernel receives as ``seeds``), from a one-scenario battle."""
    from forceratio.simulator import stochastic

    got: list[NDArray[np.int64]] = []
    plain = compiled.run_chunked

    def spy(kernel: Any, n: int, *args: Any, **kw: Any) -> None:
        if kernel is stochastic.run_chunk:  # kernel(lo, hi, *work arrays, *args)
            names = list(inspect.signature(getattr(kernel, "py_func", kernel)).parameters)
            params = names[2 + len(kw.get("work", ())) :]
            got.append(np.array(args[params.index("seeds")]))
        plain(kernel, n, *args, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(compiled, "run_chunked", spy)
        battle("square", 1000.0, 800.0, 0.01, 0.012, replications=replications, seed=seed)
    assert len(got) == 1
    assert got[0].size == replications
    return got[0].astype(np.uint32)


def test_oracle_rebuilds_a_generator_from_its_words() -> None:
    """The oracle's premise: a generator on ``Words(ss.generate_state(8))`` draws what
    ``default_rng(ss)`` draws."""
    ss = np.random.SeedSequence(SEED, spawn_key=(3,))
    a = rebuilt(ss.generate_state(8)).random(5)
    np.testing.assert_array_equal(a, np.random.default_rng(ss).random(5))


def test_design_block_0_is_not_run_0s_replication_stream() -> None:
    """A random design's block 0 and run 0's replications (a sweep with ``--replications``
    seeds both from its seed).  (A Latin hypercube's block was a child of the block's
    sequence, scipy's spawn, so it never met a run's stream.)"""
    words = replication_words(SEED, 8)
    rng = rebuilt(words)
    shared = rng.random((BLOCK, len(VARY)))
    pts = Design.make("random", VARY, 64, SEED).unit(0, 64)
    assert not np.allclose(pts, shared[:64])
    # nor the data-uncertainty draws of block 0
    rng = rebuilt(words)
    assert not np.allclose(data_uniforms(SEED, 0, 64, 3), rng.random((BLOCK, 3))[:64])


def _result(total: int) -> CalibrationResult:
    names = ("x",)
    draws = np.arange(total, dtype=float)[:, None]
    empty = pd.DataFrame()
    return CalibrationResult(
        "map", names, draws, draws[0], draws[0], 0.0, names, {}, empty, empty, empty
    )


def test_sobol_scramble_is_not_the_posterior_choice_stream() -> None:
    """``sweep --method sobol --posterior N --seed S`` seeds both from S: the posterior's
    choice of draws is not what the Sobol scramble's generator would choose."""
    engines: list[Any] = []
    plain = qmc.Sobol

    class Seen(plain):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kw: Any) -> None:
            super().__init__(*args, **kw)
            engines.append(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(qmc, "Sobol", Seen)
        Design.make("sobol", VARY, 16, SEED).unit(0, 16)
    assert len(engines) == 1
    import copy

    scramble = copy.deepcopy(engines[0].rng_seed)  # the engine's generator before use
    total, n = 10_000, 64
    chosen = posterior_batch(_result(total), n, seed=SEED).index.to_numpy()
    assert not np.array_equal(chosen, scramble.choice(total, size=n, replace=False))


def test_purposes_have_distinct_streams() -> None:
    from forceratio.seeds import PURPOSES, code, stream

    codes = [code(p) for p in PURPOSES]
    assert len(set(codes)) == len(codes)
    assert min(codes) >= 2**16  # above SeedSequence.spawn's children 0, 1, ...
    first = {p: tuple(stream(SEED, p, 0).generate_state(4)) for p in PURPOSES}
    assert len(set(first.values())) == len(first)
    # a purpose's stream of a SeedSequence seed extends that sequence's spawn key
    ss = np.random.SeedSequence(SEED, spawn_key=(2,))
    assert stream(ss, "design", 1).spawn_key == (2, code("design"), 1)
    assert stream(SEED, "design", 1).spawn_key == (code("design"), 1)
