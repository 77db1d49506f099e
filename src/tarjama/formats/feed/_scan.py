"""Where every element of a well-formed XML text starts and ends, by character offset.

The hardened parser (:mod:`tarjama.xmlpolicy`) says whether a feed is well-formed and what it
means (namespaces resolved, text decoded), but not where anything is. This scanner walks the
same text once more and records, for each element in document order, the ranges of its start
tag, its content and its attribute values, and the CDATA sections directly inside it. It runs
only on text the policy has already parsed, so it never has to guess at broken markup; the
reader pairs its spans with the parsed elements one to one (both are in document order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Span", "decode_xml_text", "scan_elements"]

_NAME = re.compile(r"[^\s/>]+")
_ATTRIBUTE = re.compile(r"\s*([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_TAG_END = re.compile(r"\s*(/?)>")


@dataclass
class Span:
    """One element: ``start`` is its ``<``, ``open_end`` just after its start tag,
    ``close_start`` the ``<`` of its end tag (``open_end`` for ``<empty/>``), ``end`` just
    after it. ``attributes`` maps each attribute's qualified name to its value's range."""

    qname: str
    start: int
    open_end: int
    close_start: int = -1
    end: int = -1
    attributes: dict[str, tuple[int, int]] = field(default_factory=dict)
    cdata: list[tuple[int, int]] = field(default_factory=list)
    """``(start, end)`` of each ``<![CDATA[…]]>`` directly inside, markers included"""
    children: int = 0


def _skip_doctype(text: str, pos: int) -> int:
    """Just after the ``<!DOCTYPE …>`` at ``pos``: quotes and an internal subset may hold
    ``>``."""
    depth, quote, i = 0, "", pos + 2
    while i < len(text):
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == ">" and depth <= 0:
            return i + 1
        i += 1
    return len(text)


def _after(text: str, marker: str, pos: int) -> int:
    end = text.find(marker, pos)
    return len(text) if end < 0 else end + len(marker)


def scan_elements(text: str) -> list[Span]:
    """Every element of the well-formed XML ``text``, in document order."""
    spans: list[Span] = []
    open_spans: list[Span] = []
    pos = text.find("<")
    while 0 <= pos < len(text):
        if text.startswith("<![CDATA[", pos):
            end = _after(text, "]]>", pos + 9)
            if open_spans:
                open_spans[-1].cdata.append((pos, end))
        elif text.startswith("<!--", pos):
            end = _after(text, "-->", pos + 4)
        elif text.startswith("<?", pos):
            end = _after(text, "?>", pos + 2)
        elif text.startswith("<!", pos):
            end = _skip_doctype(text, pos)
        elif text.startswith("</", pos):
            end = _after(text, ">", pos + 2)
            span = open_spans.pop()
            span.close_start, span.end = pos, end
        else:
            name = _NAME.match(text, pos + 1)
            if name is None:  # pragma: no cover - the text is well-formed
                raise ValueError(f"not a start tag at offset {pos}")
            span = Span(name.group(), pos, -1)
            k = name.end()
            while (attribute := _ATTRIBUTE.match(text, k)) is not None:
                group = 2 if attribute.group(2) is not None else 3
                span.attributes[attribute.group(1)] = (
                    attribute.start(group),
                    attribute.end(group),
                )
                k = attribute.end()
            tag_end = _TAG_END.match(text, k)
            if tag_end is None:  # pragma: no cover - the text is well-formed
                raise ValueError(f"unterminated start tag at offset {pos}")
            end = span.open_end = tag_end.end()
            if open_spans:
                open_spans[-1].children += 1
            spans.append(span)
            if tag_end.group(1):
                span.close_start = span.end = end
            else:
                open_spans.append(span)
        pos = text.find("<", end)
    return spans


_REFERENCE = re.compile(
    r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));|<!\[CDATA\[(.*?)\]\]>|\r\n?",
    re.S,
)
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _reference(match: re.Match[str]) -> str:
    decimal, hexadecimal, name, cdata = match.groups()
    if decimal is not None:
        return chr(int(decimal))
    if hexadecimal is not None:
        return chr(int(hexadecimal, 16))
    if name is not None:
        return _PREDEFINED[name]
    if cdata is not None:
        return str(cdata).replace("\r\n", "\n").replace("\r", "\n")
    return "\n"


def decode_xml_text(raw: str) -> str:
    """What an XML parser reads from ``raw`` character data: references decoded, CDATA
    unwrapped, line ends normalised to ``\\n``."""
    return _REFERENCE.sub(_reference, raw)
