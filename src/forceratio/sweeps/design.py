"""Sampling designs over the varied parameters, addressable by sample number.

Sample ``i`` of a design has the same values however the sweep is cut into chunks or
spread over workers: Sobol points come from one scrambled sequence (``fast_forward``);
random and Latin-hypercube points are generated in fixed blocks of ``BLOCK`` samples, each
from its own stream (:func:`forceratio.seeds.stream` ``(seed, "design", block)``); grid
points are a mixed-radix count.  (The Latin hypercube is therefore stratified within each
block of ``BLOCK`` samples, not over the whole sweep.)  The Sobol scramble, the blocks and
the data-uncertainty draws each have their own purpose's stream, apart from the
replications' and the posterior draws' of the same seed (:mod:`forceratio.seeds`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from forceratio.arguments import choice, instance, shown, unmeant_number, whole
from forceratio.errors import InputError
from forceratio.limits import check_memory
from forceratio.seeds import generator

FloatArray = NDArray[np.float64]
Method = Literal["grid", "sobol", "lhs", "random"]
METHODS: tuple[str, ...] = ("grid", "sobol", "lhs", "random")
BLOCK = 4096


@dataclass(frozen=True)
class Vary:
    """One varied parameter: ``path=lo:hi[:n]`` (``n`` grid points, grid designs only)."""

    path: str
    low: float
    high: float
    n: int | None = None

    def __post_init__(self) -> None:
        """A dotted path, a finite range with ``low <= high``, ``n`` a whole number >= 1."""
        if not isinstance(self.path, str) or not self.path.strip():
            raise InputError("vary", f"expected a dotted parameter path, got {shown(self.path)}")
        for name, x in (("lo", self.low), ("hi", self.high)):
            if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
                raise InputError("vary", f"{self.path}: lo and hi must be numbers, got {x!r}")
            if not math.isfinite(x):
                raise InputError("vary", f"{self.path}: lo and hi must be finite, {name} is {x}")
        if self.low > self.high:
            raise InputError("vary", f"{self.path}: lo {self.low:g} > hi {self.high:g}")
        if self.n is not None and (
            isinstance(self.n, bool) or not isinstance(self.n, int | np.integer) or self.n < 1
        ):
            raise InputError("vary", f"{self.path}: n must be >= 1, got {shown(self.n)}")

    @classmethod
    def parse(cls, text: str) -> Vary:
        """``path=lo:hi[:n]`` (the command line's ``--vary``)."""
        if not isinstance(text, str):
            raise InputError("vary", f"expected dotted.path=lo:hi[:n], got {shown(text)}")
        path, sep, rng = text.partition("=")
        path = path.strip()
        if not sep or not path:
            raise InputError("vary", f"expected dotted.path=lo:hi[:n], got {text!r}")
        parts = rng.split(":")
        if len(parts) not in (2, 3):
            raise InputError("vary", f"{path}: expected lo:hi or lo:hi:n, got {rng!r}")
        odd = unmeant_number(" ".join(parts))
        if odd is not None:  # Python's float() reads 1_0 as 10
            raise InputError("vary", f"{path}={rng}: {odd}")
        try:
            lo, hi = float(parts[0]), float(parts[1])
        except ValueError:
            raise InputError("vary", f"{path}: lo and hi must be numbers, got {rng!r}") from None
        n = None
        if len(parts) == 3:
            try:
                n = int(parts[2])
            except ValueError:
                raise InputError(
                    "vary", f"{path}: n must be an integer, got {parts[2]!r}"
                ) from None
        return cls(path, lo, hi, n)

    def __str__(self) -> str:
        tail = f":{self.n}" if self.n is not None else ""
        return f"{self.path}={self.low:g}:{self.high:g}{tail}"


def declared(
    uncertainty: Mapping[str, tuple[float, float]], exclude: Collection[str] = ()
) -> list[Vary]:
    """The ranges a scenario declares in ``[uncertainty]`` as sweep dimensions, leaving out
    a range with nothing in it (low == high: a fixed value) and the paths in ``exclude``
    (drawn from a posterior)."""
    return [Vary(p, lo, hi) for p, (lo, hi) in uncertainty.items() if hi > lo and p not in exclude]


@dataclass(frozen=True)
class Design:
    """A design of ``samples`` points over ``vary`` (in order)."""

    method: Method
    vary: tuple[Vary, ...]
    samples: int
    seed: int

    def __post_init__(self) -> None:
        choice("method", self.method, METHODS)
        if not isinstance(self.vary, tuple):
            raise InputError("vary", f"expected a tuple of Vary, got {shown(self.vary)}")
        for v in self.vary:
            instance("vary", v, Vary, "Vary(path, low, high) items")
        whole("samples", self.samples, 1)
        whole("seed", self.seed, 0)

    @classmethod
    def make(cls, method: str, vary: Sequence[Vary], samples: int | None, seed: int) -> Design:
        """A design by name; ``samples`` is the grid's size when None (grid designs)."""
        if not isinstance(method, str) or method not in METHODS:
            raise InputError("method", f"unknown method {method!r}; choose {', '.join(METHODS)}")
        if isinstance(vary, str) or not isinstance(vary, Sequence):
            raise InputError("vary", f"expected a list of Vary, got {shown(vary)}")
        for v in vary:
            instance("vary", v, Vary, "Vary(path, low, high) items")
        whole("seed", seed, 0)
        if samples is not None:
            whole("samples", samples, 0)
        if method == "grid":
            sizes = [v.n if v.n is not None else 5 for v in vary]
            total = math.prod(sizes) if vary else 1
            if samples is not None and samples != total:
                raise InputError(
                    "samples", f"a grid of {'x'.join(map(str, sizes))} has {total} points"
                )
            vary = [Vary(v.path, v.low, v.high, s) for v, s in zip(vary, sizes, strict=True)]
            return cls("grid", tuple(vary), total, seed)
        if samples is None:
            raise InputError("samples", f"a {method} design needs a number of samples (--samples)")
        if samples < 1:
            raise InputError("samples", f"{method} designs need at least one sample, got {samples}")
        if any(v.n is not None for v in vary):
            raise InputError("vary", "lo:hi:n gives grid points; use the grid method")
        return cls(method, tuple(vary), int(samples), seed)  # type: ignore[arg-type]

    @property
    def d(self) -> int:
        return len(self.vary)

    def unit(self, start: int, stop: int) -> FloatArray:
        """Points ``start..stop-1`` in the unit cube, shape (stop - start, d)."""
        start, stop = whole("start", start, 0), whole("stop", stop, 0)
        if stop <= start:
            raise InputError("stop", f"must be > start ({start}), got {stop}")
        n = stop - start
        # the points and, for random and Latin-hypercube designs, their blocks: 16 B a value
        check_memory("stop", 16.0 * (n + BLOCK) * max(self.d, 1), f"{n:,} design points")
        if self.d == 0:
            return np.zeros((n, 0))
        if self.method in ("sobol", "lhs"):
            from scipy.stats import qmc  # imported here: scipy.stats takes 1-3 s to import
        if self.method == "sobol":
            eng = qmc.Sobol(self.d, scramble=True, seed=generator(self.seed, "sobol_scramble"))
            if start:
                eng.fast_forward(start)
            with warnings.catch_warnings():
                # a chunk is a slice of one long sequence: its own length need not be 2^m
                warnings.filterwarnings("ignore", "The balance properties", UserWarning)
                return np.asarray(eng.random(n))
        if self.method == "grid":
            sizes = [v.n or 1 for v in self.vary]
            idx = np.arange(start, stop)
            out = np.empty((n, self.d))
            for j in range(self.d - 1, -1, -1):
                k = idx % sizes[j]
                idx = idx // sizes[j]
                out[:, j] = k / (sizes[j] - 1) if sizes[j] > 1 else 0.5
            return out
        blocks = range(start // BLOCK, (stop - 1) // BLOCK + 1)
        parts = []
        for b in blocks:
            rng = generator(self.seed, "design", b)
            if self.method == "lhs":
                pts = qmc.LatinHypercube(self.d, seed=rng).random(BLOCK)
            else:
                pts = rng.random((BLOCK, self.d))
            parts.append(np.asarray(pts))
        allpts = np.concatenate(parts)
        off = start - blocks[0] * BLOCK
        return allpts[off : off + n]

    def points(self, start: int, stop: int) -> dict[str, FloatArray]:
        """Parameter values of samples ``start..stop-1``: path -> (n,)."""
        u = self.unit(start, stop)
        return {v.path: v.low + (v.high - v.low) * u[:, j] for j, v in enumerate(self.vary)}


def data_uniforms(seed: int, start: int, stop: int, width: int) -> FloatArray:
    """Uniforms for the data-uncertainty draws of samples ``start..stop-1``, shape
    (n, width), chunk-invariant like the random design (the "data" purpose's stream)."""
    if width == 0:
        return np.zeros((stop - start, 0))
    blocks = range(start // BLOCK, (stop - 1) // BLOCK + 1)
    parts = [generator(seed, "data", b).random((BLOCK, width)) for b in blocks]
    allpts = np.concatenate(parts)
    off = start - blocks[0] * BLOCK
    return allpts[off : off + (stop - start)]
