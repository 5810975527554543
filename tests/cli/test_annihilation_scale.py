"""``forceratio battle`` at two unit scales (review17 finding 1): with the annihilation
level given in the strengths' unit, men and thousands of men give the same answer, and
the closed form of the square law is the oracle; at the default level a small force gets
a note rather than a silently different battle."""

from __future__ import annotations

import json
import math

import pytest
from scipy.optimize import brentq
from typer.testing import CliRunner

from forceratio.cli.app import app

runner = CliRunner()
A, B = 0.01, 0.012  # red's and blue's per-unit kill rates (per day)


def _oracle(r0: float, b0: float, level: float) -> tuple[float, float]:
    """Square law, red winning: B(t) = B0 cosh(kt) - sqrt(a/b) R0 sinh(kt), k = sqrt(ab);
    the time blue falls to ``level`` by root finding, red's strength then from the
    invariant a R^2 - b B^2 (Lanchester 1916)."""
    k = math.sqrt(A * B)

    def blue(t: float) -> float:
        return b0 * math.cosh(k * t) - math.sqrt(A / B) * r0 * math.sinh(k * t) - level

    t_end = brentq(blue, 0.0, 400.0, xtol=1e-12)
    return math.sqrt(r0**2 - (B / A) * (b0**2 - level**2)), t_end


def _battle(*args: str) -> tuple[dict[str, object], str]:
    res = runner.invoke(app, ["battle", "--format", "json", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout), res.stderr


def test_two_scales_same_scaled_answer_and_closed_form() -> None:
    men, _ = _battle("--red", "1000", "--blue", "800")
    thousands, _ = _battle("--red", "1", "--blue", "0.8", "--annihilation", "0.0005")
    r_f, t_end = _oracle(1000.0, 800.0, 0.5)
    assert men["red_final"] == pytest.approx(r_f, rel=1e-6)
    assert men["duration"] == pytest.approx(t_end, rel=1e-6)
    assert thousands["red_final"] == pytest.approx(r_f / 1000, rel=1e-6)
    assert thousands["duration"] == pytest.approx(t_end, rel=1e-6)
    assert men["notes"] == thousands["notes"] == []


def test_fought_to_zero_is_scale_free() -> None:
    r_f, t_end = _oracle(12.0, 9.6, 0.0)
    out, _ = _battle("--red", "12", "--blue", "9.6", "--annihilation", "0")
    assert out["red_final"] == pytest.approx(r_f, rel=1e-6)
    assert out["duration"] == pytest.approx(t_end, rel=1e-5)


def test_default_level_on_a_small_force_is_noted() -> None:
    out, _ = _battle("--red", "1", "--blue", "0.8")
    notes = out["notes"]
    assert isinstance(notes, list)
    (note,) = notes
    assert "blue at 0.8" in note
    assert "--annihilation" in note
    # and the number it warns about is the closed form's at level 0.5, not the scaled one
    _r_f, t_end = _oracle(1.0, 0.8, 0.5)
    assert out["duration"] == pytest.approx(t_end, rel=1e-6)
    res = runner.invoke(app, ["battle", "--red", "12", "--blue", "9.6", "--format", "csv"])
    assert res.exit_code == 0
    assert "and blue at 9.6 start under 100 times" in res.stderr
    assert "note" not in res.stdout  # the csv stays parseable


def test_bad_level_and_the_rescale_hint() -> None:
    res = runner.invoke(app, ["battle", "--annihilation", "nan"])
    assert res.exit_code == 2
    assert "--annihilation" in res.output
    res = runner.invoke(app, ["battle", "--red", "1e13"])
    assert res.exit_code == 2
    assert "annihilation level in that unit" in res.output
    res = runner.invoke(app, ["battle", "--red", "1e-7"])
    assert res.exit_code == 2
    assert "smaller unit" in res.output
