"""``forceratio sensitivity``'s options do what they say (outside review, 2026-12-03):
``--outcome`` with ``--posterior`` decomposes the outcome asked (checked against the same
runs made directly through :func:`forceratio.scenarios.run.run`), and each method takes
its own size option (``--samples`` Sobol, ``--trajectories`` Morris) and refuses the
other's in one line."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from forceratio.cli import run as cli
from forceratio.scenarios.schema import CATEGORIES
from tests.cli.refusals import refused

SCN = "strike-12june-strip"
TWO = ["--vary", "modifiers.quality.Germany=0.3:20", "--vary", "modifiers.quality.USSR=0.5:1"]


def test_posterior_decomposes_the_outcome_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from forceratio.scenarios.run import run
    from forceratio.scenarios.session import Session
    from forceratio.sweeps import mechanisms
    from forceratio.sweeps.mechanisms import crossed_groups, first_order

    seen: dict[str, Any] = {}
    original = mechanisms.decompose

    def spy(crossed: Any, joint: Any, *args: Any, **kwargs: Any) -> Any:
        seen["joint"], seen["crossed"] = joint, crossed
        return original(crossed, joint, *args, **kwargs)

    monkeypatch.setattr(mechanisms, "decompose", spy)
    args = ["sensitivity", SCN, "--posterior", "64", "--seed", "2", "--format", "json"]
    assert cli([*args, "--outcome", "soviet_losses"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert {r["outcome"] for r in got["indices"]} == {"soviet_losses"}
    assert [g["outcome"] for g in got["groups"]] == ["soviet_losses"]
    params = [r["parameter"] for r in got["indices"]]

    # the oracle: the same 64 joint runs' inputs through run() directly, the Soviet men lost
    session = Session()
    prep = session.prepare(SCN)

    def soviet_losses(runs: Any) -> Any:
        out = run(
            prep,
            samples={p: runs[p].to_numpy(dtype=float) for p in params},
            calibration=session.rates(prep) or {},
            operational=True,
        )
        y = out.losses["USSR"][:, 0, CATEGORIES.index("personnel")]
        np.testing.assert_allclose(runs["soviet_losses"].to_numpy(), y, rtol=1e-9)
        return y

    joint = seen["joint"]
    y = soviet_losses(joint)
    expected = first_order(joint[params].to_numpy(dtype=float), y)
    reported = np.array([r["S1"] for r in got["indices"]])
    np.testing.assert_allclose(reported, expected, rtol=1e-9, atol=1e-12)
    assert params[int(np.argmax(reported))] == params[int(np.argmax(expected))]
    # the group shares: the crossed runs (32 assumption points x 32 draws) the same way
    crossed = seen["crossed"].sort_values("sample", kind="stable")
    shares = crossed_groups(soviet_losses(crossed).reshape(crossed["point"].nunique(), -1))
    for group, share in shares.items():
        assert got["groups"][0][group] == pytest.approx(share, rel=1e-9, abs=1e-12)

    # and it is not the default decomposition (whether the attacker wins, ...)
    assert cli(args) == 0
    default = json.loads(capsys.readouterr().out)
    assert "attacker_wins" in {r["outcome"] for r in default["indices"]}
    assert "soviet_losses" not in {r["outcome"] for r in default["indices"]}


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        ("winner", "'winner' is not numeric"),
        ("nonsense", "unknown outcome 'nonsense'"),
        ("decided_by=luck", "unknown rule in 'decided_by=luck'"),
    ],
)
def test_posterior_refuses_an_outcome_it_cannot_compute(
    outcome: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(capsys, ["sensitivity", SCN, "--posterior", "64", "--outcome", outcome])
    assert line.startswith("forceratio: error: --outcome: ")
    assert words in line


@pytest.mark.parametrize(
    ("extra", "name"),
    [
        (["--trajectories", "4"], "--trajectories"),
        (["--method", "sobol", "--samples", "8", "--trajectories", "4"], "--trajectories"),
        (["--posterior", "64", "--trajectories", "4"], "--trajectories"),
        (["--method", "morris", "--trajectories", "4", "--samples", "8"], "--samples"),
        (["--method", "lhs"], "--method"),
    ],
)
def test_an_option_of_the_other_method_is_refused(
    extra: list[str], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(capsys, ["sensitivity", SCN, *TWO, *extra])
    assert line.startswith(f"forceratio: error: {name}: ")


@pytest.mark.parametrize(
    ("extra", "runs"),
    [
        (["--method", "morris", "--trajectories", "3"], 3 * (2 + 1)),
        (["--method", "morris"], 32 * (2 + 1)),
        (["--method", "sobol", "--samples", "8"], 8 * (2 + 2)),
    ],
)
def test_each_method_runs_as_many_as_its_option_says(
    extra: list[str], runs: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from forceratio.sweeps import sensitivity

    counted: list[int] = []
    original = sensitivity.outcome_values

    def count(spec: Any, values: Any, outcome: str, **keys: int) -> Any:
        counted.append(len(next(iter(values.values()))))
        return original(spec, values, outcome, **keys)

    monkeypatch.setattr(sensitivity, "outcome_values", count)
    assert cli(["sensitivity", SCN, *TWO, *extra, "--format", "json"]) == 0
    capsys.readouterr()
    assert sum(counted) == runs


def test_the_help_says_which_option_applies_to_which_method() -> None:
    import typer

    from forceratio.cli.app import app

    command = typer.main.get_command(app).commands["sensitivity"]  # type: ignore[attr-defined]
    helps = {p.name: p.help or "" for p in command.params}
    assert helps["samples"].startswith("Sobol only (--method sobol)")
    assert helps["trajectories"].startswith("Morris only (--method morris)")
    assert "neither --samples, --trajectories" in helps["posterior"]
