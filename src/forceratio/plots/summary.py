"""The report's words on how sure its answer is: the opening summary (P(attacker wins)
over the posterior alone and with the declared assumptions drawn too, and the README's
caveats) and what the calibration section says of its method and errors."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from forceratio.plots.html import _table as html_table


def summary_section(rows: list[dict[str, Any]], mechanisms: dict[str, Any]) -> list[str]:
    """The report's opening: per Soviet strike, P(attacker wins) over the posterior alone
    (compare's rows) and with the declared assumptions drawn too (``mechanisms``, scenario
    -> :class:`~forceratio.sweeps.mechanisms.Decomposition`), and the README's two caveats;
    nothing when no row carries either."""
    strikes = [
        r for r in rows if r.get("p_attacker_wins") is not None or r["scenario"] in mechanisms
    ]
    if not strikes:
        return []

    def p_text(p: float | None, ci: Any, n: Any, what: str) -> str:
        if p is None:  # compare draws the posterior for the 12 June rows only
            return "not computed (compare: 12 June rows only)"
        return f"{p:.2f} (95% {ci[0]:.2f}-{ci[1]:.2f}; {int(n):,} {what})"

    table = pd.DataFrame(
        [
            {
                "scenario": r["scenario"],
                "winner at the calibrated point": r.get("winner"),
                "P(attacker wins), posterior only": p_text(
                    r.get("p_attacker_wins"), r.get("p_attacker_wins_ci"),
                    r.get("posterior_draws_used"), "posterior draws",
                ),
                "P(attacker wins), declared assumptions drawn too": p_text(
                    d.p_attacker_wins, d.p_attacker_wins_ci, d.runs, "joint runs"
                ) if (d := mechanisms.get(r["scenario"])) else "not computed",
            }
            for r in strikes
        ]
    )  # fmt: skip
    first = strikes[0]
    power = first.get("combat_power_ratio_unmodified")
    ratio = (
        f"{first['scenario']}'s day-0 ratio of destroying power, "
        f"{first.get('combat_power_ratio_text')}"
        + (f" on {power:.2f} : 1 in combat power" if power else "")
    )
    caveats = [
        "The posterior-only P holds every declared assumption at its central value: it is the "
        "calibration's uncertainty alone. Drawing the assumptions too (their ranges, "
        "'forceratio scenarios show NAME') gives the last column; the README gives it at "
        "2048 joint runs ('forceratio sensitivity NAME --posterior 2048 --seed "
        "1'), this report at fewer (the runs column), so the two differ by sampling noise.",
        "This does not test Meltyukhov's thesis: as built, fewer Germans present makes the "
        "strike harder, not easier (README.md, 'not a test').",
        f"{ratio}, is the stacked fire multipliers and the calibrated kill rates, not a "
        "finding about 1941 (README.md, 'destroying power').",
    ]
    return [
        "<h2>Summary: who wins the Soviet strike, and how sure</h2>",
        html_table(table),
        *(f"<p>{html.escape(c)}</p>" for c in caveats),
    ]


def calibration_words(cal: Any) -> str:
    """What the calibration section says of ``cal`` (a
    :class:`~forceratio.scenarios.calibrate.Calibration`): its method as it is (emcee's
    posterior medians, the quick mode's mode, or least squares), its errors over the records
    that count (a bound the model meets is left out, as ``calibrate`` leaves it), and, for a
    whole-record calibration, ``calibrate``'s own summary line."""
    out = int((~cal.in_likelihood).sum())
    met = int((cal.in_likelihood & cal.met).sum())
    kept = f"; {out} records out of the likelihood left out" if out else ""
    text = (
        f"<p>Rates: the {html.escape(cal.method)} of the calibration on "
        f"{html.escape(cal.scenario)}; RMS relative error {cal.fit_error:.3f} and RMS log "
        f"error {cal.rms_log_error:.3f} over the {int(cal.counted.sum())} records that count "
        f"({cal.dof} degrees of freedom; {met} bound{'s' if met != 1 else ''} or interval"
        f"{'s' if met != 1 else ''} the model meets left out, as <code>forceratio "
        f"calibrate</code> counts them met{kept}).</p>"
    )
    if cal.posterior is None:
        return text
    from forceratio.scenarios.record1941 import summary_line
    from forceratio.scenarios.record_fit import to_data

    line = summary_line(to_data(cal.posterior, "computed"))  # (the line names no source)
    return text + f'<p class="note">forceratio calibrate: {html.escape(line)}</p>'
