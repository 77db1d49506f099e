from __future__ import annotations

import re
import time

import pytest

from tarjama.document import Block
from tarjama.text import normalize_arabic, segment_block, split_sentences, to_ascii_digits

_TRAILING = re.compile(r"[.!?؟…\"'”»)\]\s]+$")
_DECIMAL = re.compile(r"\d[.,]\d")


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def _one_sentence(line: str) -> bool:
    """A line that ends in a full stop and has no other . ! ? ؟ … outside numbers."""
    core = _DECIMAL.sub("0", _TRAILING.sub("", line))
    return line.rstrip().endswith((".", '."', ".»")) and not re.search(r"[.!?؟…]", core)


def test_flores_single_sentences_stay_whole(flores_ar: list[str]) -> None:
    single = [line for line in flores_ar if _one_sentence(line)]
    assert len(single) > 850
    for line in single:
        assert sentences(line) == [line.strip()]


def test_offsets_round_trip_on_all_flores_lines(flores_ar: list[str]) -> None:
    text = "\n".join(flores_ar)
    spans = split_sentences(text)
    assert len(spans) > len(flores_ar)
    cursor = 0
    for start, end in spans:
        sentence = text[start:end]
        assert sentence and sentence == sentence.strip() and "\n" not in sentence
        assert not text[cursor:start].strip()  # only whitespace between sentences
        cursor = end
    assert not text[cursor:].strip()


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (52, 2),  # two plain sentences
        (466, 3),  # three questions ending in ؟
        (592, 3),
        (406, 2),  # "نعم! ..."
        (159, 2),  # 2,220 و2,207 are numbers
        (684, 2),  # "(KV62). ربما"
        (56, 1),  # two sentences inside one quotation stay together
        (171, 1),
        (236, 2),  # an unclosed quotation does not block the split
        (147, 1),  # "ياهو! و خدمات": a lone و does not start a sentence
        (956, 1),  # "إلخ... من أجل"
        (40, 1),  # " ... " marks an omission
        (969, 2),  # "المرئية.و تربط": missing space after the stop
        (70, 1),  # "HK Management Inc." inside quotes
    ],
)
def test_flores_multi_sentence_lines(flores_ar: list[str], index: int, expected: int) -> None:
    line = flores_ar[index]
    found = sentences(line)
    assert len(found) == expected, found
    assert "".join(found).replace(" ", "") == line.replace(" ", "").strip()


def test_article_paragraph_three_has_two_sentences(article_paragraphs: list[str]) -> None:
    paragraph = article_paragraphs[2]
    first, second = sentences(paragraph)
    assert first.endswith("حلف الناتو.")
    assert second.startswith("مضيفاً:")


def test_article_quotes_stay_intact(article_paragraphs: list[str]) -> None:
    paragraph = article_paragraphs[6]
    first, second = sentences(paragraph)
    assert first.endswith("بحلول الشهر القادم».")
    assert first.count("«") == first.count("»") == 2
    assert second.startswith("مضيفة: «الجميع") and second.endswith("وأوروبا».")


def test_article_never_splits_at_arabic_comma_or_semicolon(
    article_paragraphs: list[str],
) -> None:
    counts = [len(split_sentences(p)) for p in article_paragraphs]
    assert counts == [1, 1, 2, 1, 1, 1, 2, 2]
    for paragraph in article_paragraphs:
        for sentence in sentences(paragraph):
            assert not sentence.endswith(("،", "؛"))


def test_never_split_at_arabic_comma_or_semicolon() -> None:
    text = "قال الوزير، في مؤتمر صحفي؛ إن الوضع مستقر، وإن الحكومة تتابع"
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "قال د. محمد إن الوضع خطير. وأضاف م. أحمد أن الحل قريب.",
            ["قال د. محمد إن الوضع خطير.", "وأضاف م. أحمد أن الحل قريب."],
        ),
        ("بنيت المدينة عام 500 ق.م. وكانت عاصمة.", ["بنيت المدينة عام 500 ق.م. وكانت عاصمة."]),
        (
            "قال د.أحمد إن النسبة 3.5 بالمئة. ثم غادر.",
            ["قال د.أحمد إن النسبة 3.5 بالمئة.", "ثم غادر."],
        ),
        (
            "Mr. Smith met Dr. Jones in the U.S. yesterday. J. Doe agreed, e.g. twice.",
            ["Mr. Smith met Dr. Jones in the U.S. yesterday.", "J. Doe agreed, e.g. twice."],
        ),
        (
            "زوروا https://www.example.com/a.b?x=1. ثم راسلونا على info@example.org. شكراً!",
            ["زوروا https://www.example.com/a.b?x=1.", "ثم راسلونا على info@example.org.", "شكراً!"],
        ),
        (
            "قال: «أنا هنا. وسأبقى.» ثم غادر. وبعد ذلك عاد.",
            ["قال: «أنا هنا. وسأبقى.»", "ثم غادر.", "وبعد ذلك عاد."],
        ),
        ("(قال إنه هنا. ثم ذهب.) وبعدها عاد.", ["(قال إنه هنا. ثم ذهب.)", "وبعدها عاد."]),
        ("هل أنت بخير؟نعم.", ["هل أنت بخير؟", "نعم."]),
        ("انتظر... ثم قال. وبعد ذلك ... ذهب.", ["انتظر...", "ثم قال.", "وبعد ذلك ... ذهب."]),
        ("ارتفع 1.000 نقطة. ثم هبط إلى 1,500.", ["ارتفع 1.000 نقطة.", "ثم هبط إلى 1,500."]),
        ("السطر الأول\nالسطر الثاني.\r\n\r\nالثالث", ["السطر الأول", "السطر الثاني.", "الثالث"]),
        ("1. البند الأول\n2. البند الثاني", ["1. البند الأول", "2. البند الثاني"]),
        ("  \u200fنص مع علامة.  ", ["نص مع علامة."]),
        ("جملة . وأخرى!", ["جملة .", "وأخرى!"]),
        ("", []),
        (" \n \n", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_no_split_inside_format_ranges() -> None:
    text = "شغّل الأمر `make test. Run` ثم انتظر. انتهى."
    code = (text.index("`"), text.rindex("`") + 1)
    assert len(sentences(text)) == 3  # without the range, "test. Run" looks like a boundary
    found = [text[s:e] for s, e in split_sentences(text, protect=[code])]
    assert found == ["شغّل الأمر `make test. Run` ثم انتظر.", "انتهى."]


def test_long_quotation_may_be_split() -> None:
    quote = "«" + " ".join(["جملة طويلة جدا."] * 50) + "»"
    assert len(quote) > 600
    assert len(split_sentences(quote)) == 50
    assert split_sentences(quote, max_enclosed=1000) == [(0, len(quote))]


def test_segment_block_offsets_and_normalised_source(article_paragraphs: list[str]) -> None:
    text = "قال ﻻعب: سجلت ٣ أهداف في ٢٠٢٤ـ. ثم غادر\u200f الملعب!"
    block = Block(id="p1", text=text)
    first, second = segment_block(block)
    assert (first.id, first.block_id, first.index) == ("p1:0", "p1", 0)
    assert second.id == "p1:1"
    assert text[first.start : first.end] == "قال ﻻعب: سجلت ٣ أهداف في ٢٠٢٤ـ."
    assert first.source == "قال لاعب: سجلت 3 أهداف في 2024."
    assert second.source == "ثم غادر الملعب!"
    assert [span.text for span in first.spans] == ["3", "2024"]
    for paragraph in article_paragraphs:
        for segment in segment_block(Block(id="a", text=paragraph)):
            raw = paragraph[segment.start : segment.end]
            assert segment.source == to_ascii_digits(normalize_arabic(raw))


def test_segment_block_keeps_format_ranges_verbatim() -> None:
    text = "اكتب `x = ٣ـ` في ﻻئحة. ثم راجع [الموقع](https://example.com/١)."
    code = (text.index("`"), text.index("`", text.index("`") + 1) + 1)
    link = (text.index("https"), text.index(")", text.index("https")))
    block = Block(id="b", text=text, protect=(code, link))
    first, second = segment_block(block)
    assert first.source == "اكتب `x = ٣ـ` في لائحة."
    assert [(s.kind, s.text) for s in first.spans] == [("format", "`x = ٣ـ`")]
    fmt = second.spans[-1]
    assert (fmt.kind, fmt.text) == ("format", "https://example.com/١")
    assert second.source[fmt.start : fmt.end] == fmt.text


def test_dashes_and_bullets_are_kept() -> None:
    text = "- البند الأول -\n— قال: نعم."
    assert sentences(text) == ["- البند الأول -", "— قال: نعم."]


@pytest.mark.parametrize(
    "text",
    ["a." * 20000, "د. " * 10000, "(أ. ب) " * 5000, "https://x.com/a. " * 3000, "«" * 9000 + "."],
)
def test_long_pathological_lines_stay_fast(text: str) -> None:
    started = time.perf_counter()
    spans = split_sentences(text)
    assert all(text[s:e].strip() == text[s:e] for s, e in spans)
    assert time.perf_counter() - started < 2.0
