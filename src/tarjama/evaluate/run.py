"""A resumable evaluation run: translate line-aligned Arabic, score it against the English.

Per-segment results are appended to ``segments.jsonl`` as each chunk finishes, so an
interrupted run (a 997-line FLORES pass with a CPU LLM takes an hour) picks up where it stopped.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarjama.engines.base import TranslationContext
from tarjama.evaluate.scoring import score_corpus
from tarjama.formats import read_document
from tarjama.translator import Translator

__all__ = ["EvalResult", "evaluate"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvalResult:
    """Scores with signatures, and where the per-segment results and the report are."""

    scores: dict[str, Any]
    segments: int
    seconds: float
    model: str
    segments_path: Path
    report_path: Path

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "segments": self.segments,
            "seconds": round(self.seconds, 1),
            "seconds_per_segment": round(self.seconds / max(1, self.segments), 3),
            "scores": self.scores,
            "segments_path": str(self.segments_path),
        }


def _load_done(path: Path) -> dict[int, dict[str, Any]]:
    done: dict[int, dict[str, Any]] = {}
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by the interruption: redo it
        done[int(record["index"])] = record
    return done


def evaluate(
    translator: Translator,
    sources: Sequence[str],
    references: Sequence[str],
    out_dir: Path,
    *,
    chunk: int = 8,
    on_progress: Callable[[int], None] | None = None,
) -> EvalResult:
    """Translate ``sources`` line by line (resuming from ``out_dir``) and score the result."""
    if len(sources) != len(references):
        raise ValueError(f"{len(sources)} sources but {len(references)} references")
    out_dir.mkdir(parents=True, exist_ok=True)
    segments_path = out_dir / "segments.jsonl"
    done = _load_done(segments_path)
    if on_progress is not None:
        on_progress(len(done))
    context = TranslationContext(document_context=False)
    with segments_path.open("a", encoding="utf-8") as sink:
        for start in range(0, len(sources), chunk):
            todo = [i for i in range(start, min(start + chunk, len(sources))) if i not in done]
            if not todo:
                continue
            document = read_document("\n".join(sources[i] for i in todo), "lines")
            began = time.perf_counter()
            result = translator.translate_document(document, context=context)
            elapsed = time.perf_counter() - began
            by_block: dict[str, list[Any]] = {}
            for t in result.translations:
                by_block.setdefault(t.block_id, []).append(t)
            for block, index in zip(document.blocks, todo, strict=True):
                parts = by_block.get(block.id, [])
                record = {
                    "index": index,
                    "source": sources[index],
                    "reference": references[index],
                    "target": " ".join(t.target for t in parts),
                    "score": _mean([t.score for t in parts]),
                    "flags": sorted({f for t in parts for f in t.flags}),
                    "seconds": round(elapsed / len(todo), 3),
                }
                done[index] = record
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            sink.flush()
            if on_progress is not None:
                on_progress(len(todo))
    records = [done[i] for i in range(len(sources))]
    scores = score_corpus([r["target"] for r in records], list(references))
    seconds = sum(float(r["seconds"]) for r in records)
    model = translator.engine.model_id
    report_path = out_dir / "report.json"
    result = EvalResult(scores, len(records), seconds, model, segments_path, report_path)
    report_path.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return result


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None
