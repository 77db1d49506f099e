"""One XML policy for every file people hand us: TMX, XLIFF, TBX, the XML parts of a DOCX, feeds.

XML can do harm before a reader sees its first element: entity declarations expand a few
kilobytes into gigabytes (billion laughs, quadratic blow-up), external entities read local
files or make the server fetch URLs, and nesting a million elements deep exhausts recursion.
defusedxml's parser refuses every entity declaration and external reference and never fetches
a DTD; this module adds a bound on element depth and turns every refusal into an
:class:`XMLInputError` (an :class:`~tarjama.errors.InputError`) that names the file, the line
and the reason. A bare ``<!DOCTYPE tmx SYSTEM "tmx14.dtd">`` is allowed, because real TMX and
TBX files carry one, and it is never fetched.

Readers call :func:`parse_xml` for a whole document, :func:`parse_xml_lines` when they report
errors by line, and :func:`iterparse_xml` to stream a file larger than memory likes to hold.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

import defusedxml.ElementTree as DET
from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from tarjama.errors import InputError

__all__ = [
    "MAX_DEPTH",
    "Readable",
    "XMLInputError",
    "iterparse_xml",
    "parse_xml",
    "parse_xml_lines",
]

#: The deepest element nesting accepted. libxml2 (and so lxml and python-docx) stops at 256
#: too; no TMX, XLIFF, TBX or Word part comes near it, and readers that recurse stay far from
#: Python's recursion limit.
MAX_DEPTH = 256
_WHY = "entities can expand to gigabytes or read local files"


class Readable(Protocol):
    """What :func:`iterparse_xml` reads from: a binary file, a zip member …"""

    def read(self, size: int = ..., /) -> bytes: ...


class XMLInputError(InputError):
    """XML that is malformed or that the policy refuses; ``line`` and ``reason`` let a reader
    word the message its own way (the glossary reports ``file:line: reason``)."""

    def __init__(self, name: str, kind: str, reason: str, line: int, column: int = 0) -> None:
        self.name, self.kind, self.reason, self.line, self.column = name, kind, reason, line, column
        where = f"line {line}" + (f", column {column}" if column else "")
        super().__init__(f"{name} cannot be read as {kind}: {reason} at {where}")


class _TooDeep(Exception):
    def __init__(self, depth: int) -> None:
        super().__init__(depth)
        self.depth = depth


class _Builder:
    """ElementTree's C TreeBuilder behind a depth count; notes each element's line if asked."""

    def __init__(self, max_depth: int) -> None:
        self._tree = ET.TreeBuilder()
        self._depth = 0
        self._max_depth = max_depth
        self.line: Callable[[], int] | None = None
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self._depth += 1
        if self._depth > self._max_depth:
            raise _TooDeep(self._max_depth)
        element = self._tree.start(tag, attrs)
        if self.line is not None:
            self.lines[id(element)] = self.line()
        return element

    def end(self, tag: str) -> ET.Element:
        self._depth -= 1
        return self._tree.end(tag)

    def data(self, text: str) -> None:
        self._tree.data(text)

    def close(self) -> ET.Element:
        return self._tree.close()


def _parser(max_depth: int, lines: bool) -> tuple[DET.DefusedXMLParser, _Builder]:
    """A defused parser (entities and external references refused, DTDs never fetched) that
    builds through a depth-bounded :class:`_Builder`."""
    builder = _Builder(max_depth)
    parser = DET.DefusedXMLParser(
        target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    if lines:
        expat = parser.parser
        builder.line = lambda: int(expat.CurrentLineNumber)
    return parser, builder


def _refusal(
    exc: BaseException, parser: DET.DefusedXMLParser, name: str, kind: str
) -> XMLInputError:
    """The policy's wording for whatever stopped the parse."""
    if isinstance(exc, ET.ParseError | DET.ParseError):
        line, column = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":", 1)[0]
        return XMLInputError(name, kind, f"not well-formed XML ({reason})", line, column + 1)
    expat = parser.parser
    line = int(expat.CurrentLineNumber)
    if isinstance(exc, _TooDeep):
        reason = f"elements nested more than {exc.depth} deep"
    elif isinstance(exc, EntitiesForbidden):
        reason = f"an <!ENTITY {exc.name}> declaration ({_WHY}), refused"
    elif isinstance(exc, ExternalReferenceForbidden):
        reason = f"a reference to the external resource {exc.sysid!r}, refused"
    elif isinstance(exc, DTDForbidden):  # pragma: no cover - the policy allows bare DTDs
        reason = "a <!DOCTYPE>, refused"
    else:
        reason = f"refused ({exc})"
    return XMLInputError(name, kind, reason, line)


_POLICY_ERRORS = (ET.ParseError, DET.ParseError, DefusedXmlException, _TooDeep)


def _parse(
    data: bytes | str, name: str, kind: str, max_depth: int, lines: bool
) -> tuple[ET.Element, dict[int, int]]:
    if not data.strip():
        raise InputError(f"{name} is empty, so it cannot be read as {kind}")
    parser, builder = _parser(max_depth, lines)
    try:
        parser.feed(data)
        root = parser.close()
    except _POLICY_ERRORS as exc:
        raise _refusal(exc, parser, name, kind) from exc
    return root, builder.lines


def parse_xml(data: bytes | str, *, name: str, kind: str, max_depth: int = MAX_DEPTH) -> ET.Element:
    """The root of a whole document read under the policy; ``name`` and ``kind`` ("TMX",
    "XLIFF" …) word the errors."""
    return _parse(data, name, kind, max_depth, lines=False)[0]


def parse_xml_lines(
    data: bytes | str, *, name: str, kind: str, max_depth: int = MAX_DEPTH
) -> tuple[ET.Element, dict[int, int]]:
    """Like :func:`parse_xml`, with the line each element starts on, by ``id(element)``."""
    return _parse(data, name, kind, max_depth, lines=True)


def iterparse_xml(
    source: str | os.PathLike[str] | Readable,
    *,
    name: str,
    kind: str,
    events: Iterable[str] = ("start", "end"),
    max_depth: int = MAX_DEPTH,
) -> Iterator[tuple[str, ET.Element]]:
    """Stream ``(event, element)`` from a path or binary file under the policy.

    The parser builds the tree as it goes, so a caller that wants flat memory removes each
    finished element from its parent (:func:`tarjama.memory.tmx.read_tmx` does).
    """
    parser, _ = _parser(max_depth, lines=False)
    try:
        yield from DET.iterparse(source, events=tuple(events), parser=parser)
    except _POLICY_ERRORS as exc:
        raise _refusal(exc, parser, name, kind) from exc
