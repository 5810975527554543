"""Human labels: what a parameter path or an outcome field is called on a page or a
terminal, with its unit, and how its value is written (percentages, whole people).

:func:`parameter_label` is the one place parameter names become words: it reads the
parameter registry (:data:`forceratio.scenarios.registry.LABELS`), so no second table of
parameters is kept here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Label:
    """A human label and the unit its values are in ('' for a pure number)."""

    text: str
    unit: str = ""

    def __str__(self) -> str:
        if not self.unit or self.unit in self.text:  # 'German quality (× its kill rate)'
            return self.text
        return f"{self.text} ({self.unit})"


def parameter_label(path: str, scenario: Any = None) -> Label:
    """The label and unit of a sweepable parameter (``modifiers.quality.Germany``), from
    the parameter registry; a path the registry does not know stays as written.  A kill
    rate's unit is its law's: ``scenario``'s (a :class:`~forceratio.scenarios.schema.Scenario`)
    when given, else the square law's, every built-in scenario's."""
    from forceratio.scenarios.registry import LABELS, rate_unit

    text, unit = LABELS.get(path, (path, ""))
    return Label(text, (scenario is not None and rate_unit(scenario, path)) or unit)


#: First words of a label that keep their capital inside a sentence (proper adjectives).
PROPER = frozenset({"Soviet", "German", "Germany", "USSR", "Wehrmacht", "Luftwaffe", "CDB90"})


def in_sentence(text: str) -> str:
    """A label as it reads inside a sentence: 'The defender's capture rate' -> 'the
    defender's ...', 'Share of ...' -> 'share of ...'; 'German quality' keeps its capital."""
    first = text.split(" ", 1)[0]
    if not text or first in PROPER or first.isupper():
        return text
    return text[0].lower() + text[1:]


def percent(x: float, signed: bool = True) -> str:
    """``-0.156`` -> ``-16%`` (the CLI's way)."""
    if x is None or not math.isfinite(x):
        return "—"
    return f"{x:+.0%}" if signed else f"{x:.0%}"


def short(x: float, digits: int = 3) -> str:
    """A number for display at ``digits`` significant digits, without float noise or an
    exponent: ``23.4137`` -> ``23.4``, ``7.454999999999999`` -> ``7.45``, ``30.0`` -> ``30``,
    ``0.0044`` -> ``0.0044``, ``1234567.8`` -> ``1,234,568`` (whole digits are never cut)."""
    if x is None or not math.isfinite(x):
        return "—"
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def whole(x: float) -> str:
    """People, tanks, aircraft: whole numbers with thousands separators."""
    if x is None or not math.isfinite(x):
        return "—"
    return f"{x:,.0f}"


def cell(key: str, v: Any) -> str:
    """A comparison value written for a reader, by the kind of field it is."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if key.startswith("error_"):
        return percent(float(v))
    if key.endswith("_rate"):
        return f"{float(v):.4f}"
    if key == "attacker_margin":
        return f"{float(v):+.2f}"
    if key in ("loss_exchange_ratio", "combat_power_ratio", "combat_power_ratio_unmodified"):
        return f"{float(v):.2f}"
    if key in ("attacker_win_probability", "p_attacker_wins") or key.endswith("_share"):
        return percent(float(v), signed=False)
    if key in ("duration_days", "winner_decided_on_day"):
        return short(float(v))
    if isinstance(v, float):
        return whole(v)
    return str(v)


#: The comparison's fields as a reader sees them, in order; ``{window}`` is the run's window,
#: ``{rec_soviet}``/``{rec_german}`` the days of the historical records.
COMPARISON: tuple[tuple[str, str], ...] = (
    ("date", "date"),
    ("attacker", "attacker"),
    ("surprised", "surprised side"),
    ("ratio_personnel", "men at the start, USSR : Germany"),
    ("ratio_guns_mortars", "guns & mortars, USSR : Germany"),
    ("ratio_tanks", "tanks, USSR : Germany"),
    ("ratio_aircraft", "aircraft, USSR : Germany"),
    ("combat_power_ratio_text", "destroying power on day 0, USSR : Germany (b)"),
    ("duration_days", "days run"),
    ("end_reason", "how the run ended"),
    ("winner", "winner (a)"),
    ("winner_decided_by", "  decided by (a)"),
    ("winner_decided_on_day", "  on day (a)"),
    ("attacker_depth_at_decision_km", "  attacker's deepest advance on that day, km (a)"),
    ("attacker_depth_km", "  attacker's deepest advance by the run's end, km (a)"),
    ("attacker_margin", "attrition margin: share kept, attacker minus defender (a)"),
    ("margin_winner", "  the side keeping the larger share (a)"),
    ("soviet_losses", "Soviet men lost, {window} (model)"),
    ("german_losses", "German men lost, {window} (model)"),
    ("loss_exchange_ratio", "Soviet men lost per German, {window}"),
    ("soviet_tanks_lost", "Soviet tanks lost, {window}"),
    ("german_tanks_lost", "German tanks lost, {window}"),
    ("soviet_aircraft_lost", "Soviet aircraft lost, {window}"),
    ("german_aircraft_lost", "German aircraft lost, {window}"),
    ("historical_soviet_losses", "Soviet men lost to day {rec_soviet} (history)"),
    ("model_soviet_losses_as_recorded", "Soviet men lost to day {rec_soviet} (model)"),
    ("error_soviet_losses", "model v history, Soviet men"),
    ("historical_german_losses", "German men lost to day {rec_german} (history)"),
    ("model_german_losses_as_recorded", "German men lost to day {rec_german} (model)"),
    ("error_german_losses", "model v history, German men"),
    ("attacker_win_probability", "P(attacker wins), stochastic runs"),
    ("soviet_losses_q05", "Soviet men lost, {rep_window}, 5% quantile"),
    ("soviet_losses_q95", "Soviet men lost, {rep_window}, 95% quantile"),
    ("german_losses_q05", "German men lost, {rep_window}, 5% quantile"),
    ("german_losses_q95", "German men lost, {rep_window}, 95% quantile"),
    ("german_rate", "German kill rate{german_rate_unit} (c)"),
    ("soviet_rate", "Soviet kill rate{soviet_rate_unit} (c)"),
    ("p_attacker_wins", "P(attacker wins) over the whole-record posterior (d)"),
    ("p_attacker_wins_ci_text", "  its 95% interval (Jeffreys, over the draws)"),
    ("decided_by_text", "  decided by (outcome rule, share of draws)"),
    ("soviet_losses_posterior_q05", "Soviet men lost, {post_window}, posterior 5% quantile"),
    ("soviet_losses_posterior_q50", "Soviet men lost, {post_window}, posterior median"),
    ("soviet_losses_posterior_q95", "Soviet men lost, {post_window}, posterior 95% quantile"),
    ("german_losses_posterior_q05", "German men lost, {post_window}, posterior 5% quantile"),
    ("german_losses_posterior_q50", "German men lost, {post_window}, posterior median"),
    ("german_losses_posterior_q95", "German men lost, {post_window}, posterior 95% quantile"),
    ("soviet_captured_q50", "Soviet men captured, {post_window}, posterior median"),
    ("posterior_draws_used", "posterior draws"),
)

#: The comparison's fields whose value is a side.
SIDE_VALUED = frozenset({"attacker", "surprised", "winner", "margin_winner"})

#: What the lettered labels mean (printed under the comparison).
COMPARISON_NOTES: tuple[str, ...] = (
    "(a) winner: by the outcome rule, the same for every command (run, compare, sweep, "
    "threshold, Python): a side loses when it breaks (its breakpoint) or is annihilated; "
    "when the scenario declares operations (an [operations] table, a --set or --vary of an "
    "operations.* parameter, or 'calibrated' rates, which come with the whole-record fit's "
    "capture, non-combat and advance), also when its men cut off by capture (prisoners, and "
    "the killed and wounded in the pocket) pass a share of its men (25% unless "
    "operations.outcome.captured_share says otherwise) or, for the defender, "
    "when the attacker's advance passes a depth (300 km, operations.outcome.depth_km; the "
    "advance Dupuy's armoured fit unless operations.advance says otherwise); whatever the "
    "rates' values, 0 included. The first rule to fire decides, on the day shown; with none "
    "the attrition margin decides at the end (the side that keeps the larger share of its "
    "combat power at the start plus its arrivals), reported beside it. The deepest advance "
    "is shown when operations are declared, on the day the winner was decided (the run's end "
    "when the margin decided) and by the run's end: the advance goes on after the decision, "
    "with no stop unless operations.advance.reach_km gives it a reach.",
    "(b) combat power destroyed per day at the start: the enemy's loss rate on day 0 under "
    "the scenario's law, summed over the sectors: each side's combat power (weighted as the "
    "scenario's combat_power says: division slices unless personnel or custom) x its "
    "surprise, posture and air modifiers x its kill rate, and under the linear law (and the "
    "mixed law's area fire) x the target's combat power too; 1 : 5 means the Germans "
    "destroy five times as much a day.",
    "(c) a kill rate, in its law's unit (in the label; under the square law, the enemy "
    "combat power put out of action a day per unit of one's own); "
    "'calibrated' rates are the whole-record posterior's medians (calibrate), run with the "
    "other shared parameters of that fit (capture, non-combat losses, advance); with a --table "
    "or --set that changes the record's problem they are the quick mode's posterior mode, "
    "which differs from the shipped medians by itself (compare --uncalibrated or given rates "
    "to isolate an edit).",
    "(d) the 12 June scenarios run once per draw of the shared parameters' posterior, fitted to "
    "every 1941 operation (forceratio calibrate), under the outcome rule (a), with every "
    "assumption the scenario declares uncertain ('scenarios show NAME') at its central value: "
    "P is the posterior's uncertainty alone. 'forceratio sensitivity NAME --posterior 2048 "
    "--seed 1' draws those assumptions too, and P then falls a long way (README.md#how-sure: "
    "Which mechanism carries it).",
)


#: Note (c) when no scenario shown runs the calibrated rates: what its rates are instead.
OWN_RATES_NOTE = (
    "(c) a kill rate, in its law's unit (in the label; under the square law, the enemy "
    "combat power put out of action a day per unit of one's own): each scenario's own, as "
    "its file gives them (or the raw defaults with --uncalibrated), not fitted to any "
    "record."
)
_CALIBRATED_CLAUSE = (
    "table, a --set or --vary of an operations.* parameter, or 'calibrated' rates, which come "
    "with the whole-record fit's capture, non-combat and advance)"
)


def comparison_notes(
    rows: list[tuple[str, list[str]]],
    extra: list[str] | None = None,
    names: Mapping[str, str] | None = None,
    calibrated: bool = True,
) -> list[str]:
    """The lettered notes of :data:`COMPARISON_NOTES` whose letter a shown label carries
    (``run`` of a 22 June scenario has no (d) row), then ``extra``; the sides called by
    ``names`` (:func:`forceratio.scenarios.sides.common_names`; None: the 1941 wording).
    Without ``calibrated`` (no scenario shown runs the 1941 record's rates: given rates,
    ``--uncalibrated``) (a) says nothing of calibrated rates and (c) is
    :data:`OWN_RATES_NOTE`."""
    from forceratio.scenarios.sides import rename

    shown = " ".join(label for label, _ in rows)
    notes = [n for n in COMPARISON_NOTES if n[:3] in shown]
    if not calibrated:  # the 1941 calibration's rules do not apply: say what does
        notes = [
            OWN_RATES_NOTE
            if n.startswith("(c)")
            else n.replace(
                _CALIBRATED_CLAUSE, "table or a --set or --vary of an operations.* parameter)"
            )
            for n in notes
        ]
    return [rename(n, names) for n in notes] + list(extra or [])


def _days_text(days: Any) -> str:
    vals = sorted({float(d) for d in days})
    if not vals:
        return "?"
    lo, hi = vals[0], vals[-1]
    return short(hi) if lo == hi else f"{short(lo)}-{short(hi)}"


def comparison_rows(rows: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """The comparison as (label, one text per scenario) rows, for terminals and pages.
    A window shared by every scenario goes in the label ("days 0-30", "to day 15-18");
    windows that differ get a row of their own ("record's day", "days run").  The sides
    are called by the rows' ``side_names`` (:func:`forceratio.scenarios.sides.common_names`)."""
    from forceratio.scenarios.sides import common_names, rename

    names = common_names(rows)
    return [(rename(label, names), cells) for label, cells in _comparison_rows(rows)]


def _comparison_rows(rows: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    ends = {float(r["duration_days"]) for r in rows if r.get("duration_days") is not None}
    windows = {
        "window": f"days 0-{short(ends.pop())}" if len(ends) == 1 else "to the end of the run"
    }
    per_row: dict[str, list[str]] = {}
    for key, name, each in (
        ("replications_duration_days", "rep_window", "run"),
        ("posterior_duration_days", "post_window", "draw"),
    ):  # the stochastic runs and the posterior draws end on their own days
        spans = [_days_text(r[key]) for r in rows if r.get(key) is not None]
        one = spans[0] if len(set(spans)) == 1 else None
        windows[name] = f"days 0 to the end of each {each}" + (f" ({one})" if one else "")
        if one is not None and "-" not in one:  # every one ended on the same day
            windows[name] = f"days 0-{one}"
        elif one is None:  # each scenario's range on a row of its own
            per_row[key] = [_days_text(r[key]) if r.get(key) is not None else "—" for r in rows]
    for key in ("german_rate", "soviet_rate"):  # each rate in its law's unit (rate_unit)
        units = [str(r.get(f"{key}_unit") or "its law's unit") for r in rows]
        if len(set(units)) == 1:
            windows[f"{key}_unit"] = f" ({units[0]})"
        else:
            windows[f"{key}_unit"] = ", in its law's unit"
            per_row[key] = units
    for side in ("soviet", "german"):
        days = [_days_text(r.get(f"historical_{side}_days", [])) for r in rows]
        shown = {d for d, r in zip(days, rows, strict=True) if f"historical_{side}_days" in r}
        if len(shown) <= 1:
            windows[f"rec_{side}"] = shown.pop() if shown else "?"
        else:
            windows[f"rec_{side}"] = "the record's day"
            per_row[f"historical_{side}_losses"] = [d if d != "?" else "—" for d in days]
    out = []
    for key, label in COMPARISON:
        if not any(key in r for r in rows):
            continue
        text = label.format(**windows).replace("to day the record's day", "to the record's day")
        cells = [_error_cell(key, r) for r in rows]
        if key in SIDE_VALUED:  # a side named by its row's names (a slot's key otherwise)
            cells = [
                str((r.get("side_names") or {}).get(c, c)) for c, r in zip(cells, rows, strict=True)
            ]
        out.append((text, cells))
        if key in per_row and key.endswith("_rate"):
            out.append(("  its unit", per_row[key]))
        elif key in per_row:
            side = key.split("_")[1].capitalize()
            out.append((f"{side} record's day (days from the start)", per_row[key]))
        if key.startswith("historical_"):
            side = key.split("_")[1]
            notes = [str(r.get(f"historical_{side}_note") or "—") for r in rows]
            out.append((f"  the {side.capitalize()} record (source)", notes))
        if key == "attacker_win_probability" and any("replications_note" in r for r in rows):
            notes = [str(r.get("replications_note", "")) or "run" for r in rows]
            out.append(("  stochastic runs", notes))
        kind = {"attacker_win_probability": "replications", "decided_by_text": "posterior"}
        if f"{kind.get(key)}_duration_days" in per_row:
            each = "runs" if key == "attacker_win_probability" else "draws"
            out.append((f"  days the {each} ended", per_row[f"{kind[key]}_duration_days"]))
    return out


def _error_cell(key: str, row: dict[str, Any]) -> str:
    """:func:`cell`, and for the model's error against a lower bound whether it is met (a
    model value over an undercount is no error: calibrate counts it as met)."""
    text = cell(key, row.get(key))
    side = key.removeprefix("error_").removesuffix("_losses")
    if key.startswith("error_") and row.get(f"historical_{side}_lower_bound"):
        met = float(row[key]) >= 0
        text += " (over a lower bound: met)" if met else " (under a lower bound)"
    return text


#: Sweep outcomes (columns of a sweep's result) in words.
OUTCOMES: dict[str, str] = {
    "soviet_losses": "Soviet men lost",
    "german_losses": "German men lost",
    "soviet_tanks_lost": "Soviet tanks lost",
    "german_tanks_lost": "German tanks lost",
    "soviet_aircraft_lost": "Soviet aircraft lost",
    "german_aircraft_lost": "German aircraft lost",
    "loss_exchange_ratio": "Soviet men lost per German",
    "soviet_surviving_share": "share of Soviet combat power kept",
    "german_surviving_share": "share of German combat power kept",
    "attacker_margin": "attacker's margin (share kept, attacker minus defender)",
    "duration_days": "days the run lasted",
    "attacker_win_probability": "P(attacker wins)",
    "attacker_wins": "the attacker wins",
}


def outcome_label(name: str) -> str:
    """A sweep outcome in words (the name itself when unknown)."""
    return OUTCOMES.get(name, name.replace("_", " "))
