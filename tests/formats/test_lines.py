"""Lines: one block per line, blank lines included, so evaluation sets stay aligned."""

from __future__ import annotations

from tarjama.formats import detect_format, read_document, render_document

from .helpers import english, identity


def test_one_block_per_line(paragraphs: list[str]) -> None:
    source = f"{paragraphs[0]}\n\n  {paragraphs[1]}  \r\n{paragraphs[2]}\n"
    document = read_document(source, "lines")
    assert [(b.id, b.text) for b in document.blocks] == [
        ("l1", paragraphs[0]),
        ("l2", ""),
        ("l3", paragraphs[1]),
        ("l4", paragraphs[2]),
    ]
    assert render_document(document, identity(document)) == source
    output = render_document(document, english(document))
    assert output.split("\n")[1] == "EN:"
    assert len(output.split("\n")) == len(source.split("\n"))


def test_translation_line_breaks_become_spaces() -> None:
    document = read_document("أ\nب", "lines")
    assert render_document(document, {"l1": "one\ntwo"}) == "one two\nب"


def test_never_detected() -> None:
    assert detect_format(None, "سطر\nسطر") == "text"
