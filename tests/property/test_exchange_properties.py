"""XLIFF and TMX: what is exported is imported as the same entries, and exporting what was
imported gives the same bytes.

XLIFF: a generated Arabic document is read and segmented by tarjama's own reader and
segmenter, each segment gets generated English, and the file is exported, read back
(:func:`read_xliff`: every source, target and engine output as exported) and exported again
from what was read: the same bytes.

TMX: generated entries (engine and human, with models, glossary versions, scores, flags and
dates) are written, read back as the same entries (whitespace runs collapsed, which is how the
memory keeps text, and characters XML 1.0 cannot hold left out, which TMX has no escape for)
and written again: the same bytes. Through the memory too: export, import into an empty
memory, export again. The two exports of a pair are made the same second or their header's
``creationdate`` (when the file was written) is the one thing allowed to differ.
"""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tarjama.document import Translation
from tarjama.formats import read_document
from tarjama.memory import Entry, TranslationMemory, export_xliff, read_tmx, read_xliff, write_tmx
from tarjama.memory.keys import collapse_spaces
from tarjama.memory.xmlutil import strip_invalid_xml
from tarjama.pipeline import TranslatedDocument, segment_document

from .strategies import any_text, arabic_text, arabic_words, examples

# -- XLIFF -----------------------------------------------------------------------------------


@settings(max_examples=examples(150))
@given(arabic_text, st.sampled_from(["text", "markdown", "html"]), st.data())
def test_xliff_export_import_export(text: str, format: str, data: st.DataObject) -> None:
    document = read_document(text, format, name="story")
    translations = tuple(
        Translation(
            s.id, s.source, data.draw(any_text, label=s.id), "ctranslate2", "opus-mt-ar-en",
            data.draw(st.one_of(st.none(), st.floats(-5, 0)), label="score"),
            tuple(data.draw(st.lists(st.sampled_from(["number_missing", "untranslated"]),
                                     max_size=2, unique=True), label="flags")),
            s.start, s.end, s.block_id,
        )
        for s in segment_document(document)
    )  # fmt: skip
    exported = export_xliff(TranslatedDocument(document, translations, ""))

    segments = read_xliff(exported, "story.xlf")
    assert [(s.id, s.source, s.target, s.mt, s.state) for s in segments] == [
        (t.segment_id, t.source, t.target, strip_invalid_xml(t.target), "translated")
        for t in translations
    ]
    again = tuple(
        replace(t, source=s.source, target=s.target or "")
        for t, s in zip(translations, segments, strict=True)
    )
    assert export_xliff(TranslatedDocument(document, again, "")) == exported


def test_carriage_returns_survive_xliff() -> None:
    """Found by the property above: a carriage return in a target (and in the line break of a
    CRLF page between two sentences) came back as a line feed, as XML parsers read a literal
    one; it is written as ``&#13;`` now."""
    page = "<p>قال الوزير إن الوضع خطير.\r\nوأضاف أن المساعدات لا تكفي.</p>"
    document = read_document(page, "html", name="story")
    translations = tuple(
        Translation(s.id, s.source, f"Sentence {s.index}\r\nends.", "ctranslate2", "m", None,
                    (), s.start, s.end, s.block_id)
        for s in segment_document(document)
    )  # fmt: skip
    exported = export_xliff(TranslatedDocument(document, translations, ""))
    assert [(s.target, s.mt) for s in read_xliff(exported)] == [
        ("Sentence 0\r\nends.",) * 2,
        ("Sentence 1\r\nends.",) * 2,
    ]
    gap = ET.fromstring(exported).find(".//{urn:oasis:names:tc:xliff:document:2.0}ignorable/*")
    assert gap is not None and gap.text == "\r\n"


# -- TMX -------------------------------------------------------------------------------------

_stamps = st.datetimes(datetime(2000, 1, 1), datetime(2099, 1, 1)).map(
    lambda d: d.replace(tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
)
#: A character that is neither whitespace nor one XML cannot hold: every entry has a target.
_visible = st.characters(exclude_categories=("Cc", "Cs", "Cn", "Zs", "Zl", "Zp"))
_names = st.from_regex(r"[a-z][a-z0-9.\-]{0,15}", fullmatch=True)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    origin = draw(st.sampled_from(["engine", "human"]))
    created = draw(_stamps)
    return Entry(
        source=draw(st.tuples(any_text, arabic_words, any_text).map("".join)),
        target=draw(st.tuples(any_text, _visible, any_text).map("".join)),
        origin=origin,
        model=draw(_names) if origin == "engine" else "",
        glossary_version=draw(st.one_of(st.just(""), _names)) if origin == "engine" else "",
        engine=draw(_names),
        score=draw(st.one_of(st.none(), st.floats(-100, 0))) if origin == "engine" else None,
        flags=tuple(draw(st.lists(_names, max_size=3))) if origin == "engine" else (),
        created=created,
        updated=max(created, draw(_stamps)),
    )


def as_read(entry: Entry) -> Entry:
    """``entry`` as a TMX file can give it back."""
    return replace(
        entry,
        source=collapse_spaces(strip_invalid_xml(entry.source)),
        target=collapse_spaces(strip_invalid_xml(entry.target)),
    )


_HEADER_DATE = re.compile(rb'(<header [^>]*creationdate=")[0-9TZ]+(")')


def same_but_header_date(first: bytes, second: bytes) -> bool:
    return _HEADER_DATE.sub(rb"\1\2", first) == _HEADER_DATE.sub(rb"\1\2", second)


@settings(max_examples=examples(150))
@given(st.lists(entries(), max_size=6))
def test_tmx_write_read_write(written: list[Entry]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder, "a.tmx"), Path(folder, "b.tmx")
        assert write_tmx(written, first) == len(written)
        read = list(read_tmx(first))
        assert read == [as_read(entry) for entry in written]
        write_tmx([entry for entry in read if entry is not None], second)
        assert same_but_header_date(first.read_bytes(), second.read_bytes())


def _in_order(stored: Iterable[Entry]) -> list[Entry]:
    """Entries as a TMX file gives them back, in an order that does not depend on the file."""
    return sorted(map(as_read, stored), key=lambda e: (e.source, e.origin, e.model, e.target))


@settings(max_examples=examples(50))
@given(st.lists(entries(), max_size=6))
def test_tmx_through_the_memory(stored: list[Entry]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder, "a.tmx"), Path(folder, "b.tmx")
        with TranslationMemory(Path(folder, "one.sqlite")) as one:
            one.store_many(stored)
            one.export_tmx(first)
            kept = _in_order(one.iter_entries())
        with TranslationMemory(Path(folder, "two.sqlite")) as two:
            two.import_file(first)
            two.export_tmx(second)
            back = _in_order(two.iter_entries())
        assert back == kept
        assert same_but_header_date(first.read_bytes(), second.read_bytes())


def test_tmx_writes_whitespace_as_it_reads_it_back(tmp_path: Path) -> None:
    """Found by the properties above: the memory keeps an engine's English as it came
    (``0  0``), the reader collapses whitespace runs (other tools indent their segments), so
    export, import, export changed the file; segments are written as they are read now."""
    entry = Entry("قال  الوزير", "The  minister\nsaid ", "engine", model="m", engine="e")
    first, second = tmp_path / "a.tmx", tmp_path / "b.tmx"
    write_tmx([entry], first)
    assert "<seg>The minister said</seg>" in first.read_text(encoding="utf-8")
    write_tmx([e for e in read_tmx(first) if e is not None], second)
    assert same_but_header_date(first.read_bytes(), second.read_bytes())
