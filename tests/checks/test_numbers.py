"""``number_missing`` and ``number_changed``, on real model errors and their references."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tarjama.checks import (
    NUMBER_CHANGED,
    NUMBER_MISSING,
    arabic_number_words,
    check_numbers,
    english_number_words,
    number_mentions,
)


def _flags(source: str, target: str) -> dict[str, tuple[str, ...]]:
    return {flag.code: flag.evidence for flag in check_numbers(source, target)}


@pytest.mark.parametrize(
    ("index", "missing", "changed"),
    [
        (100, ("55000",), ("550,000",)),  # ٥٥٠٠٠ barrels became 550,000
        (180, ("34",), ("35",)),  # 34 officials became 35
        (11, ("2",), ("1812",)),  # a 7–2 record became "July 7, 1812"
        (382, ("991",), ("1991",)),  # the year 991 became 1991
        (159, None, ("220",)),  # «بعشرين نقطة» (twenty points) became 220 points
        (304, None, ("1990",)),  # «الستينيات» (the sixties) became the 1990s
        (2, None, ("737",)),  # a JAS 39 Gripen became a "Boeing 737-39"
    ],
)
def test_real_number_errors_are_flagged(
    qwen: dict[int, dict[str, Any]],
    index: int,
    missing: tuple[str, ...] | None,
    changed: tuple[str, ...] | None,
) -> None:
    line = qwen[index]
    flags = _flags(line["source"], line["target"])
    assert flags.get(NUMBER_MISSING) == missing
    assert flags.get(NUMBER_CHANGED) == changed
    assert _flags(line["source"], line["reference"]) == {}


def test_thousands_with_the_arabic_comma_and_digit_scripts_agree(
    qwen: dict[int, dict[str, Any]],
) -> None:
    line = qwen[429]  # 783،562 كيلومتر … (9174 ميل) against "783,562" … "(9,174 sq mi)"
    assert _flags(line["source"], line["target"]) == {}
    assert _flags(line["source"], line["reference"]) == {}
    assert _flags(qwen[2]["source"], qwen[2]["reference"]) == {}  # ٩:٣٠ … ٠٢٣٠ = 9:30, 0230


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("ارتفع إلى ١٬٢٠٠ شخص", "rose to 1200 people"),
        ("بلغ 1.200 دولار", "reached 1,200 dollars"),
        ("نسبة ٣٫٥٪", "a rate of 3.5 percent"),
        ("هطلت 6,34 بوصات", "6.34 inches fell"),
        ("قتل 3 أشخاص", "three people were killed"),
        ("جرح 25 شخصا", "twenty-five people were hurt"),
        ("في يوم 21 مارس", "on March 21st"),
        ("جذب 5,000,000 زائر", "drew 5 million visitors"),
        ("خزان يستوعب 2.3 مليون جالون", "a tank holding 2,300,000 gallons"),
        ("في السابع من أكتوبر", "on October 7"),
        ("في القرن التاسع عشر", "in the 19th century"),
        ("في السبعينات", "in the 1970s"),
        ("قبل ثلاثة آلاف عام", "3,000 years ago"),
        ("ساعة ونصف بالسيارة", "a 1.5 hour drive"),
        ("النتيجة 5-3", "a 5–3 win"),
        ("عشرة ملايين وثيقة", "10 million documents"),
        ("بسبب كوفيد-19", "because of COVID-19"),
        ("طائرات إف-16", "F-16 jets"),
    ],
)
def test_legitimate_ways_of_writing_a_number_agree(source: str, target: str) -> None:
    assert _flags(source, target) == {}


def test_digits_glued_to_latin_letters_are_names_not_numbers() -> None:
    assert [m.text for m in number_mentions("قاد سيارة A1GP بسرعة ١٦٠ كم")] == ["160"]
    assert _flags("قمة مجموعة السبع", "the G7 summit") == {}


def test_number_words_are_read_on_both_sides() -> None:
    assert {Decimal(19), Decimal(25), Decimal(3000)} <= arabic_number_words(
        "القرن التاسع عشر وخمسة وعشرون وثلاثة آلاف"
    )
    assert {Decimal(48), Decimal(21), Decimal(2_000_000)} <= english_number_words(
        "four dozen, twenty-first, two million"
    )


# --- Arabic separators, percent, ranges, words and halves (issue 4) ----------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("خزان يستوعب ٢٫٣ مليون جالون", "a tank holding 2.3 million gallons"),  # FLORES 100
        ("نسبة ٣٫٥٪", "a rate of 3.5%"),
        ("ارتفع إلى ١٬٥٠٠ شخص", "rose to 1,500 people"),
        ("بنسبة ٢٥٪", "by 25%"),
        ("بنسبة ٢٥٪", "by 25 percent"),
        ("بنسبة ٢٥٪", "by twenty-five percent"),
        ("بين ١٠–١٥ قتيلا", "between 10 and 15 dead"),
        ("بين 10-15 قتيلا", "10–15 dead"),
        ("قتل ٣ أشخاص", "three people were killed"),
        ("يبلغ عدد سكانها 1,500,000 نسمة", "a population of 1.5 million"),
        ("يبلغ عدد سكانها 1,500,000 نسمة", "a population of one and a half million"),
        ("يبلغ عدد سكانها مليون ونصف نسمة", "a population of 1.5 million"),
        ("يبلغ عدد سكانها مليون ونصف نسمة", "a population of 1,500,000"),
        ("ثلاثة ملايين ونصف لاجئ", "3.5 million refugees"),
        ("مليونين ونصف دولار", "2.5 million dollars"),
        ("مليون و500 ألف دولار", "1.5 million dollars"),
        ("مليون وخمسمئة ألف دولار", "$1,500,000"),
        ("نصف مليون لاجئ", "half a million refugees"),
        ("نصف مليون لاجئ", "500,000 refugees"),
    ],
)
def test_arabic_separators_percent_ranges_and_halves_agree(source: str, target: str) -> None:
    assert _flags(source, target) == {}


@pytest.mark.parametrize(
    ("source", "target", "missing", "changed"),
    [
        ("نسبة ٣٫٥٪", "a rate of 35%", ("3.5",), ("35",)),  # the decimal separator dropped
        ("ارتفع إلى ١٬٥٠٠ شخص", "rose to 15,000 people", ("1,500",), ("15,000",)),
        ("ارتفع إلى ١٬٥٠٠ شخص", "rose to 150 people", ("1,500",), ("150",)),
        ("بنسبة ٢٥٪", "by 52%", ("25",), ("52",)),
        ("بين ١٠–١٥ قتيلا", "between 10 and 50 dead", ("15",), ("50",)),
        ("قتل ٣ أشخاص", "four people were killed", ("3",), None),  # a word: missing only
        ("يبلغ عدد سكانها مليون ونصف نسمة", "a population of 2.5 million", None, ("2.5",)),
        ("يبلغ عدد سكانها 1,500,000 نسمة", "a population of 15 million", ("1,500,000",), ("15",)),
        ("مليون و500 ألف دولار", "2.5 million dollars", ("500",), ("2.5",)),
    ],
)
def test_a_changed_decimal_thousands_percent_range_or_word_is_flagged(
    source: str,
    target: str,
    missing: tuple[str, ...] | None,
    changed: tuple[str, ...] | None,
) -> None:
    flags = _flags(source, target)
    assert flags.get(NUMBER_MISSING) == missing
    assert flags.get(NUMBER_CHANGED) == changed


def test_halves_and_scale_chains_are_read_as_one_number() -> None:
    assert Decimal(1_500_000) in arabic_number_words("مليون ونصف")
    assert Decimal(1_500_000) in arabic_number_words("مليون وخمسمئة ألف")
    assert Decimal(500_000) in arabic_number_words("نصف مليون")
    assert Decimal(1_000_000_000) in arabic_number_words("ألف مليون")
    assert Decimal(1_500_000) not in arabic_number_words("مليون وخمسة")
    assert {Decimal("1.5"), Decimal(1_500_000)} <= english_number_words(
        "one and a half hours, one and a half million"
    )
    assert Decimal(500_000) in english_number_words("half a million")
