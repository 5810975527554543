"""A sweep folder someone else could plant files in: the temporary parts and the manifest's
temporary file have predictable names, so a link planted under one must not be written
through (the link goes, its target stays as it was); a folder another user owns or every
user can write is refused before anything is written; a manifest larger than the file
limit is refused unread.

Oracle: the target's bytes before and after (a write through the link changes them)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from forceratio.errors import InputError
from forceratio.sweeps.store import MANIFEST, ChunkStore

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def manifest() -> dict[str, Any]:
    return {"spec": {"seed": 1}, "chunk_size": 10, "format": 2, "inputs": {}}


def test_a_link_planted_at_a_temporary_parts_name_is_not_written_through(
    tmp_path: Path,
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "sw"
    store = ChunkStore(out)
    store.open(manifest(), resume=False)
    try:
        planted = out / f".part-0000000.parquet.{os.getpid()}.tmp"  # the name it will use
        planted.symlink_to(victim)
        store.write(0, pd.DataFrame({"x": [1.0, 2.0]}), "fp")
    finally:
        store.close()
    assert victim.read_text() == "precious"
    part = store.part(0)
    assert not part.is_symlink()
    assert pd.read_parquet(part)["x"].tolist() == [1.0, 2.0]
    assert not planted.exists()
    assert not planted.is_symlink()


def test_a_link_planted_at_the_manifests_temporary_name_is_not_written_through(
    tmp_path: Path,
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "sw"
    out.mkdir()
    store = ChunkStore(out)
    planted = out / f".{MANIFEST}.{os.getpid()}.{id(store)}.tmp"
    planted.symlink_to(victim)
    store.open(manifest(), resume=False)
    store.close()
    assert victim.read_text() == "precious"
    assert not (out / MANIFEST).is_symlink()
    assert store.manifest() == manifest()


@pytest.mark.skipif(not ROOT, reason="giving a folder to another user needs root")
def test_a_folder_of_another_user_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "theirs"
    out.mkdir()
    os.chown(out, 54321, 54321)
    with pytest.raises(InputError, match=r"^out: .* belongs to another user \(uid 54321\)"):
        ChunkStore(out).open(manifest(), resume=False)
    assert list(out.iterdir()) == []


def test_a_folder_every_user_can_write_is_refused_and_a_group_one_is_not(
    tmp_path: Path,
) -> None:
    public, group = tmp_path / "public", tmp_path / "group"
    for d, mode in ((public, 0o777), (group, 0o775)):
        d.mkdir()
        os.chmod(d, mode)
    with pytest.raises(InputError, match=r"^out: .* can be written by every user"):
        ChunkStore(public).open(manifest(), resume=False)
    assert list(public.iterdir()) == []
    store = ChunkStore(group)
    assert store.open(manifest(), resume=False) == set()
    store.close()
    os.chmod(group, 0o777)  # made public since: a resumption is refused too
    with pytest.raises(InputError, match=r"^resume: .* can be written by every user"):
        ChunkStore(group).open(manifest(), resume=True)


def test_a_manifest_above_the_file_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / MANIFEST).write_text('{"spec": {}, "pad": "' + "x" * 4096 + '"}')
    monkeypatch.setenv("FORCERATIO_MAX_FILE", "1K")
    with pytest.raises(InputError, match=rf"^source: unreadable manifest .*{MANIFEST}: .*limit"):
        ChunkStore(tmp_path, "source").manifest()
