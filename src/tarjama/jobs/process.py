"""The work itself, a pure function: units in, outcomes (output bytes and failures) out.

``process(units, translator, spec, glossary)`` reads the units' documents, translates them
through the pipeline (a sentence engine gets every fresh segment of the batch in one call; a
chat engine one document at a time, several at a time if it declares ``parallel``), and renders
each unit's output; it writes nothing and touches no manifest, so the local runner, its worker
processes and a Ray actor all call it the same way and commit its outcomes themselves
(:func:`tarjama.jobs.outputs.commit`).

A bad document (binary, malformed, empty, too long) is an outcome with its error, never an
exception: the rest of its batch goes on. An engine failure on the batch is retried document
by document, so one document the engine chokes on fails alone (and a bug met outside the
engine, unit by unit: :func:`process_safely`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.errors import (
    ConfigurationError,
    EngineError,
    InputError,
    ModelError,
    StorageError,
    TarjamaError,
)
from tarjama.formats import read_document_bytes
from tarjama.formats.registry import format_for_name
from tarjama.jobs.keys import glossary_digest
from tarjama.jobs.outputs import render_shard
from tarjama.jobs.sources import Record, read_shard
from tarjama.jobs.units import DocumentFailure, JobSpec, Unit, UnitOutcome

if TYPE_CHECKING:
    from tarjama.document import Document
    from tarjama.pipeline import TranslatedDocument
    from tarjama.terms import Glossary
    from tarjama.translator import Translator

__all__ = ["error_kind", "process", "process_safely", "unit_texts"]

logger = logging.getLogger(__name__)


def error_kind(exc: BaseException) -> str:
    """The word a failure is grouped under in summaries."""
    if isinstance(exc, InputError):
        return "input"
    if isinstance(exc, EngineError):
        return "engine"
    if isinstance(exc, ConfigurationError):
        return "configuration"
    if isinstance(exc, TarjamaError):
        return type(exc).__name__
    return "internal"


@dataclass
class _Loaded:
    """A unit's documents as read: (name, document) to translate, failures, shard records."""

    unit: Unit
    documents: list[tuple[str, Document]]
    failures: list[DocumentFailure]
    records: list[Record]
    table: Any = None
    error: DocumentFailure | None = None
    failed_rows: set[int] = field(default_factory=set)


def process(
    units: Sequence[Unit],
    translator: Translator,
    spec: JobSpec,
    glossary: Glossary | None = None,
) -> list[UnitOutcome]:
    """Translate ``units`` and return one outcome each, in order (see the module docstring)."""
    started = time.perf_counter()
    loaded = [_load(unit, spec, translator.max_input_bytes) for unit in units]
    documents = [document for item in loaded for _, document in item.documents]
    results = _translate(documents, translator, glossary)
    seconds = (time.perf_counter() - started) / max(len(units), 1)
    outcomes: list[UnitOutcome] = []
    position = 0
    for item in loaded:
        mine = results[position : position + len(item.documents)]
        position += len(item.documents)
        outcomes.append(_outcome(item, mine, spec, glossary, seconds))
    return outcomes


def unit_texts(unit: Unit, spec: JobSpec, max_bytes: int = 0) -> list[str]:
    """The Arabic a unit holds (its blocks), which a glossary change is matched against."""
    item = _load(unit, spec, max_bytes)
    return [block.text for _, document in item.documents for block in document.blocks]


def _load(unit: Unit, spec: JobSpec, max_bytes: int) -> _Loaded:
    if unit.kind == "file":
        path = Path(unit.source)
        try:
            document = _read_file(path, spec, max_bytes)
        except TarjamaError as exc:
            return _Loaded(
                unit, [], [], [], error=DocumentFailure(unit.key, error_kind(exc), str(exc))
            )
        except OSError as exc:
            failure = DocumentFailure(unit.key, "input", f"{path}: cannot read ({exc.strerror})")
            return _Loaded(unit, [], [], [], error=failure)
        return _Loaded(unit, [(unit.key, document)], [], [])
    try:
        records, table = read_shard(
            Path(unit.source), unit.format, unit.start, unit.stop, unit.offset, unit.end,
            spec.id_field,
        )  # fmt: skip
    except (OSError, ValueError) as exc:
        failure = DocumentFailure(unit.key, "input", f"{unit.source}: cannot read ({exc})")
        return _Loaded(unit, [], [], [], error=failure)
    documents: list[tuple[str, Document]] = []
    failures: list[DocumentFailure] = []
    failed_rows: set[int] = set()
    for record in records:
        if record.error or record.values is None:
            failures.append(DocumentFailure(record.key, "input", record.error))
            failed_rows.add(record.row)
            continue
        for name in spec.fields:
            try:
                text = _field_text(record, name)
                data = text.encode("utf-8")
                if max_bytes and len(data) > max_bytes:
                    raise InputError(
                        f"{name!r} is larger than the {max_bytes / 1e6:.1f} MB input limit"
                    )
                document = read_document_bytes(data, "text", name=f"{record.key}:{name}")
            except InputError as exc:
                failures.append(DocumentFailure(record.key, "input", f"{name}: {exc}"))
                failed_rows.add(record.row)
                break
            documents.append((f"{record.row}\t{name}", document))
    documents = [(name, d) for name, d in documents if int(name.split("\t")[0]) not in failed_rows]
    return _Loaded(unit, documents, failures, records, table, failed_rows=failed_rows)


def _read_file(path: Path, spec: JobSpec, max_bytes: int) -> Document:
    from tarjama.translator import load_document

    spec_format = format_for_name(path.name)
    fields = (
        spec.fields if spec_format is not None and spec_format.name in ("json", "jsonl") else ()
    )
    return load_document(path, fields=fields, max_bytes=max_bytes)


def _field_text(record: Record, name: str) -> str:
    assert record.values is not None
    if name not in record.values:
        raise InputError(f"record {record.key} has no field {name!r}")
    value = record.values[name]
    if not isinstance(value, str):
        raise InputError(f"record {record.key}: {name!r} is not text")
    return value


def _translate(
    documents: list[Document], translator: Translator, glossary: Glossary | None
) -> list[TranslatedDocument | BaseException]:
    """Every document's translation; a document the engine fails on fails alone.

    A sentence engine (``capabilities.batchable``) gets the fresh segments of all the documents
    in one call (:func:`~tarjama.pipeline.translate_documents`); if that call fails they are
    done again one by one. An engine that serves several calls at once with profit
    (``capabilities.parallel``: a chat model behind an HTTP server that batches) is given that
    many documents at a time.
    """
    from tarjama.engines.base import capabilities_of
    from tarjama.pipeline import translate_document, translate_documents

    capabilities = capabilities_of(translator.engine)
    if capabilities.batchable and len(documents) > 1:
        try:
            return list(translate_documents(documents, translator.engine, glossary=glossary))
        except (TarjamaError, ValueError) as exc:
            logger.info("a batch of %d documents failed (%s); one by one", len(documents), exc)

    def one(document: Document) -> TranslatedDocument | BaseException:
        try:
            return translate_document(document, translator.engine, glossary=glossary)
        except (TarjamaError, ValueError) as exc:
            return exc

    parallel = min(capabilities.parallel, len(documents))
    if parallel <= 1:
        return [one(document) for document in documents]
    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(one, documents))


def _outcome(
    item: _Loaded,
    results: Sequence[TranslatedDocument | BaseException],
    spec: JobSpec,
    glossary: Glossary | None,
    seconds: float,
) -> UnitOutcome:
    unit = item.unit
    if item.error is not None:
        return UnitOutcome(unit, None, (item.error,), unit.documents, seconds=seconds)
    failures = list(item.failures)
    failed_rows = set(item.failed_rows)
    keys = {record.row: record.key for record in item.records}
    english: dict[tuple[int, str], str] = {}
    translated: list[TranslatedDocument] = []
    for (name, _), result in zip(item.documents, results, strict=True):
        if unit.kind == "file":
            if isinstance(result, BaseException):
                failures.append(DocumentFailure(name, error_kind(result), str(result)))
            else:
                translated.append(result)
            continue
        row_text, column = name.split("\t", 1)
        row = int(row_text)
        if isinstance(result, BaseException):
            if row not in failed_rows:
                failures.append(DocumentFailure(keys[row], error_kind(result), str(result)))
            failed_rows.add(row)
            continue
        translated.append(result)
        english[(row, column)] = result.output
    segments = sum(len(t.translations) for t in translated)
    fresh = sum(int(t.meta.get("engine_segments", 0)) for t in translated)
    texts = [b.text for _, document in item.documents for b in document.blocks]
    digest = glossary_digest(texts, glossary)
    if unit.kind == "file":
        if failures:
            return UnitOutcome(unit, None, tuple(failures), 1, seconds=seconds)
        data = translated[0].output_bytes
    else:
        data = render_shard(item.records, item.table, english, failed_rows, spec)
    return UnitOutcome(
        unit, data, tuple(failures), unit.documents, segments, fresh, seconds, digest
    )


def process_safely(
    units: Sequence[Unit],
    translator: Translator,
    spec: JobSpec,
    glossary: Glossary | None = None,
) -> list[UnitOutcome]:
    """:func:`process`, except that a bug met on the way fails only the unit it was met in
    (the batch is done again unit by unit) instead of stopping a job of days."""
    try:
        return process(units, translator, spec, glossary)
    except (ModelError, StorageError):  # the job's trouble, not a unit's: stop
        raise
    except Exception as exc:
        if len(units) == 1:
            logger.exception("unit %s failed", units[0].key)
            failure = DocumentFailure(units[0].key, error_kind(exc), str(exc) or repr(exc))
            return [UnitOutcome(units[0], None, (failure,), units[0].documents)]
    return [
        outcome for unit in units for outcome in process_safely([unit], translator, spec, glossary)
    ]
