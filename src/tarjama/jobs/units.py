"""The plain, picklable data a corpus job passes around: what the job is, what one unit of work
is, and what came of it.

A unit is what is committed at once: one file of a tree, or one shard of a record corpus (a run
of consecutive records). Its ``key`` is also its output path under OUT, so it is unique and
deterministic: a rerun, another worker process or a Ray actor that does the same unit writes the
same file, never a second one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["DocumentFailure", "JobSpec", "Unit", "UnitOutcome"]

UnitKind = Literal["file", "shard"]


@dataclass(frozen=True)
class JobSpec:
    """Everything a job's command line says, in the form workers and Ray actors receive it.

    The layout (sources, fields, id field, replace, shard size) fixes which units exist and
    where their outputs go, so a job folder holds one layout for good; the model, decoding and
    glossaries may change between runs and redo the units they affect.
    """

    sources: tuple[str, ...]
    output: str
    model: str | None = None
    beam: int | None = None
    threads: int | None = None
    fields: tuple[str, ...] = ()
    id_field: str | None = None
    replace: bool = False
    glossaries: tuple[str, ...] = ()
    shard_size: int = 1000
    max_attempts: int = 3
    batch_documents: int = 64
    """Documents (files, or records) whose segments go to the engine in one call."""

    def layout(self) -> dict[str, Any]:
        """What must stay the same for the units of an earlier run to stay meaningful."""
        return {
            "sources": list(self.sources),
            "fields": list(self.fields),
            "id_field": self.id_field,
            "replace": self.replace,
            "shard_size": self.shard_size,
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobSpec:
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items()
        }
        return cls(**values)


@dataclass(frozen=True)
class Unit:
    """One unit of work: a file of a tree, or records ``[start, stop)`` of a record corpus.

    ``key`` is the output path relative to OUT (``world/a.md``, ``news/part-00003.jsonl``);
    ``source`` the input file; ``format`` the record format (``jsonl``, ``csv``, ``parquet``)
    or ``""`` for a file of a tree; ``start``/``stop`` the shard's record numbers and
    ``offset``/``end`` its bytes in a JSONL file (0, 0 elsewhere). ``input_hash`` names the
    unit's input content, so a changed input is redone and an unchanged one never.
    """

    key: str
    kind: UnitKind
    source: str
    format: str = ""
    start: int = 0
    stop: int = 0
    offset: int = 0
    end: int = 0
    input_hash: str = ""

    @property
    def documents(self) -> int:
        """How many documents the unit holds (a shard's records; a file is one)."""
        return self.stop - self.start if self.kind == "shard" else 1


@dataclass(frozen=True)
class DocumentFailure:
    """A document that could not be translated: which, what kind of error, and why."""

    document: str
    kind: str
    message: str


@dataclass(frozen=True)
class UnitOutcome:
    """What processing a unit produced: its output bytes (``None`` when the unit as a whole
    failed), its failed documents, and counts for the progress display and the manifest."""

    unit: Unit
    data: bytes | None
    failures: tuple[DocumentFailure, ...] = ()
    documents: int = 0
    segments: int = 0
    engine_segments: int = 0
    seconds: float = 0.0
    glossary_digest: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return self.data is not None
