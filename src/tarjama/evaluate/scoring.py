"""Corpus scores with their sacreBLEU signatures (a score without its signature is a rumour)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["score_corpus"]


def score_corpus(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, Any]:
    """BLEU (13a), chrF and chrF++ of ``hypotheses`` against one reference each."""
    from sacrebleu.metrics import BLEU, CHRF

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
