"""The report mended from review23b: the sides named as the scenario names them (H1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forceratio.plots.html import build
from forceratio.scenarios.session import Session

GOLAN = Path(__file__).parent / "files" / "golan.toml"


def _section(text: str, start: str, end: str = "<h") -> str:
    """The HTML from the heading ``start`` to the next heading (``end``)."""
    i = text.index(start) + len(start)
    j = text.find(end, i)
    return text[i : j if j >= 0 else len(text)]


@pytest.fixture(scope="module")
def user_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The report on the user's file as given (side_names Blue and Red) and without its
    side_names line (the slots' names)."""
    plain = tmp_path_factory.mktemp("noname") / "golan.toml"
    lines = GOLAN.read_text(encoding="utf-8").splitlines()
    plain.write_text("\n".join(x for x in lines if not x.startswith("side_names")) + "\n")
    session = Session(None, False)
    return {
        "named": build([str(GOLAN)], session=session),
        "plain": build([str(plain)], session=session),
    }


@pytest.mark.parametrize(
    ("which", "red", "blue"), [("named", "Red", "Blue"), ("plain", "Germany", "USSR")]
)
def test_kill_rates_and_assumptions_name_the_sides_as_the_file_does(
    user_reports: dict[str, str], which: str, red: str, blue: str
) -> None:
    """Oracle: the scenario's own side names (README: a file is shown by them, else by its
    slots, 'never as Soviet or German')."""
    text = user_reports[which]
    rates = _section(text, "<h2>Kill rates</h2>", "<h2")
    assert f"{red} kill rate" in rates, rates
    assert f"{blue} kill rate" in rates, rates
    table = _section(text, "<h3>Assumptions and their sources</h3>", "<h")
    labels = re.findall(r"<tr><td>([^<]*)</td>", table)  # the parameter column (sources cite)
    labelled = re.sub(r"\([^)]*\)\.", "", rates)  # the rates' labels (not their sources)
    for part in (labelled, *labels):
        # ("relative to the Wehrmacht of 22 June" stays: the base rate is that fit's)
        assert not re.search(r"\b(Soviet|German)\b", part), part
    assert f"{red} quality" in "".join(labels)
    assert any(lab.startswith(f"{blue} breakpoint") for lab in labels), labels


@pytest.fixture(scope="module")
def kiev_raw() -> str:
    """The report on kiev-1941 --uncalibrated (its forces: men only, operations_1941)."""
    return build(["kiev-1941"], session=Session(None, True))


def test_uncalibrated_report_says_so_and_claims_no_posterior_rates(kiev_raw: str) -> None:
    """Oracle: the rates run (--uncalibrated: the raw 0.02 a day, not the posterior's
    medians) and what the page says of them (review23b H3)."""
    text = kiev_raw
    head = re.search(r"<h1>([^<]*)</h1>", text)
    title = re.search(r"<title>([^<]*)</title>", text)
    assert head
    assert "(uncalibrated: raw rates)" in head[1]
    assert title
    assert "(uncalibrated: raw rates)" in title[1]
    notes = re.findall(r'<p class="note">([^<]*)</p>', text)
    assert not [n for n in notes if "medians (forceratio calibrate)" in n]  # (note (c) defines)
    assert re.search(r"kill rate \([^)]*\) 0\.02 ", text)  # the raw rates the page shows


def test_calibrated_rates_note_said_once() -> None:
    """The shared-rates note of the built-in files, identical in kiev and leningrad, is
    printed once (review23b M9), and still printed when the rates are calibrated."""
    text = build(["kiev-1941", "leningrad-1941"], session=Session(None, False))
    assert text.count("medians (forceratio calibrate)") == 1


def test_equipment_never_entered_is_not_shown_as_zero(kiev_raw: str) -> None:
    """Oracle: kiev-1941's file enters men only (its operations_1941 rows hold no guns,
    tanks or aircraft); the forces table says "—" for those, as compare does, never 0
    (review23b H4)."""
    table = _section(kiev_raw, "<h3>Forces at the start</h3>", "<h")
    cells = re.findall(r"<tr>((?:<td>[^<]*</td>)+)</tr>", table)
    rows = [re.findall(r"<td>([^<]*)</td>", c) for c in cells]
    assert [r[1] for r in rows] == ["USSR", "Germany"]
    assert [r[3:6] for r in rows] == [["—"] * 3, ["—"] * 3]  # guns, tanks, aircraft
    assert all(r[2] not in ("0", "—") for r in rows)  # men were entered
    assert "not in the scenario (no figure entered)" in kiev_raw


def _texts(fig: object) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text)]  # type: ignore[attr-defined]


def test_figures_say_not_in_the_scenario() -> None:
    """The ratios figure of kiev-1941 and the trajectory of smolensk-1941 (no Soviet
    aircraft figure: its part leaves aircraft out) draw no 0 for a figure never entered."""
    from forceratio.plots import figure

    session = Session(None, True)
    texts = _texts(figure("ratios", "kiev-1941", session=session))
    assert sum("not in the scenario" in t for t in texts) == 3, texts
    assert not any("0 : 0" in t for t in texts)
    fig = figure("trajectory", "smolensk-1941", session=session)
    aircraft = fig.axes[3]
    assert aircraft.get_title() == "aircraft"
    sides = [ln.get_label() for ln in aircraft.get_lines() if "(model)" in str(ln.get_label())]
    assert sides == ["Germany (model)"]
    assert any("USSR: not in the scenario" in t.get_text() for t in aircraft.texts)


@pytest.fixture(scope="module")
def calibrated() -> tuple[str, dict[str, object], str]:
    """The report on kiev-1941 at the calibrated rates, ``calibrate --format json`` and
    ``calibrate``'s table output (the shipped posterior)."""
    import json

    from typer.testing import CliRunner

    from forceratio.cli.app import app

    runner = CliRunner()
    doc = runner.invoke(app, ["calibrate", "--format", "json"])
    table = runner.invoke(app, ["calibrate"])
    assert doc.exit_code == 0, doc.output
    assert table.exit_code == 0, table.output
    text = build(["kiev-1941"], session=Session(None, False))
    return text, json.loads(doc.stdout), table.stdout


def test_calibration_section_says_its_method_and_counts_met_bounds_as_met(
    calibrated: tuple[str, dict[str, object], str],
) -> None:
    """Oracle: ``forceratio calibrate``: its method (emcee), its residuals (the RMS errors
    recomputed here over the records in the likelihood that are not a bound the model
    meets: at or above a lower bound, at or below an upper one, inside an interval) and its
    summary line (review23b H5)."""
    import math

    text, doc, table = calibrated
    section = _section(text, "<h2>Calibration on the 1941 record</h2>", "<h3>")
    assert "least squares" not in section
    assert "posterior median (emcee)" in section
    res = doc["residuals"]
    assert isinstance(res, list)

    def met(r: dict[str, float]) -> bool:
        e = r["model"] / r["historical"] - 1
        if r.get("low") is not None:  # an interval
            return bool(r["low"] <= r["model"] <= r["high"])
        return bool((r["lower_bound"] and e >= 0) or (r.get("upper_bound") and e <= 0))

    used = [r for r in res if r["in_likelihood"] and not met(r)]
    rel = math.sqrt(sum((r["model"] / r["historical"] - 1) ** 2 for r in used) / len(used))
    log = math.sqrt(sum(math.log(r["model"] / r["historical"]) ** 2 for r in used) / len(used))
    assert f"RMS relative error {rel:.3f}" in section, section
    assert f"RMS log error {log:.3f}" in section
    assert f"over the {len(used)} records that count" in section
    line = next(x for x in table.splitlines() if "records in the likelihood" in x)
    assert line.strip().replace("|", "&#x7c;") in section or line.strip() in section
    # the in-sample table: an upper-bound column, the four German 'missing' rows met
    insample = next(t for t in section.split("<table>") if "upper bound" in t)
    rows = re.findall(r"<tr>((?:<td>[^<]*</td>)+)</tr>", insample)
    head = re.findall(r"<th>([^<]*)</th>", insample)
    assert "upper bound" in head
    assert "bound met (counts as exact)" in head
    cells = [re.findall(r"<td>([^<]*)</td>", r) for r in rows]
    up, ok = head.index("upper bound"), head.index("bound met (counts as exact)")
    uppers = [c for c in cells if len(c) == len(head) and c[up] == "yes"]
    assert len(uppers) == sum(bool(r.get("upper_bound")) for r in res) == 4
    fit = head.index("in the likelihood")
    # met where in the likelihood (Smolensk's, out of it, is reported, not counted as met)
    assert all(c[ok] == "yes" for c in uppers if c[fit] == "yes")
    assert sum(c[fit] == "no" for c in cells if len(c) == len(head)) == 5


def test_summary_opens_with_both_ps_and_the_caveats(tmp_path: Path) -> None:
    """Oracle: compare's P(attacker wins) over the posterior with its interval (its own
    rows), the joint P of the declared assumptions and the posterior (the mechanisms
    sensitivity --posterior computes, at the report's runs and seed), and the README's
    caveats, all before the comparison (review23b H2)."""
    from typer.testing import CliRunner

    from forceratio.cli.app import app
    from forceratio.scenarios.compare import compare
    from forceratio.sweeps.mechanisms import posterior_mechanisms
    from forceratio.sweeps.reporting import MECHANISM_CROSSED as REPORT_CROSSED
    from forceratio.sweeps.reporting import MECHANISM_RUNS as REPORT_JOINT_RUNS

    names = ["strike-12june-strip", "sokolov-152v100"]
    r = CliRunner().invoke(app, ["report", *names, "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    top = text[: text.index("<h2>Comparison</h2>")]
    session = Session(None, False)
    row = compare(["strike-12june-strip"], session=session)[0]
    lo, hi = row["p_attacker_wins_ci"]
    assert f"{row['p_attacker_wins']:.2f} (95% {lo:.2f}-{hi:.2f}" in top
    for name in names:
        d = posterior_mechanisms(
            session, name, runs=REPORT_JOINT_RUNS, crossed=REPORT_CROSSED, seed=0, n_resamples=50
        )
        lo, hi = d.p_attacker_wins_ci
        assert f"{d.p_attacker_wins:.2f} (95% {lo:.2f}-{hi:.2f}; {d.runs:,} joint runs)" in top
    assert "This does not test Meltyukhov&#x27;s thesis" in top
    # the tornado's sample stated, with what its noise looks like (review23b M5)
    from forceratio.sweeps.reporting import TORNADO_SAMPLES as REPORT_SOBOL

    assert f"from {REPORT_SOBOL:,} base samples" in text
    assert "is sampling noise" in text
    assert (
        f"{row['combat_power_ratio_text']} on {row['combat_power_ratio_unmodified']:.2f} : 1" in top
    )


def test_distribution_titled_as_noise_at_fixed_parameters() -> None:
    from forceratio.plots import figure

    fig = figure("distribution", "strike-12june-strip", session=Session(None, False),
                 replications=20, seed=1)  # fmt: skip
    assert any("Stochastic noise only, parameters fixed" in t for t in _texts(fig))


@pytest.mark.parametrize("name", ["kiev-1941", "smolensk-1941"])
def test_trajectory_legend_inside_the_figure(name: str) -> None:
    """Invariant: every drawn text lies inside the saved frame (review23b M4: the long
    record labels' legend was cut at both edges, '(a lower bound)' lost)."""
    from forceratio.plots import figure
    from tests.plots.figure_texts import texts_outside

    fig = figure("trajectory", name, session=Session(None, False))
    assert texts_outside(fig) == []


def test_compare_says_the_range_end_flips_not_where() -> None:
    """Oracle: threshold puts the strip's flip at German quality 13.76 (`forceratio threshold
    strike-12june-strip --vary modifiers.quality.Germany=0.80:23.85`, bracket 13.05-13.77, 6
    December 2026, the posterior regenerated on the sourced Kiev and Uman postures; checked by
    `run --set`: 13.750 USSR by captured, 13.760 Germany by break; 13.38 in 0.76-22.55 on the
    one before), inside the range, so its upper end is only the range end that flips it
    (review23b M8).  The range is read from the file, whose comment derives it from the
    posterior, so it moves with a regeneration."""
    from typer.testing import CliRunner

    from forceratio import scenarios
    from forceratio.cli.app import app

    lo, hi = scenarios.load("strike-12june-strip").scenario.uncertainty["modifiers.quality.Germany"]
    assert lo < 13.76 < hi  # the measured flip inside the declared range
    r = CliRunner().invoke(app, ["compare", "strike-12june-strip"], env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.output
    words = " ".join(r.output.split())
    assert "flips the winner: " not in words
    assert f"at {hi:g}" not in words
    assert "flips the winner by the end of its range: German quality" in words
    assert (
        f"forceratio threshold strike-12june-strip --vary modifiers.quality.Germany={lo:g}:{hi:g}"
        in words
    )


def test_data_tables_folded(kiev_raw: str) -> None:
    """Each raw data table sits in its own <details> (review23b M9: half the page)."""
    data = kiev_raw[kiev_raw.index("<h2>Data tables used</h2>") : kiev_raw.index("<h2>Sources")]
    assert data.count("<table>") >= 2
    assert data.count("<details>") == data.count("<table>") == data.count("</details>")


def test_posteriors_stopped_by_a_prior_bound_are_flagged() -> None:
    """Oracle: the shipped draws' 2.5%, 50% and 97.5% points as shares of each prior's support
    on its scale (tests/calibration/shipped_posterior.py): at a prior bound where one lies
    within 1% of an end, beyond the prior's central 95% where the 2.5% point is below 0.025 or
    the 97.5% above 0.975; a share within 0.002 of those lines is left undecided (the
    regenerated posterior moves them by Monte Carlo noise). Measured on 6 December 2026 on
    the posterior regenerated with the unprepared factor's prior 0.4-1 (56,000 steps): at a
    bound the tanks' non-combat loss high (97.5% point 0.2835, ceiling 0.3: share 0.9929)
    and the unprepared factor low still (2.5% point 0.4043, floor 0.4: 0.0072; on the
    interim 16,000-step posterior 0.5027 of the floor 0.5); on the line the German rate's
    floor (0.00107: 0.0110) and the attacker's capture factor's (0.0100); not the switch's
    width (1.888 of 2: 0.9875); beyond the central 95% besides them the width high, the
    capture ratio (0.0184) and the advance exponent (0.0212) low; the Soviet rate and the
    advance scale located by the record (review23b M3)."""
    from forceratio.plots.posterior_html import AT_BOUND, BEYOND, prior_posterior_table
    from forceratio.scenarios.record1941 import SHARED
    from forceratio.sweeps.posterior import record_posterior
    from tests.calibration.shipped_posterior import shipped_shares

    priors = {p: prior() for p, prior, _ in SHARED}
    t = prior_posterior_table(record_posterior(Session(None, False)), priors)
    name = [str(p).rsplit("(", 1)[-1].rstrip(")") for p in t["parameter"]]
    at = dict(zip(name, t[AT_BOUND], strict=True))
    beyond = dict(zip(name, t[BEYOND], strict=True))
    edge = 0.002
    for p, (low, mid, high) in shipped_shares().items():
        checks = [
            (at[p], "low", min(low, mid, high), 0.01, False),
            (at[p], "high", max(low, mid, high), 0.99, True),
            (beyond[p], "low", low, 0.025, False),
            (beyond[p], "high", high, 0.975, True),
        ]
        for cell, end, share, line, above in checks:
            if abs(share - line) <= edge:
                continue  # on the line: Monte Carlo noise decides
            assert (end in str(cell)) == ((share > line) == above), (p, end, share, cell)
    assert at["operations.noncombat.USSR.tanks"] == "high"
    assert at["modifiers.posture.unprepared_factor"] == "low"  # 0.0072 of [0.4, 1]: decided
    assert beyond["operations.capture.width"] == "high"
    assert "low" in beyond["operations.capture.ratio"]
    for p in ("attrition.soviet_rate", "operations.advance.scale"):
        assert at[p] == beyond[p] == "", p


def test_prior_drawn_within_its_support_and_labels_inside() -> None:
    """The uniform prior of the capacity's exponent (support 0-2) is drawn on a linear axis
    from 0, not on a log axis from log10(0.001) = -3; every label inside the figure."""
    from forceratio.plots.figures import prior_posterior
    from forceratio.scenarios.record1941 import SHARED
    from forceratio.sweeps.posterior import record_posterior
    from tests.plots.figure_texts import texts_outside

    result = record_posterior(Session(None, False))
    priors = {p: prior() for p, prior, _ in SHARED}
    shown = {n: result.draws[:, result.names.index(n)] for n in result.names if n in priors}
    fig = prior_posterior(shown, priors, "x", result.method)
    panel = fig.axes[list(shown).index("operations.capture.mobile_exponent")]
    assert panel.get_xlim()[0] > -0.5
    assert not panel.get_xlabel().startswith("log10")
    labels = {ax.get_xlabel() for ax in fig.axes}
    assert not [t for t in texts_outside(fig) if t in labels]  # "0 Capacity..." was cut


def test_forces_at_the_start_carry_source_verified_and_derivation(kiev_raw: str) -> None:
    """Oracle: the strip table's own derivation of the Soviet men present on 12 June,
    evaluated here, is the strength the scenario starts with (1,351,771); kiev's men are
    read from a verified infobox row; an inline figure has no source (review23b M1)."""
    from forceratio.plots.entered import force_sources

    session = Session(None, False)
    prep = session.prepare("strike-12june-strip")
    src = force_sources(prep, session.table)[("USSR", 0)]
    expr = src["derivation"].rsplit("=", 1)[-1]
    assert re.fullmatch(r"[\d.\s*+()-]+", expr)
    assert eval(expr) == pytest.approx(float(prep.forces["USSR"][0].value[0]), abs=1)
    assert src["verified"] == "no"
    user = session.prepare(str(GOLAN))
    assert force_sources(user, session.table)[("USSR", 0)]["source"].endswith("(no source)")
    table = _section(kiev_raw, "<h3>Forces at the start</h3>", "<h")
    head = re.findall(r"<th>([^<]*)</th>", table)
    assert head[-3:] == ["source", "verified", "derivation"]
    assert "wikimili_kiev, infobox" in table


def test_distribution_counts_whole_runs_without_a_red_green_pair() -> None:
    """The histograms count runs: whole-number ticks only; the deterministic mark is not
    green on a red histogram (review23b L1)."""
    from matplotlib.colors import to_hex

    from forceratio.plots import figure

    fig = figure("distribution", "strike-12june-strip", session=Session(None, False),
                 replications=6, seed=1)  # fmt: skip
    fig.canvas.draw()
    for ax in fig.axes[:3]:
        ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
        assert all(float(t).is_integer() for t in ticks), ticks
        assert "#1b7837" not in {to_hex(ln.get_color()) for ln in ax.get_lines()}


def test_user_file_numbers_not_claimed_sourced(user_reports: dict[str, str]) -> None:
    """The user's inline forces have no source; the page must not say every figure comes
    from the package's sourced tables (review23b L5)."""
    text = user_reports["named"]
    assert "Every figure below comes from the package" not in text
    assert "The forces of golan-test are the file&#x27;s own numbers, with no source." in text


def test_trajectory_marks_the_deciding_day() -> None:
    """Oracle: compare's 'on day' of the strip (the outcome rule's day): the trajectory,
    which runs on to day 30, marks it (review23b L6)."""
    from forceratio.plots import figure
    from forceratio.scenarios.compare import compare

    session = Session(None, False)
    day = compare(["strike-12june-strip"], session=session)[0]["winner_decided_on_day"]
    fig = figure("trajectory", "strike-12june-strip", session=session)
    marks = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("decided, day")]
    assert len(marks) == 1
    # (the trajectory's run, output every half day, finds 5.254 v compare's 5.248)
    assert marks[0].get_xdata()[0] == pytest.approx(day, abs=0.05)


def test_shared_rates_said_in_one_line() -> None:
    """kiev and leningrad run the same calibrated rates: one line names both (M9)."""
    text = build(["kiev-1941", "leningrad-1941"], session=Session(None, False))
    section = _section(text, "<h2>Calibration on the 1941 record</h2>", "<h3>")
    assert section.count("German kill rate") == 1 + section.count("<td>German kill rate")
    assert "<p>kiev-1941, leningrad-1941: German kill rate" in section
