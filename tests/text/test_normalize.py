from __future__ import annotations

import unicodedata

import pytest

from tarjama.text import normalize_arabic, normalize_for_match, to_ascii_digits

REMOVED = "\u0640\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
REMOVED += "\u200b\u200c\u200d\ufeff\u2060"


def _presentation_forms() -> dict[str, str]:
    """One presentation-form glyph for every base letter that has one (ب → ﺏ)."""
    forms: dict[str, str] = {}
    for code in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFEFF)]:
        char = chr(code)
        base = unicodedata.normalize("NFKC", char)
        if len(base) == 1 and base != char and "ARABIC LETTER" in unicodedata.name(char, ""):
            forms.setdefault(base, char)
    return forms


FORMS = _presentation_forms()


def _as_from_a_pdf(text: str) -> str:
    """What the same text looks like copied out of a PDF: glyphs, ligatures, tatweel, marks."""
    text = text.replace("لا", "\ufefb")
    text = "".join(FORMS.get(char, char) for char in text)
    return "\u200f" + text.replace(" ", "ـ \u200c").replace("،", "\u2067،\u2069")


def _letters(text: str) -> list[str]:
    """The words of ``text`` with only their base letters (what must never change)."""
    text = unicodedata.normalize("NFC", "".join(c for c in text if c not in REMOVED))
    return ["".join(c for c in w if not unicodedata.combining(c)) for w in text.split()]


def test_flores_lines_keep_every_letter_of_every_word(flores_ar: list[str]) -> None:
    for line in flores_ar:
        assert _letters(normalize_arabic(line)) == _letters(line)
        stripped = normalize_arabic(line, strip_diacritics=True)
        assert _letters(stripped) == _letters(line)
        assert not any(unicodedata.combining(c) and "\u064b" <= c <= "\u0652" for c in stripped)


def test_normalisation_is_idempotent_on_flores(flores_ar: list[str]) -> None:
    for line in flores_ar:
        once = normalize_arabic(line)
        assert normalize_arabic(once) == once
        bare = normalize_arabic(line, strip_diacritics=True)
        assert normalize_arabic(bare, strip_diacritics=True) == bare
        key = normalize_for_match(line)
        assert normalize_for_match(key) == key


def test_text_copied_from_a_pdf_normalises_to_the_same_words(flores_ar: list[str]) -> None:
    for line in flores_ar[:200]:
        garbled = _as_from_a_pdf(line)
        assert garbled != line
        assert normalize_arabic(garbled) == normalize_arabic(line)


def test_presentation_forms_become_base_letters() -> None:
    assert normalize_arabic("\ufefb\ufecb\ufe8f") == "لاعب"  # ﻻﻋﺏ
    assert normalize_arabic("\ufdf2") == "الله"
    # An isolated haraka form becomes the mark itself, not "space + mark".
    assert normalize_arabic("ك\ufe7c") == "ك\u0651"


def test_invisible_characters_are_removed_and_words_kept() -> None:
    text = "\u202bقال\u200f الرئيـــس\u200c \u2066COVID-19\u2069\ufeff"
    assert normalize_arabic(text) == "قال الرئيس COVID-19"


def test_diacritics_are_kept_unless_asked() -> None:
    word = "مُحَمَّدٌ"
    assert normalize_arabic(word) == unicodedata.normalize("NFC", word)
    assert normalize_arabic(word, strip_diacritics=True) == "محمد"
    assert normalize_arabic("هٰذا", strip_diacritics=True) == "هذا"
    # Hamza and madda are letters, not diacritics.
    assert normalize_arabic("أإآؤئ", strip_diacritics=True) == "أإآؤئ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٣٫٥٪", "3.5%"),
        ("١٬٢٠٠٬٠٠٠", "1,200,000"),
        ("الساعة ٩:٣٠ صباحاً (٠٢٣٠ ت.ع.م)", "الساعة 9:30 صباحاً (0230 ت.ع.م)"),
        ("2024", "2024"),
    ],
)
def test_digits_become_ascii(text: str, expected: str) -> None:
    assert to_ascii_digits(text) == expected


def test_flores_digits(flores_ar: list[str]) -> None:
    line = next(line for line in flores_ar if "٩:٣٠" in line)
    assert "9:30" in to_ascii_digits(line)
    assert not any("\u0660" <= c <= "\u0669" for c in to_ascii_digits("\n".join(flores_ar)))


def test_match_keys_fold_spelling_variants() -> None:
    assert normalize_for_match("أحمد") == normalize_for_match("احمد")
    assert normalize_for_match("إسرائيل") == normalize_for_match("اسرائيل")
    assert normalize_for_match("مصطفى") == normalize_for_match("مصطفي")
    assert normalize_for_match("غزة") == normalize_for_match("غزه")
    assert normalize_for_match("الرئيـــس  مُحَمَّد") == "الرئيس محمد"
    assert normalize_for_match(" Reuters ١٠ ") == "reuters 10"
