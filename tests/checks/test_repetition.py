"""``repetition``: decoding loops, not ordinary repeated words."""

from __future__ import annotations

from typing import Any

import pytest

from tarjama.checks import REPETITION, check_repetition, repeated_phrase


def test_a_real_loop_is_flagged(qwen: dict[int, dict[str, Any]]) -> None:
    line = qwen[484]  # "… a spiritual experience of the sublime, a spiritual experience of …"
    flag = check_repetition(line["source"], line["target"])
    assert flag is not None and flag.code == REPETITION
    assert flag.evidence == ("a spiritual experience of",)
    assert check_repetition(line["source"], line["reference"]) is None


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("The talks the talks the talks the talks continued.", "the talks"),
        ("Israel said no no no no to the offer.", "no"),
        (
            "The minister resigned on Monday. The minister resigned on Monday.",
            "the minister resigned on monday",
        ),
    ],
)
def test_loops_of_every_shape(text: str, phrase: str) -> None:
    assert repeated_phrase(text) == phrase


def test_a_source_that_repeats_itself_excuses_the_english() -> None:
    assert check_repetition("هتفوا: لا لا لا للحرب", "They chanted: no, no, no, no to war") is None
    assert check_repetition("هتفوا ضد الحرب", "They chanted: no, no, no, no to war") is not None


def test_ordinary_repetition_is_not_a_loop(qwen: dict[int, dict[str, Any]]) -> None:
    for line in qwen.values():
        assert repeated_phrase(line["reference"]) is None
    assert repeated_phrase("He said that that was that.") is None
