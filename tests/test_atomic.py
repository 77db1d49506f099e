"""Atomic writes: a target is the old file or the new one, never a piece of either.

The killed-process case (SIGKILL mid-run) is in ``test_crash_safety.py``; here are the
in-process promises: an error mid-write changes nothing, the file gets the usual permissions,
and only temporaries of dead processes are cleared.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tarjama import atomic


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(atomic.TEMP_SUFFIX))


def test_write_replaces_the_whole_file_and_makes_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "news.txt"
    atomic.write_text(target, "first version, rather long\n")
    atomic.write_bytes(target, b"second\n")
    assert target.read_bytes() == b"second\n"
    assert temporaries(target.parent) == []


def test_an_error_mid_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "news.txt"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic.atomic_writer(target) as file:
        file.write(b"half of the new")
        raise RuntimeError("the writer failed")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert temporaries(tmp_path) == []


def test_a_streamed_file_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "export.tmx"
    with atomic.atomic_writer(target) as file:
        file.write(b"<tmx>")
        assert not target.exists()
        assert len(temporaries(tmp_path)) == 1
        file.write(b"</tmx>")
    assert target.read_bytes() == b"<tmx></tmx>"
    assert temporaries(tmp_path) == []


def test_permissions_follow_the_umask_like_open(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic.write_bytes(tmp_path / "atomic.txt", b"x")
        (tmp_path / "plain.txt").write_bytes(b"x")
    finally:
        os.umask(old)
    mode = (tmp_path / "atomic.txt").stat().st_mode & 0o777
    assert mode == (tmp_path / "plain.txt").stat().st_mode & 0o777 == 0o644


def test_a_very_long_name_still_gets_a_temporary(tmp_path: Path) -> None:
    target = tmp_path / ("خبر-" * 30 + ".txt")  # 240 bytes of UTF-8 in the name
    atomic.write_text(target, "نص\n")
    assert target.read_text(encoding="utf-8") == "نص\n"


def test_only_temporaries_of_dead_processes_are_removed(tmp_path: Path) -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    dead = f".news.txt.{finished.pid}-0123abcd{atomic.TEMP_SUFFIX}"
    alive = f".news.txt.{os.getpid()}-4567cdef{atomic.TEMP_SUFFIX}"
    other = f".other.txt.{finished.pid}-89abcdef{atomic.TEMP_SUFFIX}"
    for name in (dead, alive, other, "news.txt", ".not-ours.partial"):
        (tmp_path / name).write_bytes(b"half")
    assert atomic.remove_stale(tmp_path / "news.txt") == 1  # its own dead temporary only
    assert temporaries(tmp_path) == sorted([".not-ours.partial", alive, other])
    assert atomic.remove_stale(tmp_path) == 1  # the whole folder: `other` too
    assert temporaries(tmp_path) == sorted([".not-ours.partial", alive])
    assert (tmp_path / "news.txt").read_bytes() == b"half"
    assert atomic.remove_stale(tmp_path / "missing" / "x.txt") == 0
