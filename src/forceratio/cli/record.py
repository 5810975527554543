"""``forceratio calibrate --record``: issue 13's calibration on the whole 1941 record."""

from __future__ import annotations

from typing import Any

import pandas as pd

from forceratio.cli.data import _overrides
from forceratio.cli.output import Format, print_frame, print_json


def record_calibration(fmt: Format, table: list[str] | None, posterior: bool, steps: int) -> None:
    """Fit, then print the parameters, the residuals, the leave-one-operation-out errors
    and the summary of the issue's targets (``--format json``: one document)."""
    from forceratio.scenarios.record1941 import SCENARIOS, calibrate_record
    from forceratio.scenarios.session import Session

    session = Session(_overrides(table))
    prepared = {name: session.prepare(name) for name in SCENARIOS}
    options: dict[str, Any] = {"n_steps": steps} if posterior else {}
    data = calibrate_record(
        prepared, session.table("operations_1941"), posterior=posterior, **options
    )
    if fmt is Format.json:
        print_json(data)
        return
    cols = ["parameter", "value", "ci95_low", "ci95_high", "prior_low", "prior_high"]
    params = pd.DataFrame(data["parameters"])
    print_frame(params[[c for c in cols if c in params]], fmt, title="Shared parameters", digits=4)
    res = pd.DataFrame(data["residuals"])
    keep = ["record", "kind", "group", "historical", "model", "relative_error", "lower_bound"]
    print_frame(res[keep], fmt, title="Residuals (model v record)", digits=3)
    if data.get("out_of_sample_groups"):
        print_frame(
            pd.DataFrame(data["out_of_sample_groups"]),
            fmt,
            title="Leave one operation out: refit without it, predict it",
            digits=3,
        )
    s = data["summary"]
    if fmt is Format.table:
        print(
            f"{s['within_35pct']} of {s['records']} records within 35% (lower bounds met "
            f"count); in-sample median |error| {s['median_abs_error_in_sample']:.3f}; "
            f"leave-one-operation-out median |error| {s['loo_median_abs_error']:.3f} over "
            f"{s['loo_operations']} operations (geometric mean per operation), "
            f"{s['loo_median_abs_error_per_record']:.3f} over {s['loo_records']} records; "
            f"{data['posterior_draws']} draws ({data['method']})."
        )


def add_posterior(
    rows: list[dict[str, Any]], table: list[str] | None, draws: int, seed: int | None
) -> None:
    """Add to each 12 June row P(attacker wins) with its 95% interval over ``draws``
    posterior draws of the whole-record calibration (the mode's Laplace draws, cached)."""
    from forceratio.scenarios.posterior_outcome import posterior_outcome
    from forceratio.scenarios.record1941 import SCENARIOS, fit_record
    from forceratio.scenarios.session import Session

    session = Session(_overrides(table))
    prepared = {name: session.prepare(name) for name in SCENARIOS}
    _, result, _ = fit_record(prepared, session.table("operations_1941"))
    for row in rows:
        if row["attacker"] != "USSR":  # the Soviet strikes: 12 June, and sokolov's 15 July
            continue
        extra = posterior_outcome(
            session.prepare(row["scenario"]), result, draws=draws, seed=seed or 0
        )
        lo, hi = extra["p_attacker_wins_ci"]
        extra["p_attacker_wins_ci_text"] = f"{lo:.2f}-{hi:.2f}"
        extra["decided_by_text"] = ", ".join(
            f"{k} {v:.0%}" for k, v in sorted(extra["decided_by"].items())
        )
        row.update(extra)
