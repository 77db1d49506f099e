"""RSS 2.0 (and 0.9x), RSS 1.0 (RDF) and Atom 1.0: which fields are translated, and where.

The text is parsed under the hardened XML policy (:mod:`tarjama.xmlpolicy`), which also
resolves namespaces, so ``<content:encoded>`` is found whatever prefix a feed gives it; the
scanner (:mod:`._scan`) pairs every parsed element with its character ranges. Translated: the
channel's (feed's) title and description (subtitle); each item's title, description (summary),
content (``content:encoded``, Atom ``content``) and every ``media:title`` /
``media:description`` in it. RSS titles and descriptions are HTML when their value holds a tag
or an entity reference, as feed readers guess; Atom and Media RSS say so in ``type``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from tarjama.document import Document
from tarjama.errors import InputError
from tarjama.formats.feed._fields import FeedBuilder, is_arabic_language, looks_like_html
from tarjama.formats.feed._scan import decode_xml_text, scan_elements
from tarjama.xmlpolicy import parse_xml

__all__ = ["ATOM", "RSS1", "read_xml_feed", "root_kind"]

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
MEDIA = "http://search.yahoo.com/mrss/"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SPACE = " \t\r\n"


def root_kind(root: ET.Element) -> str:
    """``rss``, ``rdf`` or ``atom`` for a feed's root element; '' for anything else."""
    if root.tag == "rss":
        return "rss"
    if root.tag == f"{{{RDF}}}RDF" and root.find(f"{{{RSS1}}}channel") is not None:
        return "rdf"
    if root.tag == f"{{{ATOM}}}feed":
        return "atom"
    return ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


class _Reader:
    """One pass over a parsed feed, with the text and spans to locate what it finds."""

    def __init__(self, text: str, root: ET.Element, kind: str) -> None:
        self.text = text
        self.kind = kind
        self.builder = FeedBuilder(kind)
        elements = list(root.iter())
        spans = scan_elements(text)
        if len(spans) != len(elements) or any(
            _local(e.tag) != _local(s.qname) for e, s in zip(elements, spans, strict=False)
        ):  # pragma: no cover - both read the same well-formed text
            raise ValueError("the scanner and the parser disagree about the feed's elements")
        self.spans = {id(e): s for e, s in zip(elements, spans, strict=True)}

    # -- values and places -----------------------------------------------------------------
    def _trimmed(self, start: int, end: int) -> tuple[int, int]:
        while start < end and self.text[start] in _SPACE:
            start += 1
        while end > start and self.text[end - 1] in _SPACE:
            end -= 1
        return start, end

    def value(self, element: ET.Element | None) -> str:
        """An element's text, decoded and trimmed ('' when absent)."""
        if element is None:
            return ""
        span = self.spans[id(element)]
        if span.close_start <= span.open_end:
            return ""
        return decode_xml_text(self.text[slice(*self._trimmed(span.open_end, span.close_start))])

    def field(self, scope: int, name: str, element: ET.Element, html: bool | None) -> None:
        """Add ``element``'s value as a field; ``html`` None: guess as RSS readers do."""
        span = self.spans[id(element)]
        if span.close_start <= span.open_end:
            return
        if span.children:
            if html is False:
                return  # elements inside a text construct: nothing sensible to translate
            start, end = self._trimmed(span.open_end, span.close_start)
            value = self.text[start:end]
            self.builder.add_field(scope, name, start, end, syntax="markup", html=True, value=value)
            return
        start, end = self._trimmed(span.open_end, span.close_start)
        if start == end:
            return
        if len(span.cdata) == 1 and span.cdata[0] == (start, end):
            start, end, syntax = start + 9, end - 3, "cdata"
            value = decode_xml_text(self.text[start - 9 : end + 3])
        else:
            syntax, value = "text", decode_xml_text(self.text[start:end])
        if not value.strip():
            return
        is_html = looks_like_html(value) if html is None else html
        self.builder.add_field(
            scope, name, start, end, syntax=syntax, html=is_html, value=value, guessed=html is None
        )

    def language(self, scope: int, element: ET.Element | None) -> str:
        """A ``language`` element's code; an Arabic one becomes ``en`` when the scope is
        translated."""
        if element is None:
            return ""
        span = self.spans[id(element)]
        start, end = self._trimmed(span.open_end, span.close_start)
        code = self.text[start:end]
        if start < end and is_arabic_language(code):
            self.builder.rewrite(scope, start, end, "en")
        return code

    def xml_langs(self, root: ET.Element, items: Sequence[ET.Element]) -> None:
        """``xml:lang="ar…"`` anywhere becomes ``en`` when its scope (the item it is in, else
        the feed) is translated."""
        scopes = {id(inner): index for index, item in enumerate(items, 1) for inner in item.iter()}
        for element in root.iter():
            where = self.spans[id(element)].attributes.get("xml:lang")
            if where is not None and is_arabic_language(self.text[where[0] : where[1]]):
                self.builder.rewrite(scopes.get(id(element), 0), where[0], where[1], "en")

    def media(self, scope: int, item: ET.Element) -> None:
        for element in item.iter():
            if element.tag in (f"{{{MEDIA}}}title", f"{{{MEDIA}}}description"):
                kind = (element.get("type") or "plain").strip().lower()
                self.field(scope, "media:" + _local(element.tag), element, kind == "html")

    # -- RSS 2.0 / 0.9x and RSS 1.0 --------------------------------------------------------
    def rss(self, root: ET.Element) -> None:
        ns = f"{{{RSS1}}}" if self.kind == "rdf" else ""
        channel = root.find(f"{ns}channel")
        if channel is None:
            return
        for name in ("title", "description"):
            for element in channel.findall(f"{ns}{name}"):
                self.field(0, name, element, None)
        self.language(0, channel.find("language"))
        self.language(0, channel.find(f"{{{DC}}}language"))
        items = (root if self.kind == "rdf" else channel).findall(f"{ns}item")
        self.xml_langs(root, items)
        for index, item in enumerate(items, start=1):
            language = self.language(index, item.find(f"{{{DC}}}language"))
            self.builder.item(
                index,
                key=self.value(item.find("guid")) or (item.get(f"{{{RDF}}}about") or ""),
                link=self.value(item.find(f"{ns}link")),
                date=self.value(item.find("pubDate")) or self.value(item.find(f"{{{DC}}}date")),
                language=language or item.get(XML_LANG, ""),
            )
            for element in item:
                if element.tag in (f"{ns}title", f"{ns}description"):
                    self.field(index, _local(element.tag), element, None)
                elif element.tag == f"{{{CONTENT}}}encoded":
                    self.field(index, "content", element, True)
            self.media(index, item)

    # -- Atom 1.0 --------------------------------------------------------------------------
    def atom_text(self, scope: int, element: ET.Element) -> None:
        """An Atom text construct: ``type`` text, html or xhtml; content may be any MIME type
        or out of line (``src``), and then it is left alone."""
        kind = (element.get("type") or "text").strip().lower()
        if element.get("src") is not None:
            return
        if kind in ("text", "text/plain"):
            self.field(scope, _local(element.tag), element, False)
        elif kind in ("html", "text/html", "xhtml", "application/xhtml+xml"):
            self.field(scope, _local(element.tag), element, True)

    def atom(self, root: ET.Element) -> None:
        for element in root:
            if element.tag in (f"{{{ATOM}}}title", f"{{{ATOM}}}subtitle"):
                self.atom_text(0, element)
        entries = root.findall(f"{{{ATOM}}}entry")
        self.xml_langs(root, entries)
        for index, entry in enumerate(entries, start=1):
            link = ""
            for element in entry.findall(f"{{{ATOM}}}link"):
                if (element.get("rel") or "alternate") == "alternate":
                    link = (element.get("href") or "").strip()
                    break
            self.builder.item(
                index,
                key=self.value(entry.find(f"{{{ATOM}}}id")),
                link=link,
                date=self.value(entry.find(f"{{{ATOM}}}updated"))
                or self.value(entry.find(f"{{{ATOM}}}published")),
                language=entry.get(XML_LANG, ""),
            )
            for element in entry:
                if element.tag in (
                    f"{{{ATOM}}}title",
                    f"{{{ATOM}}}summary",
                    f"{{{ATOM}}}content",
                ):
                    self.atom_text(index, element)
            self.media(index, entry)


def read_xml_feed(
    text: str, name: str | None, notes: Sequence[str] = (), *, label: str = ""
) -> Document:
    """A well-formed RSS, RDF or Atom feed read under the XML policy (XMLInputError, an
    InputError, otherwise)."""
    root = parse_xml(text, name=label or name or "input", kind="a feed")
    kind = root_kind(root)
    if not kind:
        raise InputError(
            f"{label or name or 'input'} is XML but not a feed: its root element is "
            f"<{_local(root.tag)}>, not <rss>, <rdf:RDF> or an Atom <feed>"
        )
    reader = _Reader(text, root, kind)
    if kind == "atom":
        reader.atom(root)
    else:
        reader.rss(root)
    return reader.builder.build(text, name, notes)
