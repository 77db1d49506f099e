"""``length_ratio`` and the engine score: ``normalized_score`` and ``low_score``."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tarjama.checks import (
    LENGTH_RATIO,
    LOW_SCORE,
    LOW_SCORE_THRESHOLD,
    RATIO_BAND,
    check_length,
    check_score,
    check_segment,
    length_ratio,
    normalized_score,
)


@pytest.mark.parametrize(("index", "ratio"), [(11, "2.09"), (110, "0.56")])
def test_real_length_outliers(qwen: dict[int, dict[str, Any]], index: int, ratio: str) -> None:
    line = qwen[index]  # 11: a 7–2 record became a sentence about 1812; 110: half a sentence
    flag = check_length(line["source"], line["target"])
    assert flag is not None and flag.code == LENGTH_RATIO and flag.evidence == (ratio,)
    assert check_length(line["source"], line["reference"]) is None


def test_the_band_is_the_flores_references_band(flores_dev: list[tuple[str, str]]) -> None:
    ratios = sorted(r for a, e in flores_dev if (r := length_ratio(a, e)) is not None)
    low, high = RATIO_BAND
    assert ratios[4] == pytest.approx(low, abs=0.01)  # 0.5th percentile of 997
    assert ratios[-5] == pytest.approx(high, abs=0.01)  # 99.5th
    assert check_length("قال", "He said") is None  # short segments get a few characters' slack


def test_normalized_score_is_the_geometric_mean_token_probability() -> None:
    assert normalized_score(None) is None
    assert normalized_score(math.nan) is None
    assert normalized_score(0.0) == 1.0
    assert normalized_score(0.2) == 1.0  # a positive "log-prob" is clipped
    assert normalized_score(-math.inf) == 0.0
    assert normalized_score(math.log(0.5)) == pytest.approx(0.5)


def test_low_score_uses_the_threshold(qwen: dict[int, dict[str, Any]]) -> None:
    assert check_score(-0.5) is None  # exp(-0.5) = 0.61, a typical Qwen score
    flag = check_score(-1.2)
    assert flag is not None and flag.code == LOW_SCORE and flag.evidence == ("0.30",)
    assert check_score(-1.2, threshold=None) is None
    assert math.log(LOW_SCORE_THRESHOLD) == pytest.approx(-1.05, abs=0.01)
    line = qwen[429]  # a good translation with a good score raises nothing
    assert check_segment(line["source"], line["target"], score=line["score"]) == ()
