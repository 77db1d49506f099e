"""The engine's own confidence, on a scale people can read.

Engines report the mean log-probability of the tokens they wrote (≤ 0; CTranslate2,
llama.cpp and OpenAI-compatible servers all can). :func:`normalized_score` maps it to 0..1 as
``exp(mean log-prob)``: the geometric mean of the token probabilities, so 1.0 is certain,
0.5 is "each token a coin toss between two". It is comparable across segments of one model,
not across models.

``low_score`` is raised below :data:`LOW_SCORE_THRESHOLD` (0.35, mean log-prob ≈ −1.05): about the
1st percentile of Qwen2.5-1.5B-Instruct (Q4) on FLORES dev, whose scores have a median of
0.59.
"""

from __future__ import annotations

import math

from tarjama.checks._flag import LOW_SCORE, Flag

__all__ = ["LOW_SCORE_THRESHOLD", "check_score", "normalized_score"]

#: Normalised scores below this raise ``low_score``.
LOW_SCORE_THRESHOLD = 0.35


def normalized_score(mean_logprob: float | None) -> float | None:
    """``exp(mean log-prob)`` clipped to 0..1; ``None`` for no score or a non-finite one."""
    if mean_logprob is None or math.isnan(mean_logprob):
        return None
    if mean_logprob == -math.inf:
        return 0.0
    return min(1.0, math.exp(min(0.0, mean_logprob)))


def check_score(score: float | None, threshold: float | None = LOW_SCORE_THRESHOLD) -> Flag | None:
    """``low_score``: the engine's own normalised score (from a mean log-prob) is very low."""
    normalized = normalized_score(score)
    if normalized is None or threshold is None or normalized >= threshold:
        return None
    return Flag(
        LOW_SCORE,
        f"engine confidence {normalized:.2f} (below {threshold:.2f})",
        (f"{normalized:.2f}",),
    )
