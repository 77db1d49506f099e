"""Bringing translations made elsewhere into the memory, dispatched on the file's extension.

``.tmx``: every Arabic–English unit is a human translation (units tarjama itself exported as
engine output keep that origin and model, so an export re-imports as it was). ``.tsv``: human.
``.xlf``/``.xliff``: a post-edited tarjama export (or another tool's file); a segment becomes a
human entry when a reviewer marked it ``reviewed``/``final`` or its target differs from what
the engine produced. Untouched machine output is counted as unchanged, not stored as human.

An import is all or nothing (:meth:`~tarjama.memory.TranslationMemory.store_many` stages every
pair and merges them in one transaction): a file that turns out malformed half-way, or a
database error, leaves the memory exactly as it was, never half a file in it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama.errors import InputError
from tarjama.memory.keys import collapse_spaces, memory_key, now_iso
from tarjama.memory.records import Entry, ImportResult
from tarjama.memory.tmx import read_tmx
from tarjama.memory.tsv import read_tsv
from tarjama.memory.xliff import XliffSegment, read_xliff
from tarjama.memory.xmlutil import read_bytes, strip_invalid_xml
from tarjama.text.detect import has_arabic

if TYPE_CHECKING:
    from tarjama.memory.store import TranslationMemory

__all__ = ["IMPORT_SUFFIXES", "import_entries", "import_file", "import_xliff"]

IMPORT_SUFFIXES: dict[str, str] = {
    ".tmx": "tmx",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".tsv": "tsv",
    ".tab": "tsv",
}


def import_file(memory: TranslationMemory, path: str | os.PathLike[str]) -> ImportResult:
    """Import ``path`` by its extension; InputError for an unknown kind or a malformed file."""
    source = Path(path)
    kind = IMPORT_SUFFIXES.get(source.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(IMPORT_SUFFIXES))
        raise InputError(f"cannot import {source.name}: expected a file ending in {known}")
    if kind == "xliff":
        return import_xliff(memory, read_bytes(source), name=str(source))
    if not source.is_file():
        raise InputError(f"cannot read {source}: no such file")
    pairs = read_tmx(source) if kind == "tmx" else read_tsv(source)
    return import_entries(memory, pairs, name=str(source), format=kind)


def import_entries(
    memory: TranslationMemory,
    entries: Iterable[Entry | None],
    *,
    name: str = "",
    format: str = "",
) -> ImportResult:
    """Store ``entries`` all or none, counting them (``None`` or no Arabic source: skipped)."""
    read = skipped = offered = 0

    def wanted() -> Iterator[Entry]:
        nonlocal read, skipped, offered
        for entry in entries:
            read += 1
            if entry is None or not entry.target.strip() or not has_arabic(entry.source):
                skipped += 1
                continue
            offered += 1
            yield entry

    stored = memory.store_many(wanted())
    return ImportResult(
        path=name, format=format, read=read, stored=stored, skipped=skipped,
        outdated=offered - stored,
    )  # fmt: skip


def import_xliff(
    memory: TranslationMemory, data: bytes | str, *, name: str = "<xliff>"
) -> ImportResult:
    """Store the human work in a (post-edited) XLIFF file; see the module docstring."""
    segments = read_xliff(data, name)
    known = memory.engine_targets(s.source for s in segments if s.mt is None)
    stamp = now_iso()
    human: list[Entry] = []
    skipped = unchanged = 0
    for segment in segments:
        if not segment.target or not segment.target.strip() or not has_arabic(segment.source):
            skipped += 1
            continue
        if segment.mt is not None:
            produced = {collapse_spaces(strip_invalid_xml(segment.mt))}
        else:
            produced = known.get(memory_key(segment.source), set())
        if _is_human(segment, produced):
            target = collapse_spaces(segment.target)
            human.append(Entry(segment.source, target, "human", engine="xliff", updated=stamp))
        else:
            unchanged += 1
    stored = memory.store_many(human)
    return ImportResult(
        path=name, format="xliff", read=len(segments), stored=stored, unchanged=unchanged,
        skipped=skipped, outdated=len(human) - stored,
    )  # fmt: skip


def _is_human(segment: XliffSegment, produced: set[str]) -> bool:
    """A reviewer's mark, or a target that is not what the engine produced.

    With no record of the engine's output (another tool's file, metadata stripped, an empty
    memory) a translated target is taken as a person's: that is what XLIFF from a CAT tool is.
    """
    if segment.state in ("reviewed", "final"):
        return True
    target = collapse_spaces(strip_invalid_xml(segment.target or ""))
    if produced:
        return target not in produced
    return segment.state == "translated"
