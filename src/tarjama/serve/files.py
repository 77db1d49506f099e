"""File translation for ``/translate_file``: txt, html, md and docx in, the same shape out.

Translated files wait in ``$TARJAMA_HOME/serve-files/`` under a random name for
``GET /download_file/{name}`` (LibreTranslate's way: the answer is a URL, not the file) and are
removed after :data:`KEEP_SECONDS`, or sooner when more than :data:`MAX_FILES` files or
:data:`MAX_BYTES` bytes wait (the oldest first).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from pathlib import Path, PurePath

from tarjama.errors import InputError
from tarjama.serve.service import TranslationService

__all__ = ["FILE_FORMATS", "KEEP_SECONDS", "MAX_BYTES", "MAX_FILES", "FileStore", "translate_file"]

#: Extensions /translate_file accepts, and the tarjama format each is read as.
FILE_FORMATS: dict[str, str] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".docx": "docx",
}
KEEP_SECONDS = 3600
#: At most this many translated files wait for download, and this many bytes in all.
MAX_FILES = 1000
MAX_BYTES = 500_000_000
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_STORED = re.compile(r"^[0-9a-f]{32}\.[A-Za-z0-9._-]+$")


def safe_name(filename: str) -> str:
    """A file name that is safe on disk and in a URL (no folders, no odd characters)."""
    base = PurePath(filename.replace("\\", "/")).name
    cleaned = _SAFE.sub("_", base).strip("._") or "file"
    suffix = PurePath(base).suffix.lower()
    return cleaned if cleaned.lower().endswith(suffix) else cleaned + suffix


async def translate_file(service: TranslationService, data: bytes, filename: str) -> bytes:
    """Translate an uploaded file and return the file in its own format."""
    suffix = PurePath(filename).suffix.lower()
    fmt = FILE_FORMATS.get(suffix)
    if fmt is None:
        raise InputError(f"{suffix or 'a file without extension'}: file format not supported")
    result = await service.translate(data, format=fmt, name=filename)
    return result.output_bytes  # a Word file comes back as a Word file


class FileStore:
    """Translated files waiting to be downloaded, bounded in age, number and bytes.

    A file is kept ``keep_seconds`` at most; beyond ``max_files`` files or ``max_bytes`` bytes
    the oldest go first, so a stream of uploads nobody downloads cannot fill the disk. The
    totals are counted on the folder itself, so files left by an earlier run count too.
    """

    def __init__(
        self,
        folder: Path,
        keep_seconds: float = KEEP_SECONDS,
        *,
        max_files: int = MAX_FILES,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.folder = folder
        self.keep_seconds = keep_seconds
        self.max_files = max(1, max_files)
        self.max_bytes = max(1, max_bytes)
        self._lock = threading.Lock()

    def save(self, filename: str, data: bytes) -> str:
        """Store ``data``; returns the name to download it by."""
        if len(data) > self.max_bytes:
            raise InputError(
                f"the translated file has {len(data)} bytes; this server keeps files of at most "
                f"{self.max_bytes} bytes for download"
            )
        stored = f"{uuid.uuid4().hex}.{safe_name(filename)}"
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._make_room(len(data))
            (self.folder / stored).write_bytes(data)
        return stored

    def open(self, stored: str) -> tuple[Path, str] | None:
        """The file and its original name, or None for an unknown, unsafe or expired name."""
        if not _STORED.match(stored):
            return None
        path = self.folder / stored
        try:
            if not path.is_file() or path.stat().st_mtime < time.time() - self.keep_seconds:
                return None
        except OSError:
            return None
        return path, stored.split(".", 1)[1]

    def usage(self) -> tuple[int, int]:
        """(files, bytes) kept now."""
        files = self._files()
        return len(files), sum(size for _path, _mtime, size in files)

    def _files(self) -> list[tuple[Path, float, int]]:
        """(path, mtime, size) of the kept files, oldest first."""
        found = []
        for path in self.folder.iterdir() if self.folder.is_dir() else ():
            try:
                info = path.stat()
            except OSError:
                continue
            if path.is_file():
                found.append((path, info.st_mtime, info.st_size))
        return sorted(found, key=lambda item: item[1])

    def _make_room(self, incoming: int) -> None:
        """Remove expired files, then the oldest until one more of ``incoming`` bytes fits."""
        cutoff = time.time() - self.keep_seconds
        files = self._files()
        count, total = len(files), sum(size for _p, _m, size in files)
        for path, mtime, size in files:
            if mtime >= cutoff and count < self.max_files and total + incoming <= self.max_bytes:
                break
            try:
                path.unlink()
            except OSError:
                continue
            count, total = count - 1, total - size
