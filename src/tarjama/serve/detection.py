"""Language detection for ``/detect`` and ``source=auto``: Arabic or English, by script.

tarjama translates Arabic only, so telling Arabic from English is all a client needs; counting
letters by script (:mod:`tarjama.text.detect`) does that without a model.
"""

from __future__ import annotations

from tarjama.text import arabic_ratio, looks_english

__all__ = ["detect_languages"]


def detect_languages(text: str) -> list[dict[str, float | str]]:
    """Candidates as LibreTranslate lists them: ``[{"confidence": 0-100, "language": …}]``."""
    arabic = round(arabic_ratio(text) * 100, 1)
    english = round(100 - arabic, 1) if looks_english(text) or not arabic else 0.0
    candidates: list[dict[str, float | str]] = [{"confidence": arabic, "language": "ar"}]
    if english:
        candidates.append({"confidence": english, "language": "en"})
    return sorted(candidates, key=lambda c: -float(c["confidence"]))
