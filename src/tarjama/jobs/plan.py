"""Which units a run must do: ``plan(spec, manifest, settings_hash, glossary) -> pending units``.

Every source is listed (its files, or its record shards), each unit's input hashed, and the
result compared with the manifest: a new unit, a changed input, changed settings, a ``done``
unit whose output is gone, or a glossary change in a term the unit's text holds makes the unit
pending; everything else stays as it was, so a rerun after success plans nothing. A unit still
to do is read from where its input is now, never from where an earlier run found it. A source
whose size and modification time are those the manifest recorded is not read again.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from tarjama import atomic
from tarjama.jobs.keys import file_hash, glossary_digest
from tarjama.jobs.manifest import Manifest
from tarjama.jobs.outputs import output_path, shard_key
from tarjama.jobs.process import unit_texts
from tarjama.jobs.sources import Shard, SourceFile, scan_records, source_stat, walk_sources
from tarjama.jobs.units import JobSpec, Unit

if TYPE_CHECKING:
    from tarjama.terms import Glossary

__all__ = ["list_units", "plan"]

logger = logging.getLogger(__name__)


def list_units(spec: JobSpec, manifest: Manifest) -> list[Unit]:
    """Every unit of the job, in order, with its input hash (remembered per source)."""
    facts = manifest.source_facts()
    fresh: list[tuple[str, int, int, Any]] = []
    units: list[Unit] = []
    for source in walk_sources(spec.sources, spec.output):
        size, mtime = source_stat(source.path)
        known = facts.get(str(source.path))
        same = known is not None and known[:2] == (size, mtime)
        if source.format:
            value = known[2] if same and known is not None else None
            if value is None or value.get("shard_size") != spec.shard_size:
                shards = scan_records(source.path, source.format, spec.shard_size)
                value = {"shard_size": spec.shard_size, "shards": [asdict(s) for s in shards]}
                fresh.append((str(source.path), size, mtime, value))
            units += _shard_units(source, [Shard(**s) for s in value["shards"]])
        else:
            digest = known[2] if same and known is not None else None
            if not isinstance(digest, str):
                digest = file_hash(source.path)
                fresh.append((str(source.path), size, mtime, digest))
            units.append(Unit(source.name, "file", str(source.path), input_hash=digest))
    manifest.remember_sources(fresh)
    return units


def _shard_units(source: SourceFile, shards: list[Shard]) -> list[Unit]:
    return [
        Unit(
            shard_key(source.name, source.format, shard.index),
            "shard",
            str(source.path),
            source.format,
            shard.start,
            shard.stop,
            shard.offset,
            shard.end,
            shard.input_hash,
        )
        for shard in shards
    ]


def plan(
    spec: JobSpec,
    manifest: Manifest,
    settings_hash: str,
    glossary: Glossary | None = None,
    *,
    max_bytes: int = 0,
) -> list[Unit]:
    """Bring the manifest up to date with the sources and return the units to do, in order."""
    units = list_units(spec, manifest)
    states = manifest.states()
    version = glossary.version if glossary is not None else ""
    redo: list[str] = []
    keep: list[tuple[str, str]] = []
    for unit in units:
        state = states.get(unit.key)
        if state is None:
            continue
        changed = state.input_hash != unit.input_hash
        if state.status in ("pending", "running"):
            if changed:  # a new input is a new document: its old attempts do not count
                redo.append(unit.key)
            continue
        changed = changed or state.settings_hash != settings_hash
        lost = state.status == "done" and not output_path(spec.output, unit).is_file()
        if changed or lost:
            redo.append(unit.key)
        elif state.glossary_version != version:
            digest = glossary_digest(unit_texts(unit, spec, max_bytes), glossary)
            if digest == state.glossary_digest:
                keep.append((unit.key, version))
            else:
                redo.append(unit.key)
    manifest.sync(units, redo, keep)
    pending = manifest.pending()
    for folder in {output_path(spec.output, unit).parent for unit in pending}:
        atomic.remove_stale(folder)  # temporaries of a killed run
    logger.info("%d units, %d to do (%d redone)", len(units), len(pending), len(redo))
    return pending
