"""``calibrate`` with settings other than the shipped ones (``--seed 1``, other
``--steps``/``--walkers``) started an hour's posterior without a word (probe32 item 3): it
now says first, on stderr in one line, what it computes and about how long it takes; the
shipped posterior says nothing of the kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceratio.cli import run


class StoppedError(Exception):
    """Raised where the sampler's work would start: no real posterior is run."""


@pytest.fixture
def no_sampling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCERATIO_CACHE_DIR", str(tmp_path))  # nothing cached

    def stop(*args: object, **kwargs: object) -> None:
        raise StoppedError

    monkeypatch.setattr("forceratio.calibration.sampling.find_mode", stop)


@pytest.mark.parametrize(
    ("args", "size", "time"),
    [
        # the shipped run's size at another seed: its 4,460 s, 74 minutes
        (["--seed", "1"], "48 walkers x 57,500 steps, seed 1", "about 74 minutes"),
        # 5,000 steps and the 1,500 warm-up: 4,460 x 6,500 / 57,500 = 504 s
        (["--steps", "5000"], "48 walkers x 6,500 steps, seed 0", "about 8 minutes"),
        # 31 walkers run as 32: 4,460 x 32 x 57,500 / (48 x 57,500) = 2,973 s
        (["--walkers", "31"], "32 walkers x 57,500 steps, seed 0", "about 50 minutes"),
    ],
)
def test_a_new_posterior_is_announced_before_it_starts(
    args: list[str], size: str, time: str, no_sampling: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(StoppedError):
        run(["calibrate", "--no-loo", *args])
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("forceratio: note: computing a new posterior"), lines[0]
    assert size in lines[0]
    assert time in lines[0]


def test_the_shipped_posterior_is_not_announced(
    no_sampling: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["calibrate", "--no-loo", "--format", "json"]) == 0
    assert "note:" not in capsys.readouterr().err
