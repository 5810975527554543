"""How the whole-record calibration reads the 1941 records (issue 13, the audit's H1, H2,
M1): which records it keeps out of the likelihood and why, and which it reads as an
interval or a bound.

Oracles: the operations_1941 table's printed rows (Leningrad's German casualties: low
60,000, high 190,000; the Smolensk infobox's about 115,500 for 10 July - 10 September) and
the scenarios' own tank holdings (a record above what a sector holds cannot be met)."""

from __future__ import annotations

import pytest

from forceratio.calibration import Record
from forceratio.scenarios.build import prepare
from forceratio.scenarios.record_fit import RecordInputs, inputs
from forceratio.scenarios.schema import CATEGORIES
from forceratio.scenarios.session import Session


@pytest.fixture(scope="module")
def rec() -> RecordInputs:
    return inputs(Session().table)


def _by_name(rec: RecordInputs) -> dict[str, Record]:
    return {r.name: r for r in rec.problem.records}


def test_the_out_records_and_their_reasons(rec: RecordInputs) -> None:
    out = {r.name: r.reason for r in rec.problem.records if not r.in_likelihood}
    assert set(out) == {
        "German losses to 3 July (Halder)",
        "Baltic: tanks (tanks_lost, enwiki_baltic)",
        "Belorussian: tanks (tanks_lost, enwiki_bialystok)",
        "Uman: tanks (tanks_lost, enwiki_uman)",
        "Smolensk: German prisoners (missing, enwiki_smolensk)",
    }
    assert "Budnitsky" in out["German losses to 3 July (Halder)"]
    assert "defended" in out["Smolensk: German prisoners (missing, enwiki_smolensk)"]
    # the Budnitsky figure the Halder total overlaps stays in
    assert _by_name(rec)["German killed and wounded to 10 July (Budnitsky)"].in_likelihood


@pytest.mark.parametrize(
    ("scenario", "sector", "record", "figure"),
    [
        ("barbarossa-22june", 1, "Belorussian: tanks (tanks_lost, enwiki_bialystok)", "4,522"),
        ("uman-1941", 0, "Uman: tanks (tanks_lost, enwiki_uman)", "317"),
    ],
)
def test_an_unmeetable_tank_record_exceeds_the_holding(
    rec: RecordInputs, scenario: str, sector: int, record: str, figure: str
) -> None:
    held = rec.prepared[scenario].forces["USSR"][sector].value[CATEGORIES.index("tanks")]
    r = _by_name(rec)[record]
    assert r.value >= held
    assert f"{held:,.0f}" == figure
    assert figure in r.reason


def test_leningrad_german_casualties_are_the_printed_interval(rec: RecordInputs) -> None:
    r = _by_name(rec)[
        "Leningrad: German casualties (en-wiki, rounded; the interval 60,000-190,000)"
    ]
    assert (r.low, r.high, r.value) == (60_000.0, 190_000.0, 60_000.0)
    assert r.in_likelihood
    assert not r.lower_bound


def test_smolensk_german_is_the_whole_window_lower_bound(rec: RecordInputs) -> None:
    r = next(x for x in rec.problem.records if x.name.startswith("Smolensk: German casualties"))
    assert r.value == 115_500.0
    assert r.lower_bound
    assert r.in_likelihood
    ops = Session().table("operations_1941")
    row = ops[(ops["side"] == "Germany") & (ops["category"] == "total_losses")
              & (ops["formation"] == "Smolensk strategic defensive operation")]  # fmt: skip
    assert "115,500" in str(row["note"].iloc[0])  # the figure the infobox gives beside it


def test_uman_soviet_is_killed_and_wounded_only(rec: RecordInputs) -> None:
    r = next(x for x in rec.problem.records if x.name.startswith("Uman: killed and wounded"))
    assert r.value == 100_000.0  # not + the 103,000 prisoners, a record of their own
    assert "Uman: prisoners (prisoners, enwiki_uman)" in _by_name(rec)


def test_interval_needs_a_ranged_row() -> None:
    from forceratio.errors import InputError
    from forceratio.scenarios import load_scenario

    scn = load_scenario("uman-1941")
    bad = scn.records[1].model_copy(update={"interval": True})
    with pytest.raises(InputError, match="interval"):
        prepare(scn.model_copy(update={"records": [scn.records[0], bad]}), Session().table)
