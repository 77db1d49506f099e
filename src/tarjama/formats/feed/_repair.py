"""The small mistakes that make real feeds ill-formed XML, put right where they are.

Feed readers read ``&nbsp;`` in RSS, a bare ``&`` in a title or a control character pasted
from Word without complaint; an XML parser stops at each. Each is repaired in place (an HTML
entity becomes its numeric reference, a bare ``&`` or ``<`` is escaped, a character XML cannot
hold is removed) and said in a note, so the feed is then read, and written, as well-formed XML
with everything else byte for byte. CDATA sections, comments and processing instructions are
left as they are: references mean nothing there.

Entity declarations are never repaired: a feed that declares entities is refused before
anything else reads it (:func:`refuse_hostile`), because they are how entity bombs and
external-entity reads are built, and no feed needs them.
"""

from __future__ import annotations

import html.entities
import re
from collections import Counter

from tarjama.xmlpolicy import MAX_DEPTH, XMLInputError

__all__ = ["refuse_hostile", "repair_xml"]

_PROTECTED = re.compile(r"(<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>)", re.S)
_AMPERSAND = re.compile(r"&(?:(#[0-9]+|#x[0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9._-]*))?;?")
_BARE_LT = re.compile(r"<(?![A-Za-z_:/!?])")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARATION = re.compile(r"<!ENTITY|<!DOCTYPE[^>\[]*\[", re.I)
_EXTERNAL_DTD = re.compile(r"<!DOCTYPE[^>\[]*\b(?:SYSTEM|PUBLIC)\b", re.I)
_PREDEFINED = frozenset({"lt", "gt", "amp", "quot", "apos"})
_TAG = re.compile(r"<(/?)([A-Za-z_][^\s/>]*)[^>]*?(/?)>")
#: HTML's void elements, which a broken feed leaves unclosed (``link`` is not one here: RSS
#: closes it).
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "meta", "param", "source"}
    | {"track", "wbr"}
)


def _too_deep(text: str) -> int:
    """Where elements first nest deeper than the policy allows (-1: nowhere), counted over
    text the parser gave up on, so an unclosed ``<br>`` must not count."""
    depth = 0
    offset = 0
    for k, piece in enumerate(_PROTECTED.split(text)):
        if not k % 2:
            for tag in _TAG.finditer(piece):
                closing, name, empty = tag.groups()
                if closing:
                    depth = max(depth - 1, 0)
                elif not empty and name.lower() not in _VOID:
                    depth += 1
                    if depth > MAX_DEPTH:
                        return offset + tag.start()
        offset += len(piece)
    return -1


def refuse_hostile(text: str, label: str) -> None:
    """XMLInputError (an InputError) for a feed that declares entities or an internal DTD
    subset, or nests elements deeper than the XML policy allows; checked before any tolerant
    reading, which would otherwise be the way round the policy (feedparser keeps some entity
    declarations, and takes most of a minute over 100,000 nested elements)."""
    found = _DECLARATION.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise XMLInputError(
            label,
            "a feed",
            "entity declarations (entities can expand to gigabytes or read local files), refused",
            line,
        )
    deep = _too_deep(text)
    if deep >= 0:
        line = text.count("\n", 0, deep) + 1
        raise XMLInputError(label, "a feed", f"elements nested more than {MAX_DEPTH} deep", line)


def _valid_char(number: int) -> bool:
    return number in (0x9, 0xA, 0xD) or 0x20 <= number <= 0xD7FF or 0xE000 <= number <= 0x10FFFD


class _Repairs:
    def __init__(self) -> None:
        self.entities: Counter[str] = Counter()
        self.unknown: Counter[str] = Counter()
        self.ampersands = 0
        self.less_than = 0
        self.references = 0

    def ampersand(self, match: re.Match[str]) -> str:
        number, name = match.groups()
        whole = match.group()
        if number is not None and whole.endswith(";"):
            value = int(number[2:], 16) if number[1:2] in "xX" else int(number[1:])
            if _valid_char(value):
                return whole
            self.references += 1
            return ""
        if name is not None and whole.endswith(";"):
            if name in _PREDEFINED:
                return whole
            replacement = html.entities.html5.get(name + ";")
            if replacement is not None:
                self.entities[name] += 1
                return "".join(f"&#{ord(char)};" for char in replacement)
            self.unknown[name] += 1
            return "&amp;" + whole[1:]
        self.ampersands += 1
        return "&amp;" + whole[1:]

    def notes(self) -> list[str]:
        notes = []
        if self.entities:
            names = ", ".join(f"&{name}; ({count})" for name, count in self.entities.most_common())
            notes.append(f"undeclared HTML entities replaced by character references: {names}")
        if self.unknown:
            names = ", ".join(f"&{name};" for name in self.unknown)
            notes.append(f"unknown entities kept as text: {names}")
        if self.ampersands:
            notes.append(f"{self.ampersands} bare '&' escaped as &amp;")
        if self.less_than:
            notes.append(f"{self.less_than} bare '<' escaped as &lt;")
        if self.references:
            notes.append(f"{self.references} references to characters XML cannot hold removed")
        return notes


def repair_xml(text: str, label: str) -> tuple[str, list[str]]:
    """The text with each repairable mistake put right, and a note per kind of repair.

    An unknown entity is kept as text, unless the feed names an external DTD: then it is an
    entity only that DTD could define, and reading it is what an external-DTD attack wants
    (XMLInputError). HTML's entities are read as HTML's even then (RSS 0.91's DTD declares
    them)."""
    notes: list[str] = []
    controls = _NOT_XML.findall(text)
    if controls:
        first = _NOT_XML.search(text)
        assert first is not None
        notes.append(
            f"{len(controls)} control character(s) XML cannot hold removed "
            f"(the first, U+{ord(controls[0]):04X}, at character {first.start()})"
        )
        text = _NOT_XML.sub("", text)
    repairs = _Repairs()
    pieces = []
    for k, piece in enumerate(_PROTECTED.split(text)):
        if k % 2:
            pieces.append(piece)
            continue
        piece = _AMPERSAND.sub(repairs.ampersand, piece)
        bare = len(_BARE_LT.findall(piece))
        if bare:
            repairs.less_than += bare
            piece = _BARE_LT.sub("&lt;", piece)
        pieces.append(piece)
    if repairs.unknown and (dtd := _EXTERNAL_DTD.search(text)) is not None:
        name = next(iter(repairs.unknown))
        raise XMLInputError(
            label,
            "a feed",
            f"the entity &{name}; is declared nowhere but perhaps in the external DTD the feed "
            "names, which is never fetched; refused",
            text.count("\n", 0, dtd.start()) + 1,
        )
    return "".join(pieces), notes + repairs.notes()
