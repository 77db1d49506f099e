"""Markdown: blocks from markdown-it line maps, everything else byte for byte."""

from __future__ import annotations

import re

import pytest

from tarjama.formats import read_document, render_document

from .helpers import english, identity


@pytest.fixture
def page(paragraphs: list[str]) -> str:
    p = paragraphs
    return f"""---
title: خبر عاجل
tags: [سياسة]
---
# بوتين يقترح لقاء زيلينسكي #

{p[0]}
يتبع السطر الثاني من الفقرة.

## التفاصيل

> {p[1]}
> اقرأ [التقرير الكامل](https://example.com/report_(2025) "المصدر") الآن.

- {p[2][:60]}
  مع سطر تابع `code_span()` وعنوان https://news.example.org/a/b?c=1.
- بند ثان <https://example.com/auto>
    1. بند مرقم داخلي

| الدولة | العاصمة |
|--------|---------|
| روسيا | موسكو \\| الكرملين |
| أوكرانيا | كييف |

```python
print("نص عربي داخل الكود")
```

    كود بمسافة بادئة

<div class="box">
نص داخل HTML
</div>

![صورة الرئيس](https://example.com/putin.jpg) مع [رابط مرجعي][ref].

[ref]: https://example.com/ref
"""


def test_blocks_and_kinds(page: str, paragraphs: list[str]) -> None:
    document = read_document(page, name="news.md")
    assert document.format == "markdown"
    kinds = [b.kind for b in document.blocks]
    assert kinds == [
        "heading",
        "paragraph",
        "heading",
        "blockquote",
        "list_item",
        "list_item",
        "list_item",
        *["table_cell"] * 6,
        "paragraph",
    ]
    texts = [b.text for b in document.blocks]
    assert texts[0] == "بوتين يقترح لقاء زيلينسكي"
    assert texts[1] == paragraphs[0] + "\nيتبع السطر الثاني من الفقرة."
    assert texts[2] == "التفاصيل"
    assert texts[6] == "بند مرقم داخلي"
    assert texts[7:13] == ["الدولة", "العاصمة", "روسيا", "موسكو \\| الكرملين", "أوكرانيا", "كييف"]
    joined = "\n".join(texts)
    for untouched in ("title:", "سياسة", "نص عربي داخل الكود", "كود بمسافة", "نص داخل HTML"):
        assert untouched not in joined
    assert [b.id for b in document.blocks] == [f"b{i}" for i in range(1, 15)]


def test_protected_ranges(page: str) -> None:
    document = read_document(page, "markdown")

    def protected(block_text_start: str) -> list[str]:
        block = next(b for b in document.blocks if b.text.startswith(block_text_start))
        return [block.text[s:e] for s, e in block.protect]

    quote = document.blocks[3]
    assert [quote.text[s:e] for s, e in quote.protect] == [
        '](https://example.com/report_(2025) "المصدر")'
    ]
    assert "التقرير الكامل" in quote.text  # link text is translated
    item = document.blocks[4]
    assert [item.text[s:e] for s, e in item.protect] == [
        "`code_span()`",
        "https://news.example.org/a/b?c=1",
    ]
    assert protected("بند ثان") == ["<https://example.com/auto>"]
    assert protected("![") == ["](https://example.com/putin.jpg)", "][ref]"]


def test_identity_is_byte_exact(page: str) -> None:
    document = read_document(page, "markdown")
    assert render_document(document, identity(document)) == page
    crlf = page.replace("\n", "\r\n")
    document = read_document(crlf, "markdown")
    assert len(document.blocks) == 14
    assert render_document(document, identity(document)) == crlf


def test_english_render_keeps_structure(page: str) -> None:
    document = read_document(page, "markdown")
    output = render_document(document, english(document))
    again = read_document(output, "markdown")
    assert [b.kind for b in again.blocks] == [b.kind for b in document.blocks]
    assert [b.text for b in again.blocks] == ["EN:" + b.text for b in document.blocks]
    for kept in (
        "---\ntitle: خبر عاجل\ntags: [سياسة]\n---\n",
        '```python\nprint("نص عربي داخل الكود")\n```',
        "    كود بمسافة بادئة",
        '<div class="box">\nنص داخل HTML\n</div>',
        '](https://example.com/report_(2025) "المصدر")',
        "https://news.example.org/a/b?c=1",
        "<https://example.com/auto>",
        "[ref]: https://example.com/ref",
        "|--------|---------|",
    ):
        assert kept in output
    assert output.count("\n") == page.count("\n")
    assert "# EN:بوتين يقترح لقاء زيلينسكي #\n" in output
    assert "> EN:" in output
    assert "    1. EN:بند مرقم داخلي" in output
    assert re.search(r"^\| EN:روسيا \| EN:موسكو \\\| الكرملين \|$", output, re.M)


def test_longer_translation_keeps_container_prefixes() -> None:
    source = "> سطر واحد\n\n- بند\n\n1. أول\n\nفقرة\n"
    document = read_document(source, "markdown")
    lines = {b.id: "One\nTwo\n\nThree" for b in document.blocks}
    output = render_document(document, lines)
    assert output == (
        "> One\n> Two\n> Three\n\n- One\n  Two\n  Three\n\n1. One\n   Two\n   Three\n\n"
        "One\nTwo\nThree\n"
    )
    assert len(read_document(output, "markdown").blocks) == 4


def test_shorter_translation_drops_extra_lines() -> None:
    source = "> سطر أول\n> سطر ثان\n> سطر ثالث\n"
    document = read_document(source, "markdown")
    assert render_document(document, {"b1": "One line."}) == "> One line.\n"


def test_heading_and_cell_stay_on_one_line() -> None:
    source = "# عنوان\n\n| أ | ب |\n|---|---|\n| ج | د |\n"
    document = read_document(source, "markdown")
    output = render_document(document, {"b1": "A\ntitle", "b2": "x|y", "b5": "two\nlines"})
    assert output == "# A title\n\n| x\\|y | ب |\n|---|---|\n| ج | two lines |\n"


def test_toml_front_matter_is_untouched() -> None:
    source = "+++\ntitle = 'عنوان'\n+++\n\n# عنوان\n"
    document = read_document(source, "markdown")
    assert [b.text for b in document.blocks] == ["عنوان"]
    assert render_document(document, {"b1": "Title"}) == "+++\ntitle = 'عنوان'\n+++\n\n# Title\n"


def test_setext_heading() -> None:
    source = "عنوان طويل\nعلى سطرين\n===\n\nنص\n"
    document = read_document(source, "markdown")
    assert document.blocks[0].kind == "heading"
    assert document.blocks[0].text == "عنوان طويل\nعلى سطرين"
    assert render_document(document, {"b1": "Long title"}) == "Long title\n===\n\nنص\n"


@pytest.mark.parametrize(
    "source",
    ["", "\n\n", "```\nunclosed fence", "> \n>", "|a|\n|-|", "* \n\t- x\n\t\t`", "[x]: <", "#"],
)
def test_odd_markdown_does_not_crash(source: str) -> None:
    document = read_document(source, "markdown")
    assert render_document(document, identity(document)) == source
    assert isinstance(render_document(document, english(document)), str)
