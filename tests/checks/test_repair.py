"""``repair``: near-miss spellings of the people the Arabic names, put right."""

from __future__ import annotations

from typing import Any

from tarjama.checks import LEXICON_VIOLATION, Repair, check_segment, repair
from tarjama.terms import Lexicon


def test_kaia_kallas_in_the_published_english_becomes_kaja_kallas(
    article: list[tuple[str, str]], lexicon: Lexicon
) -> None:
    arabic, english = article[5]  # «كايا كالاس»
    fixed, repairs = repair(arabic, english, lexicon=lexicon)
    start = english.index("Kaia")
    assert repairs == (Repair(start, start + 4, "Kaia", "Kaja", "person:kaja-kallas"),)
    assert fixed == english.replace("Kaia Kallas", "Kaja Kallas")
    assert check_segment(arabic, fixed, lexicon=lexicon) == ()


def test_a_model_misspelling_of_a_surname_is_repaired(
    qwen: dict[int, dict[str, Any]], lexicon: Lexicon
) -> None:
    line = qwen[106]  # «علي خامنئي» → "Ayatollah Ali Khameini"
    fixed, repairs = repair(line["source"], line["target"], lexicon=lexicon)
    assert [(r.before, r.after) for r in repairs] == [("Khameini", "Khamenei")]
    assert "Ayatollah Ali Khamenei," in fixed
    codes = [f.code for f in check_segment(line["source"], fixed, lexicon=lexicon)]
    assert LEXICON_VIOLATION not in codes


def test_the_russian_spelling_of_zelensky_becomes_the_ukrainian_one(
    article: list[tuple[str, str]], lexicon: Lexicon
) -> None:
    arabic, english = article[3]  # «فولوديمير زيلينسكي»; a model writing Putin's first name
    wrong = english.replace("Volodymyr Zelensky", "Vladimir Zelensky")
    fixed, repairs = repair(arabic, wrong, lexicon=lexicon)
    assert [(r.before, r.after) for r in repairs] == [("Vladimir", "Volodymyr")]
    assert fixed == english
    arabic, english = article[4]  # «زيلينسكي» alone, "Zelenskiy"
    fixed, repairs = repair(arabic, english.replace("Zelensky", "Zelenskiy"), lexicon=lexicon)
    assert fixed == english and len(repairs) == 1


def test_correct_english_and_other_names_are_left_alone(
    article: list[tuple[str, str]],
    qwen: dict[int, dict[str, Any]],
    flores_dev: list[tuple[str, str]],
    lexicon: Lexicon,
) -> None:
    for arabic, english in article:
        fixed = english.replace("Kaia", "Kaja")
        assert repair(arabic, fixed, lexicon=lexicon) == (fixed, ())
    # "Vladimir Putin" is right where the Arabic has بوتين, whatever Zelensky is called
    arabic, english = article[0]
    assert repair(arabic, english, lexicon=lexicon) == (english, ())
    # no FLORES reference is "repaired" (غراندي is not Filippo Grandi in "Rio Grande do Sul")
    assert all(not repair(a, e, lexicon=lexicon)[1] for a, e in flores_dev)
    line = qwen[85]  # "Obama" is invented, not a misspelling: nothing to repair
    assert repair(line["source"], line["target"], lexicon=lexicon)[1] == ()
    assert repair("بوتين", "Putin", lexicon=None) == ("Putin", ())


def test_the_first_mention_of_a_person_named_in_full_gets_the_full_name(
    article: list[tuple[str, str]], lexicon: Lexicon
) -> None:
    arabic, _ = article[1]  # «… مع الرئيس الأمريكي دونالد ترمب أمس (الإثنين) …»
    # the default model's English for it (tarjama translate, qwen2.5-coder-1.5b-instruct)
    english = (
        "Putin, during a meeting with Trump, proposed Moscow as the venue for the third "
        "meeting, stating that Zelensky declined. Trump agreed."
    )
    fixed, repairs = repair(arabic, english, lexicon=lexicon)
    assert [(r.before, r.after) for r in repairs] == [("Trump", "Donald Trump")]
    assert fixed.startswith("Putin, during a meeting with Donald Trump, proposed")
    assert fixed.endswith("Trump agreed.")  # only the first mention
    # the Arabic gives Putin and Zelensky one name each: nothing to add
    assert "Vladimir" not in fixed and "Volodymyr" not in fixed


def test_another_person_with_the_surname_is_left_alone(
    article: list[tuple[str, str]], lexicon: Lexicon
) -> None:
    arabic, _ = article[1]
    english = "Putin spoke to Ivanka Trump."
    assert repair(arabic, english, lexicon=lexicon) == (english, ())
