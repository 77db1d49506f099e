"""What the TMX and XLIFF readers and writers share: parsing with clear errors, language tags,
the text of segments that carry inline markup, and characters XML 1.0 cannot hold.

The stdlib parser (expat) is used on purpose: it never fetches external DTDs or entities
(TMX files often name ``tmx14.dtd``) and refuses entity-expansion bombs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator
from pathlib import Path

from tarjama.errors import InputError

__all__ = [
    "XML_LANG",
    "XML_SPACE",
    "inline_text",
    "invalid_xml_chars",
    "iterparse_file",
    "lang_is",
    "local_name",
    "parse_xml",
    "read_bytes",
    "split_invalid_xml",
    "strip_invalid_xml",
]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# Everything XML 1.0 forbids: C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF.
_INVALID_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LANG_ALIASES = {"ara": "ar", "arb": "ar", "eng": "en"}


def local_name(tag: str) -> str:
    """``{namespace}name`` → ``name`` (readers accept elements in any or no namespace)."""
    return tag.rsplit("}", 1)[-1]


def lang_is(tag: str | None, language: str) -> bool:
    """Whether a language tag is ``language``: ``ar``, ``ar-SA``, ``AR_eg``, ``ara`` are Arabic."""
    if not tag:
        return False
    primary = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    return _LANG_ALIASES.get(primary, primary) == language


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or InputError saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _parse_error(name: str, kind: str, exc: ET.ParseError) -> InputError:
    line, column = getattr(exc, "position", (0, 0))
    reason = str(exc).split(":", 1)[0]
    return InputError(
        f"{name} is not well-formed XML, so it cannot be read as {kind}: "
        f"{reason} at line {line}, column {column + 1}"
    )


def parse_xml(data: bytes | str, name: str, kind: str) -> ET.Element:
    """Parse a whole document; malformed XML becomes InputError naming the line and column."""
    if not data.strip():
        raise InputError(f"{name} is empty, so it cannot be read as {kind}")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise _parse_error(name, kind, exc) from exc


def iterparse_file(path: Path, kind: str) -> Iterator[tuple[str, ET.Element]]:
    """Stream ``start``/``end`` events from a file (a TMX can be larger than memory is happy
    holding as a tree); errors become InputError as in :func:`parse_xml`."""
    try:
        if path.stat().st_size == 0:
            raise InputError(f"{path} is empty, so it cannot be read as {kind}")
        events = ET.iterparse(path, events=("start", "end"))
        yield from events
    except ET.ParseError as exc:
        raise _parse_error(str(path), kind, exc) from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def inline_text(
    element: ET.Element, *, codes: Collection[str], code_point: str | None = None
) -> str:
    """The text of a segment, inline markup removed.

    Elements named in ``codes`` hold native formatting (``<ph>&lt;b&gt;</ph>``), not words, so
    their content is dropped; other inline elements (``<hi>``, ``<g>``, ``<pc>``, ``<mrk>``)
    are followed into. ``code_point`` names XLIFF 2's ``<cp hex="…"/>``, which stands for one
    character. The tail after every child is text either way.
    """
    parts = [element.text or ""]
    for child in element:
        name = local_name(child.tag)
        if name == code_point:
            parts.append(_code_point(child.get("hex", "")))
        elif name not in codes:
            parts.append(inline_text(child, codes=codes, code_point=code_point))
        parts.append(child.tail or "")
    return "".join(parts)


def _code_point(hex_value: str) -> str:
    try:
        return chr(int(hex_value, 16))
    except (ValueError, OverflowError):
        raise InputError(f"<cp hex={hex_value!r}> is not a valid code point") from None


def invalid_xml_chars(text: str) -> bool:
    """Whether ``text`` holds a character XML 1.0 cannot carry (control characters …)."""
    return _INVALID_XML_RE.search(text) is not None


def strip_invalid_xml(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (TMX has no escape for them)."""
    return _INVALID_XML_RE.sub("", text)


def split_invalid_xml(text: str) -> list[str]:
    """``text`` cut around characters XML cannot carry: even indexes are text, odd ones a
    single forbidden character (for XLIFF 2's ``<cp>``)."""
    parts: list[str] = []
    last = 0
    for match in _INVALID_XML_RE.finditer(text):
        parts.extend((text[last : match.start()], match.group()))
        last = match.end()
    parts.append(text[last:])
    return parts
