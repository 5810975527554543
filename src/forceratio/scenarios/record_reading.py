"""How the 1941 record is read (issue 13): the records beyond the scenarios' own, and
which records the whole-record likelihood leaves out, and why.

A record is *out of the likelihood* when reading it as an independent observation of the
modelled quantity would be wrong: it repeats men another record counts, or asks for more
than the model's sector holds (no parameter can meet it, so it only pushes a parameter to
its prior's bound), or bounds a quantity the model defines otherwise.  It is still
reported (residuals, predictive, leave-one-out predictions), with its reason.  A scenario's
own record says so in its TOML (``likelihood = false`` and ``reason``); a row of
:data:`EXTRA` in :data:`OUT`.
"""

from __future__ import annotations

#: Records beyond the scenarios' own: (scenario, sector index (None: every sector summed),
#: day (None: the scenario's last), formation and category of a row of :data:`TABLES`,
#: side, kind, bound ("", "lower" or "upper")).
EXTRA: tuple[tuple[str, int | None, float | None, str, str, str, str, str], ...] = (
    ("barbarossa-22june", 1, 18, "Belorussian strategic defensive operation (Bialystok-Minsk)",
     "prisoners", "USSR", "prisoners", ""),
    ("barbarossa-22june", 0, 18, "Baltic strategic defensive operation", "tanks_lost", "USSR",
     "tanks", ""),
    ("barbarossa-22june", 1, 18, "Belorussian strategic defensive operation (Bialystok-Minsk)",
     "tanks_lost", "USSR", "tanks", ""),
    ("barbarossa-22june", 0, 18, "Baltic strategic defensive operation", "depth", "", "depth",
     ""),
    ("barbarossa-22june", 1, 18, "Belorussian strategic defensive operation (Bialystok-Minsk)",
     "depth", "", "depth", ""),
    ("barbarossa-22june", 2, 15, "Lvov-Chernovtsy strategic defensive operation", "depth", "",
     "depth", ""),
    # Budnitsky's totals for the three fronts of the border battles to 9 July (day 18; the
    # outcome_22june rows, verified): "about 4,000" aircraft and "more than 11,700" tanks (a
    # lower bound), each against the model's losses of every sector summed.  The tanks ask
    # for 99% of the 11,812 the three sectors hold with the North-West's arrivals (read from
    # the prepared scenario on 6 December 2026): a record inside the holdings, at their edge.
    ("barbarossa-22june", None, 18, "NW + W + SW Fronts, border battles", "aircraft_lost",
     "USSR", "aircraft", ""),
    ("barbarossa-22june", None, 18, "NW + W + SW Fronts, border battles", "tanks_lost", "USSR",
     "tanks", "lower"),
    # the German count of 300,000 was made when the pocket's resistance ended, 5 August
    # (day 27; operations_1941 row note): the model's captured to that day, not to 10 September
    ("smolensk-1941", 0, 27, "Smolensk strategic defensive operation", "prisoners", "USSR",
     "prisoners", ""),
    ("smolensk-1941", 0, None, "Smolensk strategic defensive operation", "tanks_lost", "USSR",
     "tanks", ""),
    ("uman-1941", 0, None, "Uman encirclement (within the Kiev operation)", "prisoners", "USSR",
     "prisoners", ""),
    ("uman-1941", 0, None, "Uman encirclement (within the Kiev operation)", "tanks_lost",
     "USSR", "tanks", ""),
    ("kiev-1941", 0, None, "Kiev strategic defensive operation: South-Western Front alone",
     "prisoners", "USSR", "prisoners", ""),
    ("kiev-1941", 0, None, "Kiev strategic defensive operation", "tanks_lost", "USSR", "tanks",
     ""),
    ("leningrad-1941", 0, None, "Leningrad strategic defensive operation", "tanks_lost", "USSR",
     "tanks", ""),
    ("vyazma-1941", 0, None, "Vyazma-Bryansk encirclements (opening of Operation Typhoon)",
     "tanks_lost", "USSR", "tanks", ""),
    # The attacker's side of the one capture process: German "missing" bound German
    # captured from above (missing also counts men killed but not found), so each is an
    # upper bound.  Halder's 3 July figure is the whole Army in the East (every sector);
    # at Smolensk the missing cover 21 July - 10 September only (the scenario starts 10
    # July), so the bound there is tighter than the record: an ASSUMPTION.
    ("barbarossa-22june", None, 12, "Army in the East (Halder, data as of 3 July)",
     "missing", "Germany", "prisoners", "upper"),
    ("smolensk-1941", 0, None, "Smolensk strategic defensive operation", "missing", "Germany",
     "prisoners", "upper"),  # out of the likelihood: OUT
    ("uman-1941", 0, None, "Uman encirclement (within the Kiev operation)", "missing",
     "Germany", "prisoners", "upper"),
    ("kiev-1941", 0, None, "Kiev strategic defensive operation", "missing", "Germany",
     "prisoners", "upper"),
)  # fmt: skip

#: The tables :data:`EXTRA` reads (its rows: :func:`record_tables`).
TABLES = ("operations_1941", "outcome_22june")


#: The rows of :data:`EXTRA` kept out of the likelihood: (scenario, formation, category,
#: side) -> the reason.  The tank holdings are the scenarios' (barbarossa-22june: the
#: North-West sector 1,514 tanks at the start and 1,000 arriving by day 18, the West sector
#: 4,522; uman-1941: 317), read from the prepared scenarios on 5 December 2026.
OUT: dict[tuple[str, str, str, str], str] = {
    ("barbarossa-22june", "Baltic strategic defensive operation", "tanks_lost", "USSR"):
        "the record exceeds what the sector can lose: 2,523 tanks lost, the sector holds"
        " 1,514 at the start and 1,000 arriving by day 18 (2,514)",
    ("barbarossa-22june", "Belorussian strategic defensive operation (Bialystok-Minsk)",
     "tanks_lost", "USSR"):
        "the record exceeds what the sector holds: 4,799 tanks lost, 4,522 in the sector",
    ("uman-1941", "Uman encirclement (within the Kiev operation)", "tanks_lost", "USSR"):
        "the record is the sector's whole strength: 317 tanks lost of 317, which the model's"
        " losses (a share of what is left each day) reach only in the limit",
    ("smolensk-1941", "Smolensk strategic defensive operation", "missing", "Germany"):
        "the German missing were taken mostly while Army Group Centre defended (after 30"
        " July; smolensk-1941.toml), while the capture factor they would bound is the"
        " attacker's",
}  # fmt: skip
