"""Feeds: identity gives back the bytes, and English lands where the Arabic was, for generated
RSS 2.0, Atom 1.0 and JSON Feed documents.

Fields are written every way feeds write them (escaped text, CDATA, entity-escaped HTML, HTML
in CDATA, XHTML, JSON with and without ``\\u`` escapes, odd whitespace) with text that holds
what must be escaped (``&``, ``<``, ``]]>``, quotes). Three properties:

* **identity**: an identity render is the input, byte for byte;
* **well-formed English**: any English (here with ``]]>``, ``&``, ``<`` and quotes in it) gives
  a feed the hardened parser and feedparser read without complaint, with the same items;
* **round trip**: Arabic-script stand-ins for English, read back from the rendered feed, are the
  same blocks with the same texts.
"""

from __future__ import annotations

import io
import json
from xml.sax.saxutils import escape

import feedparser
from hypothesis import given, settings
from hypothesis import strategies as st

from tarjama.document import Document
from tarjama.formats import read_document, render_document
from tarjama.formats.feed import feed_items
from tarjama.xmlpolicy import parse_xml

from .strategies import arabic_words, examples

_NASTY = ["&", "<", ">", "]]>", '"', "'", "AT&T", "1.5%", "a<b", "&amp;"]
words = st.lists(
    st.one_of(arabic_words, arabic_words, st.sampled_from(_NASTY)), min_size=1, max_size=8
)
text = st.tuples(arabic_words, words).map(lambda p: " ".join([p[0], *p[1]]))
"""A field's text: Arabic first (so the item is Arabic), then words and things to escape."""
clean = st.lists(arabic_words, min_size=1, max_size=8).map(" ".join)
"""Arabic words only: source text whose HTML-or-not reading nobody could doubt."""
stand_in = st.tuples(clean, st.sampled_from(_NASTY), clean).map(
    lambda p: f"{p[0]} {p[1]} {p[2]} عربية"
)
"""English stand-in: mostly Arabic script (so it is read for translation again), with one thing
to escape in it."""
space = st.sampled_from(["", " ", "\n", "\n      ", "\t"])


@st.composite
def xml_text(draw: st.DrawFn, value: str) -> str:
    """``value`` as XML character data: escaped, or in CDATA when it can be."""
    if "]]>" not in value and draw(st.booleans()):
        return f"<![CDATA[{value}]]>"
    return escape(value)


@st.composite
def html_fragment(draw: st.DrawFn, words: st.SearchStrategy[str] = text) -> str:
    first, second = draw(words), draw(words)
    tag = draw(st.sampled_from(["p", "b", "em", "span"]))
    return f"<{tag}>{escape(first)}</{tag}> {escape(second)}"


@st.composite
def rss_feed(draw: st.DrawFn, words: st.SearchStrategy[str] = text) -> str:
    items = []
    for k in range(draw(st.integers(1, 4))):
        title = draw(xml_text(draw(words)))
        description = draw(xml_text(draw(html_fragment(words))))
        language = draw(st.sampled_from(["", "<dc:language>ar</dc:language>"]))
        gap = draw(space)
        items.append(
            f"<item>{gap}<title>{title}</title>{gap}<guid>g{k}</guid>{language}"
            f"<description>{draw(space)}{description}{draw(space)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{draw(xml_text(draw(words)))}</title><language>ar</language>"
        + "\n".join(items)
        + "</channel></rss>\n"
    )


@st.composite
def atom_feed(draw: st.DrawFn, words: st.SearchStrategy[str] = text) -> str:
    entries = []
    for k in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["html", "xhtml"]))
        if kind == "html":
            content = f'<content type="html">{escape(draw(html_fragment(words)))}</content>'
        else:
            lang = draw(st.sampled_from(["", ' xml:lang="ar" dir="rtl"']))
            content = (
                f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"{lang}>'
                f"{draw(html_fragment(words))}</div></content>"
            )
        entries.append(
            f'<entry><title type="text">{escape(draw(words))}</title><id>urn:e{k}</id>'
            f"{draw(space)}{content}</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">'
        f"<title>{escape(draw(words))}</title><id>urn:f</id>" + "".join(entries) + "</feed>\n"
    )


@st.composite
def json_feed(draw: st.DrawFn, words: st.SearchStrategy[str] = text) -> str:
    items = [
        {"id": f"j{k}", "title": draw(words), "content_html": draw(html_fragment(words))}
        | draw(st.sampled_from([{}, {"language": "ar"}]))
        for k in range(draw(st.integers(1, 4)))
    ]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": draw(words), "items": items}
    indent = draw(st.sampled_from([None, 2]))
    return json.dumps(feed, ensure_ascii=draw(st.booleans()), indent=indent) + "\n"


any_feed = st.one_of(rss_feed(), atom_feed(), json_feed())
clean_feed = st.one_of(rss_feed(clean), atom_feed(clean), json_feed(clean))


@settings(max_examples=examples(30))
@given(any_feed)
def test_identity_gives_back_the_feed(feed: str) -> None:
    document = read_document(feed, "feed")
    assert document.blocks
    assert all(item.arabic for item in feed_items(document))
    assert render_document(document, {b.id: b.text for b in document.blocks}) == feed


def _same_items(feed: str, english: str, document: Document) -> None:
    if feed.startswith("{"):
        assert [i["id"] for i in json.loads(english)["items"]] == [
            i["id"] for i in json.loads(feed)["items"]
        ]
        return
    parse_xml(english, name="english", kind="a feed")
    result = feedparser.parse(io.BytesIO(english.encode()))
    assert not result.bozo, result.get("bozo_exception")
    assert [e.id for e in result.entries] == [i.key for i in feed_items(document)]


@settings(max_examples=examples(30))
@given(any_feed, st.lists(st.sampled_from([*_NASTY, "EN", "x ]]> y", "\n"]), min_size=1))
def test_any_english_gives_a_well_formed_feed(feed: str, pieces: list[str]) -> None:
    document = read_document(feed, "feed")
    english = " ".join(pieces)
    out = render_document(document, {b.id: f"EN {english} {b.id}" for b in document.blocks})
    _same_items(feed, out, document)


@settings(max_examples=examples(30))
@given(clean_feed, st.data())
def test_stand_in_english_reads_back_as_the_same_blocks(feed: str, data: st.DataObject) -> None:
    document = read_document(feed, "feed")
    targets = {b.id: data.draw(stand_in) for b in document.blocks}
    again = read_document(render_document(document, targets), "feed")
    # an item that said it was Arabic says English now, and is no longer read for translation
    english = tuple(i.prefix for i in feed_items(document) if i.language)
    expected = {k: v for k, v in targets.items() if not k.startswith(english)}
    # the same texts in the same places; an RSS text field whose English looks like HTML is
    # written as HTML (as readers will take it), so it comes back as its one text node
    assert [b.id.removesuffix(".t1") for b in again.blocks] == [
        k.removesuffix(".t1") for k in expected
    ]
    assert [b.text for b in again.blocks] == list(expected.values())
