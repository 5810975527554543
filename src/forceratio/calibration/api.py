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

from forceratio.arguments import instance, real, whole
from forceratio.calibration.cache import ResultCache, cache_key, cached
from forceratio.calibration.mode import fit_map, map_bytes
from forceratio.calibration.problem import Problem
from forceratio.calibration.result import CalibrationResult
from forceratio.calibration.sampling import planned_bytes, sample_posterior
from forceratio.errors import InputError
from forceratio.limits import check_memory

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
    reserve: float = 0.0,
    **options: Any,
) -> tuple[CalibrationResult, bool]:
    """Calibrate by ``method`` ("mcmc" or "map") with ``options`` passed on (e.g.
    ``n_steps``, ``n_walkers`` for "mcmc", ``n_starts`` for both).  Returns the result and
    whether it came from the cache.  ``scenarios`` is anything JSON-serialisable that
    identifies the model (scenario files' contents, data versions).  ``progress`` goes to
    the sampler (``"mcmc"``) and is not part of the key.  ``reserve`` (bytes, not part of
    the key): memory the caller holds besides, a command's own
    (:data:`~forceratio.limits.BYTES_COMMAND_BASE`); a calibration to compute (not one
    found in the cache) is refused before it starts when its method's estimate
    (:func:`memory_estimate`) and this exceed the memory limit."""
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

    if real("reserve", reserve) < 0:
        raise InputError("reserve", f"must be >= 0 bytes, got {reserve}")

    def compute() -> CalibrationResult:
        if reserve:
            estimate, field, what = memory_estimate(problem, method, options)
            check_memory(field, reserve + estimate, what)
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


def memory_estimate(
    problem: Problem, method: str, options: dict[str, Any]
) -> tuple[float, str, str]:
    """The estimated working memory of ``method`` on ``problem`` with ``options`` (the
    method's defaults for the rest), as the method checks it before its work, the field its
    refusal names and what the memory is for."""
    if method == "mcmc":
        estimate, what = planned_bytes(problem, **options)
        return estimate, "n_walkers x n_steps", what
    args = inspect.signature(fit_map).bind(problem, **options)
    args.apply_defaults()
    estimate, what = map_bytes(problem, whole("n_draws", args.arguments["n_draws"], 2))
    return estimate, "n_draws", what
