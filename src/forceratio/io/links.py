"""Symbolic links on the way to an output, judged as the kernel judges them.

Linux's ``fs.protected_symlinks`` stops a process from following a link that sits in a
sticky, world-writable folder (``/tmp``) unless the link belongs to the process's user or
to the folder's owner: a link planted there by someone else cannot redirect a write.  A
shell's ``>`` gets that check from the kernel; a program that resolves the link itself
(``realpath``) and renames a file onto the target does not.  :func:`resolve_output`
resolves a path as ``realpath`` does and applies the kernel's rule to every link on the
way, whatever the system's setting.  :func:`create_new` makes a temporary file under a
name that may have been planted (a link or a stale file): it never writes through a link.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from forceratio.errors import InputError

#: Links followed before the path counts as a loop (Linux's own limit).
_MAX_LINKS = 40


def resolve_output(path: Path | str, field: str) -> Path:
    """``realpath(path)``, refused in one line naming ``field`` when a link on the way is
    one the kernel's protected-symlinks rule would not follow: in a sticky folder that
    every user can write, owned neither by this user nor by the folder's owner."""
    p = Path(os.getcwd(), path)  # not abspath: ``link/..`` is the link's target's parent
    done = Path(p.anchor)
    rest = list(p.parts[1:])
    hops = 0
    while rest:
        name = rest.pop(0)
        if name in ("", "."):
            continue
        if name == "..":
            done = done.parent
            continue
        step = done / name
        try:
            st = os.lstat(step)
        except OSError:  # missing (a new file) or unreadable: the rest is taken as written
            return Path(os.path.realpath(p))
        if not stat.S_ISLNK(st.st_mode):
            done = step
            continue
        hops += 1
        if hops > _MAX_LINKS:
            raise InputError(field, f"cannot write {path}: too many levels of symbolic links")
        _check_followable(step, st, done, path, field)
        target = Path(os.readlink(step))
        if target.is_absolute():
            done = Path(target.anchor)
        rest = [*target.parts[1 if target.is_absolute() else 0 :], *rest]
    return done


def _check_followable(
    link: Path, st: os.stat_result, folder: Path, given: Path | str, field: str
) -> None:
    try:
        fst = os.stat(folder)
    except OSError:
        return
    sticky_public = fst.st_mode & stat.S_ISVTX and fst.st_mode & stat.S_IWOTH
    me = os.geteuid() if hasattr(os, "geteuid") else st.st_uid
    if sticky_public and st.st_uid not in (me, fst.st_uid):
        raise InputError(
            field,
            f"cannot write {given}: {link} is a link of another user (uid {st.st_uid}) in the "
            f"shared folder {folder}; not followed (as the kernel's protected_symlinks)",
        )


def create_new(path: Path) -> BinaryIO:
    """A new file at ``path``, open for writing: created here (``O_EXCL``), never through a
    link (``O_NOFOLLOW``).  A file or link already of that name (a stale temporary file, or
    one planted) is unlinked first: the name goes, never a link's target."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)

    def opener(name: str, _: int) -> int:
        return os.open(name, flags, 0o666)

    try:  # (through open(): the file object's name is the path, as a plain open's)
        return open(path, "wb", opener=opener)
    except FileExistsError:
        os.unlink(path)
        return open(path, "wb", opener=opener)


def check_own_folder(folder: Path, field: str) -> None:
    """Refuse an output folder that another user owns or that every user can write: they
    could plant files (links, parts) among this command's own."""
    if not hasattr(os, "geteuid"):  # pragma: no cover - no owners to compare
        return
    try:
        st = os.stat(folder)
    except OSError:
        return  # (refused by whoever creates or writes it, naming the reason)
    if st.st_uid != os.geteuid():
        raise InputError(
            field,
            f"{folder} belongs to another user (uid {st.st_uid}), who could plant files in "
            "it; choose a folder of your own",
        )
    if st.st_mode & stat.S_IWOTH:
        raise InputError(
            field,
            f"{folder} can be written by every user, who could plant files in it; choose a "
            "folder only you (or your group) can write",
        )
