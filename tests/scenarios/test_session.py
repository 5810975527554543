"""One Session per command: tables, prepared scenarios and the calibration are built once and
shared by compare, the figures and the report; and the layers stay apart (figures draw,
sweeps run the analyses through the public run API)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import forceratio
from forceratio.cli.app import app
from forceratio.errors import InputError
from forceratio.scenarios import record_fit
from forceratio.scenarios.compare import compare
from forceratio.scenarios.session import Session

runner = CliRunner()
SRC = Path(forceratio.__file__).parent


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One "record" each time the whole-record calibration is looked up while the test runs."""
    seen: list[str] = []
    real: Callable[..., Any] = getattr(record_fit, "inputs")  # noqa: B009

    def counting(*args: Any, **kw: Any) -> Any:
        seen.append("record")
        return real(*args, **kw)

    monkeypatch.setattr(record_fit, "inputs", counting)
    return seen


def test_a_session_prepares_and_calibrates_once(calls: list[str]) -> None:
    s = Session()
    a = s.prepare("strike-12june-strip")
    assert s.prepare("strike-12june-strip") is a
    assert s.prepare("strike-12june-strip", ["breakpoints.USSR=0.2"]) is not a
    cal = s.calibration_for(a)
    assert cal is not None
    assert s.calibration_for(s.prepare("barbarossa-22june")) is cal
    rates = s.rates(a)
    assert rates is not None
    assert {k: rates[k] for k in cal.values} == cal.values
    shared = set(s.record_posterior().model_names) - {
        "attrition.german_rate",
        "attrition.soviet_rate",
    }
    assert shared
    assert shared <= set(rates)
    assert calls == ["record"]
    assert Session(uncalibrated=True).calibration_for(a) is None
    assert calls == ["record"]


def test_compare_with_a_shared_session_gives_the_same_rows_without_recalibrating(
    calls: list[str],
) -> None:
    names = ["strike-12june-strip", "barbarossa-22june-strip"]
    own = compare(names)
    assert calls == ["record"]
    s = Session()
    s.calibration_for(s.prepare(names[0]))
    shared = compare(names, session=s)
    assert calls == ["record"] * 2  # compare() alone once, the shared session once
    assert shared == own


@pytest.mark.slow
def test_the_report_calibrates_once(calls: list[str], tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["report", "strike-12june-strip", "barbarossa-22june", "--out", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    assert calls == ["record"]
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'alt="tornado of strike-12june-strip"' in text


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_figures_draw_and_sweeps_use_the_public_run_api() -> None:
    for path in sorted((SRC / "plots").glob("*.py")):
        bad = {m for m in _imports(path) if m.startswith("forceratio.sweeps")}
        assert not bad, f"{path.name} runs an analysis: {sorted(bad)}"
    for path in sorted((SRC / "sweeps").glob("*.py")):
        bad = {m for m in _imports(path) if m.startswith("forceratio.simulator")}
        assert not bad, f"{path.name} reaches into the engine: {sorted(bad)}"
    from forceratio.plots import figure

    with pytest.raises(InputError, match="Sobol indices"):
        figure("tornado", "strike-12june-strip", session=Session(uncalibrated=True))


def test_a_user_set_keeps_its_value_over_the_shared_fit() -> None:
    s = Session()
    path = "operations.capture.rate.USSR"
    rates = s.rates(s.prepare("kiev-1941"))
    assert rates is not None
    assert path in rates
    mine = s.rates(s.prepare("kiev-1941", [f"{path}=0.0"]))
    assert mine is not None
    assert path not in mine


def test_compare_runs_a_record_scenario_as_the_record_fit_does() -> None:
    """Independent of compare's code: the whole-record fit's own residual for Kiev's Soviet
    losses (the calibration's model at its point) is what compare's row reports."""
    s = Session()
    res = s.record_posterior().residuals
    kiev = res[res["record"].str.startswith("Kiev: irrecoverable")].iloc[0]
    row = compare(["kiev-1941"], session=s)[0]
    assert float(row["model_soviet_losses_as_recorded"]) == pytest.approx(
        float(kiev["model"]), rel=0.02
    )


@pytest.mark.parametrize("law", [["law=helmbold", "law_params.w=0.5"], ["law=logarithmic"]])
def test_calibrated_rates_are_refused_under_a_law_not_proportional_to_the_firer(
    law: list[str],
) -> None:
    """The calibrated rates are square-law rates shared over scenarios counted in men and in
    division slices: under a firer's exponent other than 1 they would mean a different thing
    in each (issue13-mechanisms 8.10), so a run with them is one line and exit 2; given rates
    or --uncalibrated run."""
    sets = [a for s in law for a in ("--set", s)]
    for cmd in (["run"], ["compare"]):
        res = runner.invoke(app, [*cmd, "strike-12june-strip", *sets])
        assert res.exit_code == 2, res.output
        assert "firer's exponent 1" in res.output
        assert "Traceback" not in res.output
    res = runner.invoke(app, ["run", "strike-12june-strip", *sets, "--uncalibrated"])
    assert res.exit_code == 0, res.output
    with pytest.raises(InputError, match="law"):
        Session().rates(Session().prepare("strike-12june-strip", law))


def test_posterior_draws_are_refused_under_a_law_not_proportional_to_the_firer(
    tmp_path: Path,
) -> None:
    """Given rates run under any law, but the posterior's draws would replace them with the
    record's square-law rates: compare's posterior rows, sweep --posterior and sensitivity
    --posterior refuse in one line (exit 2); compare without the draws runs."""
    sets = ["--set", "law=logarithmic", "--set", "attrition.german_rate=0.01"]
    sets += ["--set", "attrition.soviet_rate=0.01"]
    out = str(tmp_path / "s")
    for args in (
        ["compare", "strike-12june-strip", *sets],
        ["sweep", "strike-12june-strip", *sets, "--posterior", "4", "--samples", "8",
         "--seed", "1", "--out", out],
        ["sensitivity", "strike-12june-strip", *sets, "--posterior", "64", "--seed", "1"],
    ):  # fmt: skip
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert "posterior's draws" in res.output
    res = runner.invoke(app, ["compare", "strike-12june-strip", *sets, "--posterior", "0"])
    assert res.exit_code == 0, res.output


def test_rates_from_the_quick_mode_say_they_are_the_mode_not_the_shipped_medians() -> None:
    """A --table variant is fitted in the quick mode, whose point is the posterior mode: it
    differs from the shipped medians by itself (review13: an edit of no consequence moved
    the combat-power ratio by 17%), so the rows must not call it the same calibration."""
    import dataclasses

    from forceratio.scenarios.rates import QUICK_LABEL, from_record

    shipped = Session().record_posterior()
    assert shipped.method == "mcmc"
    assert from_record(shipped).scenario == "the 1941 record"
    quick = dataclasses.replace(shipped, method="map")
    cal = from_record(quick)
    assert cal.scenario == QUICK_LABEL
    assert "mode" in cal.method
    row = compare(["strike-12june-strip"], posterior=0)[0]
    assert row["calibrated_on"] == "the 1941 record"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"posterior": 10**9}, "posterior"),  # it exhausted the machine (review13c)
        ({"posterior": 2.5}, "posterior"),
        ({"posterior": "5"}, "posterior"),
        ({"replications": 5, "seed": -3}, "seed"),
        ({"posterior": 3, "posterior_seed": -1}, "posterior_seed"),
        ({"replications": -1}, "replications"),
    ],
)
def test_compare_from_python_refuses_counts_as_the_cli_does(
    kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InputError) as err:
        compare(["strike-12june-strip"], **kwargs)
    assert err.value.field == field


def test_compare_takes_one_name_as_a_string() -> None:
    row = compare("barbarossa-22june", posterior=0)[0]  # not its characters, one by one
    assert row["scenario"] == "barbarossa-22june"


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (("strike-12june-strip",), {}, "prep"),  # a name, not scenarios.load(name)
        ((None,), {"replications": 3, "seed": -1}, "seed"),
        ((None,), {"replications": 2.5, "seed": 1}, "replications"),
        ((None,), {"times": [float("nan")]}, "times"),
        ((None,), {"times": "1,2"}, "times"),
    ],
)
def test_run_from_python_names_the_argument_at_fault(
    args: tuple[Any, ...], kwargs: dict[str, Any], field: str
) -> None:
    """review13c: these reached numpy (ValueError, AttributeError) or ran silently (NaN days)."""
    from forceratio.scenarios import load
    from forceratio.scenarios.run import run

    prep = load("barbarossa-22june")
    with pytest.raises(InputError) as err:
        run(*(prep if a is None else a for a in args), **kwargs)
    assert err.value.field == field


def test_run_refuses_calibrated_rates_without_a_calibration() -> None:
    """``run.run(load(name))`` used to run a scenario's "calibrated" rates at the raw table
    defaults without a word (numbers unlike ``forceratio run``'s); now the caller says which:
    the session's rates (what the CLI uses) or ``{}`` for the raw defaults."""
    from forceratio import scenarios
    from forceratio.scenarios.run import run

    prep = scenarios.load("strike-12june-strip")
    with pytest.raises(InputError, match=r"calibration: strike-12june-strip has attrition\."):
        run(prep)
    with pytest.raises(InputError, match="calibration: expected a mapping"):
        run(prep, calibration=0.003)  # type: ignore[arg-type]
    rates = Session().rates(prep)
    cli = compare(["strike-12june-strip"])[0]
    men = 0  # personnel, the first category
    ours = run(prep, calibration=rates)
    assert float(ours.losses["USSR"][0, 0, men]) == pytest.approx(cli["soviet_losses"], rel=1e-9)
    raw = run(prep, calibration={})
    assert float(raw.losses["USSR"][0, 0, men]) != pytest.approx(cli["soviet_losses"], rel=1e-3)
    # samples that give both rates need no calibration
    given = {"attrition.german_rate": [0.003], "attrition.soviet_rate": [0.003]}
    assert run(prep, samples=given).losses["USSR"].shape[:2] == (1, 1)


def test_a_user_12_june_scenario_without_capture_gets_its_posterior_rows(tmp_path: Path) -> None:
    """A scenario of one's own dated 12 June with "calibrated" rates but no capture factor:
    compare's posterior rows ran every drawn parameter, the capture factor among them, and
    stopped on "--vary: operations.capture.factor.attacker is not a parameter"."""
    text = forceratio.scenarios.export("strike-12june-strip")
    assert 'date = "1941-06-12"' in text
    toml = tmp_path / "mine.toml"
    toml.write_text(
        'name = "mine"\ndescription = "two inline sectors"\ndate = "1941-06-12"\n'
        'attacker = "Germany"\nduration_days = 20\nlaw = "square"\n'
        '[attrition]\ngerman_rate = "calibrated"\nsoviet_rate = "calibrated"\n'
        '[[sectors]]\nname = "a"\n[[sectors.forces.USSR]]\n'
        "inline = { personnel = 150000, guns_mortars = 3000, tanks = 500, aircraft = 300 }\n"
        "[[sectors.forces.Germany]]\n"
        "inline = { personnel = 180000, guns_mortars = 2500, tanks = 0, aircraft = 400 }\n",
        encoding="utf-8",
    )
    row = compare([str(toml)], posterior=20)[0]
    assert row["posterior_draws_used"] == 20
    assert row["soviet_losses_posterior_q05"] <= row["soviet_losses_posterior_q95"]
    assert 0.0 <= row["p_attacker_wins"] <= 1.0
    lo, hi = row["p_attacker_wins_ci"]
    assert lo <= row["p_attacker_wins"] <= hi


def test_an_outcome_reads_in_a_notebook() -> None:
    """Its repr was 34,000 characters (the whole prepared scenario); now one line, and
    ``to_frame()`` is one labelled row per sample and run."""
    from forceratio import scenarios

    prep = scenarios.load("strike-12june-strip")
    out = Session().run(prep, replications=3, seed=2)
    assert repr(out) == "<Outcome strike-12june-strip: 1 sample(s) x 3 run(s); won: " + ", ".join(
        f"{w} {c}" for w, c in sorted(
            {str(w): int((out.winner == w).sum()) for w in set(out.winner.ravel())}.items(),
            key=lambda kv: -kv[1],
        )
    ) + ">"  # fmt: skip
    df = out.to_frame()
    assert list(df["replication"]) == [0, 1, 2]
    assert df["USSR_personnel_lost"].tolist() == out.losses["USSR"][0, :, 0].tolist()
    assert df["Germany_tanks_lost"].tolist() == out.losses["Germany"][0, :, 2].tolist()
    assert df["winner"].tolist() == out.winner[0].tolist()
    row = compare(["strike-12june-strip"], replications=3, seed=2, posterior=0)[0]
    assert df["USSR_personnel_lost"].median() == pytest.approx(row["soviet_losses_q50"], rel=1e-9)


def test_compare_takes_sets_as_load_does() -> None:
    """``compare(sets={path: value})`` or one text failed on "--set: expected
    dotted.path=value, got 'm'" (it iterated the characters); ``load`` takes both."""
    from forceratio import scenarios
    from forceratio.scenarios.run import run

    path, value = "modifiers.quality.Germany", 2.0
    want = run(p := scenarios.load("strike-12june-strip", {path: value}),
               calibration=Session().rates(p)).losses["USSR"][0, 0, 0]  # fmt: skip
    for sets in ({path: value}, f"{path}={value}", [f"{path}={value}"]):
        row = compare(["strike-12june-strip"], sets=sets, posterior=0)[0]
        assert row["soviet_losses"] == pytest.approx(float(want), rel=1e-12)
    assert compare(["strike-12june-strip"], posterior=0)[0]["soviet_losses"] != pytest.approx(
        float(want), rel=1e-3
    )
