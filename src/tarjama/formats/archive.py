"""Zip archives (a ``.docx`` is one) checked before anything in them is expanded.

A zip's central directory says how many members it holds and how large each becomes; a zip
bomb is a small upload whose members expand a thousandfold. :func:`open_archive` refuses an
archive whose directory declares too many members, too many bytes in all, or a member that
expands too many times over, before one byte is decompressed. The directory can lie, so
:class:`ExpansionBudget` also counts the bytes actually decompressed and stops at the budget.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from tarjama.errors import InputError

__all__ = ["ArchiveLimits", "ExpansionBudget", "MemberReader", "open_archive"]


@dataclass(frozen=True)
class ArchiveLimits:
    """What an archive may expand to. A news article's ``.docx`` has a few dozen members and
    a few megabytes expanded; its XML compresses 5–20 times."""

    max_members: int = 1000
    max_expanded_bytes: int = 100_000_000
    max_ratio: int = 100
    #: members smaller than this may compress any number of times (a 2 KB part of 30 spaces)
    ratio_floor_bytes: int = 1_000_000


def _label(name: str | None) -> str:
    return name or "input"


def open_archive(
    data: bytes, name: str | None, limits: ArchiveLimits, kind: str = "zip archive"
) -> zipfile.ZipFile:
    """The archive, opened only after its directory has been checked against ``limits``;
    ``kind`` words the error for bytes that are not a zip at all."""
    label = _label(name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError(f"{label} is not a readable {kind} ({exc})") from exc
    try:
        _check_directory(archive, label, limits)
    except InputError:
        archive.close()
        raise
    return archive


def _check_directory(archive: zipfile.ZipFile, label: str, limits: ArchiveLimits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise InputError(
            f"{label} holds {len(members)} files; a document may hold {limits.max_members}"
        )
    total = 0
    for info in members:
        total += info.file_size
        if total > limits.max_expanded_bytes:
            raise InputError(
                f"{label} expands to more than {limits.max_expanded_bytes / 1e6:.0f} MB "
                "(a zip bomb?); refused before expanding it"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise InputError(
                f"{label}: its part {info.filename!r} expands {ratio:.0f} times over "
                f"(at most {limits.max_ratio} is accepted; a zip bomb?); refused before "
                "expanding it"
            )


class ExpansionBudget:
    """The bytes an archive may still expand to, counted as they are actually read."""

    def __init__(self, name: str | None, limits: ArchiveLimits) -> None:
        self.label = _label(name)
        self.left = limits.max_expanded_bytes
        self._limit = limits.max_expanded_bytes

    def open(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> MemberReader:
        """A member to read, charged to this budget; decompression errors are InputError."""
        return MemberReader(self, archive, info)

    def charge(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise InputError(
                f"{self.label} expands to more than {self._limit / 1e6:.0f} MB, more than its "
                "zip directory declared; refused"
            )


class MemberReader(io.RawIOBase):
    """A member's bytes as they are decompressed, each read charged to the budget."""

    def __init__(
        self, budget: ExpansionBudget, archive: zipfile.ZipFile, info: zipfile.ZipInfo
    ) -> None:
        super().__init__()
        self._budget = budget
        self._name = info.filename
        try:
            self._member = archive.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
            raise InputError(f"{budget.label}: cannot read its part {info.filename!r}") from exc

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            return b"".join(iter(lambda: self.read(1 << 20), b""))
        try:
            chunk = self._member.read(size)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(
                f"{self._budget.label}: its part {self._name!r} is damaged ({exc})"
            ) from exc
        self._budget.charge(len(chunk))
        return chunk

    def close(self) -> None:
        self._member.close()
        super().close()
