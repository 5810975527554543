"""A sweep's results on disk: a directory of Parquet parts, one per chunk, and a manifest.

Each part is written to a temporary name and renamed into place (``os.replace``), so a part
either exists whole or not at all: an interrupted sweep loses at most the chunks in
flight, and ``--resume`` recomputes exactly the missing ones.  The manifest records the
sweep's spec and chunk size; resuming with a different spec is refused, so a directory
never mixes two sweeps.  ``pandas.read_parquet(DIR)`` reads the whole result.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from forceratio.errors import InputError

MANIFEST = "_sweep.json"
_PART = re.compile(r"^part-(\d{7})\.parquet$")


class ChunkStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def part(self, index: int) -> Path:
        return self.path / f"part-{index:07d}.parquet"

    def open(self, manifest: dict[str, Any], *, resume: bool) -> set[int]:
        """Create the directory, or check it matches when resuming; the finished chunks."""
        m = self.path / MANIFEST
        if self.path.exists() and not self.path.is_dir():
            raise InputError("--out", f"{self.path} exists and is not a sweep directory")
        if m.exists():
            try:
                old = json.loads(m.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise InputError("--out", f"unreadable manifest {m}: {exc}") from None
            if not resume:
                raise InputError(
                    "--out", f"{self.path} already holds a sweep; add --resume or choose another"
                )
            if old != manifest:
                diff = sorted(k for k in set(old) | set(manifest) if old.get(k) != manifest.get(k))
                raise InputError(
                    "--resume",
                    f"{self.path} holds a different sweep (differs in {', '.join(diff)})",
                )
            for stale in self.path.glob(".part-*.tmp"):  # writes cut short by an interruption
                stale.unlink(missing_ok=True)
            return self.done()
        if self.path.exists() and any(self.path.iterdir()):
            raise InputError("--out", f"{self.path} is a non-empty directory without a sweep")
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = m.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, m)
        return set()

    def done(self) -> set[int]:
        out = set()
        for p in self.path.iterdir():
            hit = _PART.match(p.name)
            if hit:
                out.add(int(hit.group(1)))
        return out

    def write(self, index: int, df: pd.DataFrame) -> None:
        final = self.part(index)
        # a dot name: pyarrow and pandas skip it when reading the directory
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        df.to_parquet(tmp, index=False, engine="pyarrow")
        os.replace(tmp, final)

    def read(self, columns: list[str] | None = None) -> pd.DataFrame:
        parts = sorted(p for p in self.path.iterdir() if _PART.match(p.name))
        if not parts:
            return pd.DataFrame()
        frames = [pd.read_parquet(p, columns=columns) for p in parts]
        return pd.concat(frames, ignore_index=True)

    def column(self, name: str) -> pd.Series:
        """One column over every part (bounded memory: one column at a time)."""
        import pyarrow.dataset as ds

        dataset = ds.dataset(
            [str(p) for p in sorted(self.path.iterdir()) if _PART.match(p.name)], format="parquet"
        )
        series: pd.Series = dataset.to_table(columns=[name]).column(name).to_pandas()
        return series
