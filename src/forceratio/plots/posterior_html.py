"""The HTML report's section on the whole-record posterior: prior v posterior per fitted
parameter (how much the record narrowed it, and whether a bound of its prior stops it), the
prior-posterior figure, and per 12 June scenario what carries the answer over the posterior
and what would flip it."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from forceratio.calibration.contraction import prior_bound_end
from forceratio.plots.figures import to_png_bytes
from forceratio.plots.html import _img, _table

#: The report's column of :func:`~forceratio.calibration.contraction.prior_bound_end`, the
#: rule of the ``calibrate`` JSON's ``at_prior_bound``.
AT_BOUND = "at a prior bound"
#: The report's column of :func:`beyond_central`, a different question.
BEYOND = "beyond the prior's central 95%"


def beyond_central(lo: float, hi: float, prior_lo: float, prior_hi: float) -> str:
    """Where the posterior's 95% interval (``lo``, ``hi``) reaches past the prior's central
    95% (``prior_lo``, ``prior_hi``) into its last 2.5%: "low", "high", "low, high" or ""
    (within).  Not :data:`AT_BOUND`: an interval may pass a broad prior's 2.5% point far
    from the bound of its support."""
    return ", ".join(w for w, out in (("low", lo < prior_lo), ("high", hi > prior_hi)) if out)


def _at_bound(name: str, row: Any, quantiles: list[float], priors: Mapping[str, Any]) -> Any:
    """The :data:`AT_BOUND` cell: the end :func:`prior_bound_end` names when the parameter's
    prior is given; else the result's own ``at_prior_bound`` flag (computed by that rule
    when it was fitted) as "yes" or "", or None (unknown) when the result has none."""
    if name in priors:
        return prior_bound_end(priors[name], quantiles)
    flag = row.get("at_prior_bound")
    return None if flag is None or flag != flag else ("yes" if bool(flag) else "")


def prior_posterior_table(result: Any, priors: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Per fitted parameter: the prior's 95% range, the posterior median and 95% interval,
    how much the record narrowed it (posterior width / prior width, on a log scale for
    positive parameters), :data:`AT_BOUND` (by ``priors``, name -> prior, the rule of the
    ``calibrate`` JSON) and :data:`BEYOND`."""
    from forceratio.plots.labels import parameter_label

    rows = []
    for name, r in result.parameters.iterrows():
        keys = ("ci95_low", "ci95_high", "prior_low", "prior_high")
        lo, hi, plo, phi = (float(r[k]) for k in keys)
        med = float(r["median"])
        log = min(lo, plo) > 0
        width = np.log(hi / lo) / np.log(phi / plo) if log else (hi - lo) / (phi - plo)
        rows.append(
            {
                "parameter": f"{parameter_label(str(name))} ({name})",
                "prior 95% low": plo,
                "prior 95% high": phi,
                "posterior median": med,
                "posterior 95% low": lo,
                "posterior 95% high": hi,
                "posterior width / prior width": float(width),
                AT_BOUND: _at_bound(str(name), r, [med, lo, hi], priors or {}),
                BEYOND: beyond_central(lo, hi, plo, phi),
            }
        )
    return pd.DataFrame(rows)


def posterior_section(
    result: Any, priors: Mapping[str, Any], mechanisms: Mapping[str, Any]
) -> list[str]:
    """The report's section on the whole-record posterior: prior v posterior (a table and
    a figure), and per 12 June scenario the group shares, the first-order indices over the
    posterior and the assumptions, and the boxes where the answer flips."""
    from forceratio.calibration.contraction import BOUND_SHARE
    from forceratio.plots.figures import prior_posterior
    from forceratio.plots.labels import parameter_label

    parts = [
        "<h2>The posterior on the whole 1941 record</h2>",
        f'<p class="note">Shared parameters fitted to every 1941 operation with a scenario '
        f"(<code>forceratio calibrate</code>; method {html.escape(str(result.method))}, "
        f"{result.posterior_draws:,} draws).</p>",
        _table(prior_posterior_table(result, priors), digits=4),
        f'<p class="note">"{AT_BOUND}" (low or high): the posterior median or a 95% limit '
        f"lies within {BOUND_SHARE:.0%} of the prior's range of that end of its support (on the "
        "log scale for a log-scale prior), <code>forceratio calibrate</code>'s "
        "<code>at_prior_bound</code>: there the prior's limit, an assumption, stops the "
        f'posterior, not the record. "{html.escape(BEYOND)}": the posterior\'s 95% interval '
        "reaches past the prior's 2.5% or 97.5% point; then its width over the prior's says "
        "nothing learnt (README, what the posterior says).</p>",
    ]
    shown = {n: result.draws[:, result.names.index(n)] for n in result.names if n in priors}
    if shown:
        fig = prior_posterior(
            shown, dict(priors), "Shared parameters of the 1941 record", result.method
        )
        parts.append(_img(to_png_bytes(fig), "prior and posterior of the shared parameters"))
    for name, dec in mechanisms.items():
        parts += _mechanism_parts(name, dec, parameter_label)
    return parts


def _mechanism_parts(name: str, dec: Any, parameter_label: Any) -> list[str]:
    """One 12 June scenario's part of :func:`posterior_section`: P(attacker wins) over the
    joint draws, the group shares, the first-order indices and the boxes where it flips."""
    lo, hi = dec.p_attacker_wins_ci
    parts = [
        f"<h3>{html.escape(name)}: what carries the answer, what would flip it</h3>",
        f"<p>Over {dec.runs:,} joint draws of the declared assumptions and the posterior: "
        f"P(attacker wins) {dec.p_attacker_wins:.3f} (95% interval {lo:.3f}-{hi:.3f}); "
        "decided by "
        + html.escape(", ".join(f"{k} {v:.0%}" for k, v in dec.decided_by.items()))
        + ".</p>",
    ]
    groups = pd.DataFrame([{"outcome": k, **v} for k, v in dec.groups.items()])
    parts.append(
        '<p class="note">Variance shares by group (a crossing of assumption '
        "points and posterior draws; first order, and the interaction):</p>"
    )
    parts.append(_table(groups))
    idx = pd.DataFrame(
        [
            {
                "outcome": r["outcome"],
                "parameter": str(parameter_label(r["parameter"])),
                "kind": r["kind"],
                "S1": r["S1"],
                "95% low": r["S1_ci"][0],
                "95% high": r["S1_ci"][1],
            }
            for r in dec.indices
            if r["outcome"] in ("attacker_wins", "log10_loss_exchange_ratio")
        ]
    ).sort_values(["outcome", "S1"], ascending=[True, False])
    parts.append(
        '<p class="note">First-order indices from the joint draws (given-data '
        "estimator, valid for the dependent posterior parameters):</p>"
    )
    parts.append(_table(idx))
    if not dec.flips:
        parts.append(f"<p>{html.escape(dec.flip_words)} in none of the runs.</p>")
    for i, box in enumerate(dec.flips, 1):
        parts.append(
            f"<p>Box {i}: {html.escape(dec.flip_words)} in {box.density:.0%} of its runs; "
            f"it holds {box.coverage:.0%} of the runs where it happens and {box.mass:.0%} "
            "of all runs.</p>"
        )
        cond = pd.DataFrame(
            [
                {"parameter": str(parameter_label(c["parameter"])), "from": c["low"],
                 "to": c["high"]}
                for c in box.conditions()
            ]
        )  # fmt: skip
        parts.append(_table(cond))
    return parts
