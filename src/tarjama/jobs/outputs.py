"""Where a unit's English goes, and the commit protocol that makes a job exactly-once.

Outputs mirror the inputs: a file of a tree is written to the same relative path under OUT; a
shard of a record corpus to ``STEM/part-NNNNN.jsonl`` (``.parquet`` from Parquet), every record
in its input order with the English of each ``--field F`` in ``F_en`` (or in ``F`` itself with
``--replace``; ``F_en`` is ``null`` for a record that failed, which the manifest lists).

Commit = the output file written atomically (temporary beside it, fsync, rename, fsync the
folder: :mod:`tarjama.atomic`), THEN the unit's manifest row. A kill between the two leaves a
file whose row still says pending: the rerun writes the same bytes over it. A kill before the
rename leaves a hidden temporary that :func:`tarjama.atomic.remove_stale` clears. So nothing is
lost, nothing is written twice, and the outputs are those of a run that was never interrupted.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama import atomic
from tarjama.jobs.units import JobSpec, Unit, UnitOutcome

if TYPE_CHECKING:
    from tarjama.jobs.manifest import Manifest
    from tarjama.jobs.sources import Record

__all__ = ["commit", "output_path", "render_shard", "shard_key"]


def shard_key(name: str, format: str, index: int) -> str:
    """The deterministic output name of a shard: the same input and index, the same file."""
    suffix = "parquet" if format == "parquet" else "jsonl"
    return f"{name}/part-{index:05d}.{suffix}"


def output_path(out: str | Path, unit: Unit) -> Path:
    return Path(out) / unit.key


def render_shard(
    records: list[Record],
    table: Any,
    english: Mapping[tuple[int, str], str],
    failed_rows: set[int],
    spec: JobSpec,
) -> bytes:
    """A shard's output file: every readable record in order, with its English added."""
    if table is not None:
        return _parquet(table, records, english, failed_rows, spec)
    lines: list[str] = []
    for record in records:
        if record.values is None:  # not a JSON object: nothing to pass through
            continue
        values = dict(record.values)
        for field in spec.fields:
            target = None if record.row in failed_rows else english.get((record.row, field))
            if spec.replace:
                if target is not None:
                    values[field] = target
            else:
                values[f"{field}_en"] = target
        lines.append(json.dumps(values, ensure_ascii=False) + "\n")
    return "".join(lines).encode("utf-8")


def _parquet(
    table: Any,
    records: list[Record],
    english: Mapping[tuple[int, str], str],
    failed_rows: set[int],
    spec: JobSpec,
) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for field in spec.fields:
        column = [None if r.row in failed_rows else english.get((r.row, field)) for r in records]
        if spec.replace:
            index = table.schema.get_field_index(field)
            kept = table.column(index).to_pylist()
            merged = [
                new if new is not None else old for new, old in zip(column, kept, strict=True)
            ]
            table = table.set_column(index, field, pa.array(merged, pa.string()))
        else:
            table = table.append_column(f"{field}_en", pa.array(column, pa.string()))
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def commit(
    outcome: UnitOutcome,
    out: str | Path,
    manifest: Manifest,
    settings_hash: str,
    glossary_version: str,
) -> None:
    """Output file first (atomically), manifest row second: see the module docstring."""
    if outcome.data is not None:
        atomic.write_bytes(output_path(out, outcome.unit), outcome.data)
    manifest.record(outcome, settings_hash, glossary_version)
