"""Opening user files and writing outputs safely: the package's two file boundaries.

Reading: :func:`read_user_bytes` refuses a directory, a device, a pipe or a file above
the size limit (:func:`forceratio.limits.max_file_size`) before reading it, and reads at
most one byte past the limit (a file that grows, or a ``/proc`` file that reports size 0,
still cannot make it read without end).  Writing: :func:`check_writable` proves that an
output's folder accepts files before any work is done (by creating and removing a probe
file: permission bits say nothing to root, a read-only mount only answers a write), and
:func:`write_atomic` writes through a temporary file renamed into place, so an existing
output is replaced whole or left untouched; :func:`output_path` refuses an output that
exists and is not a regular file (``/dev/null``, a pipe) and follows a symbolic link to its
target.  Every failure is one :class:`InputError`
naming the option or file.  A user table's CSV structure and cells are read in :mod:`.tables`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from forceratio.errors import InputError
from forceratio.io.decoding import decode
from forceratio.io.links import resolve_output
from forceratio.limits import MAX_FILE_ENV, human, max_file_size


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


#: What a file is, by its ``stat`` type test (a symbolic link is seen only by ``lstat``).
_KINDS = (
    (stat.S_ISREG, "a regular file"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


def file_kind(mode: int) -> str:
    """What a file of ``st_mode`` ``mode`` is: "a regular file", "a folder", "a pipe",
    "a character device" (``/dev/zero``), "a block device", "a socket"."""
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def not_regular(mode: int) -> str:
    """Why a file of ``st_mode`` ``mode`` is refused where a regular file is expected:
    "is not a regular file (a pipe)", naming what it is."""
    return f"is not a regular file ({file_kind(mode)})"


def read_user_bytes(path: Path | str, field: str | None = None) -> bytes:
    """The bytes of a user file, refused unless it is a regular file within the limit."""
    p = Path(path)
    where = field or str(p)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(where, "file not found") from None
    except OSError as exc:
        raise InputError(where, f"cannot read: {_reason(exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(where, "is a directory, expected a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(where, not_regular(st.st_mode))
    limit = max_file_size()
    if st.st_size > limit:
        raise InputError(where, _too_big(st.st_size, limit))
    _INPUTS[_identity(st)] = str(p)
    chunks: list[bytes] = []
    total = 0
    try:
        with p.open("rb") as fh:  # in chunks: a file may grow after stat, the limit be lifted
            while chunk := fh.read(_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise InputError(where, _too_big(limit, limit, at_least=True))
                chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(where, f"cannot read: {_reason(exc)}") from None
    except MemoryError:
        raise InputError(where, f"file of {human(total)} does not fit in memory") from None


def read_user_head(path: Path | str, size: int) -> bytes | None:
    """The first ``size`` bytes of a user file longer than that, for a check of its start
    before it is read whole; None (nothing read) unless it is a regular file within the size
    limit: :func:`read_user_bytes` then refuses it, or reads it whole."""
    p = Path(path)
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode) or not size < st.st_size <= max_file_size():
            return None
        with p.open("rb") as fh:
            return fh.read(size)
    except OSError:
        return None


#: How much of a user file is read at a time.
_CHUNK = 1 << 20

#: Every file read by :func:`read_user_bytes` in this process, by identity: an output never
#: replaces one (``plot s.svg --out s.svg`` wrote the figure over its scenario file).
_INPUTS: dict[tuple[int, int, int], str] = {}


def _identity(st: os.stat_result) -> tuple[int, int, int]:
    """A file's device, inode and change time: the same file, even under another name (a
    link), and not a later file that happens to reuse the inode."""
    return st.st_dev, st.st_ino, st.st_ctime_ns


def _too_big(size: float, limit: float, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return (
        f"file is {more}{human(size)}, above the {human(limit)} limit for input files; "
        f"set {MAX_FILE_ENV} (e.g. {MAX_FILE_ENV}=1G) to lift it"
    )


def read_user_text(path: Path | str, field: str | None = None) -> str:
    """A user file as text (see :func:`read_user_bytes`): UTF-8, or UTF-16 with its
    byte-order mark; anything else refused saying what it is (:func:`.decoding.decode`)."""
    return decode(read_user_bytes(path, field), field or str(path))


# ----------------------------------------------------------------------------- writing
def check_writable(folder: Path | str, field: str, *, create: bool = False) -> Path:
    """Prove that ``folder`` accepts new files, before any work is done.

    With ``create``, a missing folder is acceptable when its nearest existing ancestor
    accepts new files (the folder is made later).  Returns the folder.
    """
    d = Path(folder)
    probe_dir = d
    if not d.exists():
        if not create:
            raise InputError(field, f"folder {d} does not exist")
        while not probe_dir.exists() and probe_dir != probe_dir.parent:
            probe_dir = probe_dir.parent
    if not probe_dir.is_dir():
        raise InputError(field, f"{probe_dir} is not a folder")
    try:
        fd, name = tempfile.mkstemp(prefix=".forceratio-probe-", dir=probe_dir)
    except OSError as exc:
        why = _reason(exc)
        if isinstance(exc, FileNotFoundError):  # the folder is there: it makes no files (/proc)
            why = "the folder accepts no new files"
        raise InputError(field, f"cannot write in {probe_dir}: {why}") from None
    os.close(fd)
    os.unlink(name)
    return d


def make_dirs(folder: Path | str, field: str) -> Path:
    """``mkdir -p`` with failures as one line."""
    d = Path(folder)
    if d.exists() and not d.is_dir():
        raise InputError(field, f"{d} exists and is not a folder")
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(field, f"cannot create folder {d}: {_reason(exc)}") from None
    return d


@contextlib.contextmanager
def made_folder(folder: Path | str, field: str) -> Iterator[Path]:
    """``mkdir -p folder`` (:func:`make_dirs`) for the block's output; if the block fails
    (a full disk, Ctrl-C), the folders made here go again, deepest first, so a failed
    command leaves no empty folder to pass for its output.  A folder that was there, or
    one that holds anything, stays."""
    d = Path(folder)
    made = []
    up = d
    while not up.exists() and up != up.parent:
        made.append(up)
        up = up.parent
    make_dirs(d, field)
    try:
        yield d
    except BaseException:
        for f in made:  # deepest first
            try:
                f.rmdir()
            except OSError:  # not empty: someone else's files stay
                break
        raise


def output_path(path: Path | str, field: str) -> Path:
    """The file an output named ``path`` goes to, refused unless it is new or a regular file.

    A device, a pipe, a socket or a folder is refused (writing a file in its place would
    replace ``/dev/null`` itself when run as root).  A symbolic link is followed, as a
    shell's ``>`` follows it: the link stays and its target is written (refused in turn if
    that is not a regular file), unless the kernel's protected-symlinks rule would refuse it
    (:func:`~forceratio.io.links.resolve_output`: another user's link in ``/tmp``).  A file
    this process has read as an input (any name of it) is refused too.  Call it before the
    work, so a refusal costs nothing."""
    p = Path(path)
    target = resolve_output(p, field)
    try:
        st = target.stat()
    except FileNotFoundError:
        return target  # a new file (a dangling link's target is made, as ``>`` makes it)
    except OSError as exc:
        raise InputError(field, f"cannot write {p}: {_reason(exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(field, f"{p} is a folder, expected a file name")
    if not stat.S_ISREG(st.st_mode):
        via = f" (a link to {target})" if p.is_symlink() else ""
        raise InputError(
            field,
            f"{p}{via} exists and {not_regular(st.st_mode)}: not replaced",
        )
    read = _INPUTS.get(_identity(st))
    if read is not None:
        raise InputError(field, _is_an_input(p, read, read))
    return target


def refuse_inputs(path: Path | str, field: str, inputs: Mapping[str, Path | str | None]) -> None:
    """Refuse an output ``path`` naming one of the files a command is about to read
    (``inputs``: option -> path; :func:`output_path` knows only the files already read), so
    the refusal comes before the work."""
    p = Path(path)
    for name, given in inputs.items():
        if given is None:
            continue
        try:
            same = os.path.samefile(p, given)
        except (OSError, ValueError):  # one of them does not exist (a built-in's name)
            same = p.resolve() == Path(given).resolve()
        if same:
            raise InputError(field, _is_an_input(p, str(given), f"{name} {given}"))


def _is_an_input(p: Path, read: str, shown: str) -> str:
    other = "" if read == str(p) else f" (read as {shown})"
    return f"{p} is an input of this command{other}: not replaced"


def write_atomic(path: Path | str, data: bytes | str, field: str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder renamed
    into place: readers see the old file or the new one, never a part.  ``path`` must be
    new or a regular file, a link is written through (see :func:`output_path`); an existing
    file keeps its permission bits."""
    p = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    target = output_path(p, field)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_umask()  # mkstemp makes 0600; give the usual mode
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError(field, f"cannot write in {target.parent}: {_reason(exc)}") from None
    try:
        with removed_if_stopped(Path(tmp)):
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
                fh.flush()
                os.fsync(fh.fileno())  # on disk before the rename: a crash leaves old or new
            os.chmod(tmp, mode)
            if output_path(p, field) != target:  # a link changed meanwhile: not written
                raise InputError(field, f"{p} changed while it was written: not replaced")
            os.replace(tmp, target)
    except (OSError, InputError) as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, InputError):
            raise
        raise InputError(field, f"cannot write {p}: {_reason(exc)}") from None


class _Terminated(BaseException):
    """SIGTERM arrived while a temporary file was open (see :func:`removed_if_stopped`)."""


@contextlib.contextmanager
def removed_if_stopped(tmp: Path) -> Iterator[None]:
    """Remove the temporary file ``tmp`` if the block is stopped: by any exception
    (Ctrl-C included), or by SIGTERM, whose default action would end the process with no
    cleanup; the process then ends by the signal as it would have.  A
    SIGTERM handler of someone else's, or a thread other than the main one, is left as it
    is (only the exception cleanup applies)."""

    inside = [True]

    def stop(signum: int, frame: object) -> None:
        if inside[0]:
            raise _Terminated
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # after the block: end as by default
        os.kill(os.getpid(), signal.SIGTERM)

    old: object = None
    main = threading.current_thread() is threading.main_thread()
    if main and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        old = signal.signal(signal.SIGTERM, stop)
    try:
        yield
        inside[0] = False  # a SIGTERM from here on finds the block done
    except _Terminated:
        tmp.unlink(missing_ok=True)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        old = None
        os.kill(os.getpid(), signal.SIGTERM)
        raise SystemExit(128 + signal.SIGTERM) from None  # (not reached)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if old is not None:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
