"""The public Python API: ``Translator`` with a real CTranslate2 model (tiny random Marian).

What README promises: ``translate(text) -> str``, ``translate_document(path | Document)`` with
per-segment provenance, the model opened once, and one Translator safe to share between threads.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tarjama import (
    Document,
    InputError,
    ModelNotFoundError,
    TranslatedDocument,
    Translation,
    Translator,
    load_document,
)
from tarjama.settings import Settings
from tarjama.translator import DEFAULT_MAX_INPUT_BYTES

ARABIC = "قال الرئيس إن المحادثات ستستأنف غداً في العاصمة."


@pytest.fixture(scope="module")
def translator(tiny_marian_ct2: Path) -> Translator:
    return Translator(model=str(tiny_marian_ct2), beam=1)


@pytest.fixture(scope="module")
def article_path(shared_dir: Path) -> Path:
    return shared_dir / "examples" / "article-01.ar.txt"


def _signature(result: TranslatedDocument) -> tuple[object, ...]:
    return (
        result.output,
        tuple(
            (t.segment_id, t.source, t.target, t.score, t.start, t.end) for t in result.translations
        ),
    )


def test_translate_returns_english_text_of_the_same_shape(translator: Translator) -> None:
    english = translator.translate(ARABIC)
    assert isinstance(english, str)
    assert english and english != ARABIC
    assert ARABIC not in english
    assert translator.translate(ARABIC) == english  # deterministic
    two = translator.translate(f"{ARABIC}\n\n{ARABIC}\n")
    assert two == f"{english}\n\n{english}\n"
    html = translator.translate(f'<p dir="rtl">{ARABIC}</p>', format="html")
    assert html == f'<p dir="ltr">{english}</p>'


def test_translate_document_from_a_path_and_from_a_document(
    translator: Translator, article_path: Path
) -> None:
    by_path = translator.translate_document(article_path)
    by_str = translator.translate_document(str(article_path))
    document = load_document(article_path)
    assert isinstance(document, Document)
    by_document = translator.translate_document(document)
    by_bytes = translator.translate_document(article_path.read_bytes())
    assert _signature(by_path) == _signature(by_document) == _signature(by_str)
    assert _signature(by_bytes) == _signature(by_path)

    assert isinstance(by_path, TranslatedDocument)
    assert by_path.text == by_path.output
    assert len(by_path.translations) == 11
    for t in by_path.translations:
        assert isinstance(t, Translation)
        assert document.block(t.block_id).text[t.start : t.end] == t.source
        assert t.target and t.target != t.source
        assert isinstance(t.score, float)
        assert t.engine == "ctranslate2"
        assert t.model == "tiny-marian"
    assert by_path.output.count("\n\n") == article_path.read_text("utf-8").count("\n\n")


def test_translate_document_json_fields(translator: Translator, tmp_path: Path) -> None:
    path = tmp_path / "item.json"
    path.write_text(
        json.dumps({"title": ARABIC, "body": ARABIC, "note": ARABIC}, ensure_ascii=False),
        encoding="utf-8",
    )
    result = translator.translate_document(path, fields=["title", "body"])
    assert [t.block_id for t in result.translations] == ["/title", "/body"]
    english = json.loads(result.output)
    assert english["note"] == ARABIC
    assert english["title"] == english["body"] != ARABIC


def test_the_model_is_opened_once(translator: Translator, article_path: Path) -> None:
    engine = translator.engine
    assert translator.engine is engine
    translator.translate(ARABIC)
    translator.translate_document(article_path)
    assert translator.engine is engine
    assert engine.beam_size == 1  # type: ignore[attr-defined]


def test_first_use_from_many_threads_still_opens_one_engine(tiny_marian_ct2: Path) -> None:
    shared = Translator(model=str(tiny_marian_ct2))
    start = threading.Barrier(8)
    seen: list[object] = []

    def first_use() -> None:
        start.wait()
        seen.append(shared.engine)

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert all(engine is seen[0] for engine in seen)
    assert seen[0].beam_size == 4  # type: ignore[attr-defined]  # the engine's default
    shared.close()


def test_one_translator_shared_by_four_threads_gives_the_sequential_results(
    translator: Translator, article_path: Path, shared_dir: Path
) -> None:
    lines = (shared_dir / "data" / "eval" / "flores200.dev.ar").read_text("utf-8").splitlines()
    documents: list[Document] = [
        load_document(article_path),
        load_document(f'<p title="{ARABIC}">{ARABIC}</p>'.encode(), name="a.html"),
        load_document("\n\n".join(lines[:12]).encode(), name="flores.txt"),
        load_document(json.dumps({"t": lines[20]}).encode(), name="item.json"),
        load_document("\n\n".join(lines[30:36]).encode(), name="more.md"),
        load_document(ARABIC.encode(), name="one.txt"),
    ]
    expected = [_signature(translator.translate_document(d)) for d in documents]
    engine = translator.engine

    jobs = documents * 2  # 12 documents, 4 threads: each thread translates several
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(translator.translate_document, jobs))
    assert [_signature(r) for r in results] == expected * 2
    assert translator.engine is engine


def test_close_and_context_manager(tiny_marian_ct2: Path) -> None:
    with Translator(model=str(tiny_marian_ct2), beam=1) as translator:
        first = translator.engine
        english = translator.translate(ARABIC)
    # closed on exit; a later call opens the model again and gives the same English
    assert translator.translate(ARABIC) == english
    assert translator.engine is not first
    translator.close()


def test_a_missing_model_is_reported_on_first_use(tmp_path: Path) -> None:
    translator = Translator(model="opus-mt-tc-big-ar-en", settings=Settings(home=tmp_path))
    with pytest.raises(ModelNotFoundError) as caught:
        translator.translate(ARABIC)
    assert "tarjama models install opus-mt-tc-big-ar-en" in str(caught.value)
    assert caught.value.name == "opus-mt-tc-big-ar-en"


def test_bad_input_raises_input_error(translator: Translator, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is empty"):
        translator.translate_document(b"")
    with pytest.raises(InputError, match="no such file"):
        translator.translate_document(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        translator.translate_document(tmp_path)
    with pytest.raises(InputError, match="looks binary"):
        translator.translate_document(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))


def test_input_size_limit(translator: Translator, tmp_path: Path) -> None:
    assert translator.max_input_bytes == DEFAULT_MAX_INPUT_BYTES == 2_000_000
    path = tmp_path / "long.txt"
    path.write_text((ARABIC + "\n\n") * 20, encoding="utf-8")
    size = path.stat().st_size
    with pytest.raises(InputError, match=r"long\.txt is larger than the 0\.0 MB input limit"):
        load_document(path, max_bytes=size - 1)
    assert len(load_document(path, max_bytes=size).blocks) == 20
    assert len(load_document(path, max_bytes=0).blocks) == 20  # 0: no limit
    with pytest.raises(InputError, match="larger than"):
        load_document(path.read_bytes(), max_bytes=100, name="feed")
    limited = Translator(model="unused", settings=Settings(home=tmp_path), max_input_bytes=100)
    with pytest.raises(InputError, match="larger than"):
        limited.translate_document(path)  # refused before any model is opened


def _word_file(paragraphs: list[str]) -> bytes:
    import io

    import docx

    word = docx.Document()
    word.add_heading(paragraphs[0], level=1)
    for text in paragraphs[1:]:
        word.add_paragraph(text)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def test_a_word_file_comes_back_as_a_word_file(translator: Translator, article_path: Path) -> None:
    import io

    import docx

    paragraphs = [p for p in article_path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    data = _word_file(paragraphs[:3])
    result = translator.translate_document(data, format="auto")
    assert result.document.format == "docx"
    english = docx.Document(io.BytesIO(result.output_bytes))
    texts = [p.text for p in english.paragraphs if p.text.strip()]
    assert len(texts) == 3
    assert english.paragraphs[0].style.name == "Heading 1"  # the shape is kept
    assert texts == [t for t in result.output.split("\n\n")]  # the text view says the same
    by_block: dict[str, list[str]] = {}
    for t in result.translations:
        by_block.setdefault(t.block_id, []).append(t.target)
    assert texts == [" ".join(parts) for parts in by_block.values()]
