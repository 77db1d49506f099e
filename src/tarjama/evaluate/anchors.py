"""Published scores to set ours beside, each with where it comes from.

All are Arabic → English on FLORES-200 **devtest** (1012 sentences), scored with sacreBLEU
(BLEU 13a, chrF, chrF++) by the OPUS-MT leaderboard, which evaluates its own models and
Meta's NLLB-200 / M2M-100 the same way. Our shared set is FLORES-200 *dev*: the report says so
beside every comparison.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["ANCHORS", "LEADERBOARD_URL", "Anchor"]

LEADERBOARD_URL = "https://github.com/Helsinki-NLP/OPUS-MT-leaderboard"


@dataclass(frozen=True)
class Anchor:
    """One published result: the system, its scores (``None`` = not published), its source."""

    system: str
    bleu: float | None
    chrf: float | None
    chrf_pp: float | None
    source: str
    url: str
    where: str = ""
    benchmark: str = "FLORES-200"
    split: str = "devtest"
    direction: str = "ara_Arab→eng_Latn"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


ANCHORS: tuple[Anchor, ...] = (
    Anchor(
        "opus-mt-tc-big-ar-en", 42.8, 67.2, 65.4, "OPUS-MT leaderboard", LEADERBOARD_URL,
        "scores/ara-eng/flores200-devtest",
    ),
    Anchor(
        "NLLB-200 3.3B", 41.3, 66.1, 64.3, "OPUS-MT leaderboard", LEADERBOARD_URL,
        "models/facebook/nllb-200-3.3B",
    ),
    Anchor(
        "NLLB-200 distilled-600M", 37.4, 63.0, 61.2, "OPUS-MT leaderboard", LEADERBOARD_URL,
        "models/facebook/nllb-200-distilled-600M",
    ),
    Anchor(
        "M2M-100 1.2B", 29.6, 56.3, None, "OPUS-MT leaderboard", LEADERBOARD_URL,
        "models/facebook/m2m100_1.2B",
    ),
)  # fmt: skip
