"""Word documents through the bytes API (python-docx)."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from tarjama.errors import InputError
from tarjama.formats import read_document_bytes, render_document_bytes

from .helpers import english, identity


@pytest.fixture
def word_file(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading(paragraphs[0][:30], level=1)
    mixed = document.add_paragraph()
    mixed.add_run("قال ")
    mixed.add_run("بوتين").bold = True
    mixed.add_run(" اليوم")
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "الدولة"
    table.cell(0, 1).text = "العاصمة"
    table.cell(1, 0).text = "روسيا"
    table.cell(1, 1).text = "موسكو"
    document.add_paragraph(paragraphs[1])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_blocks(word_file: bytes, paragraphs: list[str]) -> None:
    document = read_document_bytes(word_file, name="story.docx")
    assert document.format == "docx"
    assert [(b.id, b.text) for b in document.blocks] == [
        ("p1", paragraphs[0][:30]),
        ("p2", "قال بوتين اليوم"),
        ("t1.r1c1.p1", "الدولة"),
        ("t1.r1c2.p1", "العاصمة"),
        ("t1.r2c1.p1", "روسيا"),
        ("t1.r2c2.p1", "موسكو"),
        ("p4", paragraphs[1]),
    ]


def test_sniffed_without_a_name(word_file: bytes) -> None:
    assert read_document_bytes(word_file).format == "docx"


def test_identity_returns_the_same_bytes(word_file: bytes) -> None:
    document = read_document_bytes(word_file, name="story.docx")
    assert render_document_bytes(document, identity(document)) == word_file


def test_english_render(word_file: bytes) -> None:
    document = read_document_bytes(word_file, name="story.docx")
    output = render_document_bytes(document, english(document))
    assert zipfile.is_zipfile(io.BytesIO(output))
    again = read_document_bytes(output, name="story.en.docx")
    assert [b.id for b in again.blocks] == [b.id for b in document.blocks]
    assert [b.text for b in again.blocks] == ["EN:" + b.text for b in document.blocks]
    merged = docx.Document(io.BytesIO(output)).paragraphs[1]
    assert len(merged.runs) == 1  # runs merged into the first one


def test_text_formats_through_the_bytes_api(article: str) -> None:
    document = read_document_bytes(article.encode("utf-8"), name="a.txt")
    assert document.format == "text"
    assert render_document_bytes(document, identity(document)) == article.encode("utf-8")


def test_broken_docx_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"broken\.docx is not a readable Word"):
        read_document_bytes(b"PK\x03\x04 not really a zip", name="broken.docx")


def test_other_zip_is_binary() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "x" * 100)
    with pytest.raises(InputError, match="binary"):
        read_document_bytes(buffer.getvalue(), name="archive")
