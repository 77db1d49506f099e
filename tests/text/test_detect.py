from __future__ import annotations

import pytest

from tarjama.text import arabic_ratio, has_arabic, looks_english


def test_flores_arabic_is_arabic_and_not_english(flores_ar: list[str]) -> None:
    for line in flores_ar:
        assert has_arabic(line)
        assert arabic_ratio(line) > 0.6  # a few lines carry English names
        assert not looks_english(line)


def test_flores_english_is_english(flores_en: list[str]) -> None:
    for line in flores_en:
        assert not has_arabic(line)
        assert arabic_ratio(line) == 0.0
        assert looks_english(line), line


def test_article_is_arabic(article_paragraphs: list[str]) -> None:
    assert all(arabic_ratio(p) == 1.0 for p in article_paragraphs)


def test_ratio_counts_letters_only() -> None:
    assert arabic_ratio("") == 0.0
    assert arabic_ratio("123 ... 456") == 0.0
    assert arabic_ratio("قال Reuters") == pytest.approx(3 / 10)
    assert arabic_ratio("٣٤٥ قال") == 1.0


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("Putin proposes Moscow summit", True),
        ("The president said on Tuesday that the talks would continue next week.", True),
        ("COVID-19", True),
        (
            "El presidente dijo el martes que las conversaciones continuarían la próxima semana.",
            False,
        ),
        (
            "Le président a déclaré mardi que les pourparlers "
            "se poursuivraient la semaine prochaine.",
            False,
        ),
        (
            "Der Präsident sagte am Dienstag, dass die Gespräche nächste Woche fortgesetzt werden.",
            False,
        ),
        (
            "Il presidente ha detto martedì che i colloqui continueranno la prossima settimana.",
            False,
        ),
        (
            "O presidente disse na terça-feira que as negociações continuariam na próxima semana.",
            False,
        ),
        ("El presidente dijo", False),
        ("قال الرئيس that the talks", False),
        ("", False),
        ("12:30 — 5%", False),
    ],
)
def test_looks_english(text: str, english: bool) -> None:
    assert looks_english(text) is english
