"""JSON and JSON Lines: string literals are replaced in place, nothing else moves."""

from __future__ import annotations

import json

import pytest

from tarjama.errors import ConfigurationError, InputError
from tarjama.formats import read_document, render_document

from .helpers import english, identity


@pytest.fixture
def feed(paragraphs: list[str]) -> str:
    data = {
        "id": 17,
        "title": paragraphs[0][:40],
        "score": 1.50,
        "published": "2025-08-19",
        "items": [
            {"text": paragraphs[1], "n": 1},
            {"text": "English already", "n": 2},
            {"text": paragraphs[2], "tags": ["سياسة", "أوكرانيا"]},
        ],
        "meta": {"source": {"name": "وكالة", "url": "https://example.com/خبر"}},
        "empty": [],
    }
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return text.replace('"score": 1.5', '"score": 1.50')  # a spelling json.dumps would change


def test_arabic_strings_become_blocks(feed: str, paragraphs: list[str]) -> None:
    document = read_document(feed, name="feed.json")
    assert document.format == "json"
    assert [(b.id, b.text) for b in document.blocks] == [
        ("/title", paragraphs[0][:40]),
        ("/items/0/text", paragraphs[1]),
        ("/items/2/text", paragraphs[2]),
        ("/items/2/tags/0", "سياسة"),
        ("/items/2/tags/1", "أوكرانيا"),
        ("/meta/source/name", "وكالة"),
        ("/meta/source/url", "https://example.com/خبر"),
    ]


def test_identity_is_byte_exact(feed: str) -> None:
    document = read_document(feed, "json")
    assert render_document(document, identity(document)) == feed
    compact = json.dumps(json.loads(feed), ensure_ascii=False, separators=(",", ":"))
    document = read_document(compact, "json")
    assert render_document(document, identity(document)) == compact


def test_english_render_keeps_structure(feed: str) -> None:
    document = read_document(feed, "json")
    output = render_document(document, english(document))
    assert output.count("\n") == feed.count("\n")
    assert '"score": 1.50' in output
    before, after = json.loads(feed), json.loads(output)
    assert list(after) == list(before)
    assert after["id"] == 17 and after["items"][1]["text"] == "English already"
    assert after["items"][2]["tags"] == ["EN:سياسة", "EN:أوكرانيا"]
    assert after["title"] == "EN:" + before["title"]


def test_fields_select_paths(feed: str) -> None:
    pick = read_document(feed, "json", fields=["items.*.text"])
    assert [b.id for b in pick.blocks] == ["/items/0/text", "/items/1/text", "/items/2/text"]
    bare = read_document(feed, "json", fields=["title", "tags"])
    assert [b.id for b in bare.blocks] == ["/title", "/items/2/tags/0", "/items/2/tags/1"]
    pointer = read_document(feed, "json", fields=["/meta/source/name", "id"])
    assert [b.id for b in pointer.blocks] == ["/meta/source/name"]


def test_unknown_fields_are_a_configuration_error(feed: str) -> None:
    with pytest.raises(ConfigurationError, match="titel"):
        read_document(feed, "json", fields=["titel"])


def test_escapes_and_ascii_style_are_respected() -> None:
    source = '{"a": "\\u0646\\u0635", "b": "line\\nnext \\"\u0646\u0635\\""}'
    document = read_document(source, "json")
    assert [b.text for b in document.blocks] == ["نص", 'line\nnext "نص"']
    assert render_document(document, identity(document)) == source
    output = render_document(document, {"/a": "tëxt", "/b": 'say "hi"\n'})
    assert output == '{"a": "t\\u00ebxt", "b": "say \\"hi\\"\\n"}'


def test_root_string_and_duplicate_keys() -> None:
    assert [b.id for b in read_document('"نص"', "json").blocks] == ["/"]
    document = read_document('{"k": "أ", "k": "ب"}', "json")
    assert len({b.id for b in document.blocks}) == 2
    assert render_document(document, english(document)) == '{"k": "EN:أ", "k": "EN:ب"}'


@pytest.mark.parametrize(
    ("source", "where"),
    [
        ('{\n  "a": 1,\n  "b": \n}', "line 4, column 1"),
        ('{"a": "نص"', "line 1, column 11"),
        ("[1, 2,]", "line 1, column 7"),
        ("", "no JSON value"),
    ],
)
def test_malformed_json(source: str, where: str) -> None:
    with pytest.raises(InputError, match=where):
        read_document(source, "json", name="bad.json")


def test_deep_nesting_is_an_input_error_not_a_crash() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(InputError, match="nested too deeply"):
        read_document(deep, "json")
    fine = "[" * 200 + '"نص"' + "]" * 200
    assert [b.text for b in read_document(fine, "json").blocks] == ["نص"]


def test_jsonl_round_trip(paragraphs: list[str]) -> None:
    lines = [
        json.dumps({"title": paragraphs[0][:30], "n": 1}, ensure_ascii=False),
        "",
        json.dumps({"title": "only English", "body": [paragraphs[1]]}, ensure_ascii=False),
        '  "نص جذري"  ',
    ]
    source = "\n".join(lines) + "\n"
    document = read_document(source, name="feed.jsonl")
    assert document.format == "jsonl"
    assert [b.id for b in document.blocks] == ["L1/title", "L3/body/0", "L4"]
    assert render_document(document, identity(document)) == source
    output = render_document(document, english(document))
    out_lines = output.split("\n")
    assert len(out_lines) == len(source.split("\n")) and out_lines[1] == ""
    assert json.loads(out_lines[0]) == {"title": "EN:" + paragraphs[0][:30], "n": 1}
    assert json.loads(out_lines[3]) == "EN:نص جذري"
    assert read_document(source, "jsonl", fields=["title"]).blocks[1].text == "only English"


def test_jsonl_crlf_identity() -> None:
    source = '{"a": "أ"}\r\n{"a": "ب"}\r\n'
    document = read_document(source, "jsonl")
    assert render_document(document, identity(document)) == source
    assert render_document(document, {"L2/a": "b"}) == '{"a": "أ"}\r\n{"a": "b"}\r\n'


def test_malformed_jsonl_names_the_line() -> None:
    source = '{"a": "أ"}\n\n{"a": "ب",}\n'
    with pytest.raises(InputError, match=r"feed\.jsonl: invalid JSON on line 3, column 11"):
        read_document(source, name="feed.jsonl")
