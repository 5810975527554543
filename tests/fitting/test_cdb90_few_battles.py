"""``validate cdb90`` on a CDB90-style folder with few battles: no German-Soviet battle (the
Eastern Front section has 0 battles), nothing usable (one line, exit 2), a handful of battles
whose force ratio separates the winners (a note), and a date the year cannot be read from."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from forceratio.cli import run
from forceratio.fitting import cdb90, cdb90_report
from tests.cli.refusals import refused
from tests.fitting.cdb90_folder import Fight, Side, napoleonic, write_folder


def _napoleonic(n: int, seed: int = 3) -> list[Fight]:
    return napoleonic(range(1, n + 1), np.random.default_rng(seed))


def test_no_german_soviet_battle_reports_the_eastern_front_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_folder(tmp_path / "cdb", _napoleonic(40))
    v = cdb90_report.validate(root)
    assert len(v.eastern) == 0
    assert list(v.edge["battles"]) == [0, 0, 0]
    assert all(math.isnan(x) for x in v.carried.values())
    assert any("Eastern Front" in n for n in v.notes)
    assert v.scores.set_index("era")["battles"].to_dict()["all"] == 40
    assert run(["validate", "cdb90", "--path", str(root), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["eastern_front"] == []
    assert out["carried_in_modifiers"] == {"value": None, "low": None, "high": None}
    md = tmp_path / "V.md"
    assert run(["validate", "cdb90", "--path", str(root), "--write", str(md)]) == 0
    assert "No battle gives an edge" in md.read_text(encoding="utf-8")


def test_one_battle_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_folder(tmp_path / "cdb", _napoleonic(1))
    line = refused(capsys, ["validate", "cdb90", "--path", str(root)])
    assert "nothing to validate" in line
    assert "1 battle(s)" in line


def test_a_few_eastern_front_battles_alone_give_the_edge(tmp_path: Path) -> None:
    """Fewer battles than the cross-validation needs: the winner prediction is not scored
    (a note), the German edge is, by its closed form."""
    fights = [
        Fight(
            k, "WORLD WAR II (EASTERN FRONT)", "1943-07-05T04:00:00",
            Side("GER 4TH PZ ARMY", 1000.0, 100.0), Side("SOV 6TH GDS ARMY", 2000.0, 500.0), 1,
        )
        for k in (1, 2, 3)
    ]  # fmt: skip
    v = cdb90_report.validate(write_folder(tmp_path / "cdb", fights))
    assert len(v.scores) == 0
    assert len(v.comparisons) == 0
    assert any("not scored" in n for n in v.notes)
    square = (2000**2 - 1500**2) / (1000**2 - 900**2)  # (S0^2 - Sf^2) / (G0^2 - Gf^2)
    assert v.carried["value"] == pytest.approx(square)


def test_a_separating_force_ratio_is_noted(tmp_path: Path) -> None:
    """The stronger side always wins: every training fold is separated by ln(A0/D0), the
    logistic slope has no finite estimate, and the note says so (the reviewer's 18 battles:
    log-loss 3.6 against the base rate's 0.56, without a word)."""
    fights = []
    for k in range(1, 21):
        a = 10_000.0 * (1 + k % 7)
        d = 10_000.0 * (1 + (k * 3) % 5) + 500.0
        fights.append(
            Fight(
                k, "NAPOLEONIC WARS", "1809-07-05T06:00:00",
                Side("FR ARMY", a, 0.1 * a), Side("AU ARMY", d, 0.1 * d), 1 if a > d else -1,
            )
        )  # fmt: skip
    v = cdb90_report.validate(write_folder(tmp_path / "cdb", fights))
    assert any("force_ratio separates the winners" in n for n in v.notes)
    assert any("20 battles only" in n for n in v.notes)


def test_the_tidy_cdb90_gets_no_note() -> None:
    root = cdb90.default_path()
    if root is None:
        pytest.skip("../shared/data/cdb90 not present")
    assert cdb90_report.validate(root).notes == ()


def test_a_date_in_another_form_names_the_form_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fights = _napoleonic(12)
    fights[0] = Fight(**{**fights[0].__dict__, "start": "02/07/1600 14:30"})
    root = write_folder(tmp_path / "cdb", fights)
    line = refused(capsys, ["validate", "cdb90", "--path", str(root)])
    assert "row 2, column start_time_min" in line
    assert "'02/07/1600 14:30' is not a date of the form YYYY-MM-DDThh:mm" in line


def _eastern(n: int) -> list[Fight]:
    return [
        Fight(
            k, "WORLD WAR II (EASTERN FRONT)", "1943-07-05T04:00:00",
            Side("GER 4TH PZ ARMY", 1000.0, 100.0 + k), Side("SOV 6TH GDS ARMY", 2000.0, 500.0), 1,
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


def test_eastern_front_battles_alone_are_printed_as_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No winner prediction to compare: the table output says so, it does not crash (a
    KeyError traceback before, on the real copy cut to 512 East Prussia)."""
    root = write_folder(tmp_path / "cdb", _eastern(3))
    assert run(["validate", "cdb90", "--path", str(root)]) == 0
    out = capsys.readouterr().out
    assert "(0 of 0 comparisons)" in out
    assert "German edge" in out


@pytest.mark.parametrize("n", [1, 2, 5])
def test_too_few_battles_leave_the_median_interval_open(tmp_path: Path, n: int) -> None:
    """Fewer than 6 battles: no 95% interval of a median exists without assuming a shape
    (the widest distribution-free one, min..max, covers 1 - 2**(1 - n): 0.94 at 5), and the
    percentile bootstrap's was [x, x] for one battle (coverage 0) and 51% for two (lognormal
    edges, 300 draws): the ends are open and a note says why."""
    v = cdb90_report.validate(write_folder(tmp_path / "cdb", _eastern(n)))
    assert v.edge["battles"].tolist() == [n] * 3
    assert v.edge["median_lo95"].isna().all()
    assert v.edge["median_hi95"].isna().all()
    assert any("median's 95% interval" in x for x in v.notes)


def test_six_battles_keep_the_median_interval(tmp_path: Path) -> None:
    v = cdb90_report.validate(write_folder(tmp_path / "cdb", _eastern(6)))
    edge = v.edge.set_index("law").loc["square"]
    assert edge["median_lo95"] <= edge["median"] <= edge["median_hi95"]
    assert not any("median's 95% interval" in x for x in v.notes)
