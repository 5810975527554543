"""One entry point: calibrate a problem by a named method, through the disk cache.

``calibrate(problem, method="mcmc")`` is what ``forceratio calibrate`` will call (``"map"``
for the quick mode).  The cache key covers the problem as data, the caller's scenario
definitions (the model function itself cannot be hashed, so the caller describes it),
the method, its options and the seed, and the code version.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from forceratio.arguments import instance, whole
from forceratio.calibration.cache import ResultCache, cache_key, cached
from forceratio.calibration.mode import fit_map
from forceratio.calibration.problem import Problem
from forceratio.calibration.result import CalibrationResult
from forceratio.calibration.sampling import sample_posterior
from forceratio.errors import InputError

METHODS: dict[str, Callable[..., CalibrationResult]] = {
    "mcmc": sample_posterior,
    "map": fit_map,
}


def calibrate(
    problem: Problem,
    *,
    method: str = "mcmc",
    seed: int = 0,
    scenarios: Any = None,
    cache: ResultCache | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> tuple[CalibrationResult, bool]:
    """Calibrate by ``method`` ("mcmc" or "map") with ``options`` passed on (e.g.
    ``n_steps``, ``n_walkers`` for "mcmc", ``n_starts`` for both).  Returns the result and
    whether it came from the cache.  ``scenarios`` is anything JSON-serialisable that
    identifies the model (scenario files' contents, data versions).  ``progress`` goes to
    the sampler (``"mcmc"``) and is not part of the key."""
    instance("problem", problem, Problem, "a Problem(parameters, records, model)")
    if not isinstance(method, str) or method not in METHODS:
        raise InputError("method", f"unknown method {method!r}; choose from {sorted(METHODS)}")
    fit = METHODS[method]
    whole("seed", seed, 0)
    if cache is not None:
        instance("cache", cache, ResultCache, "a ResultCache")
    instance("use_cache", use_cache, bool, "True or False")
    if progress is not None and not callable(progress):
        raise InputError("progress", f"expected a function progress(step, total), got {progress!r}")
    known = set(inspect.signature(fit).parameters) - {"problem", "seed", "progress"}
    for name in options:
        if name not in known:
            raise InputError(
                name,
                f"not an option of the {method} method; its options: {', '.join(sorted(known))}",
            )

    def compute() -> CalibrationResult:
        if progress is not None and method == "mcmc":
            return fit(problem, seed=seed, progress=progress, **options)
        return fit(problem, seed=seed, **options)

    if not use_cache:
        return compute(), False
    try:
        key = cache_key(
            data=problem.describe(),
            scenarios=scenarios,
            settings={"method": method, "seed": seed, "options": options},
        )
    except TypeError as exc:  # the only thing of the key's parts the caller may get wrong
        raise InputError(
            "scenarios", f"must be JSON-serialisable (text, numbers, lists, dicts, arrays): {exc}"
        ) from None
    return cached(key, compute, cache)
