"""Author the reconstructed 1941 tables (strip, north, division_equivalents).

The figures below are typed from ../shared/reference/1941/ (the notes and CSVs named in each
row's locator and note).  Reconstructed cells are arithmetic on those rows; this script
writes the formula into the ``derivation`` column with the input figures spelled out, and
computes ``low``/``high`` by evaluating the same formula at every corner of its inputs'
ranges.  ``forceratio data check`` re-evaluates each formula, so a hand edit of the CSV that
breaks a derivation is caught.

Run from the repository root: ``python scripts/build_tables.py`` (rewrites the three CSVs).
A test checks that the shipped CSVs equal this script's output.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forceratio.data.schema import COLUMNS

TABLES = Path(__file__).resolve().parent.parent / "src" / "forceratio" / "data" / "tables"
CATS = ("divisions", "personnel", "guns_mortars", "tanks", "aircraft")
UNITS = {"divisions": "count", "personnel": "persons", "guns_mortars": "guns and mortars"}


@dataclass
class Row:
    side: str
    formation: str
    category: str
    value: float | None
    unit: str = ""
    as_of: str = "1941-06-22"
    source: str = ""
    locator: str = ""
    verified: str = "yes"
    note: str = ""
    low: float | None = None
    high: float | None = None
    derivation: str = ""
    key: str = field(default="", repr=False)

    def out(self) -> dict[str, str]:
        return {
            "side": self.side,
            "formation": self.formation,
            "category": self.category,
            "value": _fmt(self.value),
            "low": _fmt(self.low),
            "high": _fmt(self.high),
            "unit": self.unit or UNITS.get(self.category, "count"),
            "as_of": self.as_of,
            "source": self.source,
            "locator": self.locator,
            "verified": self.verified,
            "derivation": self.derivation,
            "note": self.note,
        }


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    if abs(x - round(x)) < 1e-9:
        return str(round(x))
    return f"{x:.6g}"


def _rounded(x: float, ref: list[float]) -> float:
    """Round a derived figure: whole units for counts, 0.001 for shares and slices."""
    return round(x) if abs(x) >= 100 else round(x, 3)


class Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.by_key: dict[str, Row] = {}

    def add(self, row: Row, key: str = "") -> Row:
        if key:
            row.key = key
            self.by_key[key] = row
        self.rows.append(row)
        return row

    def figures(
        self, side: str, formation: str, key: str, values: dict[str, float | None], **kw: str
    ) -> None:
        for cat, v in values.items():
            if v is None:
                continue
            self.add(Row(side, formation, cat, v, **kw), f"{key}.{cat}")  # type: ignore[arg-type]

    def derive(
        self,
        side: str,
        formation: str,
        category: str,
        key: str,
        template: str,
        words: str,
        note: str = "",
        as_of: str = "1941-06-22",
        unit: str = "",
        hold: tuple[str, ...] = (),
    ) -> Row:
        """``template`` is arithmetic over ``{key}`` names of earlier rows.  low/high are the
        extremes over every input's low, value and high, except for the inputs in ``hold``,
        kept at their value: a range that is another source's basis (a ``_basis`` range)
        must not be mixed with terms on the value's basis (source audit of 4 December 2026)."""
        names = sorted(set(_names(template)))
        rows = [self.by_key[n] for n in names]
        literal = _sub(template, {n: _fmt(r.value) for n, r in zip(names, rows, strict=True)})
        value = _rounded(_eval(literal), [])
        corners = []
        ranges = [
            (n, [r.value] if n in hold else [x for x in (r.low, r.value, r.high) if x is not None])
            for n, r in zip(names, rows, strict=True)
        ]
        for combo in itertools.product(*(vals for _, vals in ranges)):
            env = dict(zip((n for n, _ in ranges), combo, strict=True))
            corners.append(_eval(_sub(template, {n: repr(v) for n, v in env.items()})))
        low, high = _rounded(min(corners), []), _rounded(max(corners), [])
        row = Row(
            side,
            formation,
            category,
            value,
            unit=unit,
            as_of=as_of,
            source="derived",
            locator="",
            verified="no",
            note=note,
            low=low if low != value or high != value else None,
            high=high if low != value or high != value else None,
            derivation=f"{words} = {literal}",
        )
        return self.add(row, key)

    def write(self, name: str) -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in self.rows:
            w.writerow(r.out())
        return buf.getvalue()


_REF = re.compile(r"\{([a-z0-9_.]+)\}")


def _names(template: str) -> list[str]:
    return _REF.findall(template)


def _sub(template: str, values: dict[str, str]) -> str:
    return _REF.sub(lambda m: values[m.group(1)], template)


def _eval(expr: str) -> float:
    return float(eval(expr, {"__builtins__": {}}, {}))  # trusted: built from this file


# ---------------------------------------------------------------- shared inputs
def _donets(t: Table, which: str) -> None:
    loc = "direction tables (read.xbook.life reader page 52)"
    attr = (
        "Direction-level table printed without a visible citation, in the layout of "
        "Meltyukhov's direction tables (attribution not verified)."
    )
    kw = {"source": "donets", "locator": loc}
    if which in ("west", "all"):
        t.figures(
            "USSR",
            "Western Special MD (ZapOVO), West direction",
            "zapovo",
            {
                "divisions": 54,
                "personnel": 791445,
                "guns_mortars": 16151,
                "tanks": 3852,
                "aircraft": 2129,
            },
            note=attr + " 54 divisions as printed; the usual count is 44 (behappyhome).",
            **kw,
        )
        _zapovo_readings(t)
        t.figures(
            "Germany",
            "Army Group Centre, West direction",
            "agc",
            {
                "divisions": 51.5,
                "personnel": 1455900,
                "guns_mortars": 15161,
                "tanks": 2156,
                "aircraft": 1712,
            },
            note=attr,
            **kw,
        )
    if which in ("north", "all"):
        t.figures(
            "USSR",
            "Baltic Special MD (PribOVO), North-West direction",
            "pribovo",
            {
                "divisions": 24,
                "personnel": 375863,
                "guns_mortars": 7467,
                "tanks": 1514,
                "aircraft": 1814,
            },
            note=attr,
            **kw,
        )
        t.figures(
            "Germany",
            "Army Group North (16th, 18th Armies, 4th Panzer Group)",
            "agn",
            {
                "divisions": 29,
                "personnel": 787500,
                "guns_mortars": 8348,
                "tanks": 679,
                "aircraft": 830,
            },
            note=attr + " Aircraft 830 as printed (Luftflotte 1 strength not found).",
            **kw,
        )
    if which in ("southwest", "all"):
        t.figures(
            "USSR",
            "Kiev Special MD + Odessa MD, South-West direction",
            "kovo_odvo",
            {
                "divisions": 91.5,
                "personnel": 1412136,
                "guns_mortars": 26580,
                "tanks": 8069,
                "aircraft": 4696,
            },
            note=attr,
            **kw,
        )
        t.figures(
            "Axis",
            "Army Group South (German, Romanian, Hungarian, Croatian), South-West direction",
            "ags",
            {
                "divisions": 61.5,
                "personnel": 1508500,
                "guns_mortars": 16008,
                "tanks": 1144,
                "aircraft": 1829,
            },
            note=attr,
            **kw,
        )
    _german_personnel_bases(t, which)


def _zapovo_readings(t: Table) -> None:
    """ZapOVO's two readings (sources-notes-3.md A5): Donets' 54 divisions / 791,445 men and
    the usual 44 divisions / 672,000 (behappyhome) or 671,165 men (en-wiki), as the range of
    the Donets row, and the 44-division reading as its own row."""
    div, men = t.by_key["zapovo.divisions"], t.by_key["zapovo.personnel"]
    div.low, div.high = 44, 54
    men.low, men.high = 671165, 791445
    reading = (
        " RANGE: low = the 44-division reading (44 divisions, 672,000 men behappyhome; "
        "671,165 men en-wiki Bialystok-Minsk infobox), high = Donets' 54 / 791,445. The larger "
        "count may include the arriving 21st Army (an inference, not verified): if so, it "
        "counts internal-district forces that were in transit on 12 June."
    )
    div.note += reading
    men.note += reading
    t.add(
        Row(
            "USSR",
            "Western Special MD (ZapOVO), 44-division reading",
            "divisions",
            44,
            source="behappyhome",
            locator="Belarusian school text, table of forces (sources-notes.md section 3)",
            note="44 divisions, 3 brigades, 8 fortified regions and the Pinsk flotilla; 672,000 "
            "men. The en-wiki Bialystok-Minsk infobox gives 671,165 men.",
        ),
        "zapovo44.divisions",
    )


#: Donets' direction tables: divisions, men and guns & mortars per direction (the slices
#: used to restate a figure printed on another basis; sources-notes-3.md A3, A4).
DONETS = {
    "agc": (51.5, 1455900, 15161),
    "agn": (29, 787500, 8348),
    "ags": (61.5, 1508500, 16008),
    "kovo_odvo": (91.5, 1412136, 26580),
}


def _restated(divisions: float, direction: str, cat: str) -> float:
    """A figure restated on the direction table's basis: divisions x that direction's
    per-division slice (the conversion the division_equivalents table documents)."""
    d, men, guns = DONETS[direction]
    return round(divisions * (men if cat == "personnel" else guns) / d)


def _basis(row: Row, other: float, text: str, unit: str = "") -> None:
    """Mark a row's basis and carry the other basis's figure as its range."""
    assert row.value is not None
    row.low, row.high = min(row.value, other), max(row.value, other)
    row.note = (row.note + " " if row.note else "") + "BASIS: " + text
    if unit:
        row.unit = unit


def _german_personnel_bases(t: Table, which: str) -> None:
    """Donets' German personnel are whole army groups at about 28,000 (AGC) and 27,000
    (AGN) a division; other sources count 750,000-820,000 for AGC, and 700,000-800,000
    for AG North alone (sources-notes-3.md A4; audit H1): the range."""
    if which in ("west", "all") and "agc.personnel" in t.by_key:
        _basis(
            t.by_key["agc.personnel"],
            750000,
            "Donets' whole-army-group count, about 28,270 men a division; the en-wiki "
            "Bialystok-Minsk infobox gives 750,000 and behappyhome 820,000 (sources-notes.md "
            "section 3): low = 750,000.",
        )
    if which in ("north", "all") and "agn.personnel" in t.by_key:
        row = t.by_key["agn.personnel"]
        row.low, row.high = 700000, 800000
        row.note += (
            " RANGE (German-only counts of Army Group North on 22 June, operations_1941 "
            "Leningrad personnel row, verified there): low = 'over 700 thousand' for the 29 "
            "divisions with the 1st Air Fleet ('Blokadnyi pasyans', litfond.net/r/194569?p_=5; "
            "printed as a lower bound), high = 'about 800,000 (June 1941)' (ru-wiki 'Gruppa "
            "armii Sever' infobox); Donets' 787,500 (about 27,155 men a division) lies between."
            " The 655,000 of the Baltic operation essay, said to include the 3rd Panzer Group, "
            "is on another basis: less Table 54's 265,000 it would leave 390,000, 13,448 a "
            "division, below a panzer division's own ~16,000 men (itogi_diskussii p. 84) and "
            "every count above; it is not a bound here (internal source audit of 4 December "
            "2026, not shipped)."
        )


def _swf_bases(t: Table) -> None:
    """The South-Western Front table prints 'guns' and about 20,000 (German) and 15,000
    (Soviet) men a division; the direction tables count guns and mortars and whole
    army groups.  No documented guns-to-guns-and-mortars conversion was found, so each
    figure carries its restatement on the direction tables' basis (divisions x that
    direction's slice) as its range (sources-notes-3.md A3, A4)."""
    for key, direction, divs in (("swf", "kovo_odvo", 58), ("opp_swf", "ags", 36.5)):
        d, men, guns = DONETS[direction]
        other = _restated(divs, direction, "guns_mortars")
        _basis(
            t.by_key[f"{key}.guns_mortars"],
            other,
            f"guns only, as printed; on the direction tables' guns-and-mortars basis "
            f"{divs:g} divisions x {guns:,} / {d:g} = {other:,} (computed).",
            unit="guns only (as printed)",
        )
        other = _restated(divs, direction, "personnel")
        _basis(
            t.by_key[f"{key}.personnel"],
            other,
            f"as printed; on the direction tables' whole-army-group basis {divs:g} divisions "
            f"x {men:,} / {d:g} = {other:,} (computed).",
        )


def _table54_55(t: Table, which: str) -> None:
    kw = {"source": "meltyukhov2000"}
    if which in ("55", "both"):
        t.figures(
            "USSR",
            "4th Army (Western Special MD), Brest sector",
            "t55_su",
            {"divisions": 7, "personnel": 71349, "guns_mortars": 1657, "tanks": 520},
            locator="Table 55 (rusbook.su reader page 149)",
            **kw,
        )
        t.figures(
            "Germany",
            "parts of 4th Army (XXXXIII AK) + 2nd Panzer Group, Brest sector",
            "t55_de",
            {"divisions": 20.5, "personnel": 461680, "guns_mortars": 5953, "tanks": 1021},
            locator="Table 55 (rusbook.su reader page 149)",
            **kw,
        )
    if which in ("54", "both"):
        t.figures(
            "USSR",
            "parts of 11th Army (Baltic Special MD) facing Suwalki",
            "t54_su",
            {"divisions": 3, "personnel": 34700, "guns_mortars": 646, "tanks": 102},
            locator="Table 54 (rusbook.su reader page 149)",
            **kw,
        )
        t.figures(
            "Germany",
            "3rd Panzer Group (Army Group Centre)",
            "t54_de",
            {"divisions": 12, "personnel": 265000, "guns_mortars": 3060, "tanks": 1057},
            locator="Table 54 (rusbook.su reader page 149)",
            note="Meltyukhov counts 12 divisions; the ru-wiki text counts 11 "
            "(4 panzer, 3 motorized, 4 infantry).",
            **kw,
        )


def _assumption(
    t: Table, key: str, side: str, formation: str, share: float, low: float, high: float, note: str
) -> None:
    """A share nobody could find, set by assumption: unverified, its range to be swept."""
    t.add(
        Row(side, formation, "share", share, unit="fraction", source="assumption", locator="",
            verified="no", low=low, high=high, note=note),
        key,
    )  # fmt: skip


def _assumptions(t: Table) -> None:
    _assumption(
        t,
        "a_zapovo_north",
        "USSR",
        "share of the Western Front (ZapOVO) in 3rd Army's sector (Grodno), north of the strip",
        share=0.25,
        low=0.15,
        high=0.35,
        note="ASSUMPTION. 3rd Army's strength was NOT FOUND (sources-notes-2.md section 7). "
        "It was one of the Western Front's four armies (3rd, 10th, 4th, 13th); the "
        "range covers a half to a whole 'fair share'. Sweep it.",
    )
    _assumption(
        t,
        "a_agc_north",
        "Germany",
        "share of Army Group Centre's remainder (after Tables 54 and 55) in the "
        "9th Army, north of Ostroleka",
        share=0.5,
        low=0.3,
        high=0.7,
        note="ASSUMPTION. The 9th Army's and the rest of the 4th Army's strengths were NOT "
        "FOUND separately (sources-notes-2.md section 7); the two field armies had 20 "
        "infantry divisions between them (ru-wiki text). Sweep it.",
    )
    _assumption(
        t,
        "a_lf2_strip",
        "Germany",
        "share of Luftflotte 2 (Army Group Centre's aircraft) over the strip",
        share=0.5,
        low=0.3,
        high=0.7,
        note="ASSUMPTION. Per-fleet and per-sector aircraft strengths NOT FOUND "
        "(sources-notes-2.md section 4).",
    )


def _share_816(t: Table) -> None:
    """The 12 June presence shares, per category (sources-notes-3.md A12)."""
    t.add(
        Row(
            "Germany",
            "German divisions on the Soviet border on 12 June, as a share of "
            "21 June (Baltic to Black Sea)",
            "share_present",
            81.6,
            low=28.1,
            high=100.0,
            unit="percent",
            as_of="1941-06-12",
            source="article",
            locator="section 'Had the Soviet assault taken place'",
            verified="no",
            note="Per the article, summarising Meltyukhov 2000; NOT VERIFIED in the book. The "
            "value is the article's central figure; the 81.9% of a Meltyukhov-style text is "
            "another quantity (127 of 155 divisions with combat experience, sources-notes-2.md "
            "section 1(a)), not a second reading, so it is no bound. SWEEP RANGE 28.1-100 "
            "(internal source audit of 4 December 2026, not shipped): low = the sourced floor, "
            "the 43 divisions moved in rail "
            "echelons 1-3 by 21 May (timeline table) / the 153 German divisions of 22 June "
            "(Soviet official history, Table 2; sources-notes-2.md section 4) = 28.1% "
            "(computed); high = 100, all present (by definition). Applied here to divisions "
            "only; each category (men, guns, tanks, aircraft) has its own share-present row "
            "in this table, with this value and range for men and guns.",
        ),
        "share_816",
    )


#: The bounds (percent) of each category's share present on 12 June; no dated figure was
#: found for any of them (sources-notes-3.md A12; issue 13).
SHARE_BOUNDS = {
    "personnel": (28.1, 100.0),
    "guns_mortars": (28.1, 100.0),
    "tanks": (5.9, 81.6),
    "aircraft": (81.6, 100.0),
}
#: The central value (percent) where one was printed: the article's 81.6 (unverified) for the
#: men and guns, which moved with their divisions; None = not found, the run takes the
#: midpoint of the bounds.
SHARE_CENTRAL: dict[str, float | None] = {
    "personnel": 81.6,
    "guns_mortars": 81.6,
    "tanks": None,
    "aircraft": None,
}
_ARTICLE = ("article", "section 'Had the Soviet assault taken place' (bounds)")
SHARE_SOURCE = {
    "personnel": _ARTICLE,
    "guns_mortars": _ARTICLE,
    "tanks": ("assumption", ""),
    "aircraft": _ARTICLE,
}
SHARE_NOTES = {
    "personnel": (
        "NOT FOUND: no dated count of German men in the East on 12 June (sources-notes-2.md "
        "section 4). VALUE = the article's division share, 81.6 (Baltic to Black Sea, "
        "unverified): men are taken to have come with their divisions (a panzer division"
        " had about 16,000 men, itogi_diskussii p. 84), which the low tank share below would "
        "lower only if the missing divisions were larger than the rest. SWEEP RANGE 28.1-100 "
        "(not a disagreement between sources): low = the sourced floor, 43 of 153 divisions "
        "moved by 21 May (timeline table; Soviet official history), high = all present. The "
        "81.9 once given as the high is another quantity (sources-notes-2.md 1(a)). The run "
        "uses the value."
    ),
    "guns_mortars": (
        "NOT FOUND: no dated count of German guns in the East on 12 June. VALUE = the "
        "division share 81.6 (article, unverified), the guns being the divisions' and corps' "
        "artillery that moved with them; army-level artillery moving later would lower it "
        "(no dated figure found). SWEEP RANGE 28.1-100 as for the men (43 of 153 divisions "
        "moved by 21 May, to all present). The run uses the value."
    ),
    "tanks": (
        "NOT FOUND: no dated count of panzer divisions present on 12 June. BOUNDS: low = 1 of"
        " the 17 panzer divisions of the army groups moved in rail echelons 1-3 to 21 May "
        "(timeline table: 5.9%); high = the all-division share 81.6 (article), since the "
        "panzer and motorized mass came in the last echelons (4 and 5) and the 8th Panzer "
        "Division's main move began only on 16 June (weltkrieg-online.de/?p=5529)."
    ),
    "aircraft": (
        "NOT FOUND: no dated Luftwaffe arrival (sources-notes-2.md section 4: the per-fleet "
        "strengths were not found either). BOUNDS: high = 100, the article's 'the Luftwaffe "
        "had completed re-dislocation after the Balkan campaign' (unverified); low = "
        "ASSUMPTION, the army's division share 81.6. Swept over the bounds; the run uses "
        "their midpoint."
    ),
}


def _category_shares(t: Table, formation: str, sector: str) -> None:
    """Each category's share present on 12 June in one sector: not found as a dated figure;
    men and guns carry the article's division share as the value, tanks and aircraft an empty
    value (the scenarios run the midpoint); the scenarios sweep the sourced range."""
    for cat, (lo, hi) in SHARE_BOUNDS.items():
        note = SHARE_NOTES[cat]
        if sector == "north" and cat == "tanks":
            note += (
                " In this sector: the 8th Panzer Division (4th Panzer Group, Army Group North) is "
                "the one dated move found, so the north is at least one panzer division short on "
                "12 June; no per-sector share was found, so the bounds are the strip's."
            )
        elif sector == "north":
            note += " No per-sector figure was found: the bounds are the strip's."
        source, locator = SHARE_SOURCE[cat]
        central = SHARE_CENTRAL[cat]
        row = Row("Germany", f"{formation}: share present on 12 June", cat, central, unit="percent",
                  as_of="1941-06-12", source=source, locator=locator, verified="no", note=note,
                  low=lo, high=hi)  # fmt: skip
        t.add(row, f"share12_{sector}.{cat}")


def _present12(t: Table, formation: str, cat: str, full_key: str, what: str, note: str) -> None:
    """The German forces present on 12 June in a sector: the 22 June strength times the
    category's share present (the division share for divisions, the midpoint of the
    category's bounds for the rest); low/high = the 22 June low/high x the share's."""
    full = t.by_key[full_key]
    if cat == "divisions":
        words = f"{what} x the share present on 12 June (divisions)"
        template = f"{{{full_key}}} * {{share_816}} / 100"
        t.derive("Germany", formation, cat, f"{full_key}_12", template, words, note, "1941-06-12")
        return
    lo, hi = SHARE_BOUNDS[cat]
    assert full.value is not None
    assert full.low is not None
    assert full.high is not None
    central = SHARE_CENTRAL[cat]
    if central is None:
        literal = f"{_fmt(full.value)} * ({_fmt(lo)} + {_fmt(hi)}) / 2 / 100"
        which = f"the midpoint of the bounds of the {cat} share present on 12 June (not found)"
    else:
        literal = f"{_fmt(full.value)} * {_fmt(central)} / 100"
        which = f"the {cat} share present on 12 June (the article's division share)"
    row = Row("Germany", formation, cat, _rounded(_eval(literal), []), as_of="1941-06-12",
              source="derived", locator="", verified="no", note=note,
              low=_rounded(full.low * lo / 100, []), high=_rounded(full.high * hi / 100, []),
              derivation=f"{what} x {which} = {literal}")  # fmt: skip
    t.add(row, f"{full_key}_12")


_PRESENT_NOTE = (
    "RECONSTRUCTED: each category has its own share present on 12 June in this sector "
    "('{share}: share present on 12 June' rows, not found as dated figures: the run takes the "
    "article's 81.6 for men and guns, the midpoint of the bounds for tanks and aircraft, and "
    "sweeps the ranges); the panzer and motorized divisions came in the last rail "
    "echelons, so tanks are lower. low/high = the 22 June low/high x the share's low/high. "
    "The remainder arrives evenly by 21 June (day 9) in the scenarios; the OKH reserve "
    "(timeline table) is in neither count."
)


#: Why some derivations hold an input at its value (source audit of 4 December 2026).
_AGC_HOLD = (
    "low/high: AGC held at Donets' value, the basis of Tables 54 and 55 subtracted from it; "
    "its other-basis low (750,000 men, en-wiki) less them gave an impossible 6,996 men."
)
_ZAP_HOLD = (
    "low/high: ZapOVO held at Donets' 54-division count, since the share present (44/54 "
    "to 1) already carries the 44-division reading; its 44-division low times 44/54 "
    "counted the 10 divisions out twice."
)


def _zapovo_present(t: Table) -> None:
    """The share of ZapOVO's count present on 12 June: 44 of 54 divisions if the larger
    reading includes the arriving 21st Army, all of it if not (sources-notes-3.md A5)."""
    row = t.derive(
        "USSR",
        "share of the ZapOVO count (Donets' 54 divisions) present on 12 June",
        "share_present",
        "zap_present",
        "{zapovo44.divisions} / {zapovo.divisions}",
        "the 44-division reading / Donets' 54 divisions",
        as_of="1941-06-12",
        unit="fraction",
        note="RANGE: low = 44/54 (the 10 extra divisions are the arriving 21st Army, in "
        "transit on 12 June; its deadline was 10 July, timeline table), high = 1 (all 54 were "
        "present). Which holds was not verified.",
    )
    row.low, row.high = row.value, 1.0


# ---------------------------------------------------------------- strip
def build_strip() -> Table:
    t = Table()
    gap = (
        "NOT RETRIEVED: Meltyukhov's table 'situation at the border strip from Ostroleka to "
        "the Carpathians' could not be read in any stored copy (sources-notes.md section 1, "
        "sources-notes-2.md section 1); its date was not read either (as_of is the window the "
        "chapter discusses). Left empty; supply the book's figures with "
        "--table strip=FILE.csv."
    )
    for side, who in (("Germany", "German"), ("USSR", "Red Army"), ("both", "ratio")):
        for cat in CATS:
            t.add(
                Row(
                    side,
                    f"Meltyukhov's strip table: {who}",
                    cat,
                    None,
                    unit="ratio USSR:Germany" if side == "both" else "",
                    as_of="1941-06-12..1941-06-22",
                    source="meltyukhov2000",
                    locator="ch. 10 (not retrieved)",
                    verified="no",
                    note=gap,
                )
            )
    _table54_55(t, "both")
    for cat, printed, note in (
        ("divisions", 2.9, ""),
        ("personnel", 6.5, ""),
        ("guns_mortars", 6.5, "MISPRINT: printed 1 : 6.5 but 1,657 : 5,953 is 1 : 3.6."),
        ("tanks", 1.9, "Printed 1 : 1.9; 520 : 1,021 computes to 1 : 1.96."),
    ):
        t.add(
            Row(
                "both",
                "Table 55 printed ratio, 4th Army : German forces, Brest sector",
                cat,
                printed,
                unit="Germany per USSR (printed 1 : x)",
                source="meltyukhov2000",
                locator="Table 55 (rusbook.su reader page 149)",
                note=note,
            )
        )
    _donets(t, "west")
    t.figures(
        "USSR",
        "South-Western Front (ex-Kiev Special MD)",
        "swf",
        {
            "divisions": 58,
            "personnel": 868000,
            "guns_mortars": 13634,
            "tanks": 4776,
            "aircraft": 2256,
        },
        source="reichstag_ivodzima",
        locator="rulit.me reader p. 11",
        note="Printed without a named table source (sources-notes-2.md section 7).",
    )
    t.figures(
        "Germany",
        "German forces opposite the South-Western Front (6th, 17th Armies, 1st Panzer Group)",
        "opp_swf",
        {
            "divisions": 36.5,
            "personnel": 730000,
            "guns_mortars": 9700,
            "tanks": 728,
            "aircraft": 800,
        },
        source="reichstag_ivodzima",
        locator="rulit.me reader p. 11",
        note="The source says 'German' forces opposite the SW Front; the formations named "
        "are the ones that stood there. Guns as printed ('guns').",
    )
    _swf_bases(t)
    _assumptions(t)
    _share_816(t)
    _category_shares(t, "German forces in the Ostroleka-Carpathians strip", "strip")
    # Germans in the strip, 22 June
    for cat in CATS[:4]:
        t.derive(
            "Germany",
            "Army Group Centre in the strip (4th Army, 2nd Panzer Group)",
            cat,
            f"de_agc_strip.{cat}",
            f"{{t55_de.{cat}}} + ({{agc.{cat}}} - {{t54_de.{cat}}} - {{t55_de.{cat}}}) * "
            f"(1 - {{a_agc_north}})",
            "Table 55 + (AGC - Table 54 3rd PzGr - Table 55) x (1 - share north)",
            note="RECONSTRUCTED: AGC's remainder split by the assumption row. " + _AGC_HOLD,
            hold=(f"agc.{cat}",),
        )
    t.derive(
        "Germany",
        "Army Group Centre in the strip (4th Army, 2nd Panzer Group)",
        "aircraft",
        "de_agc_strip.aircraft",
        "{agc.aircraft} * {a_lf2_strip}",
        "AGC aircraft x Luftflotte 2 share over the strip",
        note="RECONSTRUCTED from the assumption row.",
    )
    for cat in CATS:
        t.derive(
            "Germany",
            "German forces in the Ostroleka-Carpathians strip",
            cat,
            f"de_strip.{cat}",
            f"{{de_agc_strip.{cat}}} + {{opp_swf.{cat}}}",
            "AGC in the strip + forces opposite the SW Front",
            note="RECONSTRUCTED stand-in for Meltyukhov's German column.",
        )
        t.derive(
            "USSR",
            "Western Front in the strip (4th, 10th Armies and reserves)",
            cat,
            f"su_wf_strip.{cat}",
            f"{{zapovo.{cat}}} * (1 - {{a_zapovo_north}})",
            "ZapOVO x (1 - share in 3rd Army's sector)",
            note="RECONSTRUCTED; includes Table 55's 4th Army.",
        )
        t.derive(
            "USSR",
            "Red Army forces in the Ostroleka-Carpathians strip",
            cat,
            f"su_strip.{cat}",
            f"{{su_wf_strip.{cat}}} + {{swf.{cat}}}",
            "Western Front in the strip + South-Western Front",
            note="RECONSTRUCTED stand-in for Meltyukhov's Soviet column.",
        )
    _zapovo_present(t)
    for cat in CATS:
        _present12(
            t,
            "German forces in the Ostroleka-Carpathians strip",
            cat,
            f"de_strip.{cat}",
            "22 June strip",
            _PRESENT_NOTE.format(share="German forces in the Ostroleka-Carpathians strip"),
        )
        t.derive(
            "USSR",
            "Red Army forces in the Ostroleka-Carpathians strip",
            cat,
            f"su_strip12.{cat}",
            f"{{zapovo.{cat}}} * (1 - {{a_zapovo_north}}) * {{zap_present}} + {{swf.{cat}}}",
            "ZapOVO x (1 - share in 3rd Army's sector) x the ZapOVO share present on 12 June "
            "+ South-Western Front",
            as_of="1941-06-12",
            hold=(f"zapovo.{cat}",),
            note="RECONSTRUCTED: present on 12 June. "
            + _ZAP_HOLD
            + " The border districts' own forces are "
            "taken as in place; Donets' larger ZapOVO count may include the arriving 21st "
            "Army, so the part in transit is its own row. CHECKED: the claim that the "
            "internal-district armies are in neither count holds for the 44-division reading "
            "only; Vatutin's note of 13 June counts the 20th and 21st Armies among the 186 "
            "divisions in the fronts (timeline table). The rest of the second strategic "
            "echelon (77 divisions; 83 of 939 trains arrived by 22 June) is in no count here: "
            "its strength per sector was NOT FOUND.",
        )
        t.derive(
            "USSR",
            "Red Army forces in transit to the strip on 12 June (ZapOVO's larger count)",
            cat,
            f"su_transit12.{cat}",
            f"{{zapovo.{cat}}} * (1 - {{a_zapovo_north}}) * (1 - {{zap_present}})",
            "ZapOVO x (1 - share in 3rd Army's sector) x (1 - the ZapOVO share present on 12 June)",
            as_of="1941-06-12",
            hold=(f"zapovo.{cat}",),
            note="RECONSTRUCTED: in transit on 12 June if Donets' 54 divisions include the "
            "arriving 21st Army (deadline 10 July: day 28 after 12 June); zero at the range's "
            "other end.",
        )
    return t


# ---------------------------------------------------------------- north
def build_north() -> Table:
    t = Table()
    _donets(t, "north")
    _donets(t, "west")
    _table54_55(t, "both")
    t.figures(
        "Germany",
        "Army Group North + 3rd Panzer Group (all forces facing the North-Western Front)",
        "agn_pz3",
        {"personnel": 655000, "guns_mortars": 7673, "tanks": 1389, "aircraft": 1070},
        source="wwii_soldat",
        locator="Baltic operation article; en.wiki Baltic Operation infobox",
        note="Alternative count; ru-wiki gives 655,500 men. Aircraft = combat "
        "aircraft, split between Luftflotten 1 and 2 not stated.",
    )
    t.figures(
        "USSR",
        "North-Western Front (ex-PribOVO), ground forces",
        "nwf",
        {"personnel": 379500},
        source="loveread_74476",
        locator="table 'Sootnoshenie sil v polose SZF na 22 iyunya 1941', p. 5",
        note="Alternative count. ru-wiki: 379,000 men.",
    )
    t.figures(
        "USSR",
        "North-Western Front (ex-PribOVO), ground forces",
        "nwf_wiki",
        {"guns_mortars": 5573, "tanks": 1393, "aircraft": 1210},
        source="enwiki_baltic",
        locator="infobox (French mirror); tanks and aircraft also in the ru-wiki infobox",
        note="Alternative count.",
    )
    nwf_guns = t.by_key["nwf_wiki.guns_mortars"]
    nwf_guns.unit = "artillery (as printed)"
    nwf_guns.note += (
        " BASIS: 'artillery' as printed; codenames.info gives 5,575 guns and mortars for the "
        "same front (gaps.csv row 36), so the two bases agree within 2 pieces here."
    )
    t.add(
        Row(
            "Germany",
            "9th Army",
            "personnel",
            None,
            source="meltyukhov2000",
            locator="not found",
            verified="no",
            note="NOT FOUND: the 9th Army's strength is in no stored text "
            "(sources-notes-2.md section 7). See the reconstructed row.",
        )
    )
    t.add(
        Row(
            "Germany",
            "Luftflotte 1",
            "aircraft",
            None,
            source="meltyukhov2000",
            locator="not found",
            verified="no",
            note="NOT FOUND (northern_forces.csv row 76). The direction table's 830 for Army "
            "Group North is used instead.",
        )
    )
    _assumptions(t)
    _share_816(t)
    _category_shares(t, "German forces north of Ostroleka", "north")
    _zapovo_present(t)
    for cat in CATS[:4]:
        t.derive(
            "Germany",
            "9th Army (and AGC reserves north of Ostroleka)",
            cat,
            f"de_9a.{cat}",
            f"({{agc.{cat}}} - {{t54_de.{cat}}} - {{t55_de.{cat}}}) * {{a_agc_north}}",
            "(AGC - Table 54 3rd PzGr - Table 55) x share north",
            note="RECONSTRUCTED from the assumption row; the strip table uses the complement. "
            + _AGC_HOLD,
            hold=(f"agc.{cat}",),
        )
    t.derive(
        "Germany",
        "9th Army and 3rd Panzer Group (Luftflotte 2 share)",
        "aircraft",
        "de_9a.aircraft",
        "{agc.aircraft} * (1 - {a_lf2_strip})",
        "AGC aircraft x (1 - Luftflotte 2 share over the strip)",
        note="RECONSTRUCTED from the assumption row.",
    )
    for cat in CATS:
        pz3 = f" + {{t54_de.{cat}}}" if cat != "aircraft" else ""
        t.derive(
            "Germany",
            "German forces north of Ostroleka",
            cat,
            f"de_north.{cat}",
            f"{{agn.{cat}}}{pz3} + {{de_9a.{cat}}}",
            "AG North" + (" + 3rd PzGr (Table 54)" if pz3 else "") + " + 9th Army estimate",
            note="RECONSTRUCTED.",
        )
        t.derive(
            "USSR",
            "Western Front north of the strip (3rd Army's sector)",
            cat,
            f"su_wf_north.{cat}",
            f"{{zapovo.{cat}}} * {{a_zapovo_north}}",
            "ZapOVO x share in 3rd Army's sector",
            note="RECONSTRUCTED.",
        )
        t.derive(
            "USSR",
            "Red Army forces facing the Germans north of Ostroleka",
            cat,
            f"su_north.{cat}",
            f"{{pribovo.{cat}}} + {{su_wf_north.{cat}}}",
            "PribOVO + Western Front north of the strip",
            note="RECONSTRUCTED.",
        )
        _present12(
            t,
            "German forces north of Ostroleka",
            cat,
            f"de_north.{cat}",
            "22 June",
            _PRESENT_NOTE.format(share="German forces north of Ostroleka"),
        )
        t.derive(
            "USSR",
            "Red Army forces facing the Germans north of Ostroleka",
            cat,
            f"su_north12.{cat}",
            f"{{pribovo.{cat}}} + {{zapovo.{cat}}} * {{a_zapovo_north}} * {{zap_present}}",
            "PribOVO + ZapOVO x share in 3rd Army's sector x the ZapOVO share present on 12 June",
            as_of="1941-06-12",
            hold=(f"zapovo.{cat}",),
            note="RECONSTRUCTED; present on 12 June, same caveat as the strip table. " + _ZAP_HOLD,
        )
        t.derive(
            "USSR",
            "Red Army forces in transit to the north on 12 June (ZapOVO's larger count)",
            cat,
            f"su_transit_north12.{cat}",
            f"{{zapovo.{cat}}} * {{a_zapovo_north}} * (1 - {{zap_present}})",
            "ZapOVO x share in 3rd Army's sector x (1 - the ZapOVO share present on 12 June)",
            as_of="1941-06-12",
            hold=(f"zapovo.{cat}",),
            note="RECONSTRUCTED; in transit, same caveat as the strip table.",
        )
    return t


# ---------------------------------------------------------------- division equivalents
def build_division_equivalents() -> Table:
    t = Table()
    _donets(t, "all")
    for side, keys, label in (
        ("USSR", ("pribovo", "zapovo", "kovo_odvo"), "PribOVO + ZapOVO + KOVO/OdVO"),
        ("Germany", ("agn", "agc", "ags"), "AG North + Centre + South"),
    ):
        for cat in CATS[1:]:
            num = " + ".join(f"{{{k}.{cat}}}" for k in keys)
            den = " + ".join(f"{{{k}.divisions}}" for k in keys)
            row = t.derive(
                side,
                "division slice: all arms per division, western border (direction tables)",
                cat,
                f"slice_{side}.{cat}",
                f"({num}) / ({den})",
                f"({label}) {cat} / divisions",
                unit=f"{UNITS.get(cat, 'count')} per division",
                note="DERIVED: each division with its share of army, corps, "
                "air and support troops; the range is the spread over the "
                "three directions.",
            )
            per = [
                t.by_key[f"{k}.{cat}"].value / t.by_key[f"{k}.divisions"].value  # type: ignore[operator]
                for k in keys
            ]
            row.low, row.high = _rounded(min(per), []), _rounded(max(per), [])
            words, formula = row.derivation.split(" = ", 1)
            spread = ", ".join(f"{p:.1f}" for p in per)
            row.derivation = f"{words} (low/high: the directions' own {spread}) = {formula}"
    lk: dict[str, Any] = {
        "source": "lukiniuk",
        "locator": "note 88 (libcat.ru), citing L. Filippov (1992)",
    }
    t.add(
        Row(
            "USSR",
            "rifle division, western districts, average",
            "personnel",
            12360,
            low=11000,
            high=14483,
            unit="persons per division",
            note="Range: 6 divisions at ~11,000 to the establishment 14,483 (same source); "
            "20 at ~14,000, 70 at ~12,000.",
            **lk,
        )
    )
    t.add(
        Row(
            "USSR",
            "rifle division, establishment",
            "personnel",
            14483,
            unit="persons per division",
            **lk,
        )
    )
    t.add(
        Row(
            "USSR",
            "tank division, establishment",
            "tanks",
            None,
            source="lukiniuk",
            locator="not found",
            verified="no",
            unit="tanks per division",
            note="NOT FOUND in a stored text (the usual 375 is from memory); Drig only says "
            "heavy tanks were cut from 105 to 63 in spring 1941.",
        )
    )
    t.add(
        Row(
            "USSR",
            "mechanized corps, planned",
            "personnel",
            36000,
            unit="persons per corps",
            source="wikisum",
            locator="wikisum summary of en.wiki 'Mechanised corps (Soviet Union)'",
            note="Approximate; 'a few approached that strength' by June 1941.",
        )
    )
    t.add(
        Row(
            "USSR",
            "mechanized corps, planned",
            "tanks",
            1000,
            unit="tanks per corps",
            source="wikisum",
            locator="wikisum summary",
            note="Approximate.",
        )
    )
    it: dict[str, Any] = {"source": "itogi_diskussii", "locator": "p. 84 (bibliboba)"}
    t.add(
        Row(
            "Germany",
            "panzer division, 1941 organisation",
            "tanks",
            178,
            low=147,
            high=209,
            unit="tanks per division",
            verified="no",
            derivation="midpoint of the printed range = (147 + 209) / 2",
            note="Printed as a range 147-209; the value is the midpoint, computed, not read. "
            "Kershaw: 150-200 actual in June 1941.",
            **it,
        )
    )
    t.add(
        Row(
            "Germany",
            "panzer division, 1941 organisation",
            "personnel",
            16000,
            unit="persons per division",
            note="Approximate ('about 16,000').",
            **it,
        )
    )
    t.add(
        Row(
            "Germany",
            "panzer division, 1941 organisation",
            "guns_mortars",
            192,
            unit="guns and mortars per division",
            **it,
        )
    )
    t.add(
        Row(
            "Germany",
            "infantry division, 1939 first wave",
            "personnel",
            17700,
            unit="persons per division",
            source="superhobby",
            locator="product description (super-hobby.fi)",
            note="WEAK SOURCE (a model-kit retailer). The 1941 establishment (16,859 / 17,734 "
            "from memory) was NOT FOUND.",
        )
    )
    return t


BUILDERS = {
    "strip": build_strip,
    "north": build_north,
    "division_equivalents": build_division_equivalents,
}


def render() -> dict[str, str]:
    return {name: build().write(name) for name, build in BUILDERS.items()}


def main() -> int:
    for name, text in render().items():
        (TABLES / f"{name}.csv").write_text(text, encoding="utf-8")
        print(f"wrote {name}.csv ({text.count(chr(10)) - 1} rows)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
