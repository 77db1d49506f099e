"""A resumable evaluation run: translate line-aligned Arabic, score it against the English.

Per-segment results are appended to ``segments.jsonl`` as each chunk finishes, so an
interrupted run (a 997-line FLORES pass with a CPU LLM takes an hour) picks up where it stopped.
Everything else (``report.json``, ``report.md``, plots) is derived from those records, so
:func:`write_report` can rebuild it for a folder without translating again.

Record format (one JSON object per line, stable: old folders stay resumable)::

    {"index", "source", "reference", "target", "score", "flags", "seconds"}
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.engines.base import TranslationContext
from tarjama.errors import InputError
from tarjama.evaluate.anchors import ANCHORS
from tarjama.evaluate.datasets import SetInfo, describe_set
from tarjama.evaluate.fidelity import EntityMatcher, default_entity_matcher, fidelity
from tarjama.evaluate.names_recall import name_recall
from tarjama.evaluate.report import machine_info, render_markdown, score_stats, write_plots
from tarjama.evaluate.scoring import fact_flag_rate, score_corpus, sentence_chrf_pp
from tarjama.formats import read_document
from tarjama.translator import Translator

if TYPE_CHECKING:
    from tarjama.retrieval import Retriever

__all__ = ["EvalResult", "evaluate", "load_records", "write_report"]

logger = logging.getLogger(__name__)

_LOWEST = 5


@dataclass(frozen=True)
class EvalResult:
    """Scores with signatures, fidelity figures, and where every output file is."""

    scores: dict[str, Any]
    segments: int
    seconds: float
    model: str
    segments_path: Path
    report_path: Path
    fidelity: dict[str, Any] = field(default_factory=dict)
    set_info: SetInfo | None = None
    engine: str = ""
    segment_scores: dict[str, Any] = field(default_factory=dict)
    lowest: list[dict[str, Any]] = field(default_factory=list)
    run: dict[str, Any] = field(default_factory=dict)
    markdown_path: Path | None = None
    plots: tuple[Path, ...] = ()
    plots_note: str = ""
    names: dict[str, Any] = field(default_factory=dict)
    """Reference name recall (:func:`~tarjama.evaluate.names_recall.name_recall`)."""
    fact_flags: dict[str, Any] = field(default_factory=dict)
    """Fact flags per 100 segments (:func:`~tarjama.evaluate.scoring.fact_flag_rate`)."""
    retrieval: dict[str, Any] = field(default_factory=dict)
    """Retrieved examples: shown or not, and the pool and memory pairs excluded because their
    source is in the set (empty for a folder re-reported from its records)."""

    def summary(self) -> dict[str, Any]:
        """The headline figures and where the full report is: short enough for a terminal."""
        info = self.set_info or describe_set(None)
        numbers = self.fidelity.get("numbers", {})
        entities = self.fidelity.get("entities", {})
        flags = self.fidelity.get("flags", {})
        return {
            "model": self.model,
            "set": info.label or info.name,
            "segments": self.segments,
            "seconds_per_segment": round(self.seconds / max(1, self.segments), 3),
            "scores": {key: value["score"] for key, value in self.scores.items()},
            "numbers_kept": numbers.get("share"),
            "entities_canonical": entities.get("share") if entities.get("available") else "n/a",
            "flags_per_100": flags.get("total_per_100"),
            "fact_flags_per_100": self.fact_flags.get("per_100"),
            "name_recall": self.names.get("share"),
            "names_found": f"{self.names.get('found', 0)}/{self.names.get('names', 0)}",
            "report": str(self.markdown_path or self.report_path),
        }

    def to_dict(self) -> dict[str, Any]:
        """What ``report.json`` holds (the first keys are those of earlier versions)."""
        info = self.set_info or describe_set(None)
        return {
            "model": self.model,
            "segments": self.segments,
            "seconds": round(self.seconds, 1),
            "seconds_per_segment": round(self.seconds / max(1, self.segments), 3),
            "scores": self.scores,
            "segments_path": str(self.segments_path),
            "engine": self.engine,
            "set": info.to_dict(),
            "fidelity": self.fidelity,
            "segment_scores": self.segment_scores,
            "lowest": self.lowest,
            "anchors": [anchor.to_dict() for anchor in ANCHORS],
            "run": self.run,
            "report_path": str(self.report_path),
            "markdown_path": str(self.markdown_path) if self.markdown_path else None,
            "plots": [str(p) for p in self.plots],
            "plots_note": self.plots_note,
            "names": self.names,
            "fact_flags": self.fact_flags,
            "retrieval": self.retrieval,
        }


def _load_done(path: Path) -> dict[int, dict[str, Any]]:
    done: dict[int, dict[str, Any]] = {}
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            done[int(record["index"])] = record
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            continue  # a line cut short by the interruption: redo it
    return done


def load_records(out_dir: Path) -> list[dict[str, Any]]:
    """The per-segment records of a results folder, by index (later duplicates win)."""
    done = _load_done(out_dir / "segments.jsonl")
    return [done[i] for i in sorted(done)]


def _end_cut_line(path: Path) -> None:
    """Close a line cut short by a kill, so the next record does not land on it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        handle.seek(-1, 2)
        last = handle.read(1)
    if last != b"\n":
        with path.open("ab") as handle:
            handle.write(b"\n")


def _check_same_sources(done: Mapping[int, Mapping[str, Any]], sources: Sequence[str]) -> None:
    for index, record in done.items():
        if index < len(sources) and record.get("source") != sources[index]:
            raise InputError(
                f"the results folder holds another set (line {index + 1} differs); "
                "choose another --out folder"
            )


def evaluate(
    translator: Translator,
    sources: Sequence[str],
    references: Sequence[str],
    out_dir: Path,
    *,
    chunk: int = 8,
    on_progress: Callable[[int], None] | None = None,
    set_name: str | None = None,
    entity_matcher: EntityMatcher | None = None,
    plots: bool = True,
) -> EvalResult:
    """Translate ``sources`` line by line (resuming from ``out_dir``), score and report.

    ``set_name`` (``flores-dev`` …) tells the report which benchmark and split this is;
    ``entity_matcher`` defaults to the lexicon's (:func:`default_entity_matcher`), if any.
    Writes ``segments.jsonl``, ``report.json``, ``report.md`` and, with ``plots`` and
    matplotlib, ``scores.png`` and ``length.png``.
    """
    if len(sources) != len(references):
        raise ValueError(f"{len(sources)} sources but {len(references)} references")
    out_dir.mkdir(parents=True, exist_ok=True)
    segments_path = out_dir / "segments.jsonl"
    done = _load_done(segments_path)
    _check_same_sources(done, sources)
    if on_progress is not None:
        on_progress(sum(1 for i in done if i < len(sources)))
    context = TranslationContext(document_context=False)
    # examples and suggestions never come from the set being scored (issue 12)
    retriever = translator.make_retriever(exclude=sources)
    _end_cut_line(segments_path)
    with segments_path.open("a", encoding="utf-8") as sink:
        for start in range(0, len(sources), chunk):
            todo = [i for i in range(start, min(start + chunk, len(sources))) if i not in done]
            if not todo:
                continue
            document = read_document("\n".join(sources[i] for i in todo), "lines")
            began = time.perf_counter()
            result = translator.translate_document(document, context=context, retriever=retriever)
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
    engine = translator.engine
    return write_report(
        out_dir,
        [done[i] for i in range(len(sources))],
        model=engine.model_id,
        engine=str(getattr(engine, "name", "")),
        set_name=set_name,
        entity_matcher=entity_matcher,
        plots=plots,
        retrieval=_retrieval_summary(retriever),
    )


def _retrieval_summary(retriever: Retriever | None) -> dict[str, Any]:
    """What the report says of retrieved examples: whether there were any, and how many pairs
    of the pool and the memory were left out because their source is in the set."""
    if retriever is None:
        return {"examples": False, "excluded_pool": 0, "excluded_memory": 0}
    return {
        "examples": retriever.k > 0,
        "excluded_pool": retriever.excluded_pool,
        "excluded_memory": retriever.excluded_memory,
    }


def write_report(
    out_dir: Path,
    records: Sequence[Mapping[str, Any]],
    *,
    model: str,
    engine: str = "",
    set_name: str | None = None,
    entity_matcher: EntityMatcher | None = None,
    plots: bool = True,
    retrieval: Mapping[str, Any] | None = None,
) -> EvalResult:
    """Score ``records`` and write ``report.json``, ``report.md`` and the plots to ``out_dir``.

    Needs nothing but the records, so a finished or interrupted folder can be re-reported
    (``write_report(d, load_records(d), model=…)``) without translating again. Raises
    :class:`InputError` when there is nothing to score.
    """
    if not records:
        raise InputError("no segments to score")
    targets = [str(r["target"]) for r in records]
    references = [str(r["reference"]) for r in records]
    scores = score_corpus(targets, references)
    chrf_pp = sentence_chrf_pp(targets, references)
    matcher = entity_matcher if entity_matcher is not None else default_entity_matcher()
    plot_paths: list[Path] = []
    plots_note = "" if plots else "not requested"
    if plots:
        try:
            plot_paths = write_plots(records, chrf_pp, out_dir)
        except ImportError:
            plots_note = "matplotlib is not installed (pip install 'tarjama[eval]')"
            logger.warning("no plots: %s", plots_note)
    order = sorted(range(len(records)), key=lambda i: (chrf_pp[i], i))[:_LOWEST]
    result = EvalResult(
        scores=scores,
        segments=len(records),
        seconds=sum(float(r.get("seconds") or 0.0) for r in records),
        model=model,
        segments_path=out_dir / "segments.jsonl",
        report_path=out_dir / "report.json",
        fidelity=fidelity(records, matcher),
        set_info=describe_set(set_name),
        engine=engine,
        segment_scores={
            "chrf++": score_stats(chrf_pp),
            "model": score_stats([r.get("score") for r in records]),
        },
        lowest=[
            {
                "index": records[i].get("index", i),
                "chrf++": chrf_pp[i],
                "flags": list(records[i].get("flags") or ()),
                "source_chars": len(str(records[i].get("source", ""))),
                "reference": references[i],
                "target": targets[i],
            }
            for i in order
        ],
        run=machine_info(),
        markdown_path=out_dir / "report.md",
        plots=tuple(plot_paths),
        plots_note=plots_note,
        names=name_recall(records),
        fact_flags=fact_flag_rate(records),
        retrieval=dict(retrieval or {}),
    )
    report = result.to_dict()
    result.report_path.write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if result.markdown_path is not None:
        result.markdown_path.write_text(render_markdown(report), encoding="utf-8")
    return result


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None
