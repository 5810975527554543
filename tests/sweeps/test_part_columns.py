"""A resumption's check of the finished parts knows each part's columns:
:func:`part_columns` are the columns :func:`evaluate_chunk` writes, for every kind of sweep
(so the check cannot refuse a sweep's own parts), and a resumed posterior sweep keeps its
own parts and refuses another's."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from forceratio.errors import InputError
from forceratio.sweeps.design import Design
from forceratio.sweeps.evaluate import SweepSpec, evaluate_chunk, part_columns
from forceratio.sweeps.runner import run_sweep

from .test_posterior import VARY, draws, spec


@pytest.mark.parametrize(
    "sp",
    [
        SweepSpec("strike-12june-strip", Design.make("sobol", list(VARY), 4, 1)),
        SweepSpec("strike-12june-strip", Design.make("lhs", list(VARY), 4, 1), replications=2),
        spec(paired=False, n=2, points=2),
        spec(paired=True, n=2, points=4),
    ],
)
def test_part_columns_are_the_columns_a_chunk_has(sp: SweepSpec) -> None:
    assert part_columns(sp) == list(evaluate_chunk(sp, 0, 3).columns)


def test_a_resumed_posterior_sweep_keeps_its_parts_and_refuses_another_draws(
    tmp_path: Path,
) -> None:
    sp = spec(paired=False, n=3, points=4)  # 12 runs
    run_sweep(sp, tmp_path / "a", chunk_size=5)
    whole = pd.read_parquet(tmp_path / "a")
    (tmp_path / "a" / "part-0000000.parquet").unlink()
    assert run_sweep(sp, tmp_path / "a", chunk_size=5, resume=True).computed == 1
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a"), whole)
    # the same design with other draws: its part 1 is another sweep's
    other = replace(sp, posterior=replace(draws(3), values=tuple(
        (v[0] * 1.1, v[1]) for v in draws(3).values)))  # fmt: skip
    run_sweep(other, tmp_path / "b", chunk_size=5)
    (tmp_path / "a" / "part-0000000.parquet").unlink()
    shutil.copy(tmp_path / "b" / "part-0000001.parquet", tmp_path / "a")
    with pytest.raises(InputError, match=r"part-0000001.parquet was written by another sweep"):
        run_sweep(sp, tmp_path / "a", chunk_size=5, resume=True)
