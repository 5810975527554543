"""Validation on the CDB90 database of about 660 battles (US Army CAA; tidy version by
J. B. Arnold, jrnold/CDB90), read from a path and never copied into the project.

The traps its PROVENANCE.md names are handled: the outcome (``wina``) is read from the
patched original table, because the tidy ``battles.csv`` blanks negative codes; durations
would come from ``active_periods.csv`` (the year is taken from there too); strengths stored as
text are parsed as numbers and anything else fails loudly, naming the file, row and column.

For each battle with both sides' initial strengths and casualties, Helmbold's defender
advantage V = 1/2 ln((A0^2 - Af^2) / (D0^2 - Df^2)) (square law) and its linear-law
analogue ln(cas_A / cas_D).  Winner prediction (attacker wins v loses; draws left out),
cross-validated in 5 folds: (a) a logistic regression on the log force ratio; (b) the square
law and (c) the linear law with the advantage fitted on the training folds (the median V of
the battle's era), turned into a probability by a logistic slope fitted on the training
folds; against the base rate.  Eastern Front 1941-45 (German v Soviet): the square-law
ratio of German to Soviet per-capita kill rates, (S0^2 - Sf^2) / (G0^2 - Gf^2).
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from forceratio.errors import InputError
from forceratio.fitting.cdb90_summary import LAWS_EDGE
from forceratio.fitting.cdb90_summary import carried_range as carried_range  # re-exported
from forceratio.fitting.cdb90_summary import edge_summary as edge_summary  # re-exported
from forceratio.fitting.cdb90_winner import ERAS as ERAS  # re-exported
from forceratio.fitting.cdb90_winner import FOLDS as FOLDS
from forceratio.fitting.cdb90_winner import MIN_BATTLES as MIN_BATTLES
from forceratio.fitting.cdb90_winner import predict_winner as predict_winner
from forceratio.fitting.cdb90_winner import score_table as score_table
from forceratio.fitting.cdb90_winner import winner_notes as winner_notes
from forceratio.io.decimal_marks import dot_groups
from forceratio.io.tables import column_name, csv_text, number
from forceratio.simulator.magnitudes import STRENGTH_RANGE

FloatArray = NDArray[np.float64]


def default_path() -> Path | None:
    """``../shared/data/cdb90`` next to the checkout or the working directory, if present."""
    here = Path(__file__).resolve()
    for base in [Path.cwd(), *here.parents]:
        cand = base.parent / "shared" / "data" / "cdb90"
        if (cand / "data" / "battles.csv").exists():
            return cand
        cand = base / "shared" / "data" / "cdb90"
        if (cand / "data" / "battles.csv").exists():
            return cand
    return None


#: The delimiters a CDB90 table may be written with, as every user CSV
#: (:func:`forceratio.io.tables.csv_text` picks the one that splits the header most).
SEPARATORS = ",;\t"


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """A CDB90 table's rows with the file line each starts on (the header being line 1, as
    the user-CSV errors number rows), read as every user CSV is
    (:func:`forceratio.io.tables.csv_text`: a regular file within the size limit, UTF-8; rows
    with no cell filled skipped).  Refused, naming the file: an empty file, a header that
    repeats a column or lacks one of ``columns``, a table without rows, and a row with more
    or fewer cells than the header."""
    if not path.exists():
        raise InputError(str(path), "file not found (is --path the CDB90 folder?)")
    text, sep = csv_text(path, str(path), SEPARATORS)  # as every user CSV is read
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    out = []
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not "".join(cells).strip():  # a blank line or only empty cells, skipped
                continue
            if header is None:
                header = _header(cells, path, columns)
                keep = [(c, header.index(c)) for c in columns]
            elif len(cells) != len(header):
                raise InputError(
                    f"{path}: row {start}", f"{len(cells)} cells, the header has {len(header)}"
                )
            else:  # the columns read, not the patched table's 200 (100,000 battles: 1.5 GB)
                out.append((start, {c: cells[i] for c, i in keep}))
    except csv.Error as exc:
        raise InputError(str(path), f"malformed CSV: {exc}") from None
    if header is None:
        raise InputError(str(path), "the file is empty (no header)")
    if not out:
        raise InputError(str(path), "no rows below the header")
    return out


def _header(cells: list[str], path: Path, columns: tuple[str, ...]) -> list[str]:
    """The header's names, matched to ``columns`` as every reader matches them
    (:func:`forceratio.io.tables.column_name`: ``isqno``, ``ISQNO`` and `` Isqno `` alike), each
    of ``columns`` under its own spelling (the published table's)."""
    names = [column_name(c) for c in cells]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise InputError(str(path), f"repeated column(s) in the header: {', '.join(repeated)}")
    missing = [c for c in columns if column_name(c) not in names]
    if missing:
        raise InputError(
            str(path), f"missing column(s): {', '.join(missing)} (is this the CDB90 table?)"
        )
    spelled = {column_name(c): c for c in columns}
    return [spelled.get(n, n) for n in names]


def _key(text: str, path: Path, row: int, col: str) -> int:
    """A whole number that identifies a row (a battle, a side); an empty cell is an error."""
    x = _number(text, path, row, col)
    if not (math.isfinite(x) and x == math.floor(x)):
        raise InputError(f"{path}: row {row}, column {col}", f"expected a whole number: {text!r}")
    return int(x)


def _number(text: str, path: Path, row: int, col: str) -> float:
    """A number, or NaN for an empty cell; anything else is an error."""
    return number(text, f"{path}: row {row}, column {col}")


def _men(text: str, path: Path, row: int, col: str) -> float:
    """A strength or casualty count (see :func:`_number`), refused beyond the magnitudes the
    engine resolves (:data:`STRENGTH_RANGE`): 1e308 men overflows the square law's
    strength**2 into a NaN score."""
    x = _number(text, path, row, col)
    lo, hi = STRENGTH_RANGE
    if math.isfinite(x) and x != 0 and not lo <= abs(x) <= hi:
        raise InputError(
            f"{path}: row {row}, column {col}",
            f"{x:g} men is outside the range the engine resolves: 0 or {lo:g} to {hi:g}",
        )
    return x


def _engaged(n0: float, rerp: float, total: float, code: float) -> tuple[float, str]:
    """A side's strength engaged over the battle (men) and where it comes from.

    The initial strength plus the reinforcements during the battle (``rerp``, missing taken
    as none) where the initial strength is given; otherwise the total-strength field
    ``str`` where its code says it is the initial strength (1) or the total engaged (3);
    never the average daily strength (code 2)."""
    if math.isfinite(n0):
        if math.isfinite(rerp) and rerp > 0:
            return n0 + rerp, "intst + rerp"
        return n0, "intst"
    if math.isfinite(total) and code in (1.0, 3.0):
        return total, f"str (code {int(code)})"
    return math.nan, "none"


#: The tables :func:`load` reads, under the CDB90 folder (no other file of it is read).
TABLES = (
    "src-data/CDB90/CDB90-patched.csv",
    "data/belligerents.csv",
    "data/active_periods.csv",
    "data/battles.csv",
)


def tables(path: Path | str) -> list[Path]:
    """The paths of :data:`TABLES` in the CDB90 folder ``path``."""
    return [Path(path) / t for t in TABLES]


def load(path: Path | str) -> pd.DataFrame:
    """One row per battle: isqno, name, war, year, wina, a0, ac, d0, dc (strength engaged
    and casualties, see :func:`_engaged`), where each strength comes from, the
    reinforcements, and the attacker's and defender's names."""
    patched, bell, periods, battles = tables(path)
    wina: dict[int, float] = {}
    year_patched: dict[int, float] = {}
    for line, r in _rows(patched, ("ISQNO", "WINA", "YR1")):
        k = _key(r["ISQNO"], patched, line, "ISQNO")
        if k in wina:
            raise InputError(f"{patched}: row {line}", f"battle {k} appears twice")
        wina[k] = _number(r["WINA"], patched, line, "WINA")
        year_patched[k] = _number(r["YR1"], patched, line, "YR1")
    year: dict[int, int] = {}
    for line, r in _rows(periods, ("isqno", "start_time_min", "end_time_min")):
        k = _key(r["isqno"], periods, line, "isqno")
        # the start's year; the end's when the start is not recorded (429 Aprilia II)
        for col in ("start_time_min", "end_time_min"):
            when = (r.get(col) or "").strip()
            if not when or k in year:
                continue
            if not re.match(r"\d{4}-\d{2}-\d{2}", when):
                raise InputError(
                    f"{periods}: row {line}, column {col}",
                    f"{when!r} is not a date of the form YYYY-MM-DDThh:mm "
                    "(1944-12-16T05:30, as the tidy CDB90 writes it)",
                )
            year[k] = int(when[:4])
    sides: dict[tuple[int, int], dict[str, Any]] = {}
    men = ("intst", "rerp", "str", "cas")
    rows = _rows(bell, ("isqno", "attacker", "nam", *men, "code"))
    # 11.300 men: eleven thousand three hundred, or eleven (a German export's dots)?
    dot_groups(((r[c], f"{bell}: row {line}, column {c}") for line, r in rows for c in men), "CSV")
    for line, r in rows:
        k = _key(r["isqno"], bell, line, "isqno")
        att = _key(r["attacker"], bell, line, "attacker")
        if att not in (0, 1) or (k, att) in sides:
            what = f"battle {k}'s side {att} appears twice" if att in (0, 1) else "not 0 or 1"
            raise InputError(f"{bell}: row {line}, column attacker", what)
        n0 = _men(r["intst"], bell, line, "intst")
        rerp = _men(r["rerp"], bell, line, "rerp")
        total = _men(r["str"], bell, line, "str")
        code = _number(r["code"], bell, line, "code")
        engaged, how = _engaged(n0, rerp, total, code)
        sides[(k, att)] = {
            "n0": engaged,
            "how": how,
            "initial": n0,
            "rerp": rerp,
            "cas": _men(r["cas"], bell, line, "cas"),
            "name": r["nam"],
        }
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for line, r in _rows(battles, ("isqno", "name", "war")):
        k = _key(r["isqno"], battles, line, "isqno")
        if k in seen:
            raise InputError(f"{battles}: row {line}", f"battle {k} appears twice")
        seen.add(k)
        if (k, 1) not in sides or (k, 0) not in sides:
            raise InputError(f"{bell}", f"battle {k} lacks an attacker or a defender row")
        if k not in wina:
            raise InputError(f"{patched}", f"battle {k} is missing from the patched table")
        yr = year.get(k)
        if yr is None and math.isfinite(year_patched.get(k, math.nan)) and year_patched[k] < 9000:
            yr = int(year_patched[k])
        a, d = sides[(k, 1)], sides[(k, 0)]
        out.append(
            {
                "isqno": k,
                "name": r["name"],
                "war": r["war"],
                "year": yr,
                "wina": wina[k],
                "a0": a["n0"],
                "ac": a["cas"],
                "d0": d["n0"],
                "dc": d["cas"],
                "a_strength_from": a["how"],
                "d_strength_from": d["how"],
                "a_reinforcements": a["rerp"],
                "d_reinforcements": d["rerp"],
                "attacker": a["name"],
                "defender": d["name"],
            }
        )
    return pd.DataFrame(out)


def advantage(df: pd.DataFrame) -> pd.DataFrame:
    """Add V (square), V_lin (linear) and the usable flag."""
    a0, ac, d0, dc = (df[c].to_numpy(dtype=float) for c in ("a0", "ac", "d0", "dc"))
    ok = (
        np.isfinite(a0) & np.isfinite(ac) & np.isfinite(d0) & np.isfinite(dc)
        & (a0 > 0) & (d0 > 0) & (ac > 0) & (dc > 0) & (ac <= a0) & (dc <= d0)
    )  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):
        v = 0.5 * np.log((a0**2 - (a0 - ac) ** 2) / (d0**2 - (d0 - dc) ** 2))
        vlin = np.log(ac / dc)
        lfr = np.log(a0 / d0)
    out = df.copy()
    out["V"] = np.where(ok, v, np.nan)
    out["V_lin"] = np.where(ok, vlin, np.nan)
    out["log_force_ratio"] = np.where(np.isfinite(lfr), lfr, np.nan)
    out["usable"] = ok
    out["era"] = [_era(y) for y in df["year"]]
    return out


def _era(year: Any) -> str:
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return "unknown"
    for label, lo, hi in ERAS:
        if lo <= int(year) <= hi:
            return label
    return "unknown"


def edge(s0: float, sc: float, g0: float, gc: float) -> dict[str, float]:
    """The ratio of German to Soviet per-capita kill rates implied by one battle under each
    law (strengths engaged s0, g0; casualties sc, gc):

    * square, dS/dt = -g G, dG/dt = -s S: (S0^2 - Sf^2) / (G0^2 - Gf^2);
    * linear (area fire), dS/dt = -g G S, dG/dt = -s S G: the casualty exchange sc / gc;
    * logarithmic, dS/dt = -g S, dG/dt = -s G: ln(S0/Sf) / ln(G0/Gf) (undefined when a side
      is destroyed whole).
    """
    sf, gf = s0 - sc, g0 - gc
    out = {
        "square": (s0**2 - sf**2) / (g0**2 - gf**2),
        "linear": sc / gc,
        "logarithmic": math.log(s0 / sf) / math.log(g0 / gf) if sf > 0 and gf > 0 else math.nan,
    }
    return out


#: How the sides' names begin in CDB90 for the Soviet Union ("SOV 2ND AG", "USSR ARMY").
SOVIET = ("SOV", "USSR")
#: The reason German-Soviet battles whose war label is not the Eastern Front's are left out;
#: empty: they are used.  They are 512 East Prussia, 513/514 Ciechanow I/II and 515 Seelow
#: Heights (1945), labelled "WORLD WAR II (OKINAWA)" in battles.csv and the patched table
#: (battles.csv's own war2 column says EASTERN FRONT), and 637 Targul Frumos ("WORLD WAR II",
#: no casualties, so left out for its numbers).
RELABELLED = ""


def eastern_front(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """German v Soviet battles of 1941-45 with both sides' strengths and casualties and the
    German edge under each law; and the battles left out (a side mixing Germans with
    allies, such as "GER & ROM", unusable numbers, or a war label other than the Eastern
    Front's, see :data:`RELABELLED`), with the reason.

    Selected by the sides (a German and a Soviet one) among the World War II battles, not by
    the war label: CDB90 labels four German-Soviet battles of 1945 "WORLD WAR II (OKINAWA)"."""
    ww2 = df[df["war"].str.contains("WORLD WAR II", na=False)]
    rows, out = [], []
    for r in ww2.to_dict(orient="records"):
        att, dfn = str(r["attacker"]).upper(), str(r["defender"]).upper()
        eastern = "EASTERN FRONT" in str(r["war"])
        if att.startswith("GER") and dfn.startswith(SOVIET):
            g0, gc, s0, sc = r["a0"], r["ac"], r["d0"], r["dc"]
            german, gname = "attacker", att
        elif att.startswith(SOVIET) and dfn.startswith("GER"):
            s0, sc, g0, gc = r["a0"], r["ac"], r["d0"], r["dc"]
            german, gname = "defender", dfn
        else:
            if eastern:
                out.append(
                    {"isqno": r["isqno"], "name": r["name"], "reason": "not German v Soviet"}
                )
            continue
        if not eastern and RELABELLED:
            reason = f"war labelled {r['war']!r} in CDB90 {RELABELLED}"
            out.append({"isqno": r["isqno"], "name": r["name"], "reason": reason})
            continue
        ally = re.search(r"&\s*([A-Z]{3})\b", gname)
        if ally and ally.group(1) not in ("GER", "SOV"):
            # "GER & ROM AG SOUTHERN UKRAINE": the strength counts Romanians as Germans
            out.append({"isqno": r["isqno"], "name": r["name"], "reason": f"mixed side: {gname}"})
            continue
        vals = [float(v) for v in (g0, gc, s0, sc)]
        if not all(math.isfinite(v) and v > 0 for v in vals) or gc > g0 or sc > s0:
            out.append(
                {"isqno": r["isqno"], "name": r["name"], "reason": "strengths or casualties"}
            )
            continue
        e = edge(s0, sc, g0, gc)
        rows.append(
            {
                "isqno": r["isqno"],
                "name": r["name"],
                "year": _int_or_none(r["year"]),
                "german": german,
                "german_strength": g0,
                "soviet_strength": s0,
                "german_casualties": gc,
                "soviet_casualties": sc,
                **{f"edge_{law}": e[law] for law in LAWS_EDGE},
            }
        )
    columns = [*EASTERN_COLUMNS, *(f"edge_{law}" for law in LAWS_EDGE)]
    return pd.DataFrame(rows, columns=columns), pd.DataFrame(
        out, columns=["isqno", "name", "reason"]
    )


EASTERN_COLUMNS = (
    "isqno", "name", "year", "german", "german_strength", "soviet_strength",
    "german_casualties", "soviet_casualties",
)  # fmt: skip


def _int_or_none(x: Any) -> int | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else int(x)
