"""Regenerate the shipped whole-record posterior (calibration/shipped/record1941.npz).

Run it after any change to the record scenarios, the data tables they read, the priors or
the model; ``tests/calibration/test_record_fit.py`` fails until then::

    python scripts/calibrate_record.py

emcee (pilot, fitted proposal, kept run) at :data:`forceratio.scenarios.record_fit.POSTERIOR`
on the built-in tables, then the leave-one-operation-out refits; progress on stderr, the
diagnostics and the parameter table on stdout.  ``--check`` only says whether the shipped
file matches the current inputs (exit 1 when it does not).  ``--predictive`` recomputes only
the shipped posterior's predictive quantiles from its own draws (after a change to how they
are taken; the draws, point, diagnostics and leave-one-out stay as shipped).
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

import numpy as np

from forceratio.arguments import seed_sequence
from forceratio.calibration.cache import write_entry
from forceratio.calibration.result import predictive_table
from forceratio.calibration.sampling import SUMMARY_STREAM
from forceratio.scenarios import record_fit
from forceratio.scenarios.session import Session


def _predictive(rec: record_fit.RecordInputs) -> int:
    """Rewrite the shipped file with the predictive table re-taken from its draws, the
    noise drawn from the summary's stream of the shipped seed (as the sampler does)."""
    result = record_fit.shipped(rec)
    if result is None:
        print("the shipped posterior is stale: regenerate it in full", file=sys.stderr)
        return 1
    seed = int(record_fit.POSTERIOR["seed"])
    rng = np.random.default_rng(seed_sequence(seed).spawn(5)[SUMMARY_STREAM])
    table = predictive_table(rec.problem, result.draws, rng)
    key = record_fit.key(rec, record_fit.POSTERIOR, code=False)
    if not write_entry(record_fit.SHIPPED, key, replace(result, predictive=table)):
        print(f"could not write {record_fit.SHIPPED}", file=sys.stderr)
        return 1
    print(f"rewrote the predictive table of {record_fit.SHIPPED} from {len(result.draws)} draws")
    return 0


def main(argv: list[str]) -> int:
    rec = record_fit.inputs(Session().table)
    if "--check" in argv:
        ok = record_fit.shipped(rec) is not None
        print("the shipped posterior matches" if ok else "the shipped posterior is stale")
        return 0 if ok else 1
    if "--predictive" in argv:
        return _predictive(rec)
    start = time.perf_counter()

    def progress(step: int, total: int) -> None:
        print(f"step {step}/{total}, {time.perf_counter() - start:.0f} s", file=sys.stderr)

    result, _ = record_fit.fit(
        rec, record_fit.POSTERIOR, loo=True, use_shipped=False, progress=progress
    )
    elapsed = time.perf_counter() - start
    key = record_fit.key(rec, record_fit.POSTERIOR, code=False)
    if not write_entry(record_fit.SHIPPED, key, result):
        print(f"could not write {record_fit.SHIPPED}", file=sys.stderr)
        return 1
    d = result.diagnostics
    print(f"wrote {record_fit.SHIPPED} in {elapsed:.0f} s (sampling and leave-one-out)")
    if d is not None:
        print(
            f"{d.n_walkers} walkers, {d.warmup} warm-up steps (proposal: {d.components} "
            f"components), {d.n_steps} steps (burn {d.burn}, thin {d.thin}), "
            f"{result.posterior_draws} draws; acceptance {d.acceptance_fraction:.3f} "
            f"(min {d.acceptance_min:.3f}); converged: {d.converged}"
        )
        for note in d.notes:
            print(f"  not converged: {note}")
    cols = ["median", "map", "ci95_low", "ci95_high", "prior_low", "prior_high"]
    table = result.parameters[cols].copy()
    if d is not None:
        table["ess"] = [d.ess[n] for n in table.index]
        table["rhat"] = [d.rhat[n] for n in table.index]
        table["tau"] = [d.tau[n] for n in table.index]
    print(table.to_string(float_format=lambda v: f"{v:.4g}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
