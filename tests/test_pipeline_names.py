"""Names on the sentence-model path: given to the engine in their canonical English.

The engine here stands in for a sentence model that copies Latin-script words through (what
Marian and NLLB do with names in Latin script); it lets the test see exactly what the engine
was given and what the pipeline made of its answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from tarjama import Hypothesis, Segment, TranslationContext, Translator
from tarjama.engines.base import capabilities_of
from tarjama.pipeline import name_spans, segment_document
from tarjama.terms import Lexicon
from tarjama.translator import load_document

KALLAS = "وقالت مسؤولة السياسة الخارجية في الاتحاد الأوروبي كايا كالاس إن التكتل سيساهم."


class CopiesLatin:
    """A sentence model that keeps only the Latin-script words it was given."""

    name: ClassVar[str] = "ctranslate2"
    capabilities = capabilities_of("ctranslate2")  # fed as a sentence model is
    model_id = "copies-latin"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        self.seen += [s.engine_text for s in segments]
        return [Hypothesis(" ".join(re.findall(r"[A-Za-z]+", s.engine_text))) for s in segments]

    def close(self) -> None:
        pass


def test_the_names_the_lexicon_is_sure_of_become_spans_with_their_english() -> None:
    spans = name_spans(KALLAS, Lexicon.load_builtin())
    by_text = {span.text: span.target for span in spans}
    assert by_text["كايا كالاس"] == "Kaja Kallas"
    assert by_text["الاتحاد الأوروبي"] == "European Union"
    assert all(KALLAS[s.start : s.end] == s.text and s.kind == "name" for s in spans)


def test_a_sentence_model_is_given_the_names_in_english(shared_dir: Path) -> None:
    document = load_document(shared_dir / "examples" / "article-01.ar.txt")
    lexicon = Lexicon.load_builtin()
    segments = segment_document(document, "ctranslate2", lexicon)
    engine_text = " ".join(s.engine_text for s in segments)
    for english in ("Kaja Kallas", "Volodymyr Zelensky", "Jonas Gahr Støre", "NATO"):
        assert english in engine_text
    assert "كالاس" not in engine_text
    # chat models keep the Arabic (they are told the names in their prompt instead)
    chat = " ".join(s.engine_text for s in segment_document(document, "llama", lexicon))
    assert "كايا كالاس" in chat and "Kaja Kallas" not in chat


def test_names_given_in_english_reach_the_output_and_raise_no_flag() -> None:
    engine = CopiesLatin()
    result = Translator(engine=engine).translate_document(KALLAS.encode("utf-8"))
    (translation,) = result.translations
    assert "Kaja Kallas" in engine.seen[0] and "European Union" in engine.seen[0]
    assert "Kaja Kallas" in translation.target
    wrong = {"lexicon_violation", "invented_entity", "untranslated_arabic"}
    assert not wrong & set(translation.flags)


def test_a_glossary_wins_over_the_lexicon_for_sentence_models() -> None:
    from tarjama.terms import Glossary

    glossary = Glossary.from_pairs([("كايا كالاس", "High Representative Kallas")])
    engine = CopiesLatin()
    result = Translator(engine=engine).translate_document(KALLAS.encode("utf-8"), glossary=glossary)
    (translation,) = result.translations
    assert "High Representative Kallas" in engine.seen[0]
    assert "Kaja Kallas" not in engine.seen[0]
    assert "High Representative Kallas" in translation.target
    assert "glossary_violation" not in translation.flags
    assert result.meta["glossary_version"] == glossary.version


class Answers:
    """A model that answers every sentence with one fixed English sentence."""

    name: ClassVar[str] = "llama"
    capabilities = capabilities_of("llama")  # fed as a chat model is
    model_id = "answers"

    def __init__(self, english: str) -> None:
        self.english = english
        self.hints: tuple[tuple[str, str], ...] = ()

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        self.hints = context.hints if context is not None else ()
        return [Hypothesis(self.english) for _ in segments]

    def close(self) -> None:
        pass


def test_chat_models_are_told_the_glossary_and_a_term_they_ignore_is_flagged() -> None:
    from tarjama.terms import Glossary

    glossary = Glossary.from_pairs([("التكتل", "the bloc")])
    engine = Answers("EU foreign policy chief Kaja Kallas said the group would contribute.")
    result = Translator(engine=engine).translate_document(KALLAS.encode("utf-8"), glossary=glossary)
    (translation,) = result.translations
    assert ("التكتل", "the bloc") in engine.hints
    assert ("كايا كالاس", "Kaja Kallas") in engine.hints
    assert "glossary_violation" in translation.flags


def test_chat_models_are_told_the_dates_and_a_changed_month_is_flagged() -> None:
    # "The Prime Minister announced today (Tuesday) that the elections will be held on
    # 15 Tammuz (July)", with the Levantine month name
    arabic = "أعلن رئيس الوزراء اليوم (الثلاثاء) أن الانتخابات ستجري في 15 تموز المقبل."
    engine = Answers(
        "The Prime Minister announced on Tuesday that elections will be held on June 15."
    )
    result = Translator(engine=engine).translate_document(arabic.encode("utf-8"))
    (translation,) = result.translations
    assert ("اليوم (الثلاثاء)", "today (Tuesday)") in engine.hints
    assert any(english.endswith("July") for _, english in engine.hints)
    assert "date_changed" in translation.flags


class SecondThoughts:
    """A chat model that invents a name at first and, reminded to add nothing, does not."""

    name: ClassVar[str] = "llama"
    capabilities = capabilities_of("llama")  # fed as a chat model is
    model_id = "second-thoughts"

    def __init__(self, first: str, careful: str) -> None:
        self.first, self.careful = first, careful
        self.calls: list[bool] = []

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        careful = context is not None and context.careful
        self.calls.append(careful)
        return [Hypothesis(self.careful if careful else self.first) for _ in segments]

    def close(self) -> None:
        pass


# "The Ukrainian President Volodymyr Zelensky said on Tuesday that 3 people were killed."
ZELENSKY = "قال الرئيس الأوكراني فولوديمير زيلينسكي يوم الثلاثاء إن 3 أشخاص قتلوا."


def test_a_sentence_with_an_invented_name_is_asked_again_carefully() -> None:
    engine = SecondThoughts(
        "President Obama said on Tuesday that 3 people were killed.",
        "Ukrainian President Volodymyr Zelensky said on Tuesday that 3 people were killed.",
    )
    (translation,) = Translator(engine=engine).translate_document(ZELENSKY.encode()).translations
    assert engine.calls == [False, True]
    assert translation.target.startswith("Ukrainian President Volodymyr Zelensky")
    assert translation.flags == ()


def test_a_second_answer_that_is_no_better_is_not_taken() -> None:
    first = "Ukrainian President Volodymyr Zelensky said in Kyiv on Tuesday that 3 were killed."
    engine = SecondThoughts(first, "Obama said in Kyiv on Tuesday that 3 people were killed.")
    (translation,) = Translator(engine=engine).translate_document(ZELENSKY.encode()).translations
    assert engine.calls == [False, True]
    assert translation.target == first  # Kyiv is invented, but the retry also lost Zelensky
    assert translation.flags == ("invented_entity",)


def test_a_clean_first_answer_is_not_asked_again() -> None:
    good = "Ukrainian President Volodymyr Zelensky said on Tuesday that 3 people were killed."
    engine = SecondThoughts(good, "unused")
    (translation,) = Translator(engine=engine).translate_document(ZELENSKY.encode()).translations
    assert engine.calls == [False]
    assert translation.target == good
