"""Matching that survives Arabic morphology, on a small lexicon written in the test."""

from __future__ import annotations

import pytest

from tarjama.terms import (
    WORD,
    Ambiguity,
    Entity,
    Lexicon,
    LexiconError,
    nisba_forms,
    original_cut,
    prefix_readings,
)


def _entity(english: str, *arabic: str, type_: str = "org", suffixes: bool = False) -> Entity:
    return Entity(f"{type_}:{english.lower()}", english, type_, arabic, suffixes=suffixes)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon(
        [
            _entity("Putin", "فلاديمير بوتين", "بوتين", type_="person"),
            _entity("EU", "الاتحاد الأوروبي"),
            _entity("Union", "الاتحاد"),
            _entity("Iraq", "العراق", type_="place"),
            _entity("Iran", "إيران", type_="place"),
            _entity("Abdullah", "عبد الله الثاني", type_="person"),
            _entity("government", "حكومة", suffixes=True),
            _entity("Iranian", "الإيراني", type_="nisba"),
        ]
    )


def _found(lexicon: Lexicon, text: str) -> list[tuple[str, str, str]]:
    return [(m.prefix, m.surface, m.english) for m in lexicon.find(text)]


@pytest.mark.parametrize(
    ("text", "prefix", "surface"),
    [
        ("وبوتين", "و", "بوتين"),
        ("فبوتين", "ف", "بوتين"),
        ("لبوتين", "ل", "بوتين"),
        ("كبوتين", "ك", "بوتين"),
        ("وَبِبوتين", "وَبِ", "بوتين"),  # harakat stay with the clitic they belong to
        ("للعراق", "ل", "لعراق"),  # لل = ل + (ا)ل: the name keeps its article's lam
        ("وللعراق", "ول", "لعراق"),
        ("بالعراق", "ب", "العراق"),
        ("وبالعراق", "وب", "العراق"),
        ("فالعراق", "ف", "العراق"),
        ("كالعراق", "ك", "العراق"),
    ],
)
def test_proclitics_are_peeled_off_and_offsets_point_at_the_name(
    lexicon: Lexicon, text: str, prefix: str, surface: str
) -> None:
    (match,) = lexicon.find(text)
    assert (match.prefix, match.surface) == (prefix, surface)
    assert text[match.start : match.end] == surface
    assert text[match.start - len(match.prefix) : match.end] == text


def test_the_longest_entry_wins(lexicon: Lexicon) -> None:
    assert _found(lexicon, "قال الاتحاد الأوروبي إن الاتحاد") == [
        ("", "الاتحاد الأوروبي", "EU"),
        ("", "الاتحاد", "Union"),
    ]
    assert _found(lexicon, "وبالاتحاد الأوروبي") == [("وب", "الاتحاد الأوروبي", "EU")]


def test_a_name_is_never_found_inside_a_longer_word(lexicon: Lexicon) -> None:
    assert _found(lexicon, "بوتينية إيرانيات العراقيون") == [("", "إيرانيات", "Iranian")]
    assert _found(lexicon, "الإيرانيين") == [("", "الإيرانيين", "Iranian")]
    assert [m.english for m in lexicon.find("إيران والإيرانيون")] == ["Iran", "Iranian"]


def test_names_wrap_over_a_line_break_but_not_punctuation_or_paragraphs(lexicon: Lexicon) -> None:
    text = "التقى فلاديمير\nبوتين"
    (match,) = lexicon.find(text)
    assert match.surface == "فلاديمير\nبوتين" and match.english == "Putin"
    assert _found(lexicon, "فلاديمير، بوتين") == [("", "بوتين", "Putin")]
    assert _found(lexicon, "فلاديمير\n\nبوتين") == [("", "بوتين", "Putin")]
    assert _found(lexicon, "الاتحاد - الأوروبي") == [("", "الاتحاد - الأوروبي", "EU")]


def test_spelling_variants_fold_to_the_same_key(lexicon: Lexicon) -> None:
    for text in ("ايران", "إيران", "إيـــران", "إِيرَان", "\u200fإيران\u200f"):
        assert [m.english for m in lexicon.find(text)] == ["Iran"], text
    assert [m.english for m in lexicon.find("عبدالله الثاني")] == ["Abdullah"]


def test_attached_pronouns_only_where_an_entry_allows_them(lexicon: Lexicon) -> None:
    (match,) = lexicon.find("وحكومته")
    assert (match.prefix, match.surface, match.suffix) == ("و", "حكومت", "ه")
    assert lexicon.find("حكومتها")[0].english == "government"
    assert lexicon.find("بوتينه") == []  # names take no possessive suffix


def test_lookup_accepts_clitics_and_rejects_more_than_one_name(lexicon: Lexicon) -> None:
    assert lexicon.lookup("وبوتين") == lexicon.get("person:putin")
    assert lexicon.lookup("الاتحاد الأوروبي") == lexicon.get("org:eu")
    assert lexicon.lookup("بوتين والعراق") is None
    assert lexicon.lookup("موسكو") is None


def test_a_spelling_claimed_by_two_entries_must_be_declared() -> None:
    amman = _entity("Amman", "عمّان", type_="place")
    oman = _entity("Oman", "عُمان", type_="place")
    with pytest.raises(LexiconError, match="declare it ambiguous"):
        Lexicon([amman, oman])
    lexicon = Lexicon([amman, oman], [Ambiguity("عمان", "", (amman.id, oman.id))])
    assert lexicon.find("في عمان") == []
    assert {e.id for e in lexicon.candidates("عمان")} == {amman.id, oman.id}
    lexicon = Lexicon([amman, oman], [Ambiguity("عمان", oman.id, (amman.id, oman.id))])
    (match,) = lexicon.find("في عمان")
    assert match.ambiguous and match.english == "Oman" and match.alternatives == (amman.id,)


def test_a_declared_non_name_blocks_the_name_inside_it() -> None:
    x = _entity("X", "إكس", type_="platform")
    lexicon = Lexicon([x], [Ambiguity("أشعة إكس", "", (WORD,))])
    assert lexicon.find("صورة بأشعة إكس") == []
    assert [m.english for m in lexicon.find("كتب على إكس")] == ["X"]


def test_bad_data_is_refused() -> None:
    with pytest.raises(LexiconError, match="duplicate id"):
        Lexicon([_entity("A", "ألف"), _entity("A", "باء")])
    with pytest.raises(LexiconError, match="cannot match"):
        Lexicon([_entity("BBC", "بي.بي.سي")])
    with pytest.raises(LexiconError, match="unknown candidates"):
        Lexicon([], [Ambiguity("ألف", "", ("org:missing",))])


def test_morphology_helpers() -> None:
    assert [r.key for r in prefix_readings("وبالعراق")] == ["وبالعراق", "بالعراق", "العراق"]
    assert original_cut("وَبِبوتين", 2) == 4
    assert original_cut("حكومتُهُ", 1, from_end=True) == 2
    assert "الروسيين" in nisba_forms("الروسي") and "روسية" in nisba_forms("الروسي")
    assert nisba_forms("الكوري الشمالي") == ["الكوري الشمالي"]
