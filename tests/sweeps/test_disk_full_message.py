"""review19b, LOW 4: a sweep stopped by a full disk says ``--resume continues`` only when
a part landed and the folder is kept; when none had, the folder is removed, and the
message says that nothing was kept (it used to promise a resume of nothing)."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import forceratio.sweeps.runner as runner
from forceratio.errors import InputError
from forceratio.sweeps.design import Design, Vary
from forceratio.sweeps.evaluate import SweepSpec

CAL = (("german_rate", 0.0193), ("soviet_rate", 0.002))
SPEC = SweepSpec(
    "strike-12june-strip",
    Design.make("sobol", [Vary("modifiers.quality.Germany", 0.67, 1.5)], 40, 5),
    calibration=CAL,
)


def _full_after(parts: int, monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    """Parts under ``out`` after the first ``parts`` fail as on a full disk; every other
    parquet write (a cold cache's, say) goes through untouched and is not counted."""
    plain = pq.write_table
    written = [0]

    def write_table(table: Any, where: Any, *args: Any, **kwargs: Any) -> None:
        if str(out) in str(getattr(where, "name", where)):
            if written[0] >= parts:
                raise OSError(errno.ENOSPC, "No space left on device")
            written[0] += 1
        plain(table, where, *args, **kwargs)

    monkeypatch.setattr(pq, "write_table", write_table)


def test_no_part_landed_says_nothing_was_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "sw4"
    _full_after(0, monkeypatch, out)
    with pytest.raises(InputError) as err:
        runner.run_sweep(SPEC, out, chunk_size=10)
    assert not out.exists()  # the claim was removed: nothing to resume
    assert "No space left on device" in err.value.problem
    assert "--resume" not in err.value.problem
    assert "nothing was kept" in err.value.problem


def test_a_landed_part_is_kept_and_resumed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sw5"
    _full_after(1, monkeypatch, out)
    with pytest.raises(InputError, match=r"No space left on device; --resume continues$"):
        runner.run_sweep(SPEC, out, chunk_size=10)
    # one part landed: chunks run two at a time on threads and land in either order
    assert len(list(out.glob("part-*.parquet"))) == 1
    monkeypatch.undo()
    res = runner.run_sweep(SPEC, out, chunk_size=10, resume=True)
    assert res.computed == 3  # the other three chunks: the promise held
