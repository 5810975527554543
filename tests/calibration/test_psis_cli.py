"""``forceratio calibrate --psis``: the refusal without ArviZ (one line naming the extra,
exit 2, before any fit), the options it does not combine with, the table's line on the
records whose Pareto k is high (or none), and the JSON block on the shipped posterior."""

from __future__ import annotations

import json
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from forceratio.calibration import psis
from forceratio.cli.app import app
from forceratio.errors import InputError

runner = CliRunner()


def _without_arviz(monkeypatch: pytest.MonkeyPatch) -> None:
    """An import of a module set to None in sys.modules raises ImportError: as if the extra
    were not installed (its submodules too, should one be imported already)."""
    for loaded in [m for m in list(sys.modules) if m.startswith("arviz.")]:
        monkeypatch.setitem(sys.modules, loaded, None)
    monkeypatch.setitem(sys.modules, "arviz", None)


def test_without_arviz_psis_refuses_in_one_line_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without_arviz(monkeypatch)
    res = runner.invoke(app, ["calibrate", "--psis", "--format", "json"])
    assert res.exit_code == 2, res.output
    assert res.stdout == ""  # refused before the fit printed anything
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("forceratio: error: --psis: needs ArviZ")
    assert "pip install 'forceratio[bayes]'" in lines[0]
    assert "Traceback" not in res.output


def test_without_arviz_the_library_raises_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_arviz(monkeypatch)
    with pytest.raises(InputError) as err:
        psis.arviz()
    assert err.value.field == "psis"
    assert "forceratio[bayes]" in err.value.problem


def test_psis_beyond_the_memory_limit_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shipped posterior's estimate is about 490 MiB (the command's own included)."""
    pytest.importorskip("arviz")
    monkeypatch.setenv("FORCERATIO_MAX_MEMORY", "300M")
    res = runner.invoke(app, ["calibrate", "--psis"])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert lines[-1].startswith("forceratio: error: --psis: PSIS-LOO over 38,016 draws need")
    assert "FORCERATIO_MAX_MEMORY=300M" in lines[-1]


def test_an_arviz_import_failing_on_the_disk_is_one_line_naming_psis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ArviZ 0.23 writes a stamp in its user cache folder on import: a folder it cannot
    create raised FileNotFoundError, printed as a bare path (XDG_CACHE_HOME=/proc/x)."""

    def failing(name: str) -> None:
        raise FileNotFoundError(2, "No such file or directory", "/proc/x")

    monkeypatch.setattr(psis, "import_module", failing)
    res = runner.invoke(app, ["calibrate", "--psis"])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines() == [
        "forceratio: error: --psis: ArviZ could not be imported: No such file or directory: "
        "/proc/x (it writes in its user cache folder; set XDG_CACHE_HOME to a writable folder)"
    ]


@pytest.mark.parametrize(
    "args", [["barbarossa-22june", "--single"], ["--prior-predictive"]], ids=["single", "prior"]
)
def test_psis_is_refused_where_no_posterior_of_the_record_is(args: list[str]) -> None:
    res = runner.invoke(app, ["calibrate", *args, "--psis"])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines() == [
        "forceratio: error: --psis: leaves out the whole-record fit's records: not with "
        "--single or --prior-predictive"
    ]


def _stub(high: list[str]) -> psis.RecordLoo:
    records = pd.DataFrame(
        {
            "record": ["a", "b", "c"],
            "elpd_loo_i": [-1.0, -2.0, -9.0],
            "pareto_k": [0.1, 0.9 if "b" in high else 0.3, 1.2 if "c" in high else 0.2],
        }
    )
    records["k_high"] = records["pareto_k"] > 0.7
    return psis.RecordLoo(-12.0, 3.0, 2.5, 1000, 48, 0.7, records)


@pytest.mark.parametrize(
    ("high", "line"),
    [
        (["b", "c"], "Pareto k above 0.70: c (k 1.20); b (k 0.90)."),
        ([], "Pareto k above 0.70: none."),
    ],
)
def test_the_table_names_the_records_whose_k_is_high_or_says_none(
    monkeypatch: pytest.MonkeyPatch, high: list[str], line: str
) -> None:
    """The shipped posterior, with the estimate stubbed (the real one takes minutes)."""
    monkeypatch.setattr(psis, "record_loo", lambda *a, **k: _stub(high))
    res = runner.invoke(app, ["calibrate", "--psis"])
    assert res.exit_code == 0, res.output
    assert "PSIS-LOO over 1,000 draws: elpd_loo -12.0 (SE 3.0), p_loo 2.5." in res.stdout
    assert line in res.stdout
    json_res = runner.invoke(app, ["calibrate", "--psis", "--format", "json"])
    data = json.loads(json_res.stdout)
    assert data["loo_records"]["high_k"] == sorted(high, reverse=True)


@pytest.mark.slow
def test_psis_on_the_shipped_posterior_adds_one_block_and_keeps_the_rest() -> None:
    """Every record in the likelihood once, finite values, k flagged by the threshold, the
    pointwise values summing to the total; the other keys as without --psis (minutes)."""
    plain = json.loads(runner.invoke(app, ["calibrate", "--format", "json"]).stdout)
    res = runner.invoke(app, ["calibrate", "--psis", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == set(plain) | {"loo_records"}
    assert {k: v for k, v in data.items() if k != "loo_records"} == plain
    loo = data["loo_records"]
    used = [r["record"] for r in plain["residuals"] if r.get("in_likelihood", True)]
    assert [r["record"] for r in loo["records"]] == used
    assert loo["n_draws"] == plain["posterior_draws"]
    assert loo["n_chains"] == plain["diagnostics"]["n_walkers"]
    assert sum(r["elpd_loo_i"] for r in loo["records"]) == pytest.approx(loo["elpd_loo"])
    assert loo["k_threshold"] == pytest.approx(0.7)
    for r in loo["records"]:
        assert r["k_high"] == (r["pareto_k"] > loo["k_threshold"])
    assert loo["p_loo"] > 0
