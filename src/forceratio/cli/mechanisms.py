"""``forceratio sensitivity NAME --posterior RUNS``: which mechanism carries a scenario's
answer over the whole-record posterior, and what would have to be true for it to flip."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from forceratio.cli.output import Format, print_frame, print_json


def mechanism_rows(dec: Any, outcome: str = "attacker_wins") -> pd.DataFrame:
    """The per-parameter first-order indices of ``outcome`` as a table, largest first."""
    from forceratio.plots.labels import parameter_label

    rows = [
        {
            "parameter": f"{parameter_label(r['parameter'])} ({r['parameter']})",
            "kind": r["kind"],
            "S1": r["S1"],
            "S1 95% CI": f"{r['S1_ci'][0]:.3f} .. {r['S1_ci'][1]:.3f}",
        }
        for r in dec.indices
        if r["outcome"] == outcome
    ]
    df = pd.DataFrame(rows)
    return df.sort_values("S1", ascending=False, kind="stable") if len(df) else df


def print_mechanisms(
    dec: Any,
    scenario: str,
    fmt: Format,
    seed: int | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> None:
    """Print a :class:`~forceratio.sweeps.mechanisms.Decomposition` (with the ``seed`` of
    its draws, when given; ``ranges``: the declared ranges its assumptions were swept over,
    shown beside the boxes' conditions)."""
    from forceratio.cli.discover import print_boxes

    seeded = {} if seed is None else {"seed": seed}
    if fmt is Format.json:
        print_json({"scenario": scenario, **seeded, **dec.to_json()})
        return
    lo, hi = dec.p_attacker_wins_ci
    rules = ", ".join(f"{k} {v:.0%}" for k, v in dec.decided_by.items())
    summary = pd.DataFrame(
        [
            {
                "joint runs": dec.runs,
                "P(attacker wins)": dec.p_attacker_wins,
                "95% interval": f"{lo:.3f} .. {hi:.3f}",
                "decided by": rules,
                **seeded,
            }
        ]
    )
    print_frame(
        summary, fmt, digits=3, title=f"{scenario}: assumptions and posterior draws together"
    )
    groups = pd.DataFrame([{"outcome": k, **v} for k, v in dec.groups.items()])
    print_frame(
        groups,
        fmt,
        digits=3,
        title="Variance shares by group (crossed assumptions x posterior draws; first order)",
    )
    outs = list(dict.fromkeys(r["outcome"] for r in dec.indices))
    for name in outs:
        print_frame(
            mechanism_rows(dec, name),
            fmt,
            digits=3,
            title=f"First-order indices of {name} (given data; valid for the dependent "
            "posterior draws)",
        )
    if not dec.flips:
        if fmt is Format.table:
            print(f"What would flip it: {dec.flip_words} in none of the {dec.runs:,} runs.")
        return
    if fmt is Format.table:
        print(
            f"What would flip it: {dec.flip_words} in {dec.flip_runs:,} of {dec.runs:,} runs; "
            "the boxes (PRIM) where it does:"
        )
    print_boxes(dec.flips, dec.flip_words, dec.runs, fmt, False, ranges)
