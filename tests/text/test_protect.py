from __future__ import annotations

import itertools
import time

import pytest

from tarjama.document import ProtectedSpan
from tarjama.text import DEFAULT_PLACEHOLDER, find_spans, mask, restore, unkept_spans


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(span.kind, span.text) for span in find_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "تابعوا @AlJazeera و#غزة و #غزة_تحت_القصف "
            "على https://x.com/a?b=1 أو www.bbc.co.uk/news.",
            [
                ("handle", "@AlJazeera"),
                ("hashtag", "#غزة"),
                ("hashtag", "#غزة_تحت_القصف"),
                ("url", "https://x.com/a?b=1"),
                ("url", "www.bbc.co.uk/news"),
            ],
        ),
        (
            "راسلونا على news@example.com. أو زوروا bbc.com",
            [("email", "news@example.com"), ("url", "bbc.com")],
        ),
        (
            "ارتفع السهم ٣٫٥٪ إلى ١٬٢٠٠ دولار في 2024، بحسب Reuters و COVID-19 و iPhone 15 Pro.",
            [
                ("number", "٣٫٥٪"),
                ("number", "١٬٢٠٠"),
                ("number", "2024"),
                ("latin", "Reuters"),
                ("latin", "COVID-19"),
                ("latin", "iPhone 15 Pro"),
            ],
        ),
        (
            "قطع 5 كم أو 20 km بسعر $5 أو 10-15 دولاراً عند 9:30 "
            "يوم 20/09/2024، بـ2,220 و2,207 نقطة و-3 درجات",
            [
                ("number", "5"),
                ("number", "20"),
                ("latin", "km"),
                ("number", "$5"),
                ("number", "10-15"),
                ("number", "9:30"),
                ("number", "20/09/2024"),
                ("number", "2,220"),
                ("number", "2,207"),
                ("number", "3"),
            ],
        ),
        ("انخفضت 3% و 4 % و-2.5", [("number", "3%"), ("number", "4 %"), ("number", "2.5")]),
        ("الدرجة -3 و (+5)", [("number", "-3"), ("number", "+5")]),
        (
            "AT&T و Johnson & Johnson و C++ و 4G و F-16",
            [
                ("latin", "AT&T"),
                ("latin", "Johnson & Johnson"),
                ("latin", "C++"),
                ("latin", "4G"),
                ("latin", "F-16"),
            ],
        ),
        ("لا شيء هنا، فقط كلمات عربية.", []),
    ],
)
def test_find_spans(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds_and_texts(text) == expected


def test_spans_are_sorted_non_overlapping_and_exact(flores_ar: list[str]) -> None:
    kinds: set[str] = set()
    for line in flores_ar:
        spans = find_spans(line)
        for span in spans:
            assert line[span.start : span.end] == span.text
            assert span.placeholder == ""
            kinds.add(span.kind)
        for before, after in itertools.pairwise(spans):
            assert before.end <= after.start
    assert {"number", "latin"} <= kinds


def test_flores_numbers_are_found(flores_ar: list[str]) -> None:
    assert ("number", "2.3") in kinds_and_texts(flores_ar[27])
    assert ("number", "٩:٣٠") in kinds_and_texts(flores_ar[2])
    assert ("number", "1469-1539") in kinds_and_texts(flores_ar[488])
    assert ("latin", "HK Management Inc") in kinds_and_texts(flores_ar[70])


def test_format_ranges_win_over_everything() -> None:
    text = "راجع [الرابط](https://example.com/a) و`x = 5`"
    link = (text.index("https"), text.index(")"))
    code = (text.index("`"), len(text))
    spans = find_spans(text, extra=[code, link])
    assert [(s.kind, s.text) for s in spans] == [
        ("format", "https://example.com/a"),
        ("format", "`x = 5`"),
    ]
    merged = find_spans("abc def", extra=[(0, 3), (2, 5), (9, 12), (6, 6)])
    assert [(s.start, s.end, s.kind) for s in merged] == [(0, 5, "format")]


SOURCE = "تابعوا @AlJazeera و #غزة على https://x.com/a?b=1 و news@example.com منذ 2024."


def test_mask_numbers_placeholders_in_order() -> None:
    masked, spans = mask(SOURCE, find_spans(SOURCE), kinds={"handle", "hashtag", "url", "email"})
    assert masked == "تابعوا ⟨0⟩ و ⟨1⟩ على ⟨2⟩ و ⟨3⟩ منذ 2024."
    assert [s.placeholder for s in spans] == ["⟨0⟩", "⟨1⟩", "⟨2⟩", "⟨3⟩", ""]
    assert spans[-1].text == "2024"
    masked, spans = mask(SOURCE, find_spans(SOURCE), kinds={"url", "number"}, style="<x{}>")
    assert masked == "تابعوا @AlJazeera و #غزة على <x0> و news@example.com منذ <x1>."


def test_mask_rejects_spans_of_another_text() -> None:
    with pytest.raises(ValueError, match="not at"):
        mask("نص آخر", find_spans(SOURCE), kinds={"url"})


@pytest.mark.parametrize(
    "english",
    [
        "Follow ⟨0⟩ and ⟨1⟩ on ⟨2⟩ and ⟨3⟩ since 2024.",
        "Follow ⟨ 0 ⟩ and <1> on [2] and ＜３＞ since 2024.",
        "Follow 〈0〉 and ⟨١⟩ on { 2 } and ⟨3⟩ since 2024.",
    ],
)
def test_restore_tolerates_mangled_placeholders(english: str) -> None:
    _, spans = mask(SOURCE, find_spans(SOURCE))
    restored, missing = restore(english, spans)
    assert restored == (
        "Follow @AlJazeera and #غزة on https://x.com/a?b=1 and news@example.com since 2024."
    )
    assert missing == ()


def test_restore_with_a_custom_style() -> None:
    masked, spans = mask(SOURCE, find_spans(SOURCE), kinds={"url"}, style="__P{}__")
    assert "__P0__" in masked
    restored, missing = restore("See __p 0 __ now.", spans, style="__P{}__")
    assert (restored, missing) == ("See https://x.com/a?b=1 now.", ())


def test_restore_keeps_verbatim_text_and_appends_what_is_lost() -> None:
    _, spans = mask(SOURCE, find_spans(SOURCE))
    restored, missing = restore("Follow @AlJazeera and Gaza on ⟨2⟩.", spans)
    assert (
        restored == "Follow @AlJazeera and Gaza on https://x.com/a?b=1. (#غزة) (news@example.com)"
    )
    assert [s.text for s in missing] == ["#غزة", "news@example.com"]


def test_restore_does_not_re_read_restored_text() -> None:
    spans = (
        ProtectedSpan(0, 5, "a [1]", "format", "⟨0⟩"),
        ProtectedSpan(6, 9, "bcd", "format", "⟨1⟩"),
    )
    restored, missing = restore("⟨0⟩ then ⟨1⟩", spans)
    assert (restored, missing) == ("a [1] then bcd", ())


def test_restore_replaces_a_duplicated_placeholder_everywhere() -> None:
    spans = (ProtectedSpan(0, 4, "#غزة", "hashtag", "⟨0⟩"),)
    assert restore("⟨0⟩ and ⟨0⟩", spans) == ("#غزة and #غزة", ())


def test_mask_restore_round_trip_on_flores(flores_ar: list[str]) -> None:
    every_kind = {"url", "email", "handle", "hashtag", "latin", "number", "format"}
    masked_any = 0
    for line in flores_ar:
        masked, spans = mask(line, find_spans(line), kinds=every_kind)
        masked_any += masked != line
        restored, missing = restore(masked, spans)
        assert (restored, missing) == (line, ())
    assert masked_any > 200


def test_unkept_spans_compares_numbers_as_numbers() -> None:
    source = "ارتفع في ٢٠٢٤ بنسبة ٣٫٥٪ إلى ١٬٢٠٠ دولار و١.٠٠٠ سهم و٠٫٥ نقطة، قالت Reuters و BBC"
    spans = find_spans(source)
    english = "In 2024 it rose 3.5% to 1200 dollars and 1,000 shares and 0.5 points, Reuters said"
    assert [s.text for s in unkept_spans(english, spans)] == ["BBC"]
    wrong = "In 2023 it rose 35% to 1,200 dollars and 1,000 shares and 0.5 points, Reuters said"
    assert [s.text for s in unkept_spans(wrong, spans)] == ["٢٠٢٤", "٣٫٥٪", "BBC"]
    assert [s.text for s in unkept_spans(wrong, spans, kinds={"latin"})] == ["BBC"]
    assert unkept_spans("from 10 to 15", find_spans("من 10-15")) == ()
    assert len(unkept_spans("15 people", find_spans("5 أشخاص"))) == 1


def test_default_placeholder_style() -> None:
    assert DEFAULT_PLACEHOLDER.format(7) == "⟨7⟩"


def test_many_spans_stay_fast() -> None:
    text = "(a. b) 12 #غزة " * 4000
    started = time.perf_counter()
    spans = find_spans(text)
    assert len(spans) == 4 * 4000
    masked, masked_spans = mask(text, spans)
    assert restore(masked, masked_spans) == (text, ())
    assert time.perf_counter() - started < 3.0
