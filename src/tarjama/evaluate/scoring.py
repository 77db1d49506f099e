"""Corpus scores with their sacreBLEU signatures (a score without its signature is a rumour)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["fact_flag_rate", "score_corpus", "sentence_chrf_pp"]


def score_corpus(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, Any]:
    """BLEU (13a), chrF and chrF++ of ``hypotheses`` against one reference each."""
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    refs = [list(references)]
    hyps = list(hypotheses)
    results: dict[str, Any] = {}
    for key, metric in (
        ("bleu", BLEU(tokenize="13a")),
        ("chrf", CHRF()),
        ("chrf++", CHRF(word_order=2)),
    ):
        score = metric.corpus_score(hyps, refs)
        results[key] = {
            "score": round(score.score, 2),
            "signature": str(metric.get_signature()),
        }
    return results


def sentence_chrf_pp(hypotheses: Sequence[str], references: Sequence[str]) -> list[float]:
    """Sentence-level chrF++ per segment: BLEU is meaningless per sentence, chrF++ is not."""
    from sacrebleu.metrics.chrf import CHRF

    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    metric = CHRF(word_order=2)
    return [
        round(metric.sentence_score(hyp, [ref]).score, 2)
        for hyp, ref in zip(hypotheses, references, strict=True)
    ]


def fact_flag_rate(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Fact flags (an invented name, a lost or changed number or date …) per 100 segments.

    The figure a lever must not raise: style flags (length, low score) are left out, as the
    pipeline's own :data:`tarjama.checks.FACT_FLAGS` leaves them out.
    """
    from tarjama.checks import FACT_FLAGS

    segments = flags = 0
    for record in records:
        segments += 1
        flags += len(FACT_FLAGS.intersection(record.get("flags") or ()))
    return {
        "flags": sorted(FACT_FLAGS),
        "count": flags,
        "per_100": round(100 * flags / segments, 2) if segments else None,
    }
