"""Messy feeds are read as a feed reader reads them, and every repair is said; hostile ones
are refused, even when they are also broken (the tolerant path must not be a way round the XML
policy). Each English feed must parse back with feedparser with no bozo flag."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import feedparser
import pytest

from tarjama.errors import InputError
from tarjama.formats import read_document_bytes, render_document_bytes
from tarjama.formats.feed import feed_items, read_feed

SECRET = "TOP-SECRET-feed-51c2"


def rss(
    title: str, description: str = "قال الرئيس إن المحادثات ستستأنف غدا.", *, head: str = ""
) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{head}'
        '<rss version="2.0"><channel><title>الأخبار</title><language>ar</language>\n'
        f"<item><title>{title}</title><guid>g1</guid><link>https://example.com/1</link>"
        f"<description>{description}</description></item>\n"
        "<item><title>خبر ثان</title><guid>g2</guid></item>\n"
        "</channel></rss>\n"
    )


def english_parses(data: bytes, name: str = "messy.xml") -> tuple[tuple[str, ...], list[str]]:
    """Read ``data`` tolerantly, render every block as English, check feedparser reads it back
    without complaint and with both items; the document's warnings and the English titles."""
    document = read_document_bytes(data, name=name)
    out = render_document_bytes(document, {block.id: "EN" for block in document.blocks})
    result = feedparser.parse(io.BytesIO(out))
    assert not result.bozo, result.get("bozo_exception")
    assert [e.id for e in result.entries] == ["g1", "g2"]
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return document.meta["warnings"], [e.title for e in result.entries]


def test_a_declared_latin_charset_over_utf8_bytes() -> None:
    data = rss("قال الرئيس").replace("UTF-8", "ISO-8859-1", 1).encode("utf-8")
    warnings, titles = english_parses(data)
    assert warnings == (
        "declared charset ISO-8859-1 but the bytes are UTF-8; read as UTF-8",
        "the XML declaration said ISO-8859-1; the feed is written as UTF-8",
    )
    assert titles == ["EN", "EN"]


def test_windows_1256_bytes_declared_utf8_and_declared_right() -> None:
    wrong = rss("قال الرئيس").encode("cp1256")
    warnings, _ = english_parses(wrong)
    assert warnings == (
        "declared charset UTF-8 but the bytes are windows-1256 (Arabic); read as windows-1256",
    )
    right = rss("قال الرئيس").replace("UTF-8", "windows-1256", 1).encode("cp1256")
    document = read_document_bytes(right, name="cp1256.xml")
    assert document.blocks[1].text == "قال الرئيس"
    assert document.meta["warnings"] == (
        "the XML declaration said windows-1256; the feed is written as UTF-8",
    )
    # the charset of the HTTP answer wins over the declaration
    said = read_feed(rss("قال").replace("UTF-8", "utf-8", 1).encode("cp1256"), charset="cp1256")
    assert said.blocks[1].text == "قال"
    assert said.meta["warnings"] == ()


def test_a_stray_byte_is_replaced_and_its_offset_said() -> None:
    data = rss("قال الرئيس").encode("utf-8")
    at = data.index("الرئيس".encode())
    data = data[:at] + b"\xa0" + data[at:]
    warnings, _ = english_parses(data)
    assert warnings == (f"stray byte in UTF-8 text replaced by U+FFFD: 0xA0 at offset {at}",)


def test_undeclared_entities_bare_ampersands_and_control_characters() -> None:
    data = rss(
        "قال&nbsp;الرئيس&hellip; AT&T", "قال < الرئيس\x0b &copy; &bogus; &#0; <b>عاجل</b>"
    ).encode()
    document = read_document_bytes(data, name="messy.xml")
    assert document.meta["warnings"] == (
        "1 control character(s) XML cannot hold removed "
        f"(the first, U+000B, at character {data.decode().index(chr(11))})",
        "undeclared HTML entities replaced by character references: &nbsp; (1), &hellip; (1), "
        "&copy; (1)",
        "unknown entities kept as text: &bogus;",
        "1 bare '&' escaped as &amp;",
        "1 bare '<' escaped as &lt;",
        "1 references to characters XML cannot hold removed",
    )
    texts = [block.text for block in document.blocks]
    assert "قال\xa0الرئيس… AT&T" in texts
    english_parses(data)


def test_html_that_breaks_the_xml_is_rebuilt_by_feedparser() -> None:
    data = rss("<b>عاجل</b><br> قال الرئيس").encode()
    warnings, titles = english_parses(data)
    assert len(warnings) == 1
    assert warnings[0].startswith("not well-formed XML (mismatched tag) at line 3, column ")
    assert warnings[0].endswith(
        ": rebuilt as a well-formed feed from what a tolerant reader (feedparser) read, "
        "2 item(s); elements it does not know are left out"
    )
    document = read_document_bytes(data, name="messy.xml")
    assert [i.key for i in feed_items(document)] == ["g1", "g2"]
    assert [block.text for block in document.blocks][:3] == ["الأخبار", "عاجل", "قال الرئيس"]
    assert titles[1] == "EN"


def test_a_utf16_feed_with_a_byte_order_mark() -> None:
    data = rss("قال الرئيس").replace("UTF-8", "UTF-16", 1).encode("utf-16")
    warnings, _ = english_parses(data, name="utf16.rss")
    assert warnings == (
        "read as UTF-16-LE (byte-order mark)",
        "the XML declaration said UTF-16; the feed is written as UTF-8",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x80\x82\x84\x85" * 50, "not UTF-8 and no charset fits"),
        (b"<?xml version='1.0'?><rss><channel", "cannot be read as a feed, even tolerantly"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [}', "invalid JSON"),
    ],
)
def test_what_cannot_be_read_even_tolerantly(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_document_bytes(data, "feed", name="broken.rss")


# -- hostile and broken at once ----------------------------------------------------------------


class Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.seen.append(self.path)
        body = b'<!ENTITY leak "fetched">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trap() -> Iterator[str]:
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))


def attacks(secret: Path, url: str) -> dict[str, tuple[str, str]]:
    return {
        "billion laughs": (f'<!DOCTYPE rss [<!ENTITY l0 "lol">{LAUGHS}]>', "&l9;"),
        "quadratic blow-up": (f'<!DOCTYPE rss [<!ENTITY a "{"x" * 100_000}">]>', "&a;" * 10_000),
        "external entity (file)": (f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>', "&x;"),
        "external entity (URL)": (f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{url}/e">]>', "&x;"),
        "external DTD declaring the entity": (f'<!DOCTYPE rss SYSTEM "{url}/evil.dtd">', "&leak;"),
        "deep nesting": ("", "<b>" * 100_000 + "</b>" * 100_000),
    }


@pytest.mark.parametrize("attack", list(attacks(Path("x"), "http://x")))
@pytest.mark.parametrize("broken", [False, True])
def test_hostile_feeds_are_refused_even_when_broken(
    attack: str, broken: bool, trap: str, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    doctype, inner = attacks(secret, trap)[attack]
    # broken: junk before the DOCTYPE stops the strict parser first, so the tolerant path runs
    text = rss(f"قال الرئيس {inner}", head=("junk " if broken else "") + doctype + "\n")
    started = time.perf_counter()
    with pytest.raises(InputError) as refused:
        read_document_bytes(text.encode(), name="hostile.rss")
    assert time.perf_counter() - started < 10
    message = str(refused.value)
    assert message.startswith("hostile.rss cannot be read as a feed: "), message
    assert "refused" in message or "deep" in message
    assert SECRET not in message
    assert Recorder.seen == []
