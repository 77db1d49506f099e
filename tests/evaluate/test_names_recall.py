"""Reference name recall from hand-made lines: which words are names, and which are found."""

from __future__ import annotations

import pytest

from tarjama.evaluate.names_recall import METHOD, found_names, name_recall, reference_names


def names(reference: str) -> list[str]:
    return [written for written, _ in reference_names(reference)]


def test_capitalised_words_inside_a_sentence_are_names_each_word_alone() -> None:
    line = "Obama special assistant Kori Schulman wrote in a blog post on Capitol Hill."
    assert names(line) == ["Kori", "Schulman", "Capitol", "Hill"]  # "Obama" starts it


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("The rain stopped. Then Ankara spoke.", ["Ankara"]),  # "Then" starts a sentence
        ("Did it? Yes, said Paris! Really.", ["Paris"]),
        ("He said, “The talks in Doha failed.”", ["Doha"]),  # "The" after an opening quote
        ('He said "Nobody saw Cairo" twice.', ["Cairo"]),
        ("Police in Mosul… Officials said so.", ["Mosul"]),
    ],
)
def test_words_that_start_a_sentence_or_a_quotation_are_not_counted(
    line: str, expected: list[str]
) -> None:
    assert names(line) == expected


def test_a_dot_after_a_title_an_initial_or_an_abbreviation_ends_no_sentence() -> None:
    line = "They met Mr. Osborne, John F. Kennedy and Gen. Petraeus in the U.S. Senate."
    # Mr and Gen are not names, F is a lone initial; Osborne, Kennedy, Petraeus and Senate
    # follow a dot that does not end the sentence.
    assert names(line) == ["Osborne", "John", "Kennedy", "Petraeus", "U.S", "Senate"]


def test_function_words_pronouns_weekdays_and_months_are_not_names() -> None:
    line = "On Monday I told Her Majesty that In March We met The Guardian in May."
    assert names(line) == ["Majesty", "Guardian"]


def test_acronyms_count_even_when_they_spell_a_stop_word() -> None:
    assert names("Talks between the US and the UN began at 9 AM in Geneva.") == [
        "US",
        "UN",
        "Geneva",
    ]


def test_possessives_hyphens_and_repeats() -> None:
    line = "Aid reached Clinton’s team, al-Jadaan and Coca-Cola; Clinton's aide, Gaza-based NGOs."
    assert names(line) == ["Clinton", "Jadaan", "Coca", "Cola", "Gaza", "NGOs"]


def test_found_names_fold_case_accents_possessives_and_hyphens() -> None:
    have = found_names("erdoğan's aides met O’Brien of coca-cola in the U.S.")
    assert {"erdogan", "obrien", "coca", "cola", "cocacola", "us"} <= have
    assert "erdoğan" not in have and "o'brien" not in have


def test_recall_counts_found_and_missed_names_per_segment() -> None:
    records = [
        {
            "index": 0,
            "reference": "Shoppers at Sainsbury's and Boots in Cardiff were told on Monday.",
            "target": "Shoppers at Sinsabi and BOOTS in cardiff were told on Monday.",
        },
        {
            "index": 1,
            "reference": "The Welsh Assembly met Gwyneth Paltrow.",
            "target": "The Welsh National Union met Gwyneth Paltrow.",
        },
        {"index": 2, "reference": "Nothing capitalised here.", "target": "anything"},
        {"index": 3, "reference": "Then Sainsbury's closed.", "target": "It closed."},
    ]
    result = name_recall(records)
    assert result["method"] == METHOD
    # 0: Sainsbury, Boots, Cardiff (2 found); 1: Welsh, Assembly, Gwyneth, Paltrow (3 found);
    # 3: Sainsbury's missing.
    assert (result["names"], result["found"]) == (8, 5)
    assert result["share"] == 0.625
    assert result["segments_with_names"] == 3
    assert result["segments_missing_names"] == 3
    assert result["most_missed"][0] == ["Sainsbury", 2]
    assert [e["index"] for e in result["examples"]] == [0, 1, 3]
    assert result["examples"][1]["missed"] == ["Assembly"]


def test_no_names_in_the_references_is_no_figure_not_a_perfect_one() -> None:
    result = name_recall([{"index": 0, "reference": "it rained.", "target": "It rained."}])
    assert result["share"] is None
    assert (result["names"], result["found"], result["examples"]) == (0, 0, [])


def test_the_reference_finds_all_its_own_names() -> None:
    line = "“While much is new in the United States,” Obama aide Kori Schulman wrote on Monday."
    result = name_recall([{"index": 0, "reference": line, "target": line}])
    assert result["share"] == 1.0
    assert result["names"] == 5
