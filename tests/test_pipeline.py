"""The pipeline through the Python API, with a real CTranslate2 engine (tiny random Marian).

read → segment → protect → translate → restore → check → render: offsets lead back into the
source blocks, batches come back one hypothesis per segment in order, protected spans reach the
English verbatim, and text without Arabic passes through untouched.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tarjama import Document, load_document
from tarjama.engines.base import Engine
from tarjama.formats import read_document
from tarjama.models import open_model
from tarjama.pipeline import TranslatedDocument, segment_document, translate_document
from tarjama.text import normalize_arabic, to_ascii_digits

URL, EMAIL, HANDLE, HASHTAG = "https://example.org/a?b=1", "info@example.org", "@UN_News", "#غزة"
PROTECTED = (
    f"وقالت الأمم المتحدة في بيان نشرته على {URL} إن المساعدات ارتفعت 12.5% هذا العام، "
    f"ويمكن التواصل عبر {EMAIL} أو متابعة الحساب {HANDLE} والوسم {HASHTAG} منذ 2024."
)


@pytest.fixture(scope="module")
def engine(tiny_marian_ct2: Path) -> Engine:
    return open_model(str(tiny_marian_ct2), beam_size=1)


@pytest.fixture(scope="module")
def article(shared_dir: Path) -> Document:
    return load_document(shared_dir / "examples" / "article-01.ar.txt")


@pytest.fixture(scope="module")
def article_result(article: Document, engine: Engine) -> TranslatedDocument:
    return translate_document(article, engine)


def test_offsets_lead_back_into_the_source_blocks(
    article: Document, article_result: TranslatedDocument
) -> None:
    translations = article_result.translations
    assert len(article.blocks) == 8
    assert len(translations) == 11
    assert [t.segment_id for t in translations] == [s.id for s in segment_document(article)]
    for block in article.blocks:
        mine = [t for t in translations if t.block_id == block.id]
        assert mine, block.id
        for t in mine:
            assert block.text[t.start : t.end] == t.source
        # Sentences tile the paragraph: nothing but spaces between them, nothing lost.
        assert mine[0].start == 0 and mine[-1].end == len(block.text)
        for before, after in itertools.pairwise(mine):
            assert block.text[before.end : after.start].strip() == ""


def test_offsets_point_at_the_original_even_when_the_source_is_normalised(
    engine: Engine,
) -> None:
    # Arabic-Indic digits, a tatweel and a presentation-form ligature: the engine gets the
    # normalised sentence, the offsets still point at what the writer wrote.
    text = "ارتفع المؤشر ٣٫٥٪ اليوم.  وقال الوزيـــر ﻻ تعليق.\n\nفقرة ثانية هنا."
    document = read_document(text, "text")
    result = translate_document(document, engine)
    assert len(result.translations) == 3
    for t in result.translations:
        original = document.block(t.block_id).text[t.start : t.end]
        assert to_ascii_digits(normalize_arabic(original)) == t.source
    first, second, _ = result.translations
    assert (
        document.block(first.block_id).text[first.start : first.end] == "ارتفع المؤشر ٣٫٥٪ اليوم."
    )
    assert first.source == "ارتفع المؤشر 3.5% اليوم."
    assert "3.5%" in first.target  # the number made it (kept or appended), in ASCII digits
    second_original = document.block(second.block_id).text[second.start : second.end]
    assert second_original == "وقال الوزيـــر ﻻ تعليق."
    assert second.source == "وقال الوزير لا تعليق."


def test_many_segments_batched_one_hypothesis_each_in_order(
    shared_dir: Path, tiny_marian_ct2: Path, engine: Engine
) -> None:
    lines = (shared_dir / "data" / "eval" / "flores200.dev.ar").read_text("utf-8").splitlines()
    document = read_document("\n".join(lines[:60]) + "\n", "lines")
    segments = segment_document(document, engine.name)
    assert len(segments) >= 60

    # The same model cut into tiny token-budget batches (several segments each, many batches)
    small_batches = open_model(str(tiny_marian_ct2), beam_size=1, max_batch_tokens=96)
    progress: list[int] = []
    batched = translate_document(document, small_batches, on_progress=progress.append)
    whole = translate_document(document, engine)

    assert len(batched.translations) == len(segments)
    assert [t.segment_id for t in batched.translations] == [s.id for s in segments]
    assert [t.source for t in batched.translations] == [s.source for s in segments]
    assert all(t.target for t in batched.translations)
    # Sorting by length and batching never mixes up whose English is whose.
    assert [t.target for t in batched.translations] == [t.target for t in whole.translations]
    assert [t.score for t in batched.translations] == [t.score for t in whole.translations]
    assert sum(progress) == len(segments)
    assert len(progress) > 5
    # Line i of the output is the English of line i of the input.
    out_lines = batched.output.splitlines()
    assert len(out_lines) == 60
    for number, line in enumerate(out_lines, start=1):
        mine = [t.target for t in batched.translations if t.block_id == f"l{number}"]
        assert line == " ".join(mine)


def test_protected_spans_come_out_verbatim(engine: Engine) -> None:
    document = read_document(PROTECTED + "\n", "text")
    [segment] = segment_document(document, engine.name)

    # What the sentence engine sees: URL, e-mail, handle and hashtag as placeholders,
    # numbers verbatim (the model needs them for the grammar).
    for hidden in (URL, EMAIL, HANDLE, HASHTAG):
        assert hidden not in segment.engine_text
    assert [s.placeholder for s in segment.spans if s.placeholder] == ["⟨0⟩", "⟨1⟩", "⟨2⟩", "⟨3⟩"]
    assert "12.5%" in segment.engine_text and "2024" in segment.engine_text
    # Chat engines (llama, openai) see handles, hashtags and numbers verbatim.
    [chat_segment] = segment_document(document, "llama")
    assert HANDLE in chat_segment.engine_text and HASHTAG in chat_segment.engine_text
    assert URL not in chat_segment.engine_text

    result = translate_document(document, engine)
    [t] = result.translations
    for kept in (URL, EMAIL, HANDLE, HASHTAG, "12.5%", "2024"):
        assert kept in t.target, kept
        assert kept in result.output, kept
    # The tiny model cannot write a URL: what it dropped was appended, and that is flagged.
    appended = [s for s in (URL, EMAIL, HANDLE, HASHTAG, "12.5%", "2024") if f"({s})" in t.target]
    assert URL in appended
    assert "protected_span_missing" in t.flags


def test_numbers_the_engine_dropped_are_appended_and_flagged(engine: Engine) -> None:
    # No placeholders here: only numbers, which the sentence engine sees verbatim.
    document = read_document("وارتفع عدد الضحايا إلى 1,250 شخصا بحلول 10:30 صباحا.\n", "text")
    [segment] = segment_document(document, engine.name)
    assert not any(s.placeholder for s in segment.spans)
    [t] = translate_document(document, engine).translations
    assert "1,250" in t.target and "10:30" in t.target
    dropped = [n for n in ("1,250", "10:30") if f"({n})" in t.target]
    assert ("protected_span_missing" in t.flags) == bool(dropped)


def test_text_without_arabic_passes_through_untouched(engine: Engine) -> None:
    text = "قال الرئيس إن المحادثات ستستأنف.\n\nReuters contributed reporting.\n\n2024-03-01\n"
    document = read_document(text, "text")
    result = translate_document(document, engine)
    arabic, english, date = result.translations
    assert arabic.engine == "ctranslate2" and arabic.target != arabic.source
    for t in (english, date):
        assert t.engine == "passthrough" and t.target == t.source and t.score is None
    assert result.output.endswith("\n\nReuters contributed reporting.\n\n2024-03-01\n")
    assert result.warnings == ()

    only_english = translate_document(read_document("Nothing to do here.\n", "text"), engine)
    assert only_english.output == "Nothing to do here.\n"
    assert only_english.warnings == (
        "no Arabic text found; the input was passed through unchanged",
    )


def test_every_format_renders_its_own_shape(engine: Engine) -> None:
    arabic = "قال الرئيس إن المحادثات ستستأنف."
    cases = {
        "html": f'<p dir="rtl" class="x">{arabic}</p><script>var a="{arabic}";</script>',
        "markdown": f"# {arabic}\n\n```\n{arabic}\n```\n",
        "json": f'{{"a": "{arabic}", "b": 1}}',
        "jsonl": f'{{"a": "{arabic}"}}\n{{"a": "{arabic}"}}\n',
        "text": f"{arabic}\n\n{arabic}\n",
    }
    for format, text in cases.items():
        result = translate_document(read_document(text, format), engine)
        assert result.document.format == format
        assert len(result.translations) == len(result.document.blocks)
        assert result.output != text
    html = translate_document(read_document(cases["html"], "html"), engine).output
    assert html.startswith('<p dir="ltr" class="x">')
    assert html.endswith(f'</p><script>var a="{arabic}";</script>')
    markdown = translate_document(read_document(cases["markdown"], "markdown"), engine).output
    assert markdown.startswith("# ") and markdown.endswith(f"\n\n```\n{arabic}\n```\n")


def test_to_dict_carries_blocks_and_segments(article_result: TranslatedDocument) -> None:
    data = article_result.to_dict()
    assert data["format"] == "text" and data["output"] == article_result.output
    assert [b["id"] for b in data["blocks"]] == [b.id for b in article_result.document.blocks]
    texts = {b["id"]: b["text"] for b in data["blocks"]}
    for segment in data["segments"]:
        assert texts[segment["block"]][segment["start"] : segment["end"]] == segment["source"]
        assert segment["engine"] == "ctranslate2" and segment["model"] == "tiny-marian"
