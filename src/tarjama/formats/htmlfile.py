"""HTML: text nodes and a few human-readable attributes become blocks, nothing else moves.

The stdlib :class:`html.parser.HTMLParser` (tolerant of unclosed tags and stray ``<``) finds
where every tag, entity and run of text starts; only ranges whose source we have checked are
ever replaced, so a malformed page degrades to fewer blocks, never to a damaged page.
Content of ``script``, ``style``, ``code``, ``pre``, ``noscript`` (and ``kbd``, ``samp``,
``translate="no"``) stays untouched, as do whitespace-only and Arabic-free text. On render
``dir="rtl"`` becomes ``ltr`` and ``lang="ar…"`` becomes ``en``.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from tarjama.document import Block, Document
from tarjama.formats.base import FormatSpec, has_arabic, splice

__all__ = ["FORMAT", "read_html", "render_html"]

logger = logging.getLogger(__name__)

TRANSLATED_ATTRIBUTES = frozenset({"title", "alt", "placeholder", "aria-label"})
SKIPPED_ELEMENTS = frozenset({"script", "style", "code", "pre", "noscript", "kbd", "samp"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta"}
    | {"param", "source", "track", "wbr"}
)
_TAG_NAME = re.compile(r"<([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
# The attribute grammar HTMLParser itself uses (attrfind_tolerant), so we agree on it.
_ATTRIBUTE = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*"
    r"('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)
_ASCII_SPACE = " \t\n\r\f"


@dataclass(frozen=True)
class _Place:
    """Where a block's source lives: ``quote`` is '' for text nodes, the attribute's quote
    character, or None for an unquoted attribute value."""

    start: int
    end: int
    quote: str | None = ""


@dataclass
class _Scan:
    blocks: list[Block] = field(default_factory=list)
    rewrites: list[tuple[int, int, str]] = field(default_factory=list)
    texts: int = 0
    attributes: int = 0


class _Tokenizer(HTMLParser):
    """Records source offsets of text runs and start tags; never changes anything."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.found = _Scan()
        self._open_elements: list[tuple[str, bool]] = []
        self._run: list[int] | None = None  # [start, end, skipped]

    # -- positions -------------------------------------------------------------------------
    def _position(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    @property
    def _skipping(self) -> bool:
        return self._open_elements[-1][1] if self._open_elements else False

    # -- text ------------------------------------------------------------------------------
    def _add_text(self, start: int, end: int) -> None:
        if self._run is not None and self._run[1] == start:
            self._run[1] = end
            return
        self.flush()
        self._run = [start, end, self._skipping]

    def flush(self) -> None:
        run, self._run = self._run, None
        if run is None or run[2]:
            return
        place = _strip(self._source, run[0], run[1], "")
        if place is None:
            return
        self.found.texts += 1
        self.found.blocks.append(
            Block(
                id=f"t{self.found.texts}",
                text=html.unescape(self._source[place.start : place.end]),
                kind="text",
                locator=place,
            )
        )

    def handle_data(self, data: str) -> None:
        start = self._position()
        if len(data) > 1 and data[0] == "<" and (data[1].isalpha() or data[1] in "/!?"):
            self.flush()  # markup the parser gave up on (unclosed tag or comment): leave it
        elif data and self._source.startswith(data, start):
            self._add_text(start, start + len(data))
        else:
            self.flush()

    def _reference(self, prefix: str) -> None:
        start = self._position()
        if not self._source.startswith(prefix, start):
            self.flush()
            return
        end = start + len(prefix)
        if self._source.startswith(";", end):  # "&amp;" and "&amp" are both references
            end += 1
        self._add_text(start, end)

    def handle_entityref(self, name: str) -> None:
        self._reference("&" + name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#" + name)

    # -- tags ------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        skip = self._skipping or tag in SKIPPED_ELEMENTS
        for name, value in attrs:
            if name == "translate" and (value or "").strip().lower() == "no":
                skip = True
            if name == "class" and "notranslate" in (value or "").split():
                skip = True
        self._attributes(skip)
        if tag not in _VOID:
            self._open_elements.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        self._attributes(self._skipping)

    def handle_endtag(self, tag: str) -> None:
        self.flush()
        for i in range(len(self._open_elements) - 1, -1, -1):
            if self._open_elements[i][0] == tag:
                del self._open_elements[i:]
                break

    def _attributes(self, skip: bool) -> None:
        tag_text = self.get_starttag_text() or ""
        start = self._position()
        if not tag_text or not self._source.startswith(tag_text, start):
            return
        match = _TAG_NAME.match(tag_text)
        if not match:
            return
        k = match.end()
        while k < len(tag_text):
            attr = _ATTRIBUTE.match(tag_text, k)
            if not attr or attr.end() == k:
                break
            k = attr.end()
            raw = attr.group(3)
            if raw is None:
                continue
            name = attr.group(1).lower()
            quote = raw[0] if raw[:1] in ("'", '"') else None
            value_start = start + attr.start(3) + (1 if quote else 0)
            value_end = start + attr.end(3) - (1 if quote and raw.endswith(quote) else 0)
            value = html.unescape(self._source[value_start:value_end]).strip().lower()
            if name == "dir" and value == "rtl":
                self.found.rewrites.append((value_start, value_end, "ltr"))
            elif name in ("lang", "xml:lang") and (value == "ar" or value.startswith("ar-")):
                self.found.rewrites.append((value_start, value_end, "en"))
            elif name in TRANSLATED_ATTRIBUTES and not skip:
                place = _strip(self._source, value_start, value_end, quote)
                if place is None:
                    continue
                self.found.attributes += 1
                self.found.blocks.append(
                    Block(
                        id=f"a{self.found.attributes}",
                        text=html.unescape(self._source[place.start : place.end]),
                        kind=f"attribute:{name}",
                        locator=place,
                    )
                )

    # -- everything else only ends a text run ----------------------------------------------
    def handle_comment(self, data: str) -> None:
        self.flush()

    def handle_decl(self, decl: str) -> None:
        self.flush()

    def handle_pi(self, data: str) -> None:
        self.flush()

    def unknown_decl(self, data: str) -> None:
        self.flush()


def _strip(source: str, start: int, end: int, quote: str | None) -> _Place | None:
    """Narrow a raw range to its non-space core; None unless it holds Arabic letters."""
    raw = source[start:end]
    core = raw.strip(_ASCII_SPACE)
    if not core or not has_arabic(html.unescape(core)):
        return None
    lead = len(raw) - len(raw.lstrip(_ASCII_SPACE))
    return _Place(start + lead, start + lead + len(core), quote)


def _scan(text: str, name: str | None = None) -> _Scan:
    tokenizer = _Tokenizer(text)
    try:
        tokenizer.feed(text)
        tokenizer.close()
    except Exception as exc:  # HTMLParser is tolerant, but never let a page crash a run
        logger.warning("%s: HTML parser stopped early (%s); later text left as is", name, exc)
    tokenizer.flush()
    return tokenizer.found


def read_html(text: str, name: str | None = None, fields: Sequence[str] = ()) -> Document:
    """Text-node blocks ``t1``, ``t2`` … and attribute blocks ``a1``, ``a2`` … in page order."""
    scan = _scan(text, name)
    return Document(
        blocks=tuple(scan.blocks),
        format="html",
        original=text,
        name=name,
        meta={"html_rewrites": tuple(scan.rewrites)},
    )


def _escape(target: str, place: _Place) -> str:
    if place.quote == "":
        return html.escape(target, quote=False)
    escaped = html.escape(target, quote=True)
    return escaped if place.quote else f'"{escaped}"'


def render_html(document: Document, targets: Mapping[str, str]) -> str:
    """Splice escaped English into text nodes and attribute values; switch dir/lang to LTR
    English. Entities of untranslated text are kept exactly as written."""
    rewrites = document.meta.get("html_rewrites")
    if rewrites is None:
        rewrites = tuple(_scan(document.original, document.name).rewrites)
    replacements = list(rewrites)
    for block in document.blocks:
        target = targets.get(block.id)
        if target is None or target == block.text:
            continue
        place: _Place = block.locator
        replacements.append((place.start, place.end, _escape(target, place)))
    return splice(document.original, replacements)


_HTML_START = re.compile(
    r"\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--|"
    r"<(?:p|div|span|article|section|h[1-6]|ul|ol|table|a|img|meta|title)[\s>/])",
    re.I,
)
_HTML_TAG = re.compile(r"</(?:p|div|span|article|section|h[1-6]|li|body|html|td|a)>", re.I)


def _sniff(text: str) -> bool:
    return bool(_HTML_START.match(text)) or len(_HTML_TAG.findall(text[:65536])) >= 2


FORMAT = FormatSpec(
    name="html",
    extensions=(".html", ".htm", ".xhtml", ".shtml"),
    read=read_html,
    render=render_html,
    sniff=_sniff,
    description="HTML page or fragment (text nodes, title/alt/placeholder/aria-label)",
)
