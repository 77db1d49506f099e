"""``empty`` and ``untranslated_arabic``."""

from __future__ import annotations

from typing import Any

from tarjama.checks import EMPTY, UNTRANSLATED_ARABIC, check_segment, check_untranslated


def test_arabic_glued_inside_an_english_word_is_flagged(qwen: dict[int, dict[str, Any]]) -> None:
    line = qwen[434]  # "Loksmبورgh has always tried to be a stable country, …"
    flag = check_untranslated(line["target"])
    assert flag is not None and flag.code == UNTRANSLATED_ARABIC
    assert flag.evidence == ("بور",)
    assert check_untranslated(line["reference"]) is None


def test_arabic_left_at_the_end_of_a_name_is_flagged(qwen: dict[int, dict[str, Any]]) -> None:
    line = qwen[64]  # "Marita Soubliسي"
    flag = check_untranslated(line["target"])
    assert flag is not None and flag.evidence == ("سي",)


def test_kept_arabic_such_as_a_hashtag_is_not_flagged(article: list[tuple[str, str]]) -> None:
    source, english = article[2]
    source += " #أوكرانيا"
    target = english + " #أوكرانيا"
    assert check_untranslated(target) is not None
    assert check_untranslated(target, kept=("#أوكرانيا",)) is None
    codes = [f.code for f in check_segment(source, target, kept=("#أوكرانيا",))]
    assert UNTRANSLATED_ARABIC not in codes


def test_empty_output_for_a_real_source_is_the_only_flag(qwen: dict[int, dict[str, Any]]) -> None:
    source = qwen[100]["source"]  # a sentence with numbers that would otherwise go missing
    for target in ("", "   \n"):
        flags = check_segment(source, target)
        assert [f.code for f in flags] == [EMPTY]
    assert check_segment("", "") == ()
    assert check_segment("  ", "") == ()
