"""The self-contained HTML report: the comparison, the figures (embedded as base64 PNG),
every assumption with its source, the calibration with its error, the whole-record
posterior (:mod:`.posterior_html`) and the data tables used.  No network, no script
libraries: one file that opens anywhere."""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from forceratio.plots.figures import to_png_bytes
from forceratio.scenarios.schema import CATEGORIES

CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; }
h1, h2, h3, p, li { overflow-wrap: anywhere; }  /* a long name breaks, not the page */
table { border-collapse: collapse; margin: 0.6em 0 1.4em; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
.note { color: #555; font-size: 0.9em; }
.wide { overflow-x: auto; }
"""

CHECK = """
window.addEventListener('load', function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) {
    if (imgs[i].complete && imgs[i].naturalWidth > 0) { ok++; }
  }
  document.body.setAttribute('data-images', imgs.length);
  document.body.setAttribute('data-images-ok', ok);
});
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(df: pd.DataFrame, digits: int | None = 3) -> str:
    """An HTML table; column names in words, whole numbers without decimals, relative
    errors as signed percentages; other numbers to ``digits`` significant figures, or
    (None) with their own digits, as a sourced table holds them (1.004, 79.263)."""
    from forceratio.plots.labels import percent

    def fmt(col: str, v: Any) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return "—"
        if isinstance(v, bool | np.bool_):
            return "yes" if v else "no"
        if isinstance(v, float):
            if "error" in col:
                return percent(v)
            if v.is_integer() or (digits is not None and abs(v) >= 100):
                return f"{v:,.0f}"
            return format(v, ",") if digits is None else f"{v:.{digits}g}"
        return str(v)

    cols = [str(c) for c in df.columns]
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in cols)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(fmt(c, v))}</td>" for c, v in zip(cols, row, strict=True))
        + "</tr>"
        for row in df.itertuples(index=False)
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="wide">{table}</div>'


def _comparison(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The comparison as the CLI shows it: labelled rows, one column per scenario."""
    from forceratio.plots.labels import comparison_rows

    names = [str(r["scenario"]) for r in rows]
    return pd.DataFrame(
        [
            {"": label, **dict(zip(names, vals, strict=True))}
            for label, vals in comparison_rows(rows)
        ]
    )


def build(
    names: Sequence[str],
    *,
    tables: dict[str, str] | None = None,
    uncalibrated: bool = False,
    replications: int = 100,
    seed: int = 0,
    session: Any = None,
    tornado: list[dict[str, Any]] | str | None = None,
    tornado_samples: int | None = None,
    posterior: Any = None,
    priors: dict[str, Any] | None = None,
    mechanisms: dict[str, Any] | None = None,
) -> str:
    """The report for ``names`` as one HTML string.  ``session`` (a
    :class:`~forceratio.scenarios.session.Session`, else one from ``tables`` and
    ``uncalibrated``) is shared by every table and figure, so the calibration runs once;
    ``tornado`` holds the first scenario's Sobol indices (computed by the caller from
    ``tornado_samples`` base samples), or the
    note said in their place when they are undefined;
    ``posterior`` the whole-record calibration with the ``priors`` of its shared parameters,
    and ``mechanisms`` scenario -> :class:`~forceratio.sweeps.mechanisms.Decomposition`
    (what carries the answer over the posterior and what would flip it)."""
    from forceratio import __version__
    from forceratio import data as data_mod
    from forceratio.plots import figure
    from forceratio.plots.entered import DASH, NOT_ENTERED, entered, force_sources
    from forceratio.plots.labels import comparison_notes, comparison_rows, parameter_label
    from forceratio.plots.summary import calibration_words, summary_section
    from forceratio.scenarios.build import parameter_sources, sweepable
    from forceratio.scenarios.compare import Session, compare
    from forceratio.scenarios.sides import common_names, display_names, rename

    session = session or Session(tables, uncalibrated)
    rows = compare(list(names), session=session)
    sides = common_names(rows)  # (None: the 1941 wording)
    preps = {name: session.prepare(name) for name in names}
    cals = {name: session.calibration_for(prep) for name, prep in preps.items()}
    title, heading = titles([p.scenario for p in preps.values()])
    if session.uncalibrated:  # the raw rates, not the record's: said where the reader starts
        title, heading = (f"{t} (uncalibrated: raw rates)" for t in (title, heading))
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{CSS}</style><script>{CHECK}</script></head><body>",
        f"<h1>{html.escape(heading)}</h1>",
        f'<p class="note">forceratio {html.escape(__version__)}, generated '
        f"{dt.date.today().isoformat()}. {html.escape(provenance(preps.values()))}</p>",
        *summary_section(rows, mechanisms or {}),
        "<h2>Comparison</h2>",
        '<p class="note">One column per scenario; ratios are '
        f"{html.escape(rename('USSR : Germany', sides))}; losses in men, "
        "tanks and aircraft; 'model v history' is model / record - 1.</p>",
        _table(_comparison(rows)),
        *(
            f'<p class="note">{html.escape(n)}</p>'
            for n in comparison_notes(
                comparison_rows(rows), None, sides, any(r.get("calibrated") for r in rows)
            )
        ),
    ]
    # the kill rates each scenario ran, and the calibration when one of them used it
    cal = next((c for c in cals.values() if c is not None), None)
    cal_scn = next((preps[n].scenario for n, c in cals.items() if c is not None), None)
    parts.append("<h2>Calibration on the 1941 record</h2>" if cal else "<h2>Kill rates</h2>")
    shared: dict[str, list[str]] = {}  # the rates' words -> the scenarios running them
    for name, prep in preps.items():
        c = cals[name]
        scn_name, _, words = rates_line(prep, c.values if c else None).partition(": ")
        shared.setdefault(words, []).append(scn_name)
    for words, who in shared.items():  # one line for the rates several scenarios share
        parts.append(f"<p>{html.escape(', '.join(who))}: {html.escape(words)}</p>")
    if cal is not None:
        parts.append(calibration_words(cal))
        parts.append(
            _table(
                pd.DataFrame(
                    [
                        {
                            "parameter": str(parameter_label(f"attrition.{k}", cal_scn)),
                            "value": v,
                            "95% CI low": cal.ci[k][0],
                            "95% CI high": cal.ci[k][1],
                        }
                        for k, v in cal.values.items()
                    ]
                ),
                digits=5,
            )
        )
        parts.append(
            _table(
                pd.DataFrame(
                    {
                        "record": cal.labels,
                        "historical": cal.record,
                        "model": cal.model,
                        "relative error": cal.relative_error,
                        "lower bound": cal.lower_bound,
                        "upper bound": cal.upper_bound or [False] * len(cal.labels),
                        "in the likelihood": cal.in_likelihood,
                        "bound met (counts as exact)": cal.in_likelihood & cal.met,
                    }
                )
            )
        )
        parts.append("<h3>Out of sample: fit without one sector, predict it</h3>")
        parts.append(_table(pd.DataFrame(cal.loo)))
        parts.append(
            '<p class="note">The German records cover every sector, so a held-out sector is not '
            "wholly unseen.</p>"
        )
    if posterior is not None and cal is not None:  # none of the scenarios uses it: left out
        from forceratio.plots.posterior_html import posterior_section

        parts += posterior_section(posterior, priors or {}, mechanisms or {})
    # scenarios
    used = tables_used([p.scenario for p in preps.values()])
    said: set[str] = set()  # the scenario notes shown
    for i, (name, prep) in enumerate(preps.items()):
        scn = prep.scenario
        own = session.rates(prep)  # the values a run uses (all twelve shared parameters)
        dated = f" ({html.escape(scn.date)})" if scn.date else ""
        parts.append(f"<h2>{html.escape(scn.name)}{dated}</h2>")
        parts.append(f"<p>{html.escape(scn.description)}</p>")
        for note in scn.notes:
            if is_rates_note(note) and (cals[name] is None or note in said):
                continue  # rates it does not run, or the shared rates said once already
            said.add(note)
            parts.append(f'<p class="note">{html.escape(note)}</p>')
        for kind in ("trajectory", "ratios"):
            fig = figure(kind, name, session=session)
            parts.append(_img(to_png_bytes(fig), f"{kind} of {scn.name}"))
        if i == 0 and any(sec.mobile_changes for sec in scn.sectors):
            parts.append(
                '<p class="note">No distribution of outcomes: dated mobile counts run '
                "deterministically (no replications).</p>"
            )
        elif i == 0:
            fig = figure("distribution", name, session=session,
                         replications=replications, seed=seed)  # fmt: skip
            parts.append(_img(to_png_bytes(fig), f"distribution of {scn.name}"))
        if i == 0 and isinstance(tornado, str):  # the indices undefined: why, in their place
            parts.append(f'<p class="note">{html.escape(tornado)}</p>')
        elif i == 0 and isinstance(tornado, list):
            fig = figure("tornado", name, session=session, indices=tornado)
            parts.append(_img(to_png_bytes(fig), f"tornado of {scn.name}"))
            parts.append(f'<p class="note">{html.escape(tornado_note(name, tornado_samples))}</p>')
        given = entered(prep, session.table)  # a figure never entered: "—", not 0
        sourced = force_sources(prep, session.table)
        shown = display_names(scn) or {s: s for s in ("USSR", "Germany")}  # as the file calls them
        forces = pd.DataFrame(
            [
                {
                    "sector": sec,
                    "side": shown[side],
                    **{
                        c: v if given[side][j, k] else DASH
                        for k, (c, v) in enumerate(zip(CATEGORIES, f.value.tolist(), strict=True))
                    },
                    **sourced[(side, j)],
                }
                for side in ("USSR", "Germany")
                for j, (sec, f) in enumerate(zip(prep.sectors, prep.forces[side], strict=True))
            ]
        )
        parts.append("<h3>Forces at the start</h3>" + _table(forces, digits=0))
        if not all(g.all() for g in given.values()):
            parts.append(f'<p class="note">{DASH}: {NOT_ENTERED}.</p>')
        src = parameter_sources(prep, own)
        params = pd.DataFrame(
            [
                {
                    "parameter": rename(str(parameter_label(k, scn)), display_names(scn)),
                    "path": k,
                    "value": v,
                    "uncertainty range": (
                        "{:g} to {:g}".format(*scn.uncertainty[k]) if k in scn.uncertainty else ""
                    ),
                    "source": src.get(k, ""),
                }
                for k, v in sweepable(prep, own).items()
            ]
        )
        parts.append("<h3>Assumptions and their sources</h3>" + _table(params, digits=4))
    # data
    parts.append("<h2>Data tables used</h2>")
    parts.append('<p class="note">Each table folded: open it by its name.</p>')
    for t in sorted(used):  # the raw rows, folded: half the page otherwise
        df = session.table(t)
        parts.append(
            f"<details><summary><b>{html.escape(t)}</b> ({len(df):,} rows): "
            f"{html.escape(data_mod.DESCRIPTIONS[t])}</summary>"
        )
        parts.append(_table(df, digits=None) + "</details>")  # the figures as sourced
    cited = {str(k) for t in used for k in session.table(t).get("source", pd.Series(dtype=str))}
    every = data_mod.sources()
    parts.append(f'<h2>Sources</h2><p class="note">{html.escape(data_mod.WORKING_NOTES)}</p>')
    parts.append(_table(every[every["key"].astype(str).isin(cited)]))
    parts.append("</body></html>")
    return "\n".join(parts)


def provenance(preps: Any) -> str:
    """Where the report's numbers come from: the package's sourced tables, and, when a
    scenario gives its own forces (inline), that those carry no source."""
    inline = sorted(
        {p.scenario.name for p in preps for sec in p.scenario.sectors
         for parts in sec.forces.values() for part in parts if part.inline is not None}
    )  # fmt: skip
    text = (
        "Every figure from the package's tables below carries its source; reconstructed "
        "numbers and assumptions are marked as such."
    )
    if inline:
        text += f" The forces of {', '.join(inline)} are the file's own numbers, with no source."
    return text


def tornado_note(name: str, samples: int | None) -> str:
    """What the report's tornado is and how far to trust it: its outcome, its sample, and
    that at a small sample an S1 above its ST, or below 0, is sampling noise."""
    n = f"{samples:,} base samples" if samples else "a small sample"
    return (
        f"The tornado: Sobol indices of the attacker's margin (not of the winner) over the "
        f"declared ranges, from {n} (95% intervals). At this size an S1 above its "
        "ST, or below 0, is sampling noise, not a finding; for a closer estimate: forceratio "
        f"plot {name} --kind tornado --samples 1024 --out tornado.png."
    )


def is_rates_note(note: str) -> bool:
    """Whether a scenario's ``note`` says its kill rates are the whole-record posterior's
    (the built-in files' "The attrition rates ... posterior's medians (forceratio
    calibrate)"): false of a run that does not use the calibration (``--uncalibrated``)."""
    return note.startswith("The attrition rates") and "posterior" in note


def tables_used(scenarios: Sequence[Any]) -> set[str]:
    """The data tables the ``scenarios`` read: the modifiers (every scenario's defaults),
    the division slices under that combat power, the 1941 timeline in a report on the 12
    June strike, and every table a force, an arrival, a transfer, a record or a table value
    names."""
    from forceratio.scenarios.compare import STRIKE_DATES

    used = {"modifiers"}
    for scn in scenarios:
        if scn.combat_power == "division_slices":
            used.add("division_equivalents")
        if scn.date in STRIKE_DATES:
            used.add("timeline")
        for sec in scn.sectors:
            parts = [p for plist in sec.forces.values() for p in plist]
            parts += [p for arr in sec.arrivals.values() for a in arr for p in a.parts]
            used |= {p.table for p in parts if p.table}
        used |= {tr.part.table for tr in scn.transfers.values() if tr.part.table}
        used |= {p.table for r in scn.records for p in r.parts}
        used |= {ref.table for ref in scn.table_values.values()}
    return used


def titles(scenarios: Sequence[Any]) -> tuple[str, str]:
    """The report's title and heading: the 1941 comparison's when a 12 June strike is among
    the ``scenarios`` (:data:`~forceratio.scenarios.compare.STRIKE_DATES`) and every one
    is in the 1941 wording (a user's battle beside it is not the 1941 comparison), else the
    scenarios' own names and dates."""
    from forceratio.scenarios.compare import STRIKE_DATES
    from forceratio.scenarios.sides import display_names

    in_1941 = all(display_names(s) is None for s in scenarios)
    if in_1941 and any(s.date in STRIKE_DATES for s in scenarios):
        return (
            "forceratio report: 12 June v 22 June 1941",
            "forceratio: a Soviet strike on 12 June 1941 against the German strike of 22 June",
        )
    named = ", ".join(s.name + (f" ({s.date})" if s.date else "") for s in scenarios)
    return f"forceratio report: {', '.join(s.name for s in scenarios)}", f"forceratio: {named}"


def rates_line(prep: Any, calibration: dict[str, float] | None) -> str:
    """The kill rates ``prep`` runs with (``calibration``: the session's values for its
    ``"calibrated"`` rates, None: none) and where each comes from."""
    from forceratio.plots.labels import parameter_label
    from forceratio.scenarios.build import parameter_sources, sweepable
    from forceratio.scenarios.sides import display_names, rename

    values = sweepable(prep, calibration)
    sources = parameter_sources(prep, calibration)
    names = display_names(prep.scenario)  # the sides as the scenario names them
    rates = "; ".join(
        f"{rename(str(parameter_label(p, prep.scenario)), names)} {values[p]:.4g} ({sources[p]})"
        for p in ("attrition.german_rate", "attrition.soviet_rate")
    )
    return f"{prep.scenario.name}: {rates}."
