"""Fidelity figures on hand-made records, where the right answer is known."""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence
from typing import Any

import pytest

from tarjama.evaluate.fidelity import (
    default_entity_matcher,
    entity_fidelity,
    fidelity,
    flag_rates,
    number_fidelity,
)


def _record(index: int, source: str, target: str, reference: str = "", **extra: Any) -> dict:
    return {"index": index, "source": source, "reference": reference, "target": target, **extra}


def test_a_target_that_lost_a_number_counts_as_one_lost() -> None:
    records = [
        # 12 kept, 3 became "three": one of two lost; the reference keeps both.
        _record(0, "قتل 12 شخصا في 3 مدن", "12 people were killed in three cities",
                "12 people were killed in 3 cities"),
        # Arabic-Indic digits with an Arabic thousands separator are kept by "1,500".
        _record(1, "وصل ١٬٥٠٠ لاجئ", "1,500 refugees arrived", "1,500 refugees arrived"),
        _record(2, "لا أرقام هنا", "No numbers here", "No numbers here"),
    ]  # fmt: skip
    numbers = number_fidelity(records)
    assert numbers["source_numbers"] == 3
    assert numbers["kept"] == 2
    assert numbers["share"] == pytest.approx(2 / 3, abs=1e-4)
    assert numbers["reference_share"] == 1.0
    assert numbers["segments_with_numbers"] == 2
    assert numbers["segments_losing_numbers"] == 1
    assert numbers["examples"] == [{"index": 0, "lost": ["3"]}]


def test_no_numbers_gives_no_share_rather_than_a_made_up_one() -> None:
    numbers = number_fidelity([_record(0, "لا أرقام", "No numbers")])
    assert numbers["source_numbers"] == 0
    assert numbers["share"] is None


def test_entities_are_na_without_a_lexicon() -> None:
    entities = entity_fidelity([_record(0, "قال ترامب", "Trump said")])
    assert entities == {
        "available": False, "entities": 0, "canonical": 0, "share": None, "examples": [],
    }  # fmt: skip


def _matcher(text: str) -> Sequence[tuple[str, str]]:
    lexicon = {"ترامب": "Donald Trump", "غزة": "Gaza"}
    return [(arabic, english) for arabic, english in lexicon.items() if arabic in text]


def test_entities_count_only_the_canonical_form_as_a_whole_word() -> None:
    records = [
        _record(0, "قال ترامب في غزة", "Donald Trump said in Gaza"),
        _record(1, "قال ترامب", "Trump said"),  # not the canonical form
        _record(2, "غزة", "Gazan officials"),  # inside a longer word
    ]
    entities = entity_fidelity(records, _matcher)
    assert entities["available"] is True
    assert (entities["entities"], entities["canonical"]) == (4, 2)
    assert entities["share"] == 0.5
    assert [e["index"] for e in entities["examples"]] == [1, 2]


def test_flags_per_100_segments_per_name_and_in_total() -> None:
    records = [
        _record(0, "أ", "a", flags=["empty"]),
        _record(1, "ب", "b", flags=["empty", "untranslated_arabic"]),
        _record(2, "ت", "c", flags=[]),
        _record(3, "ث", "d"),  # an old record without flags
    ]
    flags = flag_rates(records)
    assert flags["segments"] == 4
    assert flags["counts"] == {"empty": 2, "untranslated_arabic": 1}
    assert flags["per_100"] == {"empty": 50.0, "untranslated_arabic": 25.0}
    assert flags["total_per_100"] == 75.0
    assert flags["flagged_segments_per_100"] == 50.0
    assert flag_rates([])["total_per_100"] is None


def test_fidelity_gathers_the_three_figures() -> None:
    result = fidelity([_record(0, "في 2024", "In 2024", flags=["empty"])], _matcher)
    assert result["numbers"]["share"] == 1.0
    assert result["entities"]["available"] is True
    assert result["flags"]["per_100"] == {"empty": 100.0}


def test_the_lexicon_hook_is_picked_up_from_tarjama_terms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terms = types.ModuleType("tarjama.terms")
    terms.entity_matcher = lambda: _matcher  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tarjama.terms", terms)
    assert default_entity_matcher() is _matcher

    def broken() -> None:
        raise RuntimeError("lexicon file is corrupt")

    terms.entity_matcher = broken  # type: ignore[attr-defined]
    assert default_entity_matcher() is None

    monkeypatch.setitem(sys.modules, "tarjama.terms", types.ModuleType("tarjama.terms"))
    assert default_entity_matcher() is None
