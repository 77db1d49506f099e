"""Plain text: paragraphs, exact separators, a large article."""

from __future__ import annotations

import re
import time

import pytest

from tarjama.formats import read_document, render_document

from .helpers import english, identity


def test_paragraph_blocks(article: str, paragraphs: list[str]) -> None:
    document = read_document(article, "text", name="article-01.ar.txt")
    assert [b.text for b in document.blocks] == paragraphs
    assert [b.id for b in document.blocks] == [f"p{i}" for i in range(1, len(paragraphs) + 1)]
    assert {b.kind for b in document.blocks} == {"paragraph"}
    assert document.name == "article-01.ar.txt"


@pytest.mark.parametrize(
    "layout",
    [
        "{0}\n\n{1}\n\n{2}\n",
        "\n\n  {0}  \n \t \n\n{1}\r\n\r\n{2}",
        "{0}\r\n\r\n\r\n{1}\r\n  \r\n{2}\r\n\r\n",
        "\t{0}\n\n\n\n\n{1}\n \n{2}   ",
    ],
)
def test_identity_is_byte_exact(paragraphs: list[str], layout: str) -> None:
    source = layout.format(*paragraphs[:3])
    document = read_document(source, "text")
    assert len(document.blocks) == 3
    assert render_document(document, identity(document)) == source
    assert render_document(document, {}) == source


def test_single_line_breaks_stay_inside_a_paragraph(paragraphs: list[str]) -> None:
    source = f"{paragraphs[0]}\n{paragraphs[1]}\n\n{paragraphs[2]}"
    document = read_document(source, "text")
    assert [b.text for b in document.blocks] == [f"{paragraphs[0]}\n{paragraphs[1]}", paragraphs[2]]


def test_english_render_keeps_separators(article: str) -> None:
    source = "\n" + article.replace("\n\n", "\n \n\n", 2)
    document = read_document(source, "text")
    output = render_document(document, english(document))
    again = read_document(output, "text")
    assert [b.text for b in again.blocks] == ["EN:" + b.text for b in document.blocks]

    def separators(text: str) -> list[str]:
        return re.findall(r"\s*\n\s*\n\s*", text)

    assert separators(output) == separators(source)


def test_blank_lines_in_a_translation_do_not_add_paragraphs() -> None:
    document = read_document("أ\n\nب\n", "text")
    output = render_document(document, {"p1": "One.\n\nTwo.", "p2": "  Three.  "})
    assert output == "One.\nTwo.\n\nThree.\n"
    assert len(read_document(output, "text").blocks) == 2


def test_one_megabyte_article(article: str) -> None:
    copies = 1_000_000 // len(article.encode("utf-8")) + 1
    source = "\n\n".join([article.strip()] * copies) + "\n"
    assert len(source.encode("utf-8")) >= 1_000_000
    per_copy = len(read_document(article, "text").blocks)

    started = time.perf_counter()
    document = read_document(source, "auto", name="big.txt")
    output = render_document(document, english(document))
    again = read_document(output, "text")
    elapsed = time.perf_counter() - started

    assert len(document.blocks) == per_copy * copies >= 500
    assert len(again.blocks) == len(document.blocks)
    assert render_document(document, identity(document)) == source
    assert elapsed < 3.0
