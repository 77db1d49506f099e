"""Corpus scores with their sacreBLEU signatures (a score without its signature is a rumour)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["score_corpus", "sentence_chrf_pp"]


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
