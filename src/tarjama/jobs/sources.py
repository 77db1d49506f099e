"""What a job reads: the files of a tree, or the records of a JSONL, CSV or Parquet corpus.

A directory is a tree: every file in it that is not hidden is one document, and its English
goes to the same path under OUT. A ``.jsonl``/``.ndjson``, ``.csv`` or ``.parquet`` file is a
record corpus: one record is one document, cut into shards of consecutive records, each written
as ``STEM/part-NNNNN.jsonl`` (``.parquet`` for Parquet). Any other file is a tree of one.

Planning touches no model. A record corpus is read once to count and hash its shards; the
manifest remembers each source's size and modification time so that an unchanged corpus is not
read again (see :mod:`tarjama.jobs.plan`).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarjama.errors import ConfigurationError, InputError
from tarjama.jobs.keys import content_hash

__all__ = [
    "RECORD_FORMATS",
    "Record",
    "Shard",
    "SourceFile",
    "check_output",
    "read_shard",
    "record_format",
    "scan_records",
    "walk_sources",
]

RECORD_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}


def record_format(path: Path) -> str:
    """``jsonl``, ``csv`` or ``parquet`` for a record corpus; ``""`` for a document file."""
    return RECORD_FORMATS.get(path.suffix.lower(), "")


@dataclass(frozen=True)
class SourceFile:
    """One input file and the name its output takes under OUT (a tree's relative path, or a
    record corpus's folder)."""

    path: Path
    name: str
    format: str = ""


def walk_sources(sources: tuple[str, ...], output: str | None = None) -> list[SourceFile]:
    """Every input file of the job, in a stable order, with its name under OUT.

    With one source, a tree's files keep their paths relative to it; with several, each is
    under its own folder (its base name), as ``tarjama translate`` does. Two inputs that would
    share an output are refused rather than one silently overwriting the other, and so is an
    ``output`` that :func:`check_output` refuses.
    """
    if not sources:
        raise ConfigurationError(
            "give at least one SOURCE (a folder, or a JSONL, CSV or Parquet file)"
        )
    if output is not None:
        check_output(sources, output)
    many = len(sources) > 1
    files: list[SourceFile] = []
    for source in sources:
        root = Path(source)
        if not root.exists():
            raise InputError(f"{root}: no such file or directory")
        if root.is_dir():
            found = sorted(
                p
                for p in root.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(root).parts)
            )
            for path in found:
                rel = path.relative_to(root).as_posix()
                files.append(SourceFile(path, f"{root.name}/{rel}" if many else rel))
        elif kind := record_format(root):
            files.append(SourceFile(root, root.stem, kind))
        else:
            files.append(SourceFile(root, root.name))
    seen: dict[str, Path] = {}
    for file in files:
        if file.name in seen:
            raise ConfigurationError(
                f"{seen[file.name]} and {file.path} would both be written to {file.name}"
            )
        seen[file.name] = file.path
    return files


def check_output(sources: tuple[str, ...], output: str) -> None:
    """Refuse, before anything is made in it, a job folder inside (or equal to) a source tree,
    whose every run would read the last one's English as input, or one where a document's
    English would overwrite the document itself."""
    out = Path(output).resolve()
    for source in sources:
        root = Path(source).resolve()
        if root.is_dir() and out.is_relative_to(root):
            raise ConfigurationError(
                f"the job folder {output} is inside the source {source}: its English would be "
                "read as input by the next run; choose an -o folder outside it"
            )
        if root.is_file() and not record_format(root) and out / root.name == root:
            raise ConfigurationError(
                f"{source} would be overwritten by its own English; choose another -o folder"
            )


@dataclass(frozen=True)
class Shard:
    """Records ``[start, stop)`` of a corpus; ``offset``/``end`` their bytes in a JSONL file."""

    index: int
    start: int
    stop: int
    offset: int
    end: int
    input_hash: str


@dataclass(frozen=True)
class Record:
    """One record of a shard: its key (the id field's value, else its row number), its fields
    (``None`` for a line that is not a JSON object), and why it cannot be read, if it cannot."""

    key: str
    row: int
    values: dict[str, Any] | None
    error: str = ""


def scan_records(path: Path, format: str, shard_size: int) -> list[Shard]:
    """Cut a corpus into shards of ``shard_size`` records, each hashed by its content."""
    if format == "parquet":
        return _scan_parquet(path, shard_size)
    shards: list[Shard] = []
    chunk: list[bytes] = []
    start = offset = position = 0
    for raw in _raw_records(path, format):
        chunk.append(raw)
        position += len(raw)
        if len(chunk) == shard_size:
            shards.append(_shard(len(shards), start, chunk, offset, position))
            start, offset, chunk = start + len(chunk), position, []
    if chunk:
        shards.append(_shard(len(shards), start, chunk, offset, position))
    return shards


def _shard(index: int, start: int, chunk: list[bytes], offset: int, end: int) -> Shard:
    return Shard(index, start, start + len(chunk), offset, end, content_hash(chunk))


def _raw_records(path: Path, format: str) -> Iterator[bytes]:
    """Each record's bytes: a JSONL line (blank lines are no record but keep their bytes with
    the next one), or a CSV row with its header names, as JSON (quoted newlines make CSV byte
    ranges unsafe, and a renamed column must change every shard)."""
    try:
        if format == "csv":
            with open(path, encoding="utf-8-sig", newline="") as file:
                for row in csv.DictReader(file):
                    yield json.dumps(row, ensure_ascii=False).encode("utf-8")
            return
        pending = b""
        with open(path, "rb") as file:
            for line in file:
                pending += line
                if line.strip():
                    yield pending
                    pending = b""
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc


def _scan_parquet(path: Path, shard_size: int) -> list[Shard]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
    shards: list[Shard] = []
    for index, start in enumerate(range(0, table.num_rows, shard_size)):
        piece = table.slice(start, shard_size)
        sink = io.BytesIO()
        pa.ipc.new_stream(sink, piece.schema).write_table(piece)
        stop = start + piece.num_rows
        shards.append(Shard(index, start, stop, 0, 0, content_hash([sink.getvalue()])))
    return shards


def read_shard(
    path: Path, format: str, start: int, stop: int, offset: int, end: int, id_field: str | None
) -> tuple[list[Record], Any]:
    """The records of one shard, and for Parquet the shard as an Arrow table (which the output
    keeps, so column types survive); records that cannot be read carry their error."""
    if format == "parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path).slice(start, stop - start)
        rows = table.to_pylist()
        return [_record(row, start + i, id_field) for i, row in enumerate(rows)], table
    if format == "csv":
        with open(path, encoding="utf-8-sig", newline="") as file:
            rows = list(itertools.islice(csv.DictReader(file), start, stop))
        return [_record(dict(row), start + i, id_field) for i, row in enumerate(rows)], None
    with open(path, "rb") as file:
        file.seek(offset)
        data = file.read(end - offset)
    records: list[Record] = []
    for i, line in enumerate(raw for raw in data.splitlines() if raw.strip()):
        row = start + i
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            records.append(Record(str(row), row, None, f"line {row + 1} is not JSON ({exc})"))
            continue
        if not isinstance(value, dict):
            records.append(Record(str(row), row, None, f"line {row + 1} is not a JSON object"))
            continue
        records.append(_record(value, row, id_field))
    return records, None


def _record(values: dict[str, Any], row: int, id_field: str | None) -> Record:
    if id_field is None:
        return Record(str(row), row, values)
    key = values.get(id_field)
    if key is None or key == "":
        return Record(str(row), row, values, f"record {row} has no {id_field!r}")
    return Record(str(key), row, values)


def source_stat(path: Path) -> tuple[int, int]:
    """(size, modification time in ns): what tells an unchanged input without reading it."""
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns
