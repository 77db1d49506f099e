"""The identity translation reproduces every text format byte for byte, and English lands
where the Arabic was.

Three properties per format, for generated documents with Arabic content:

* **identity**: reading a document and rendering it with each block's English equal to its
  source text gives back the input byte for byte (HTML: except the documented switch of
  ``dir="rtl"``/``lang="ar"`` to ``ltr``/``en``);
* **splice**: the same, with the renderer made to write every block (its "English" is the
  source text, but the document's copy of each block is blanked so no block is skipped): this
  checks each block's locator and escaping, not just the shortcut for unchanged blocks. It
  holds for documents written the canonical way (JSON from ``json.dumps``, HTML escaped by
  ``html.escape``, single spaces in Markdown headings);
* **round trip**: rendering generated English (Arabic-script stand-ins, so the readers that
  pick only Arabic text pick them again) and reading the result gives back those texts as the
  same blocks.
"""

from __future__ import annotations

import html
import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from tarjama.document import Document
from tarjama.formats import read_document, render_document
from tarjama.formats.base import one_paragraph
from tarjama.formats.jsondoc import string_literals

from .strategies import any_text, arabic_words, examples, one_line

arabic_line = one_line
#: Any text with an Arabic word in it: what an HTML or JSON reader picks up as a block.
with_arabic = st.tuples(any_text, arabic_words).map("".join)


def identity(document: Document) -> dict[str, str]:
    return {block.id: block.text for block in document.blocks}


def forced(document: Document) -> Document:
    """The document with every block's own text blanked, so a render writes every block."""
    return replace(document, blocks=tuple(replace(b, text="\x00") for b in document.blocks))


def check_identity(text: str, format: str) -> Document:
    document = read_document(text, format)
    assert render_document(document, identity(document)) == text
    return document


# -- plain text, lines -----------------------------------------------------------------------


@settings(max_examples=examples(100))
@given(any_text)
def test_text_identity_and_splice(text: str) -> None:
    document = check_identity(text, "text")
    assert render_document(forced(document), identity(document)) == text


@settings(max_examples=examples(100))
@given(any_text, st.data())
def test_text_round_trip(text: str, data: st.DataObject) -> None:
    document = read_document(text, "text")
    targets = {
        b.id: data.draw(any_text.filter(lambda t: t.strip()), label=b.id) for b in document.blocks
    }
    again = read_document(render_document(document, targets), "text")
    assert [b.text for b in again.blocks] == [one_paragraph(targets[b.id]) for b in document.blocks]


@settings(max_examples=examples(60))
@given(any_text)
def test_lines_identity(text: str) -> None:
    check_identity(text, "lines")


# -- Markdown --------------------------------------------------------------------------------


@st.composite
def markdown_documents(draw: st.DrawFn) -> str:
    line = arabic_line
    kinds = st.sampled_from(["heading", "paragraph", "list", "ordered", "quote", "code", "table"])
    blocks = []
    for kind in draw(st.lists(kinds, min_size=1, max_size=8)):
        if kind == "heading":
            blocks.append("#" * draw(st.integers(1, 6)) + " " + draw(line))
        elif kind == "paragraph":
            blocks.append("\n".join(draw(st.lists(line, min_size=1, max_size=3))))
        elif kind in ("list", "ordered"):
            items = draw(st.lists(line, min_size=1, max_size=4))
            blocks.append(
                "\n".join(
                    (f"{i}. " if kind == "ordered" else "- ") + item
                    for i, item in enumerate(items, 1)
                )
            )
        elif kind == "quote":
            blocks.append("\n".join("> " + x for x in draw(st.lists(line, min_size=1, max_size=3))))
        elif kind == "code":
            blocks.append("```\n" + draw(arabic_words) + "\n```")
        else:
            cells = draw(st.lists(arabic_words, min_size=4, max_size=4))
            blocks.append(f"| {cells[0]} | {cells[1]} |\n|---|---|\n| {cells[2]} | {cells[3]} |")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = "\n\n".join(blocks) + draw(st.sampled_from(["", "\n"]))
    return text.replace("\n", newline)


@settings(max_examples=examples(80))
@given(markdown_documents())
def test_markdown_identity_and_splice(text: str) -> None:
    document = check_identity(text, "markdown")
    assert render_document(forced(document), identity(document)) == text


@settings(max_examples=examples(80))
@given(markdown_documents(), st.data())
def test_markdown_round_trip(text: str, data: st.DataObject) -> None:
    document = read_document(text, "markdown")
    targets = {b.id: data.draw(arabic_line, label=b.id) for b in document.blocks}
    again = read_document(render_document(document, targets), "markdown")
    assert [(b.kind, b.text) for b in again.blocks] == [
        (b.kind, targets[b.id]) for b in document.blocks
    ]


# -- HTML ------------------------------------------------------------------------------------


@st.composite
def html_documents(draw: st.DrawFn) -> tuple[str, str]:
    """(page, the page as an identity render must give it: dir and lang switched)."""
    parts: list[tuple[str, str]] = []  # (as read, as rendered)

    def both(text: str) -> None:
        parts.append((text, text))

    def text_node() -> str:
        return html.escape(draw(st.one_of(arabic_line, any_text)), quote=False)

    def attribute() -> str:
        name = draw(st.sampled_from(["title", "alt", "aria-label", "class", "data-x"]))
        return f' {name}="{html.escape(draw(arabic_line), quote=True)}"'

    page = draw(st.booleans())
    if page:
        both("<!doctype html>\n")
        parts.append(('<html dir="rtl" lang="ar">', '<html dir="ltr" lang="en">'))
        both("<head><title>" + text_node() + "</title></head>\n<body>\n")
    for _ in range(draw(st.integers(1, 8))):
        tag = draw(st.sampled_from(["p", "h1", "div", "li", "span", "a", "script", "code", "x"]))
        attrs = "".join(attribute() for _ in range(draw(st.integers(0, 2))))
        if draw(st.booleans()):
            parts.append((f'<{tag}{attrs} dir="rtl">', f'<{tag}{attrs} dir="ltr">'))
        else:
            both(f"<{tag}{attrs}>")
        both(text_node())
        if draw(st.booleans()):
            both(f'<img alt="{html.escape(draw(arabic_line))}"><br>')
            both(text_node())
        both(f"</{tag}>")
        both(draw(st.sampled_from(["\n", "", "  ", "<!-- تعليق -->", "\n\n"])))
    if page:
        both("</body>\n</html>\n")
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)


@settings(max_examples=examples(80))
@given(html_documents())
def test_html_identity_and_splice(page: tuple[str, str]) -> None:
    text, expected = page
    document = read_document(text, "html")
    assert render_document(document, identity(document)) == expected
    assert render_document(forced(document), identity(document)) == expected


@settings(max_examples=examples(80))
@given(html_documents(), st.data())
def test_html_round_trip(page: tuple[str, str], data: st.DataObject) -> None:
    document = read_document(page[0], "html")
    targets = {b.id: data.draw(with_arabic, label=b.id) for b in document.blocks}
    again = read_document(render_document(document, targets), "html")
    assert [(b.kind, b.text) for b in again.blocks] == [
        (b.kind, targets[b.id].strip(" \t\n\r\f")) for b in document.blocks
    ]


# -- JSON, JSON Lines ------------------------------------------------------------------------

_strings = st.one_of(arabic_words, arabic_line, st.text(max_size=12), with_arabic)
json_values = st.recursive(
    st.one_of(_strings, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_strings, children, max_size=4)
    ),
    max_leaves=8,
)
_containers = st.one_of(
    st.lists(json_values, min_size=1, max_size=4),
    st.dictionaries(_strings, json_values, min_size=1, max_size=4),
)
_dump_options = st.fixed_dictionaries(
    {
        "indent": st.sampled_from([None, 2, "\t"]),
        "ensure_ascii": st.booleans(),
        "sort_keys": st.booleans(),
    }
)


@settings(max_examples=examples(100))
@given(_containers, _dump_options)
def test_json_identity_and_splice(value: object, options: dict[str, object]) -> None:
    text = json.dumps(value, **options)  # type: ignore[arg-type]
    document = check_identity(text, "json")
    assert render_document(forced(document), identity(document)) == text


def _targets_and_values(
    document: Document, data: st.DataObject, text: str
) -> tuple[dict[str, str], list[str]]:
    """Generated English per block, and every string value the rendered file must hold."""
    targets = {b.id: data.draw(any_text, label=b.id) for b in document.blocks}
    places = {(b.locator.start, b.locator.end): targets[b.id] for b in document.blocks}
    literals = [(lit.start, lit.end, lit.value) for lit in string_literals(text)]
    return targets, [places.get((start, end), value) for start, end, value in literals]


@settings(max_examples=examples(100))
@given(_containers, _dump_options, st.data())
def test_json_round_trip(value: object, options: dict[str, object], data: st.DataObject) -> None:
    text = json.dumps(value, **options)  # type: ignore[arg-type]
    document = read_document(text, "json")
    targets, expected = _targets_and_values(document, data, text)
    rendered = render_document(document, targets)
    json.loads(rendered)
    assert [lit.value for lit in string_literals(rendered)] == expected


@st.composite
def jsonl_documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.one_of(_containers, st.just("")), max_size=5))
    lines.insert(draw(st.integers(0, len(lines))), draw(_containers))  # never all blank
    ascii_only = draw(st.booleans())
    texts = ["" if line == "" else json.dumps(line, ensure_ascii=ascii_only) for line in lines]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(texts) + draw(st.sampled_from(["", newline]))


@settings(max_examples=examples(80))
@given(jsonl_documents())
def test_jsonl_identity_and_splice(text: str) -> None:
    document = check_identity(text, "jsonl")
    assert render_document(forced(document), identity(document)) == text


@settings(max_examples=examples(80))
@given(jsonl_documents(), st.data())
def test_jsonl_round_trip(text: str, data: st.DataObject) -> None:
    document = read_document(text, "jsonl")
    targets = {b.id: data.draw(any_text, label=b.id) for b in document.blocks}
    places = {b.locator.start: targets[b.id] for b in document.blocks}
    rendered = render_document(document, targets)
    expected, found = [], []
    offset = 0
    for before, after in zip(text.split("\n"), rendered.split("\n"), strict=True):
        expected += [places.get(offset + lit.start, lit.value) for lit in _literals(before)]
        found += [lit.value for lit in _literals(after)]
        offset += len(before) + 1
    assert found == expected


def _literals(line: str) -> list:
    return string_literals(line) if line.strip() else []
