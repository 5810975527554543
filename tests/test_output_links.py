"""An output path through symbolic links: resolved as ``realpath`` resolves it, except that a
link the kernel's ``fs.protected_symlinks`` rule would not follow (another user's link in a
sticky, world-writable folder, the folder owned by someone else again) is refused, whatever
the system's setting; and a link changed while the output is written is not written through.

Oracles: ``os.path.realpath`` for the resolution, the kernel's documented rule
(Documentation/admin-guide/sysctl/fs.rst, protected_symlinks) for the refusal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from forceratio.errors import InputError
from forceratio.io.files import output_path, write_atomic
from forceratio.io.links import resolve_output

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="planting another user's link needs root")
LINK_OWNER, FOLDER_OWNER = 54321, 54322  # two users other than this one


def shared_folder(tmp_path: Path, owner: int) -> Path:
    """A ``/tmp``-like folder: sticky, world-writable, owned by ``owner``."""
    d = tmp_path / "shared"
    d.mkdir()
    os.chmod(d, 0o1777)
    os.chown(d, owner, owner)
    return d


@needs_root
def test_another_users_link_in_a_sticky_public_folder_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    shared = shared_folder(tmp_path, FOLDER_OWNER)
    link = shared / "fig.svg"
    link.symlink_to(victim)
    os.lchown(link, LINK_OWNER, LINK_OWNER)
    with pytest.raises(InputError, match=r"^out: cannot write .*link of another user") as err:
        write_atomic(link, "<svg/>", "out")
    assert "\n" not in str(err.value)
    assert victim.read_text() == "precious"
    assert link.is_symlink()  # the planted link is left as it is
    # the rule's exceptions are still followed: the caller's own link, the folder owner's
    for owner, name in ((os.geteuid(), "mine"), (FOLDER_OWNER, "owners")):
        target = tmp_path / f"{name}.txt"
        link = shared / f"{name}.svg"
        link.symlink_to(target)
        os.lchown(link, owner, owner)
        write_atomic(link, name, "out")
        assert target.read_text() == name
        assert link.is_symlink()


@needs_root
def test_a_planted_link_part_way_along_the_path_is_refused(tmp_path: Path) -> None:
    """A link to a folder, not only the last name: ``shared/dir/fig.svg``."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "fig.svg").write_text("precious")
    shared = shared_folder(tmp_path, FOLDER_OWNER)
    os.symlink(elsewhere, shared / "dir")
    os.lchown(shared / "dir", LINK_OWNER, LINK_OWNER)
    with pytest.raises(InputError, match="link of another user"):
        output_path(shared / "dir" / "fig.svg", "out")
    assert (elsewhere / "fig.svg").read_text() == "precious"


def test_resolution_agrees_with_realpath(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative and absolute links, chains, ``..`` after a link, a dangling link and a
    missing tail, all as ``os.path.realpath`` resolves them."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "file").write_text("x")
    os.symlink("a/b", tmp_path / "rel")
    os.symlink(tmp_path / "rel", tmp_path / "abs")
    os.symlink("../b/file", tmp_path / "a" / "b" / "up")
    os.symlink("nowhere/new.txt", tmp_path / "dangling")
    os.symlink("abs/../b", tmp_path / "dotdot")
    cases = [
        "rel/file",
        "abs/file",
        "abs/up",
        "abs/../a/b/file",
        "dangling",
        "dotdot/file",
        "rel/missing/deeper.txt",
        "./a/./b/file",
    ]
    for case in cases:
        given = tmp_path / case
        assert resolve_output(given, "out") == Path(os.path.realpath(given)), case
    monkeypatch.chdir(tmp_path / "a")  # a relative name, from the working folder
    assert resolve_output("../abs/up", "out") == Path(os.path.realpath("../abs/up"))
    os.symlink("loop2", tmp_path / "loop1")  # a loop: one line, as the kernel's ELOOP
    os.symlink("loop1", tmp_path / "loop2")
    with pytest.raises(InputError, match=r"^out: cannot write .*(levels of symbolic links|loop)"):
        write_atomic(tmp_path / "loop1", "x", "out")


def test_a_link_changed_during_the_write_is_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The link is retargeted between the first resolution and the rename: the old target
    must not be replaced, the new one is not either (refused in one line)."""
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("first")
    second.write_text("second")
    link = tmp_path / "out.txt"
    link.symlink_to(first)
    real_fsync = os.fsync

    def fsync_then_retarget(fd: int) -> None:
        real_fsync(fd)
        link.unlink()
        link.symlink_to(second)

    monkeypatch.setattr("forceratio.io.files.os.fsync", fsync_then_retarget)
    with pytest.raises(InputError, match=r"^out: .*changed while it was written"):
        write_atomic(link, "new", "out")
    assert (first.read_text(), second.read_text()) == ("first", "second")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.txt", "out.txt", "second.txt"]
