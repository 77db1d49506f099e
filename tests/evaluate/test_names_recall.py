"""Reference name recall: which words are names, which are found, and `tarjama eval` on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarjama.evaluate import SETS, find_dataset, read_set, write_report
from tarjama.evaluate.names_recall import (
    NAME_RECALL_METHOD,
    found_names,
    name_recall,
    reference_names,
)
from test_cli import tarjama


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
    assert names("Talks between the US and the UN began at 9 AM in Geneva, built in 500 BC.") == [
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
    assert result["method"] == NAME_RECALL_METHOD
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


RECORDS = [
    {"index": 0, "source": "التقى أوباما شولمان", "reference": "He met Kori Schulman in Cardiff.",
     "target": "He met Kori Shulman in Cardiff.", "score": -0.2,
     "flags": ["invented_entity", "length_ratio"], "seconds": 1.0},
    {"index": 1, "source": "قال الوزير", "reference": "The minister said so.",
     "target": "The minister said.", "score": -0.1, "flags": [], "seconds": 3.0},
]  # fmt: skip


def test_the_report_gives_name_recall_fact_flags_and_seconds(tmp_path: Path) -> None:
    result = write_report(tmp_path, RECORDS, model="hand-made", set_name="pud-news", plots=False)
    summary = result.summary()
    assert summary["name_recall"] == 0.6667  # Kori and Cardiff found, Schulman not
    assert summary["names_found"] == "2/3"
    # invented_entity is a fact flag, length_ratio a style flag
    assert summary["fact_flags_per_100"] == 50.0
    assert summary["flags_per_100"] == 100.0
    assert summary["seconds_per_segment"] == 2.0
    assert summary["set"] == "UD PUD news"

    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["names"]["examples"] == [
        {"index": 0, "missed": ["Schulman"], "target": "He met Kori Shulman in Cardiff."}
    ]
    assert report["fact_flags"]["count"] == 1
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "- Fact flags: 50.00 per 100 segments (1 of " in markdown
    assert "- Reference name recall: 66.7 % (2 of 3 proper-name words" in markdown
    assert "## Reference name recall" in markdown
    assert "Most often missed: Schulman (1)" in markdown
    assert "| 0 | Schulman | He met Kori Shulman in Cardiff. |" in markdown
    assert "2 of 750 segments" in markdown


def test_pud_news_is_the_first_750_lines_of_the_pool_file(shared_dir: Path) -> None:
    sources, references = read_set("pud-news", shared_dir / "data")
    pool = shared_dir / "data" / "pool"
    assert len(sources) == len(references) == SETS["pud-news"].lines == 750
    assert sources == (pool / "ud-pud.ar").read_text(encoding="utf-8").splitlines()[:750]
    assert references == (pool / "ud-pud.en").read_text(encoding="utf-8").splitlines()[:750]
    assert find_dataset("pud-news", shared_dir / "data") == (pool / "ud-pud.ar", pool / "ud-pud.en")


def test_tarjama_eval_scores_pud_news_and_reports_name_recall(
    tiny_marian_ct2: Path, shared_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = tarjama(
        "eval", "--model", tiny_marian_ct2, "--set", "pud-news", "--limit", "10", "-o", out,
        home=tmp_path / "home", env={"TARJAMA_DATA": str(shared_dir / "data")},
    )  # fmt: skip
    assert run.code == 0, run.err
    summary = json.loads(run.out)
    assert summary["set"] == "UD PUD news" and summary["segments"] == 10
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    records = [json.loads(line) for line in (out / "segments.jsonl").read_text().splitlines()]
    assert [r["reference"] for r in records] == read_set("pud-news", shared_dir / "data")[1][:10]
    names = report["names"]
    assert names == name_recall(records)  # the report's figure is the records' figure
    assert names["names"] >= 20  # ten news lines: Schulman, Capitol Hill, Clinton, Uber …
    assert 0 <= names["found"] <= names["names"]
    assert summary["name_recall"] == names["share"]
    assert summary["names_found"] == f"{names['found']}/{names['names']}"
    assert summary["fact_flags_per_100"] == report["fact_flags"]["per_100"] >= 0.0
    assert summary["seconds_per_segment"] > 0.0
    assert 0.0 <= summary["scores"]["chrf++"] <= 100.0 and "bleu" in summary["scores"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "## Reference name recall" in markdown
    assert "10 of 750 segments" in markdown
