"""Atomic file writes: nobody, and no rerun, ever sees half a file under its final name.

A run killed mid-write (SIGKILL, a power cut, a full disk) must leave either the old file or
the new one. So the bytes go to a temporary file beside the target (same folder, hence same
file system), are flushed and fsync'd, and only then ``os.replace``'d over the target; the
folder is fsync'd afterwards so the rename itself is on disk. A process killed before the
rename leaves a hidden ``.NAME.PID-XXXXXXXX.partial`` file and nothing else:
:func:`remove_stale` (run at the start of a run) deletes those whose process is gone, and
directory scans skip them anyway, being hidden.

Written here rather than taken from a library: ``atomicwrites``, the usual one, was archived
by its author in 2022, and the rest of the job is ``os.replace`` plus two ``fsync`` calls.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["TEMP_SUFFIX", "atomic_writer", "remove_stale", "write_bytes", "write_text"]

TEMP_SUFFIX = ".partial"
_NAME_ROOM = 200  # a temporary's name must stay under NAME_MAX (255) whatever the target's
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{8}" + re.escape(TEMP_SUFFIX) + "$")


def _temp_path(path: Path) -> Path:
    return path.with_name(
        f".{path.name[:_NAME_ROOM]}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"
    )


@contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` only when the ``with`` block ends without error.

    For writers that stream (a TMX export, a corpus job's output). Missing parent folders are
    made. On an exception the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_path(target)
    # O_EXCL: never reuse or follow a file already there; 0o666: the umask decides, as in open().
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see the module docstring)."""
    with atomic_writer(path) as file:
        file.write(data)


def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically, encoded (UTF-8 unless told otherwise)."""
    write_bytes(path, text.encode(encoding))


def remove_stale(path: str | os.PathLike[str]) -> int:
    """Delete the temporaries that dead processes left; returns how many.

    ``path`` is a folder (the temporaries in it, not in its subfolders: a run knows where it
    writes, and ``-o .`` must not walk a whole home) or a target file (its own temporaries).
    A temporary whose process still runs is left alone: it may be mid-write.
    """
    where = Path(path)
    folder, wanted = (where, None) if where.is_dir() else (where.parent, where.name[:_NAME_ROOM])
    if not folder.is_dir():
        return 0
    removed = 0
    for candidate in folder.glob(f".*{TEMP_SUFFIX}"):
        match = _TEMP.match(candidate.name)
        if match is None or (wanted is not None and match["name"] != wanted):
            continue
        if _running(int(match["pid"])):
            continue
        try:
            candidate.unlink()
        except FileNotFoundError:  # another cleaner was quicker
            continue
        removed += 1
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return False
    return True


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; a no-op where folders cannot be opened (Windows)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
