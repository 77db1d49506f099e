"""``lexicon_violation``, ``glossary_violation`` and ``invented_entity``."""

from __future__ import annotations

from typing import Any

import pytest

from tarjama.checks import (
    GLOSSARY_VIOLATION,
    INVENTED_ENTITY,
    LEXICON_VIOLATION,
    check_segment,
    english_names,
)
from tarjama.checks._english import words
from tarjama.terms import Lexicon


def _flags(source: str, target: str, lexicon: Lexicon, **kw: Any) -> dict[str, tuple[str, ...]]:
    flags = check_segment(source, target, lexicon=lexicon, **kw)
    return {flag.code: flag.evidence for flag in flags}


def test_the_published_article_breaks_the_lexicon_twice(
    article: list[tuple[str, str]], lexicon: Lexicon
) -> None:
    found = {i: _flags(ar, en, lexicon) for i, (ar, en) in enumerate(article)}
    # "Alliance of the Willing" for «تحالف الراغبين», "Kaia Kallas" for كايا كالاس
    assert found[3] == {LEXICON_VIOLATION: ("Coalition of the Willing",)}
    assert found[5] == {LEXICON_VIOLATION: ("Kaja Kallas",)}
    assert all(not flags for i, flags in found.items() if i not in (3, 5))


def test_a_surname_alone_or_after_a_title_is_the_person(
    article: list[tuple[str, str]], lexicon: Lexicon
) -> None:
    arabic, english = article[1]  # «بوتين» … «ترمب»: "Putin", "U.S. President Donald Trump"
    assert "Putin suggested" in english
    assert _flags(arabic, english, lexicon) == {}
    assert _flags(arabic, english.replace("Putin", "President Putin"), lexicon) == {}


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (106, ("Ali Khamenei",)),  # "Ayatollah Ali Khameini"
        (267, ("Virginia",)),  # «فرجينيا» became Florida
        (142, ("Utah",)),  # «يوتا جاز» (Utah Jazz) became "Yota Jaz"
        (718, ("Chile",)),  # «تشيلي» became Switzerland
    ],
)
def test_real_lexicon_violations(
    qwen: dict[int, dict[str, Any]], lexicon: Lexicon, index: int, expected: tuple[str, ...]
) -> None:
    line = qwen[index]
    assert _flags(line["source"], line["target"], lexicon).get(LEXICON_VIOLATION) == expected
    assert LEXICON_VIOLATION not in _flags(line["source"], line["reference"], lexicon)


def test_a_glossary_term_wins_over_the_lexicon(
    article: list[tuple[str, str]], lexicon: Lexicon
) -> None:
    arabic, english = article[3]  # the published English says "Alliance of the Willing"
    glossary = {"تحالف الراغبين": "coalition of the willing nations"}
    flags = _flags(arabic, english, lexicon, glossary=glossary)
    assert flags == {GLOSSARY_VIOLATION: ("coalition of the willing nations",)}
    fixed = english.replace("Alliance of the Willing", "Coalition of the Willing nations")
    assert _flags(arabic, fixed, lexicon, glossary=glossary) == {}
    # a glossary spelling of a person replaces the lexicon's
    arabic, english = article[4]
    respelled = english.replace("Zelensky", "Zelenskyy")
    assert _flags(arabic, respelled, lexicon) == {LEXICON_VIOLATION: ("Volodymyr Zelensky",)}
    assert _flags(arabic, respelled, lexicon, glossary={"زيلينسكي": "Zelenskyy"}) == {}
    assert _flags(arabic, english, lexicon, glossary={"زيلينسكي": "Zelenskyy"}) == {
        GLOSSARY_VIOLATION: ("Zelenskyy",)
    }


@pytest.mark.parametrize(
    ("index", "invented"),
    [
        (85, ("Obama",)),  # «بيتمان» (Pittman) became "President Obama"
        (718, ("Switzerland",)),  # «تشيلي» (Chile)
        (382, ("Ben-Gurion", "Israel")),  # «إيذلريد» (Ethelred) became "Eliad Ben-Gurion"
        (327, ("Bertrand Bergeaud",)),  # «بارتيزان بلغراد» (Partizan Belgrade)
        (338, ("Zahari Zayi",)),  # «زافيير زيات» (Xavier Zayat)
    ],
)
def test_real_invented_names(
    qwen: dict[int, dict[str, Any]], lexicon: Lexicon, index: int, invented: tuple[str, ...]
) -> None:
    line = qwen[index]
    assert _flags(line["source"], line["target"], lexicon).get(INVENTED_ENTITY) == invented
    assert INVENTED_ENTITY not in _flags(line["source"], line["reference"], lexicon)


def test_a_known_name_for_another_one_is_invented(
    article: list[tuple[str, str]], lexicon: Lexicon
) -> None:
    arabic, english = article[1]  # ترمب; a small model writing "Obama" instead
    wrong = english.replace("Donald Trump", "Barack Obama")
    flags = _flags(arabic, wrong, lexicon)
    assert flags[INVENTED_ENTITY] == ("Barack Obama",)
    assert flags[LEXICON_VIOLATION] == ("Donald Trump",)
    arabic, english = article[0]  # أوكرانيا; "Albania" instead ("Ukrainian" is still there)
    flags = _flags(arabic, english.replace("war in Ukraine", "war in Albania"), lexicon)
    assert flags == {INVENTED_ENTITY: ("Albania",)}


def test_transliterated_names_the_lexicon_lacks_are_traced_by_sound(
    qwen: dict[int, dict[str, Any]], lexicon: Lexicon
) -> None:
    line = qwen[64]  # "Marta Suplicy", "Roberto Jefferson" for «مارتا سوبليسي», «روبرتو جيفرسون»
    assert INVENTED_ENTITY not in _flags(line["source"], line["reference"], lexicon)
    line = qwen[338]  # "Lenz", "Xavier Zayat"
    assert INVENTED_ENTITY not in _flags(line["source"], line["reference"], lexicon)


def test_the_english_index_finds_names_in_one_pass(lexicon: Lexicon) -> None:
    index = english_names(lexicon)
    assert index is english_names(lexicon)  # built once per lexicon
    text = "U.S. President Obama met Putin in Washington; the Washington Times said so in May."
    found = [(m.text, m.standalone) for m in index.find(text, words(text))]
    assert found == [
        ("U.S", True),
        ("Obama", True),
        ("Putin", True),
        ("Washington", True),
        ("Washington", False),  # part of a name the lexicon does not know
    ]  # and Theresa May is not in every month of May
    mention = index.find(text, words(text))[1]
    assert mention.ids == {"person:barack-obama"}


def test_a_portfolio_before_a_title_is_no_invented_name(
    article: list[tuple[str, str]], lexicon: Lexicon
) -> None:
    arabic, _ = article[5]  # «… مسؤولة السياسة الخارجية في الاتحاد الأوروبي كايا كالاس …»
    # the default model's English (tarjama translate, qwen2.5-coder-1.5b-instruct)
    office = "the European Union’s Foreign Policy Secretary, Kaja Kallas, said today"
    codes = [f.code for f in check_segment(arabic, office, lexicon=lexicon)]
    assert INVENTED_ENTITY not in codes
    # the magazine of that name, standing alone, is still a name the Arabic never gave
    magazine = "Foreign Policy reported that Kaja Kallas said today"
    flags = check_segment(arabic, magazine, lexicon=lexicon)
    assert [f.evidence for f in flags if f.code == INVENTED_ENTITY] == [("Foreign Policy",)]
