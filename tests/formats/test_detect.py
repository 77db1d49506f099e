"""detect_format, the registry and the generic read/render entry points."""

from __future__ import annotations

import pytest

from tarjama.errors import ConfigurationError
from tarjama.formats import detect_format, format_names, read_document, render_document


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "text"),
        ("dir/a.md", "markdown"),
        ("A.MARKDOWN", "markdown"),
        ("page.html", "html"),
        ("page.htm", "html"),
        ("feed.json", "json"),
        ("feed.jsonl", "jsonl"),
        ("feed.ndjson", "jsonl"),
    ],
)
def test_extension_wins(name: str, expected: str) -> None:
    assert detect_format(name, "# looks like markdown\n\n{}") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"title": "عنوان"}', "json"),
        ('[{"title": "عنوان"}, 1]', "json"),
        ('{"a": "أ"}\n{"a": "ب"}\n', "jsonl"),
        ("{broken json", "json"),
        ("<!DOCTYPE html><html><body><p>نص</p></body></html>", "html"),
        ("<p>فقرة</p>\n<p>أخرى</p>", "html"),
        ("# عنوان\n\nنص الفقرة.", "markdown"),
        ("نص مع [رابط](https://example.com) داخل الفقرة.", "markdown"),
        ("- بند\n- بند آخر\n", "markdown"),
        ("[عاجل] خبر بين قوسين\n\nفقرة ثانية.", "text"),
    ],
)
def test_sniffing(text: str, expected: str) -> None:
    assert detect_format(None, text) == expected
    assert detect_format("no-extension", text) == expected


def test_article_is_text(article: str) -> None:
    assert detect_format(None, article) == "text"
    assert read_document(article).format == "text"


def test_unknown_format_lists_known_ones() -> None:
    with pytest.raises(ConfigurationError) as caught:
        read_document("نص", "rtf")
    for name in ("text", "markdown", "html", "json", "jsonl"):
        assert name in str(caught.value)
    assert format_names() == ["feed", "html", "json", "jsonl", "lines", "markdown", "text"]


def test_format_names_are_case_insensitive() -> None:
    assert read_document("نص", "Markdown").format == "markdown"
    assert read_document("نص", "txt").format == "text"


def test_fields_only_for_json() -> None:
    with pytest.raises(ConfigurationError, match="json"):
        read_document("نص", "text", fields=["title"])


def test_docx_needs_bytes() -> None:
    with pytest.raises(ConfigurationError, match="read_document_bytes"):
        read_document("نص", "docx")


def test_render_rejects_unknown_block_ids() -> None:
    document = read_document("فقرة أولى\n\nفقرة ثانية", "text")
    with pytest.raises(ValueError, match="p9"):
        render_document(document, {"p9": "x"})


def test_missing_targets_keep_the_source() -> None:
    source = "فقرة أولى\n\nفقرة ثانية\n"
    document = read_document(source, "text")
    assert render_document(document, {"p2": "Second."}) == "فقرة أولى\n\nSecond.\n"
