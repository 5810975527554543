"""A sweep's results on disk: a directory of Parquet parts, one per chunk, and a manifest.

Each part is written to a temporary name and renamed into place (``os.replace``), so a part
either exists whole or not at all: an interrupted sweep loses at most the chunks in
flight, and ``--resume`` recomputes exactly the missing ones.  The manifest records the
sweep's spec and chunk size; resuming with a different spec is refused, and each part
carries its sweep's fingerprint, so that a resumption refuses a part that is not its
chunk (:func:`~forceratio.sweeps.runner.check_done`): a directory never mixes two sweeps.
Temporary files are created new, never through a link planted under their name, and a
folder another user owns or every user can write is refused (they could plant files).
``pandas.read_parquet(DIR)`` reads the whole result.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from forceratio.errors import InputError
from forceratio.io.files import not_regular, read_user_bytes, removed_if_stopped
from forceratio.io.links import check_own_folder, create_new

#: The end of a failed part's message while the sweep's folder is kept (the runner says
#: otherwise when it removes the folder).
RESUME_HINT = "; --resume continues"

MANIFEST = "_sweep.json"
#: The key of a part's Parquet metadata holding its sweep's fingerprint.
FINGERPRINT = b"forceratio.sweep"
_PART = re.compile(r"^part-(\d{7})\.parquet$")


class ChunkStore:
    """The sweep directory ``path``; ``field`` is the argument a refusal names (``out`` for
    a sweep being written, :func:`run_sweep`'s, ``source`` for one being read; the command
    line prints its option, ``--out``, ``--from``, through ``cli_field``)."""

    def __init__(self, path: Path | str, field: str = "out") -> None:
        self.path = Path(path)
        self.field = field
        self._lock: int | None = None  # the directory, locked while this sweep writes it

    def part(self, index: int) -> Path:
        return self.path / f"part-{index:07d}.parquet"

    def open(self, manifest: dict[str, Any], *, resume: bool) -> set[int]:
        """Claim the directory for this sweep, or check it matches when resuming; the
        finished chunks.

        The claim is atomic: the manifest is written whole to a private temporary file and
        hard-linked to its name, which fails if another sweep got there first, so of two
        sweeps started together into one directory exactly one wins.  The open store then
        holds an exclusive lock on the directory until :meth:`close`, so a second
        resumption while one runs is refused (it would delete the temporary part files
        the first is writing); where the file system has no locks, only the temporary
        files of processes no longer alive are deleted.
        """
        from forceratio.io.files import make_dirs

        m = self.path / MANIFEST
        if self.path.exists() and not self.path.is_dir():
            raise InputError("out", f"{self.path} exists and is not a sweep directory")
        if not m.exists():
            if self.path.exists() and any(not p.name.startswith(".") for p in self.path.iterdir()):
                raise InputError("out", f"{self.path} is a non-empty directory without a sweep")
            if resume:
                from forceratio.sweeps.store_checks import check_resumable

                check_resumable(self.path)
            make_dirs(self.path, "out")
            check_own_folder(self.path, "out")
            if self._claim(m, manifest):
                self._hold("out")
                return set()
        check_own_folder(self.path, "resume" if resume else "out")
        old = self.manifest()
        if not resume:
            raise InputError(
                "out", f"{self.path} already holds a sweep; add --resume or choose another"
            )
        if old != manifest:
            from forceratio.sweeps.store_checks import difference

            raise InputError("resume", f"{self.path} {difference(old, manifest)}")
        self._hold("resume")
        for stale in self.path.glob(".part-*.tmp"):  # writes cut short by an interruption
            if not _alive(stale):
                stale.unlink(missing_ok=True)
        done = self.done()
        self.field = "resume"
        for index in sorted(done):  # a part damaged since (a copy cut short): refuse now,
            self.footer(self.part(index))  # not after the work
        return done

    def _hold(self, field: str) -> None:
        """Lock the directory for this sweep (``flock``, released by :meth:`close` or when
        the process ends); refused in one line while another sweep holds it."""
        if sys.platform == "win32":  # pragma: no cover - no flock; the pid check remains
            return
        import errno
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:  # (a directory that cannot be opened: no lock, the pid check)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise InputError(
                    field,
                    f"{self.path} is being written by another sweep now; let it finish (or "
                    "stop it), then --resume",
                ) from None
            return  # no locks on this file system: the pid check of temporary parts
        self._lock = fd

    @property
    def locked(self) -> bool:
        """Whether this store holds the directory's lock: it opened the directory for
        writing (:meth:`open`), on a file system with locks, and has not closed it.  A
        sweep refused after its own claim removes that claim only then (the runner)."""
        return self._lock is not None

    def close(self) -> None:
        """Release the directory (a store opened for writing)."""
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    def manifest(self) -> dict[str, Any]:
        """The sweep's manifest (its spec and chunk size); ``{}`` if there is none."""
        m = self.path / MANIFEST
        if not m.exists():
            return {}
        try:  # a byte-order mark accepted, as by every other reader; size-capped
            found = json.loads(read_user_bytes(m, str(m)).decode("utf-8-sig"))
        except InputError as exc:
            raise InputError(self.field, f"unreadable manifest {m}: {exc.problem}") from None
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(self.field, f"unreadable manifest {m}: {exc}") from None
        except RecursionError:  # json's decoder recurses once per level of nesting
            raise InputError(self.field, f"unreadable manifest {m}: nested too deeply") from None
        except UnicodeDecodeError as exc:  # saved by an editor in another encoding
            raise InputError(
                self.field,
                f"unreadable manifest {m}: not UTF-8 JSON (byte {exc.start}: {exc.reason})",
            ) from None
        if not isinstance(found, dict):
            raise InputError(self.field, f"unreadable manifest {m}: not a JSON object")
        return found

    def _claim(self, m: Path, manifest: dict[str, Any]) -> bool:
        """Create the manifest atomically; False if another sweep's manifest is there."""
        text = json.dumps(manifest, indent=1, sort_keys=True)
        tmp = self.path / f".{MANIFEST}.{os.getpid()}.{id(self)}.tmp"
        try:
            with create_new(tmp) as fh:  # never through a link planted under its name
                fh.write(text.encode("utf-8"))
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
            raise InputError("out", f"cannot write in {self.path}: {exc.strerror}") from None
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
        tmp = self._staging(index)
        with removed_if_stopped(tmp):  # (stopped between the two steps: no stray file)
            self.land(index, self.stage(index, df, fingerprint))

    def stage(self, index: int, df: pd.DataFrame, fingerprint: str = "") -> Path:
        """Write chunk ``index`` whole to its temporary part (on disk, not yet counted:
        :meth:`land` renames it into place) and return that file's path.  A worker process
        stages; the sweep's own process lands, so that no part lands once it is gone."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        tmp = self._staging(index)
        table = pa.Table.from_pandas(df, preserve_index=False)
        if fingerprint:
            meta = {**(table.schema.metadata or {}), FINGERPRINT: fingerprint.encode()}
            table = table.replace_schema_metadata(meta)
        try:
            with removed_if_stopped(tmp), create_new(tmp) as fh:  # never through a link
                pq.write_table(table, fh)
                fh.flush()
                os.fsync(fh.fileno())  # on disk before the rename, as write_atomic
        except OSError as exc:  # a full disk mid-sweep: the finished parts stay valid
            raise InputError(
                "out", f"cannot write {self.part(index).name}: {exc.strerror}{RESUME_HINT}"
            ) from None
        return tmp

    def land(self, index: int, tmp: Path) -> None:
        """Rename the staged part ``tmp`` (:meth:`stage`) into chunk ``index``'s place: the
        part exists whole or not at all."""
        final = self.part(index)
        try:
            os.replace(tmp, final)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InputError(
                "out", f"cannot write {final.name}: {exc.strerror}{RESUME_HINT}"
            ) from None

    def _staging(self, index: int) -> Path:
        """Chunk ``index``'s temporary part in this process: a dot name (pyarrow and pandas
        skip it when reading the directory) with the writer's pid (:func:`_alive`)."""
        final = self.part(index)
        return final.with_name(f".{final.name}.{os.getpid()}.tmp")

    def parts(self) -> list[Path]:
        """The finished parts, in chunk order."""
        return sorted(p for p in self.path.iterdir() if _PART.match(p.name))

    def read_part(
        self, part: Path, columns: list[str] | None = None, threads: bool = True, pool: Any = None
    ) -> Any:
        """One finished ``part`` (of :meth:`parts`) as a ``pyarrow.Table``, only ``columns``
        if given, decoded on Arrow's threads unless ``threads`` is False, into memory from
        the ``pyarrow.MemoryPool`` ``pool`` if given (else Arrow's default); an unreadable
        part is refused naming it, and kept: the sweep recomputes it once it is deleted.

        Read as ``pyarrow.parquet.read_table`` reads one file (a dataset of its one
        fragment), whose signature has no pool: the dataset's ``to_table`` takes one."""
        import pyarrow.dataset as ds
        import pyarrow.fs as pafs

        def read() -> Any:
            form = ds.ParquetFileFormat()
            fragment = form.make_fragment(str(part), pafs.LocalFileSystem())
            data = ds.FileSystemDataset(
                [fragment], fragment.physical_schema, form, fragment.filesystem
            )
            return data.to_table(columns=columns, use_threads=threads, memory_pool=pool)

        return self._reading(part, read)

    def footer(self, part: Path) -> Any:
        """``part``'s Parquet footer (``pyarrow.parquet.FileMetaData``: its schema, number
        of rows and metadata) without its rows; a part cut short has none and is refused
        as :meth:`read_part` refuses it."""
        import pyarrow.parquet as pq

        return self._reading(part, lambda: pq.read_metadata(part))

    def _reading(self, part: Path, read: Callable[[], Any]) -> Any:
        """``read()`` of ``part``, its failure one line naming the part.  A part that is
        not a regular file (a pipe would be waited on for ever, a device read without end)
        is refused unread."""
        try:
            mode = os.stat(part).st_mode
        except OSError:
            mode = stat.S_IFREG  # (gone or unreadable: read() says which, as before)
        if not stat.S_ISREG(mode):
            raise self.refuse(part, not_regular(mode))
        try:
            return read()
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
        meta = self.footer(part).metadata or {}
        return bytes(meta.get(FINGERPRINT, b"")).decode(errors="replace")

    def read(self, columns: list[str] | None = None) -> pd.DataFrame:
        parts = self.parts()
        if not parts:
            return pd.DataFrame()
        frames: list[pd.DataFrame] = [self.read_part(p, columns).to_pandas() for p in parts]
        return pd.concat(frames, ignore_index=True)

    def read_schema(self) -> list[str]:
        """The column names of the stored parts (of the first part; all parts agree)."""
        parts = self.parts()
        return list(self.footer(parts[0]).schema.names) if parts else []

    def column(self, name: str) -> pd.Series:
        """One column over every part (bounded memory: one column at a time), decoded on
        this thread into memory from the C library's ``malloc``, not from Arrow's default
        allocator (mimalloc).  A sweep reads its parts back right after its runs, whose
        freed heap the process keeps (:func:`.runner._keep_freed_memory`): ``malloc``
        reuses it, while mimalloc took fresh pages on each thread that decoded, so the
        read-back came on top of the runs at the command's peak, by how many of Arrow's
        threads the scheduler gave work to: ``sweep strike-12june-strip --samples 512
        --posterior 20`` peaked at 248-257 MiB on a loaded machine read that way and at
        242.0-242.4 MiB read this way (2026-12-06, alternating runs; its estimate, 204.5
        MiB, read 0.80-0.82 of the first, 0.84 of the second).  The pool is this call's
        (the read's and the conversion's argument): Arrow's process-wide default, which
        other threads allocate from meanwhile, is left alone."""
        import pyarrow as pa

        malloc = pa.system_memory_pool()
        frames = [
            self.read_part(p, [name], False, malloc).column(name).to_pandas(memory_pool=malloc)
            for p in self.parts()
        ]
        series: pd.Series = pd.concat(frames, ignore_index=True) if frames else pd.Series()
        return series


def _alive(tmp: Path) -> bool:
    """Whether the process that writes the temporary part ``tmp`` (``.NAME.PID.tmp``) is
    alive (and not this one, whose earlier writes were cut short)."""
    pid = tmp.name.rsplit(".", 2)[-2]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # (another user's process: alive)
        return True
    return not _zombie(int(pid))


def _zombie(pid: int) -> bool:
    """Whether process ``pid`` has ended but not been reaped (a worker of a killed sweep,
    adopted by an init that does not reap: it still answers ``kill(pid, 0)`` but writes
    nothing).  Read from ``/proc`` where there is one; elsewhere it counts as alive."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat.rsplit(")", 1)[-1].split()
    return bool(fields) and fields[0] == "Z"


def read_sweep(
    source: Path | str, scenario: str | None = None, field: str = "source"
) -> pd.DataFrame:
    """The rows of the finished sweep in directory ``source``, for a reader of it (discover,
    a figure).  Refused in one line naming ``field``: not a sweep directory, an unreadable
    or malformed manifest, (given ``scenario``) the sweep of another scenario than it, an
    unfinished sweep (fewer parts than its chunks: ``--resume`` finishes it), an unreadable
    part or a part that is not one of its chunks (another sweep's, by its fingerprint;
    other columns or another number of rows)."""
    store = ChunkStore(source, field)
    if not store.path.is_dir():
        raise InputError(field, f"{source} is not a sweep directory")
    manifest = store.manifest()
    if not manifest:
        raise InputError(field, f"{source} is not a sweep directory (it has no {MANIFEST})")
    spec, chunk_size = _manifest_spec(store, manifest)
    if scenario is not None and not same_scenario(scenario, spec.scenario):
        raise InputError(field, f"{source} is a sweep of {spec.scenario}, not of {scenario}")
    if scenario is not None:
        from forceratio.sweeps.store_checks import check_given, check_inputs

        check_given(store, manifest, spec, scenario)
        check_inputs(store, manifest, spec)
    _check_finished(store, manifest, spec, chunk_size)
    return store.read()


def swept_ranges(source: Path | str) -> dict[str, tuple[float, float]]:
    """The range the design of the finished sweep in ``source`` (read by
    :func:`read_sweep` first) gave each parameter it varied."""
    store = ChunkStore(source, "source")
    spec, _ = _manifest_spec(store, store.manifest())
    return {v.path: (v.low, v.high) for v in spec.design.vary}


def _manifest_spec(store: ChunkStore, manifest: dict[str, Any]) -> tuple[Any, int]:
    """The sweep's spec and chunk size from its ``manifest``; a malformed one is refused in
    one line naming it."""
    from forceratio.errors import ForceratioError
    from forceratio.sweeps.evaluate import SweepSpec

    raw, size = manifest.get("spec"), manifest.get("chunk_size")
    try:
        if not isinstance(raw, dict):
            raise TypeError(f"'spec' is not an object but {json.dumps(raw)[:40]}")
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise TypeError(f"'chunk_size' is not a whole number >= 1 but {json.dumps(size)[:40]}")
        return SweepSpec.from_json(raw), size
    except KeyError as exc:
        why = f"its spec has no {exc}"
    except (TypeError, ValueError, AttributeError, ForceratioError) as exc:
        mine = str(exc).startswith(("'spec'", "'chunk_size'"))
        why = str(exc) if mine else f"its spec is not one forceratio writes ({exc})"
    raise InputError(store.field, f"malformed manifest {store.path / MANIFEST}: {why}")


def _check_finished(store: ChunkStore, manifest: dict[str, Any], spec: Any, size: int) -> None:
    """Refuse an unfinished sweep, and a part that is not one of its chunks (the footers
    only: bounded work)."""
    from forceratio.sweeps.evaluate import part_columns
    from forceratio.sweeps.inputs import manifest_fingerprint
    from forceratio.sweeps.runner import chunk_bounds

    # the chunks counted, not listed: a manifest's run count is not trusted with memory
    chunks = -(-spec.runs // size)
    done = store.done()
    beyond = sorted(i for i in done if i >= chunks)
    if beyond:
        i = beyond[0]
        raise store.refuse(store.part(i), f"is chunk {i}, but this sweep has {chunks} chunks")
    if len(done) < chunks:
        many = f"{chunks:,}" if chunks < 10**15 else "more than 10^15"
        raise InputError(
            store.field,
            f"{store.path}: {len(done)} of {many} chunks (an unfinished sweep); finish "
            "it with sweep --resume",
        )
    bounds = chunk_bounds(spec.runs, size)  # as many as the parts found
    mark, columns = manifest_fingerprint(manifest), part_columns(spec)
    reps = max(spec.replications, 1)
    for i in sorted(done):
        part = store.part(i)
        meta = store.footer(part)
        if list(meta.schema.names) != columns:
            raise store.refuse(part, "has other columns than this sweep's")
        a, b = bounds[i]
        if meta.num_rows != (b - a) * reps:
            raise store.refuse(
                part, f"has {meta.num_rows:,} rows, not its chunk's {(b - a) * reps:,}"
            )
        found = bytes((meta.metadata or {}).get(FINGERPRINT, b"")).decode(errors="replace")
        if found and found != mark:
            raise store.refuse(part, "was written by another sweep (its spec or inputs differ)")


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
