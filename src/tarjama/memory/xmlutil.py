"""What the TMX and XLIFF readers and writers share: parsing with clear errors, language tags,
the text of segments that carry inline markup, and characters XML 1.0 cannot hold.

Parsing goes through :mod:`tarjama.xmlpolicy`, the one XML policy of every reader: entity
declarations and external references refused, DTDs never fetched (TMX files often name
``tmx14.dtd``), element depth bounded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator
from pathlib import Path

from tarjama.errors import InputError
from tarjama.xmlpolicy import iterparse_xml
from tarjama.xmlpolicy import parse_xml as _policy_parse

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


def parse_xml(data: bytes | str, name: str, kind: str) -> ET.Element:
    """Parse a whole document under the XML policy; malformed or refused XML becomes
    InputError naming the line."""
    return _policy_parse(data, name=name, kind=kind)


def iterparse_file(path: Path, kind: str) -> Iterator[tuple[str, ET.Element]]:
    """Stream ``start``/``end`` events from a file under the XML policy (a TMX can be larger
    than memory is happy holding as a tree); errors become InputError as in :func:`parse_xml`."""
    try:
        if path.stat().st_size == 0:
            raise InputError(f"{path} is empty, so it cannot be read as {kind}")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        yield from iterparse_xml(path, name=str(path), kind=kind)
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
