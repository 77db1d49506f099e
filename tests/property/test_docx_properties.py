"""Word documents (generated with python-docx): identity and partial translations.

What is compared, exactly:

* identity (every block's English is its source): the whole ``.docx`` file, byte for byte;
* a partial translation (some blocks get English, the rest keep their source): every zip
  member other than ``word/document.xml``, byte for byte; inside ``word/document.xml``, the XML
  of every paragraph that was not translated, byte for byte; and reading the result back gives
  the English for the translated paragraphs and the source for the others. (A translated
  paragraph is rewritten by design: its runs are merged into the first and its right-to-left
  marks removed, see ``formats/word.py``.)
"""

from __future__ import annotations

import io
import zipfile

import docx
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tarjama.formats import read_document_bytes, render_document_bytes
from tarjama.memory.xmlutil import strip_invalid_xml

from .strategies import any_text, arabic_words, examples, one_line

arabic_line = one_line


@st.composite
def word_files(draw: st.DrawFn) -> bytes:
    document = docx.Document()
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["paragraph", "runs", "heading", "empty", "table"]))
        if kind == "paragraph":
            document.add_paragraph(draw(arabic_line))
        elif kind == "runs":
            paragraph = document.add_paragraph()
            for text in draw(st.lists(arabic_words, min_size=1, max_size=4)):
                run = paragraph.add_run(text + " ")
                run.bold = draw(st.booleans())
        elif kind == "heading":
            document.add_heading(draw(arabic_line), level=draw(st.integers(1, 3)))
        elif kind == "empty":
            document.add_paragraph("")
        else:
            table = document.add_table(rows=2, cols=2)
            for cell in (c for row in table.rows for c in row.cells):
                cell.text = draw(st.one_of(arabic_line, st.just("")))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def paragraph_xml(data: bytes) -> dict[str, bytes]:
    """Each block's paragraph element, serialised, by block id."""
    from tarjama.formats.word import _walk

    word = docx.Document(io.BytesIO(data))
    return {block_id: etree.tostring(p._p) for block_id, p, _ in _walk(word)}


@settings(max_examples=examples(40))
@given(word_files())
def test_identity_gives_back_the_same_file(data: bytes) -> None:
    document = read_document_bytes(data, name="story.docx")
    identity = {block.id: block.text for block in document.blocks}
    assert render_document_bytes(document, identity) == data


@settings(max_examples=examples(40))
@given(word_files(), st.data())
def test_partial_translation_touches_only_translated_paragraphs(
    data: bytes, draw: st.DataObject
) -> None:
    document = read_document_bytes(data, name="story.docx")
    chosen = draw.draw(st.sets(st.sampled_from([b.id for b in document.blocks]))
                       if document.blocks else st.just(set()))  # fmt: skip
    targets = {block_id: draw.draw(arabic_line, label=block_id) for block_id in chosen}
    rendered = render_document_bytes(document, targets)

    before, after = members(data), members(rendered)
    assert before.keys() == after.keys()
    for name in before.keys() - {"word/document.xml"}:
        assert after[name] == before[name], name
    old, new = paragraph_xml(data), paragraph_xml(rendered)
    assert old.keys() == new.keys()
    for block_id in old.keys() - chosen:
        assert new[block_id] == old[block_id], block_id

    again = read_document_bytes(rendered, name="story.docx")
    assert [(b.id, b.text) for b in again.blocks] == [
        (b.id, targets.get(b.id, b.text)) for b in document.blocks
    ]


@settings(max_examples=examples(40))
@given(word_files(), st.data())
def test_any_english_renders_to_a_readable_file(data: bytes, draw: st.DataObject) -> None:
    """Whatever an engine writes, the file renders and reads back as that English: less the
    characters XML cannot hold, with a carriage return read as the line break Word writes."""
    document = read_document_bytes(data, name="story.docx")
    targets = {b.id: draw.draw(any_text, label=b.id) for b in document.blocks}
    rendered = render_document_bytes(document, targets)
    again = read_document_bytes(rendered, name="story.docx")
    expected = {b.id: strip_invalid_xml(targets[b.id]).replace("\r", "\n") for b in document.blocks}
    assert [(b.id, b.text) for b in again.blocks] == [
        (b.id, expected[b.id]) for b in document.blocks if expected[b.id].strip()
    ]


def test_control_characters_in_english_are_left_out() -> None:
    """Found by the property above: English holding a control character (U+0011) failed the
    render with lxml's ValueError; it is now left out, as XML cannot hold it."""
    word = docx.Document()
    word.add_paragraph("قال الوزير")
    out = io.BytesIO()
    word.save(out)
    document = read_document_bytes(out.getvalue(), name="story.docx")
    rendered = render_document_bytes(document, {"p1": "The\x11 minister\ufffe said\r\nit"})
    again = read_document_bytes(rendered, name="story.docx")
    assert [b.text for b in again.blocks] == ["The minister said\n\nit"]
