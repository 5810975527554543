"""A sweep's results on disk: a directory of Parquet parts, one per chunk, and a manifest.

Each part is written to a temporary name and renamed into place (``os.replace``), so a part
either exists whole or not at all: an interrupted sweep loses at most the chunks in
flight, and ``--resume`` recomputes exactly the missing ones.  The manifest records the
sweep's spec and chunk size; resuming with a different spec is refused, and each part
carries its sweep's fingerprint, so that a resumption refuses a part that is not its
chunk (:func:`~forceratio.sweeps.runner.check_done`): a directory never mixes two sweeps.
``pandas.read_parquet(DIR)`` reads the whole result.
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
#: The key of a part's Parquet metadata holding its sweep's fingerprint.
FINGERPRINT = b"forceratio.sweep"
_PART = re.compile(r"^part-(\d{7})\.parquet$")


class ChunkStore:
    """The sweep directory ``path``; ``field`` is the option a refusal names (``--out`` for
    a sweep being written, ``--from`` for one being read)."""

    def __init__(self, path: Path | str, field: str = "--out") -> None:
        self.path = Path(path)
        self.field = field

    def part(self, index: int) -> Path:
        return self.path / f"part-{index:07d}.parquet"

    def open(self, manifest: dict[str, Any], *, resume: bool) -> set[int]:
        """Claim the directory for this sweep, or check it matches when resuming; the
        finished chunks.

        The claim is atomic: the manifest is written whole to a private temporary file and
        hard-linked to its name, which fails if another sweep got there first, so of two
        sweeps started together into one directory exactly one wins (two resumptions of
        the same sweep may run together: they write the same parts, each atomically).
        """
        from forceratio.files import make_dirs

        m = self.path / MANIFEST
        if self.path.exists() and not self.path.is_dir():
            raise InputError("--out", f"{self.path} exists and is not a sweep directory")
        if not m.exists():
            if self.path.exists() and any(not p.name.startswith(".") for p in self.path.iterdir()):
                raise InputError("--out", f"{self.path} is a non-empty directory without a sweep")
            make_dirs(self.path, "--out")
            if self._claim(m, manifest):
                return set()
        old = self.manifest()
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
        done = self.done()
        self.field = "--resume"
        for index in sorted(done):  # a part damaged since (a copy cut short): refuse now,
            self._read(self.part(index), footer=True)  # not after the work
        return done

    def manifest(self) -> dict[str, Any]:
        """The sweep's manifest (its spec and chunk size); ``{}`` if there is none."""
        m = self.path / MANIFEST
        if not m.exists():
            return {}
        try:
            found = json.loads(m.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(self.field, f"unreadable manifest {m}: {exc}") from None
        if not isinstance(found, dict):
            raise InputError(self.field, f"unreadable manifest {m}: not a JSON object")
        return found

    def _claim(self, m: Path, manifest: dict[str, Any]) -> bool:
        """Create the manifest atomically; False if another sweep's manifest is there."""
        text = json.dumps(manifest, indent=1, sort_keys=True)
        tmp = self.path / f".{MANIFEST}.{os.getpid()}.{id(self)}.tmp"
        try:
            tmp.write_text(text, encoding="utf-8")
            try:
                os.link(tmp, m)
            except FileExistsError:
                return False
            except OSError:  # no hard links here (some network file systems)
                try:
                    fd = os.open(m, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                except FileExistsError:
                    return False
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
            finally:
                tmp.unlink(missing_ok=True)
        except OSError as exc:
            raise InputError("--out", f"cannot write in {self.path}: {exc.strerror}") from None
        return True

    def done(self) -> set[int]:
        out = set()
        for p in self.path.iterdir():
            hit = _PART.match(p.name)
            if hit:
                out.add(int(hit.group(1)))
        return out

    def write(self, index: int, df: pd.DataFrame, fingerprint: str = "") -> None:
        """Write chunk ``index`` atomically; ``fingerprint`` (the sweep's,
        :func:`~forceratio.sweeps.runner.fingerprint`) goes into the part's metadata, so
        that a resumption can tell a part of another sweep."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        final = self.part(index)
        # a dot name: pyarrow and pandas skip it when reading the directory
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        table = pa.Table.from_pandas(df, preserve_index=False)
        if fingerprint:
            meta = {**(table.schema.metadata or {}), FINGERPRINT: fingerprint.encode()}
            table = table.replace_schema_metadata(meta)
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, final)
        except OSError as exc:  # a full disk mid-sweep: the finished parts stay valid
            tmp.unlink(missing_ok=True)
            raise InputError(
                "--out", f"cannot write {final.name}: {exc.strerror}; --resume continues"
            ) from None

    def parts(self) -> list[Path]:
        """The finished parts, in chunk order."""
        return sorted(p for p in self.path.iterdir() if _PART.match(p.name))

    def _read(self, part: Path, columns: list[str] | None = None, *, footer: bool = False) -> Any:
        """One part as a ``pyarrow.Table`` (with ``footer``: only its metadata, which a
        truncated file lacks); an unreadable part is refused naming it, and kept: the
        sweep recomputes it once it is deleted."""
        import pyarrow.parquet as pq

        try:
            return pq.read_metadata(part) if footer else pq.read_table(part, columns=columns)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            reason = " ".join(str(exc).split()).rsplit("': ", 1)[-1].split(". ")[0].strip(". ")
            raise InputError(
                self.field,
                f"{part} is unreadable ({reason}); delete it and run the sweep again with "
                "--resume to recompute it",
            ) from None

    def refuse(self, part: Path, why: str) -> InputError:
        """The one-line refusal of a finished ``part`` that is not this sweep's (kept)."""
        return InputError(
            self.field,
            f"{part} {why}; delete it and run the sweep again with --resume to recompute it",
        )

    def fingerprint(self, part: Path) -> str:
        """The sweep fingerprint in ``part``'s metadata ('' for a part written without)."""
        meta = self._read(part, footer=True).metadata or {}
        return bytes(meta.get(FINGERPRINT, b"")).decode(errors="replace")

    def read(self, columns: list[str] | None = None) -> pd.DataFrame:
        parts = self.parts()
        if not parts:
            return pd.DataFrame()
        frames: list[pd.DataFrame] = [self._read(p, columns).to_pandas() for p in parts]
        return pd.concat(frames, ignore_index=True)

    def read_schema(self) -> list[str]:
        """The column names of the stored parts (of the first part; all parts agree)."""
        parts = self.parts()
        return list(self._read(parts[0], footer=True).schema.names) if parts else []

    def column(self, name: str) -> pd.Series:
        """One column over every part (bounded memory: one column at a time)."""
        parts = self.parts()
        frames = [self._read(p, [name]).column(name).to_pandas() for p in parts]
        series: pd.Series = pd.concat(frames, ignore_index=True) if frames else pd.Series()
        return series


def read_sweep(
    source: Path | str, scenario: str | None = None, field: str = "--from"
) -> pd.DataFrame:
    """The rows of the finished sweep in directory ``source``, for a reader of it (discover,
    a figure).  Refused in one line naming ``field``: not a sweep directory, an unreadable
    part or manifest, or (given ``scenario``) the sweep of another scenario than it."""
    store = ChunkStore(source, field)
    if not store.path.is_dir():
        raise InputError(field, f"{source} is not a sweep directory")
    swept = store.manifest().get("spec", {}).get("scenario")
    if scenario is not None and isinstance(swept, str) and not same_scenario(scenario, swept):
        raise InputError(field, f"{source} is a sweep of {swept}, not of {scenario}")
    return store.read()


def same_scenario(given: str, swept: str) -> bool:
    """The same name, or two files (or a file and a built-in) of the same scenario name."""
    if given == swept:
        return True
    from forceratio.errors import ForceratioError
    from forceratio.scenarios import load_scenario

    try:
        return load_scenario(given).name == load_scenario(swept).name
    except ForceratioError:
        return False
