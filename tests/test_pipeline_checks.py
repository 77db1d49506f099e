"""The check stage of the pipeline on a real failure: the published English of the example
article, which writes كايا كالاس as "Kaia Kallas".

The engine here is the kind a user plugs into ``Translator(engine=...)``: it answers with a
human translation (the newspaper's own), so the test exercises the pipeline's repair and flags
on real text rather than on a model's noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from tarjama import Hypothesis, Segment, TranslationContext, Translator
from tarjama.engines.base import Capabilities


class PublishedEnglish:
    """Answers each one-sentence paragraph with the published English of that paragraph."""

    name: ClassVar[str] = "published"
    capabilities = Capabilities()  # the defaults: hide URLs, e-mails, format ranges
    model_id = "article-01.en"

    def __init__(self, arabic: list[str], english: list[str]) -> None:
        self.by_source = dict(zip(arabic, english, strict=True))

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        return [Hypothesis(self.by_source.get(s.source, ""), -0.3) for s in segments]

    def close(self) -> None:
        pass


def _paragraphs(path: Path) -> list[str]:
    return [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def test_a_wrong_first_name_is_repaired_and_an_invented_place_is_flagged(
    shared_dir: Path,
) -> None:
    arabic = _paragraphs(shared_dir / "examples" / "article-01.ar.txt")
    english = _paragraphs(shared_dir / "examples" / "article-01.en.txt")
    kallas = arabic[5]  # "… كايا كالاس، اليوم، إن التكتل سيساهم …": one sentence
    assert "Kaia Kallas" in english[5]
    wrong = english[5].replace("for Ukraine", "for Albania")
    engine = PublishedEnglish([kallas], [wrong])
    result = Translator(engine=engine).translate_document(kallas.encode("utf-8"))
    (translation,) = result.translations
    assert "Kaja Kallas" in translation.target and "Kaia" not in translation.target
    assert "invented_entity" in translation.flags
    assert result.output == translation.target


def test_the_published_english_of_a_clean_paragraph_raises_no_flag(shared_dir: Path) -> None:
    arabic = _paragraphs(shared_dir / "examples" / "article-01.ar.txt")
    english = _paragraphs(shared_dir / "examples" / "article-01.en.txt")
    engine = PublishedEnglish([arabic[0]], [english[0]])
    (translation,) = (
        Translator(engine=engine).translate_document(arabic[0].encode("utf-8")).translations
    )
    assert translation.target == english[0]
    assert translation.flags == ()


def test_chat_engines_are_told_the_canonical_names_in_the_text(shared_dir: Path) -> None:
    from tarjama.pipeline import _builtin_lexicon, _hints, segment_document
    from tarjama.translator import load_document

    document = load_document(shared_dir / "examples" / "article-01.ar.txt")
    hints = dict(_hints(segment_document(document, "llama"), _builtin_lexicon()))
    assert hints["كايا كالاس"] == "Kaja Kallas"
    assert hints["فولوديمير زيلينسكي"] == "Volodymyr Zelensky"
    assert "X" in hints.values()
