"""File translation for ``/translate_file``: txt, html, md and docx in, the same shape out.

Translated files wait in ``$TARJAMA_HOME/serve-files/`` under a random name for
``GET /download_file/{name}`` (LibreTranslate's way: the answer is a URL, not the file) and are
removed after :data:`KEEP_SECONDS`.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path, PurePath

from tarjama.errors import InputError
from tarjama.serve.service import TranslationService

__all__ = ["FILE_FORMATS", "KEEP_SECONDS", "FileStore", "translate_file"]

#: Extensions /translate_file accepts, and the tarjama format each is read as.
FILE_FORMATS: dict[str, str] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".docx": "docx",
}
KEEP_SECONDS = 3600
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
    """Translated files waiting to be downloaded."""

    def __init__(self, folder: Path, keep_seconds: float = KEEP_SECONDS) -> None:
        self.folder = folder
        self.keep_seconds = keep_seconds

    def save(self, filename: str, data: bytes) -> str:
        """Store ``data``; returns the name to download it by."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._purge()
        stored = f"{uuid.uuid4().hex}.{safe_name(filename)}"
        (self.folder / stored).write_bytes(data)
        return stored

    def open(self, stored: str) -> tuple[Path, str] | None:
        """The file and its original name, or None for an unknown (or unsafe) name."""
        if not _STORED.match(stored):
            return None
        path = self.folder / stored
        if not path.is_file():
            return None
        return path, stored.split(".", 1)[1]

    def _purge(self) -> None:
        cutoff = time.time() - self.keep_seconds
        for path in self.folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue
