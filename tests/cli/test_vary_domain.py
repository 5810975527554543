"""A --vary range outside its parameter's domain is refused naming ``--vary PATH``, as
``--set PATH`` names a set value: ``sweep``, ``sensitivity``, ``threshold`` and ``discover``
printed ``modifiers.quality.Germany: must be in (0, 1000], got 1e+308``, a bare path that
did not say which option gave it.

Oracle: the parameter's declared domain, (0, 1000] for a quality multiplier (the registry's
own check, which the run command's ``--set`` refusal also states)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.refusals import refused

Q = "modifiers.quality.Germany"


@pytest.mark.parametrize(
    ("command", "bounds", "bad"),
    [
        (["sweep", "--samples", "16", "--out"], "1:1e308", "1e+308"),
        (["sensitivity"], "-5:2", "-5"),
        (["threshold"], "0:2", "0"),
        (["discover"], "1:2000", "2000"),
    ],
)
def test_a_range_outside_the_domain_names_vary(
    command: list[str],
    bounds: str,
    bad: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    head, *rest = command
    out = [str(tmp_path / "out")] if rest and rest[-1] == "--out" else []
    args = [head, "strike-12june-strip", *rest, *out, "--vary", f"{Q}={bounds}"]
    line = refused(capsys, args)
    assert line == f"forceratio: error: --vary {Q}: must be in (0, 1000], got {bad}", line
    assert not (tmp_path / "out").exists()
