"""The built-in news entity lexicon: its data, and what it finds in a real article."""

from __future__ import annotations

import re
import time
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from tarjama.terms import (
    WORD,
    Lexicon,
    builtin_files,
    entity_matcher,
    form_keys,
    parse_ambiguities,
)

DATA = resources.files("tarjama") / "data" / "lexicon"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load_builtin()


@pytest.fixture(scope="module")
def article(shared_dir: Path) -> str:
    return (shared_dir / "examples" / "article-01.ar.txt").read_text(encoding="utf-8")


# --- the data


def test_at_least_2000_named_entities_load(lexicon: Lexicon) -> None:
    named = [entity for entity in lexicon if entity.is_entity]
    assert len(named) >= 2000
    counts = lexicon.count_by_type()
    assert counts["person"] >= 500 and counts["place"] >= 800 and counts["org"] >= 150
    assert len(lexicon) == sum(counts.values())


def test_every_entry_has_english_arabic_and_a_source(lexicon: Lexicon) -> None:
    for entity in lexicon:
        assert entity.english.strip() == entity.english != "", entity.id
        assert entity.arabic and all(form.strip() for form in entity.arabic), entity.id
        assert re.fullmatch(r"[a-z]+:[a-z0-9-]+", entity.id), entity.id
        assert entity.source.endswith(".tsv"), entity.id
        assert not re.search(r"[A-Za-z]", "".join(entity.arabic)), entity.id
        if entity.related:
            assert entity.related in lexicon, (entity.id, entity.related)


def test_no_spelling_means_two_entries_unless_declared_ambiguous(lexicon: Lexicon) -> None:
    declared = {key for a in lexicon.ambiguities for key in form_keys(a.arabic)}
    owners: dict[tuple[str, ...], set[str]] = {}
    for entity in lexicon:
        for form in entity.arabic:
            for key in form_keys(form):
                owners.setdefault(key, set()).add(entity.id)
    clashes = {key: ids for key, ids in owners.items() if len(ids) > 1 and key not in declared}
    assert clashes == {}
    for ambiguity in lexicon.ambiguities:
        assert all(c == WORD or c in lexicon for c in ambiguity.candidates), ambiguity
        assert len(ambiguity.candidates) > 1 or ambiguity.candidates == (WORD,), ambiguity


def test_georgia_the_country_and_the_us_state_are_kept_apart(lexicon: Lexicon) -> None:
    assert {e.id for e in lexicon.candidates("جورجيا")} == {
        "country:ge",
        "place:georgia-us-state",
    }
    assert lexicon.find("جورجيا") == []  # no default: the bare spelling is not reported
    assert lexicon.lookup("ولاية جورجيا").id == "place:georgia-us-state"  # type: ignore[union-attr]
    assert lexicon.lookup("جمهورية جورجيا").id == "country:ge"  # type: ignore[union-attr]
    (tripoli,) = lexicon.find("في طرابلس")
    assert tripoli.ambiguous and tripoli.english == "Tripoli" and lexicon.certain(tripoli)
    (algeria,) = lexicon.find("الجزائر")
    assert algeria.ambiguous and algeria.english == "Algeria" and not lexicon.certain(algeria)


def test_every_data_file_is_described_in_sources() -> None:
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for name, _ in builtin_files():
        assert f"`{name}`" in sources, name
    for name, text in builtin_files():
        if name.startswith("cldr_"):
            assert re.search(r"Unicode CLDR via Babel \d+\.\d+", text.splitlines()[0]), name
    parse_ambiguities((DATA / "ambiguous.tsv").read_text(encoding="utf-8"), "ambiguous.tsv")


# --- the example article


EXPECTED = {
    "Vladimir Putin": ["فلاديمير بوتين", "بوتين", "فلاديمير بوتين"],
    "Volodymyr Zelensky": [
        "فولوديمير زيلينسكي",
        "زيلينسكي",
        "زيلينسكي",
        "فولوديمير زيلينسكي",
        "زيلينسكي",
    ],
    "Donald Trump": ["دونالد ترمب", "ترمب"],
    "Jonas Gahr Støre": ["يوناس جار ستوره"],
    "Kaja Kallas": ["كايا كالاس", "كالاس"],
    "Coalition of the Willing": ["تحالف الراغبين"],
    "NATO": ["حلف الناتو"],
    "European Union": ["الاتحاد الأوروبي", "الاتحاد الأوروبي"],
    "X": ["إكس", "إكس"],
    "Moscow": ["موسكو", "موسكو", "موسكو"],
    "Ukraine": ["أوكرانيا"] * 5,
    "Europe": ["أوروبا", "أوروبا"],
    "Russia": ["روسيا"],
    "United States": ["الولايات المتحدة"],
    "Russian": ["الروسي"] * 3,
    "Ukrainian": [
        "الأوكراني",
        "الأوكرانية",
        "الأوكراني",
        "الأوكراني",
        "الأوكرانيين",
        "الأوكرانية",
    ],
}


def test_the_article_names_are_found_with_offsets_into_the_original(
    lexicon: Lexicon, article: str
) -> None:
    matches = lexicon.find(article)
    found: dict[str, list[str]] = {}
    for match in matches:
        assert article[match.start : match.end] == match.surface
        found.setdefault(match.english, []).append(match.surface)
    for english, surfaces in EXPECTED.items():
        assert found.get(english) == surfaces, english
    # Each expected surface is at the place str.find gives, in reading order.
    cursor = 0
    for match in matches:
        assert article.find(match.surface, cursor) == match.start
        cursor = match.end
    assert [m.prefix for m in matches if m.english == "Ukraine"] == ["", "ل", "", "ل", ""]


def test_the_article_yields_canonical_english_for_evaluation(article: str) -> None:
    pairs = entity_matcher()(article)
    english = Counter(e for _, e in pairs)
    assert english["Kaja Kallas"] == 2 and english["Coalition of the Willing"] == 1
    assert english["X"] == 2 and "Kaia Kallas" not in english
    assert "Russian" not in english  # nisbas are not entities
    assert ("حلف الناتو", "NATO") in pairs


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("وبوتين", "Vladimir Putin"),
        ("لأوكرانيا", "Ukraine"),
        ("بموسكو", "Moscow"),
        ("والاتحاد الأوروبي", "European Union"),
        ("للاتحاد الأوروبي", "European Union"),
        ("وبالاتحاد الأوروبي", "European Union"),
        ("زيلنسكي", "Volodymyr Zelensky"),
        ("ترامب", "Donald Trump"),
        ("نتانياهو", "Benjamin Netanyahu"),
        ("نتنياهو", "Benjamin Netanyahu"),
        ("اردوغان", "Recep Tayyip Erdoğan"),
        ("غزه", "Gaza"),
        ("مصطفى مدبولى", "Mostafa Madbouly"),
        ("اسرائيل", "Israel"),
        ("عبدالفتاح السيسي", "Abdel Fattah el-Sisi"),
        ("للناتو", "NATO"),
        ("لحزب الله", "Hezbollah"),
        ("والحوثيين", "Houthis"),
        ("وتلغرام", "Telegram"),
        ("فيس بوك", "Facebook"),
        ("سوريا", "Syria"),
        ("سورية", "Syria"),
        ("أميركا", "United States"),
    ],
)
def test_clitics_and_variant_spellings(lexicon: Lexicon, text: str, english: str) -> None:
    entity = lexicon.lookup(text)
    assert entity is not None and entity.english == english, text


def test_names_inside_longer_words_or_phrases_are_not_matched(lexicon: Lexicon) -> None:
    assert [m.entity.id for m in lexicon.find("الإيرانيين")] == ["nisba:iranian"]
    assert lexicon.find("موسكوفيتش") == []
    assert [m.english for m in lexicon.find("حلف شمال الأطلسي")] == ["NATO"]
    assert [m.english for m in lexicon.find("الدولة العربية")] == ["Arab"]
    assert lexicon.find("صورة بأشعة إكس") == []
    assert [m.english for m in lexicon.find("سبيس إكس")] == ["SpaceX"]
    assert [m.english for m in lexicon.find("جورجيا ميلوني")] == ["Giorgia Meloni"]


def test_an_article_is_matched_in_milliseconds(lexicon: Lexicon, article: str) -> None:
    lexicon.find(article)
    start = time.perf_counter()
    for _ in range(5):
        lexicon.find(article)
    assert (time.perf_counter() - start) / 5 < 0.05
    one_long_paragraph = article.replace("\n", " ") * 10  # no quadratic walk over long runs
    start = time.perf_counter()
    assert len(lexicon.find(one_long_paragraph)) == 10 * len(lexicon.find(article))
    assert time.perf_counter() - start < 0.5
