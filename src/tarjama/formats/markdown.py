"""Markdown: paragraphs, headings, list items, quotes and table cells become blocks.

markdown-it-py finds the blocks and their line ranges (``token.map``); the text itself is always
taken from the source lines, never from the parser's normalised copy, so an identity render is
the original byte for byte. Markers (``#``, ``-``, ``>``, ``1.``, ``|``), indentation, blank
lines, code (fenced and indented), HTML blocks and front matter stay where they are. Inside a
block, inline code, link targets, autolinks, inline HTML tags and bare URLs are reported as
``Block.protect`` ranges.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from tarjama.document import Block, Document
from tarjama.formats.base import FormatSpec, one_paragraph, splice

__all__ = ["FORMAT", "protected_ranges", "read_markdown", "render_markdown"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*(?:\r\n|\r|\n).*?^\+\+\+[ \t]*$", re.S | re.M)

_PROTECT = re.compile(
    "|".join(
        (
            r"(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)",  # inline code
            # link / image target: ](url), ](<url>), ](url "title")
            r"\]\((?:<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
            r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)",
            r"\]\[[^\[\]]*\]",  # reference link target: ][ref]
            r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*>",  # autolink
            r"<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?>",
            r"</?[A-Za-z][A-Za-z0-9\-]*(?:\s[^<>]*)?/?>",  # inline HTML tag
            r"(?:https?://|ftp://|www\.)[^\s<>\[\]()\"'`]+",  # bare URL
        )
    ),
    re.S,
)
_URL_TRAILING = ".,;:!?،؛؟»”’'\"*_~"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin)


def protected_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """Ranges of ``text`` that must not be translated: code, link targets, URLs, tags.

    Overlapping hits are merged; a bare URL loses trailing punctuation (``.``, ``،`` …) that
    belongs to the sentence.
    """
    ranges: list[tuple[int, int]] = []
    for match in _PROTECT.finditer(text):
        start, end = match.span()
        if match.group().startswith(("http", "ftp", "www.")):
            while end > start and text[end - 1] in _URL_TRAILING:
                end -= 1
        if ranges and start <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], end))
        else:
            ranges.append((start, end))
    return tuple(ranges)


@dataclass(frozen=True)
class _Lines:
    """Where a (possibly multi-line) block sits: one (start, end) per line, plus the prefix
    to use if the English needs more lines than the Arabic had."""

    spans: tuple[tuple[int, int], ...]
    continuation: str
    single_line: bool


@dataclass(frozen=True)
class _Cell:
    start: int
    end: int


def _line_table(text: str) -> list[tuple[int, int]]:
    """(start, end-without-newline) of every line, split the way markdown-it splits them."""
    lines = []
    pos = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append((pos, match.start()))
        pos = match.end()
    lines.append((pos, len(text)))
    return lines


def _locate_lines(
    text: str, lines: list[tuple[int, int]], first: int, content: str
) -> list[tuple[int, int]] | None:
    spans = []
    for i, content_line in enumerate(content.split("\n")):
        wanted = content_line.strip()
        if not wanted or first + i >= len(lines):
            return None
        line_start, line_end = lines[first + i]
        found = text.rfind(wanted, line_start, line_end)
        if found < 0:
            return None
        spans.append((found, found + len(wanted)))
    return spans


def _split_row(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cell segments of a table row line, split at pipes not preceded by a backslash
    (the rule markdown-it uses)."""
    segments = []
    seg_start = start
    for pos in range(start, end):
        if text[pos] == "|" and (pos == start or text[pos - 1] != "\\"):
            segments.append((seg_start, pos))
            seg_start = pos + 1
    segments.append((seg_start, end))
    return segments


def _locate_cells(
    text: str, line: tuple[int, int], contents: list[str]
) -> list[tuple[int, int] | None]:
    segments = _split_row(text, *line)
    found: list[tuple[int, int] | None] = []
    j = 0
    for content in contents:
        wanted = content.strip()
        if not wanted:
            found.append(None)
            continue
        hit = None
        while j < len(segments):
            seg_start, seg_end = segments[j]
            raw = text[seg_start:seg_end]
            j += 1
            if raw.strip().replace("\\|", "|") == wanted:
                lead = len(raw) - len(raw.lstrip())
                hit = (seg_start + lead, seg_start + lead + len(raw.strip()))
                break
        found.append(hit)
    return found


def _kind(stack: list[str]) -> str:
    for container in reversed(stack):
        if container == "list_item":
            return "list_item"
        if container == "blockquote":
            return "blockquote"
    return "paragraph"


def read_markdown(text: str, name: str | None = None, fields: Sequence[str] = ()) -> Document:
    """Blocks ``b1``, ``b2`` … in reading order; ``Block.kind`` says heading, paragraph,
    list_item, blockquote or table_cell."""
    tokens = _parser().parse(text)
    lines = _line_table(text)
    skip_until = 0
    toml = _TOML_FRONT_MATTER.match(text)
    if toml:
        skip_until = len(_LINE_BREAK.findall(toml.group())) + 1

    blocks: list[Block] = []
    crlf = "\r\n" in text

    def add(block_text: str, kind: str, locator: object) -> None:
        blocks.append(
            Block(
                id=f"b{len(blocks) + 1}",
                text=block_text,
                kind=kind,
                locator=locator,
                protect=protected_ranges(block_text),
            )
        )

    stack: list[str] = []
    row: list[Token] = []
    in_heading = False
    for token in tokens:
        kind = token.type
        if kind in ("blockquote_open", "list_item_open"):
            stack.append(kind[: -len("_open")])
        elif kind in ("blockquote_close", "list_item_close"):
            if stack:
                stack.pop()
        elif kind == "heading_open":
            in_heading = True
        elif kind == "heading_close":
            in_heading = False
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            if row and row[0].map and row[0].map[0] >= skip_until:
                cells = _locate_cells(text, lines[row[0].map[0]], [t.content for t in row])
                for span in cells:
                    if span is not None:
                        add(text[span[0] : span[1]], "table_cell", _Cell(*span))
            row = []
        elif kind == "inline" and token.map:
            if stack and stack[-1] == "cell":
                row.append(token)
                continue
            if token.map[0] < skip_until or not token.content.strip():
                continue
            spans = _locate_lines(text, lines, token.map[0], token.content)
            if spans is None:
                continue  # cannot map it back exactly: leave it untranslated, never corrupt it
            first_line_start = lines[token.map[0]][0]
            prefix = re.sub(r"[^>\s]", " ", text[first_line_start : spans[0][0]])
            continuation = ("\r\n" if crlf else "\n") + prefix
            block_text = "\n".join(text[s:e] for s, e in spans)
            add(
                block_text,
                "heading" if in_heading else _kind(stack),
                _Lines(tuple(spans), continuation, single_line=in_heading and len(spans) == 1),
            )
        if kind in ("th_open", "td_open"):
            stack.append("cell")
        elif kind in ("th_close", "td_close") and stack and stack[-1] == "cell":
            stack.pop()
    return Document(blocks=tuple(blocks), format="markdown", original=text, name=name)


def _fit_lines(target: str, locator: _Lines, original: str) -> tuple[int, int, str]:
    """One replacement for a line-based block: line i of the English goes after the
    separator (line break + prefix) that preceded source line i; extra lines reuse the
    continuation prefix."""
    spans = locator.spans
    if locator.single_line:
        new_lines = [" ".join(target.split())]
    else:
        new_lines = one_paragraph(target).split("\n")
    pieces = [new_lines[0]]
    for i, line in enumerate(new_lines[1:], start=1):
        if i < len(spans):
            pieces.append(original[spans[i - 1][1] : spans[i][0]])
        else:
            pieces.append(locator.continuation)
        pieces.append(line)
    return spans[0][0], spans[-1][1], "".join(pieces)


def render_markdown(document: Document, targets: Mapping[str, str]) -> str:
    """Replace each block's text in place; markers, indentation and everything else stay."""
    original = document.original
    replacements = []
    for block in document.blocks:
        target = targets.get(block.id)
        if target is None or target == block.text:
            continue
        locator = block.locator
        if isinstance(locator, _Cell):
            cell = re.sub(r"(?<!\\)\|", r"\\|", " ".join(target.split()))
            replacements.append((locator.start, locator.end, cell))
        else:
            replacements.append(_fit_lines(target, locator, original))
    return splice(original, replacements)


_MARKDOWN_SIGNS = re.compile(
    r"^(?:#{1,6}[ \t]+\S|[ ]{0,3}(?:```|~~~)|---[ \t]*$|\|.*\|[ \t]*$|[ ]{0,3}>[ \t])"
    r"|\]\([^)\s]+\)",
    re.M,
)
_LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S", re.M)


def _sniff(text: str) -> bool:
    head = text[:65536]
    return bool(_MARKDOWN_SIGNS.search(head)) or len(_LIST_ITEM.findall(head)) >= 2


FORMAT = FormatSpec(
    name="markdown",
    extensions=(".md", ".markdown", ".mdown", ".mkd"),
    read=read_markdown,
    render=render_markdown,
    sniff=_sniff,
    description="Markdown (CommonMark with tables and front matter)",
)
