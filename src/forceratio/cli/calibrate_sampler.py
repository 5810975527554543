"""``forceratio calibrate``'s sampler as the command line sets it: the options from
``--steps`` and ``--walkers``, the floor of ``--steps`` and the note said before a new
posterior is computed.  Light to import (the help states the floor): the sampler and the
record's settings are imported where they are used."""

from __future__ import annotations

from typing import Any

#: ``--steps``'s floor as the help states it (the command line loads no sampler to say it):
#: :func:`fewest_steps`, derived from the sampler's constants, which the refusal uses and
#: a test holds this to.
FEWEST_STEPS = 349
#: The shipped posterior's run, the scale of a new one's time: 4,460 s (sampling and the
#: leave-one-out refits, on a busy 2-core machine) for 48 walkers x 57,500 steps (1,500
#: warm-up and 56,000); docs/design/issue13-mechanisms.md 8.31, README.
SHIPPED_RUN = {"seconds": 4460.0, "walkers": 48, "steps": 57500}


def sampler_options(base: dict[str, Any], steps: int | None, walkers: int | None) -> dict[str, Any]:
    """The sampler's options: ``base`` (:data:`.record_fit.POSTERIOR`'s) with ``--steps``
    (its burn-in cut to a fifth of them when that is shorter) and ``--walkers``."""
    options = dict(base)
    if steps is not None:
        options["n_steps"] = steps
        options["burn"] = min(int(options.get("burn", steps // 5)), steps // 5)
    if walkers is not None:
        options["n_walkers"] = walkers
    return options


def fewest_steps() -> int:
    """The fewest ``--steps`` whose run keeps :data:`.sampling.MIN_KEPT` steps a walker
    after :func:`sampler_options`' burn-in and :data:`.record_fit.POSTERIOR`'s thinning."""
    import itertools

    from forceratio.calibration.sampling import MIN_KEPT
    from forceratio.scenarios.record_fit import POSTERIOR

    def kept(n: int) -> int:
        options = sampler_options(POSTERIOR["options"], n, None)
        return (n - int(options["burn"])) // int(options["thin"])

    return next(n for n in itertools.count(1) if kept(n) >= MIN_KEPT)


def new_posterior_note(problem: Any, options: dict[str, Any], seed: int) -> str:
    """The line said before a posterior is computed (not shipped, not cached): its size and
    a rough time, the shipped run's (:data:`SHIPPED_RUN`) scaled by walkers x steps."""
    from forceratio.calibration.sampling import planned_steps

    walkers, steps = planned_steps(problem, **options)
    scale = walkers * steps / (SHIPPED_RUN["walkers"] * SHIPPED_RUN["steps"])
    seconds = SHIPPED_RUN["seconds"] * scale
    took = (
        f"{seconds / 3600:.1f} hours"
        if seconds >= 5400
        else f"{seconds / 60:.0f} minutes"
        if seconds >= 120
        else f"{seconds:.0f} s"
    )
    return (
        f"computing a new posterior, not the shipped or a cached one ({walkers:,} walkers x "
        f"{steps:,} steps, seed {seed}): about {took}, estimated from the shipped run's "
        f"{SHIPPED_RUN['seconds']:,.0f} s for {SHIPPED_RUN['walkers']} x "
        f"{SHIPPED_RUN['steps']:,} on 2 busy cores"
    )
