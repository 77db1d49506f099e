"""The simplest exchange format: one pair a line, ``Arabic<TAB>English`` (UTF-8).

For glossary-like lists and quick hand-made memories. Extra columns are ignored; a line with
no tab that starts with ``#`` is a comment; any other line without a tab is an error, because
a silently dropped line is a correction lost.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from tarjama.errors import InputError
from tarjama.memory.records import Entry
from tarjama.memory.xmlutil import read_bytes

__all__ = ["read_tsv"]


def read_tsv(path: str | os.PathLike[str]) -> Iterator[Entry]:
    """The pairs of a TSV file as human entries (a header line is dropped by the importer,
    having no Arabic)."""
    source = Path(path)
    try:
        text = read_bytes(source).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from exc
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        columns = line.split("\t")
        if len(columns) < 2:
            if line.lstrip().startswith("#"):
                continue
            raise InputError(f"{source}, line {number}: expected Arabic<TAB>English, found no tab")
        yield Entry(columns[0].strip(), columns[1].strip(), origin="human", engine="tsv")
