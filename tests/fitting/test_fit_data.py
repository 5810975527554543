"""Reading a daily series (review15fit D1, D6, D8): a strength that rises beyond the arrivals
recorded is said (or taken as arrivals on request), common spreadsheet shapes are read or
refused in one line naming the field, and residuals keep the file's own days.

Every series is synthetic, from ``solve_ivp`` (:mod:`tests.fitting.synth`), so the truth is
known: square law, red's rate 0.02, blue's 0.03, 10,000 red v 8,000 blue.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.fitting import fit_battle, read_battle
from forceratio.fitting.data import RISE_TOLERANCE
from tests.cli.refusals import refused
from tests.fitting.synth import series

runner = CliRunner()
RED, BLUE = 0.02, 0.03


def _hidden_arrival(seed: int = 0) -> pd.DataFrame:
    """3,000 red join after day 5's count; the table leaves the arrivals out (as tables that
    fold replacements into the strength do)."""
    df = series(RED, BLUE, days=14, red_arrivals={5: 3000.0}, noise=0.005, seed=seed)
    return df.drop(columns="red_reinforcements")


def test_a_rise_beyond_the_arrivals_is_named_with_side_days_and_men() -> None:
    """Before: no note at all (the fit took 3,000 men from nowhere as noise)."""
    b = read_battle(_hidden_arrival())
    (note,) = b.notes
    assert note.startswith("red rises beyond the arrivals recorded: ")
    assert "from day 5 to day 6" in note
    men = float(note.split(": ")[1].split(" from")[0].replace(",", ""))
    # the rise is the arrival less day 5's losses (blue_rate * ~7,000 blue, about 210)
    assert 2600 < men < 3000
    assert "red_reinforcements" in note
    r = fit_battle(b, "square")
    assert r.notes == [note]
    assert r.to_dict()["notes"] == [note]


def test_rises_taken_as_arrivals_recover_the_truth() -> None:
    df = _hidden_arrival(seed=2)
    b = read_battle(df, rises="arrivals")
    assert b.red_in[5] == pytest.approx(3000.0, rel=0.03)  # rise + neighbours' losses
    assert b.red_in.sum() == b.red_in[5]
    assert "taken as" in b.notes[0]
    r = fit_battle(b, "square")
    # within 3% (the intervals leave out the inferred arrival's own error: on this draw
    # blue's 0.03002 .. 0.03099 just misses 0.03, as the note warns)
    assert r.red_rate == pytest.approx(RED, rel=0.03)
    assert r.blue_rate == pytest.approx(BLUE, rel=0.03)
    assert "intervals leave out" in r.notes[0]
    # left as noise, the same data put blue's rate (the rate at which red is hit) far off
    plain = fit_battle(read_battle(df), "square")
    assert abs(plain.blue_rate - BLUE) > 3 * abs(r.blue_rate - BLUE)


@pytest.mark.parametrize("seed", range(8))
def test_measurement_noise_alone_makes_no_rise(seed: int) -> None:
    """2% measurement noise (sd) with recorded arrivals: rises of noise size stay noise."""
    df = series(RED, BLUE, days=20, red_arrivals={5: 3000.0}, noise=0.02, seed=seed)
    assert read_battle(df).notes == ()
    assert RISE_TOLERANCE == 0.05


def test_a_wrong_arrivals_convention_shows_as_a_rise() -> None:
    """An in-observation table read as after-observation: the strength rises a day before
    the arrival is counted; the note points to --arrivals."""
    df = series(RED, BLUE, days=10, red_arrivals={3: 4000.0})
    df["red_reinforcements"] = np.roll(df["red_reinforcements"].to_numpy(), 1)
    (note,) = read_battle(df).notes
    assert "from day 3 to day 4" in note
    assert "--arrivals" in note
    assert read_battle(df, arrivals="in-observation").notes == ()


def test_cli_rises_option_and_notes(tmp_path: Path) -> None:
    path = tmp_path / "up.csv"
    _hidden_arrival().to_csv(path, index=False)
    res = runner.invoke(app, ["fit", str(path)])
    assert res.exit_code == 0, res.output
    assert "Note: red rises beyond the arrivals recorded" in res.stdout
    res = runner.invoke(app, ["fit", str(path), "--rises", "arrivals", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert "taken as" in json.loads(res.stdout)["notes"][0]
    with pytest.raises(InputError, match=r"^rises: must be one of note, arrivals"):
        fit_battle(path, rises="guess")


# ------------------------------------------------------------------------------- D8 shapes

ROWS = [(0, 10000, 8000), (1, 9620, 7700), (2, 9250, 7420), (3, 8900, 7150), (4, 8570, 6900)]


def _ok() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.array([d for d, _, _ in ROWS], float),
        np.array([r for _, r, _ in ROWS], float),
        np.array([b for _, _, b in ROWS], float),
    )


@pytest.mark.parametrize(
    "text",
    [
        "Day,Red,Blue\n" + "".join(f"{d},{r},{b}\n" for d, r, b in ROWS),
        " DAY , red ,Blue \n" + "".join(f"{d},{r},{b}\n" for d, r, b in ROWS),
        "day,red,blue,\n" + "".join(f"{d},{r},{b},\n" for d, r, b in ROWS),
        "day,red,blue,,\n" + "".join(f"{d},{r},{b},,\n" for d, r, b in ROWS),
        "day,red,blue\n" + "".join(f'{d},"{r:,}","{b:,}"\n' for d, r, b in ROWS),
        "day,red,blue,Red Reinforcements\n" + "".join(f"{d},{r},{b},\n" for d, r, b in ROWS),
    ],
    ids=["capitals", "spaces", "trailing-comma", "two-trailing", "thousands", "spaced-name"],
)
def test_common_spreadsheet_shapes_read_as_the_plain_file(tmp_path: Path, text: str) -> None:
    """Before: missing column(s) / unknown column(s): Unnamed: 3 / not a number: '10,000'."""
    path = tmp_path / "d.csv"
    path.write_text(text)
    b = read_battle(path)
    day, red, blue = _ok()
    np.testing.assert_array_equal(b.t, day)
    np.testing.assert_array_equal(b.red, red)
    np.testing.assert_array_equal(b.blue, blue)
    assert b.notes == ()


def test_iso_dates_are_days_since_the_first_row(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("day,red,blue\n" + "".join(f"1944-12-{16 + d},{r},{b}\n" for d, r, b in ROWS))
    b = read_battle(path)
    np.testing.assert_array_equal(b.t, _ok()[0])
    assert b.notes == ("day: read as dates, in days since the first row (1944-12-16)",)
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime([f"1944-12-{16 + d} 12:00" for d, _, _ in ROWS]),
            "red": [r for _, r, _ in ROWS],
            "blue": [x for _, _, x in ROWS],
        }
    )
    np.testing.assert_array_equal(read_battle(frame).t, _ok()[0])


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("day,red,blue\n1944-12-16,10,8\n2,9,7\n", "row 3, column day: '2' among dates"),
        ('day,red,blue\n0,"52,5",8\n1,50,7\n', "not a number: '52,5' (a decimal comma?"),
        ("day,red,blue,\n0,10,8,x\n1,9,7,\n", "column 4 has no name but holds values"),
        ("day,red,blue,notes\n0,10,8,a\n1,9,7,b\n", "unknown column(s): notes; the fit reads"),
    ],
)
def test_unclear_shapes_are_one_line_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(text)
    assert needle in refused(capsys, ["fit", str(path)])


def test_a_huge_gap_between_days_is_noted() -> None:
    df = pd.DataFrame(
        {
            "day": [0, 1, 2, 3, 304, 305],
            "red": [100, 98, 96, 94, 50, 49],
            "blue": [90, 89, 88, 87, 60, 59],
        }
    )
    (note,) = read_battle(df).notes
    assert note.startswith("day: 301 days between day 3 and day 304 (the median step is 1)")
    assert read_battle(df.iloc[:4]).notes == ()


def test_residuals_keep_the_files_own_days() -> None:
    """Before: residual days started at 0 for a file whose days start at 2 (review15fit D6)."""
    df = series(RED, BLUE, days=8, noise=0.01, seed=4).drop(columns="red_reinforcements")
    df["day"] += 2.0
    r = fit_battle(df, "square")
    days = sorted({row["day"] for row in r.residuals})
    assert days == [float(d) for d in range(2, 11)]


def test_count_likelihood_takes_a_noise_size_rise_as_no_losses_and_names_a_large_one(
    tmp_path: Path,
) -> None:
    """review15fit D12: a rise of 300 in 796,500 (reporting noise) was refused with
    "--data: a side's strength rises without arrivals", naming no side or row."""
    from forceratio.fitting.casualties import fit_casualties

    df = series(RED, BLUE, days=10).drop(columns="red_reinforcements").round()
    red = df["red"].to_numpy().copy()
    red[4] = red[3] + 30  # +0.4%: noise
    f = fit_casualties(read_battle(df.assign(red=red)), "square", "negbin")
    assert f.red_rate == pytest.approx(RED, rel=0.1)
    red[4] = red[3] + 1500  # +20%: not noise
    df = df.assign(red=red)
    path = tmp_path / "up.csv"
    df.to_csv(path, index=False)
    res = runner.invoke(app, ["fit", str(path), "--likelihood", "poisson"])
    assert res.exit_code == 2
    assert "column red: rises by 1,500 from day 3 to day 4 beyond the arrivals" in res.stderr
    res = runner.invoke(app, ["fit", str(path), "--likelihood", "poisson", "--rises", "arrivals"])
    assert res.exit_code == 0, res.output
    assert "Note: red rises beyond the arrivals recorded" in res.stdout
