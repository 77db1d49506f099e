"""XLIFF: a translated document out to a post-editor, and the corrected file back in.

Export is XLIFF 2.0 (``urn:oasis:names:tc:xliff:document:2.0``): one ``<file>`` whose
``original`` is the document's name, one ``<unit>`` per block that has sentences, one
``<segment state="translated">`` per sentence with ``<source>`` and ``<target>``, and the
whitespace between sentences as ``<ignorable>`` so a tool can rebuild the block. What the
engine produced (target, engine, model, score, flags) rides along in the Metadata module
(``mda:metaGroup id="mt.<segment id>"``), which CAT tools carry through untouched; on import
that is how an edited target is told from an untouched one.

Import reads XLIFF 2.x and, for files from other tools, XLIFF 1.2 (``trans-unit``, with or
without ``seg-source`` segmentation), either direction of Arabic↔English.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from tarjama.document import Document, Translation
from tarjama.errors import InputError
from tarjama.memory.xmlutil import (
    XML_SPACE,
    inline_text,
    lang_is,
    local_name,
    parse_xml,
    split_invalid_xml,
    strip_invalid_xml,
)

__all__ = [
    "MDA_NS",
    "XLIFF2_NS",
    "XLIFF12_NS",
    "State",
    "TranslatedLike",
    "XliffSegment",
    "export_xliff",
    "read_xliff",
]

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"

State = Literal["initial", "translated", "reviewed", "final"]
_STATES: frozenset[str] = frozenset({"initial", "translated", "reviewed", "final"})
#: XLIFF 1.2 target states → the four XLIFF 2 states.
_STATES_12: dict[str, State] = {
    "new": "initial",
    "needs-translation": "initial",
    "needs-adaptation": "initial",
    "needs-l10n": "initial",
    "translated": "translated",
    "needs-review-translation": "translated",
    "needs-review-adaptation": "translated",
    "needs-review-l10n": "translated",
    "signed-off": "final",
    "final": "final",
}
_CODES_2 = frozenset({"ph", "sc", "ec", "sm", "em"})
_CODES_12 = frozenset({"x", "bx", "ex", "ph", "bpt", "ept", "it"})
_NMTOKEN_RE = re.compile(r"^[\w.:-]+$")
_TEXT_HOLDERS = frozenset({"source", "target", "meta"})


class TranslatedLike(Protocol):
    """What export needs of :class:`tarjama.pipeline.TranslatedDocument` (memory sits below
    the pipeline, so it names the shape instead of importing it)."""

    @property
    def document(self) -> Document: ...

    @property
    def translations(self) -> Sequence[Translation]: ...


@dataclass(frozen=True)
class XliffSegment:
    """One source/target pair read back from an XLIFF file.

    ``mt`` is what tarjama's engine produced for it when the file carries tarjama's metadata,
    else ``None`` (a file from another tool, or one whose metadata a tool dropped).
    """

    source: str
    target: str | None
    state: State
    mt: str | None = None
    id: str = ""


# -- export ----------------------------------------------------------------------------------


def _q(name: str) -> str:
    return f"{{{XLIFF2_NS}}}{name}"


def _m(name: str) -> str:
    return f"{{{MDA_NS}}}{name}"


def _token(candidate: str, fallback: str, taken: set[str]) -> str:
    """``candidate`` if it is a valid, unused XLIFF id (an NMTOKEN), else ``fallback``."""
    chosen = candidate if _NMTOKEN_RE.match(candidate) and candidate not in taken else fallback
    taken.add(chosen)
    return chosen


def _put_text(element: ET.Element, text: str) -> None:
    """Set ``element``'s text, writing characters XML cannot hold as ``<cp hex="…"/>``."""
    parts = split_invalid_xml(text)
    element.text = parts[0]
    for i in range(1, len(parts), 2):
        cp = ET.SubElement(element, _q("cp"), hex=f"{ord(parts[i]):04X}")
        cp.tail = parts[i + 1]


def export_xliff(translated: TranslatedLike, *, original: str | None = None) -> str:
    """The translated document as an XLIFF 2.0 string, ready for a post-editor's CAT tool.

    ``original`` defaults to the document's name (``document`` when it has none). A
    translation whose ``block_id`` is not a block of the document is a caller bug and raises
    ValueError rather than silently going missing from the file.
    """
    document = translated.document
    by_block: dict[str, list[Translation]] = {}
    for translation in translated.translations:
        by_block.setdefault(translation.block_id, []).append(translation)
    unknown = set(by_block) - {block.id for block in document.blocks}
    if unknown:
        shown = ", ".join(repr(block_id) for block_id in sorted(unknown)[:5])
        raise ValueError(f"translations name blocks the document does not have: {shown}")

    root = ET.Element(_q("xliff"), {"version": "2.0", "srcLang": "ar", "trgLang": "en"})
    file = ET.SubElement(
        root, _q("file"), {"id": "f1", "original": original or document.name or "document"}
    )
    unit_ids: set[str] = set()
    for number, block in enumerate(document.blocks, 1):
        items = sorted(by_block.get(block.id, ()), key=lambda t: (t.start, t.end))
        if not items:  # XLIFF needs at least one segment per unit
            continue
        unit = ET.SubElement(file, _q("unit"), id=_token(block.id, f"u{number}", unit_ids))
        if unit.get("id") != block.id:
            unit.set("name", block.id)
        kind = re.sub(r"[^\w.-]", "-", block.kind) or "block"
        unit.set("type", f"tarjama:{kind}")
        metadata = ET.SubElement(unit, _m("metadata"))
        segment_ids: set[str] = set()
        position = 0
        for index, item in enumerate(items, 1):
            _ignorable(unit, block.text[position : item.start], segment_ids)
            sid = _token(item.segment_id, f"s{index}", segment_ids)
            segment = ET.SubElement(unit, _q("segment"), id=sid, state="translated")
            _put_text(ET.SubElement(segment, _q("source")), item.source)
            _put_text(ET.SubElement(segment, _q("target")), item.target)
            _meta_group(metadata, sid, item)
            position = max(position, item.end)
        _ignorable(unit, block.text[position:], segment_ids)
    _indent(root)
    ET.register_namespace("", XLIFF2_NS)
    ET.register_namespace("mda", MDA_NS)
    written = ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
    # A parser reads a literal carriage return as a line feed (XML end-of-line handling), so
    # text holding one (a CRLF document's line breaks) is written as a character reference.
    # ElementTree already escapes it in attributes, so every raw one left is in text.
    return written.replace("\r", "&#13;")


def _ignorable(unit: ET.Element, text: str, taken: set[str]) -> None:
    """The text between sentences (usually a space or a line break), kept for rebuilding."""
    if not text:
        return
    number = 1
    while f"i{number}" in taken:
        number += 1
    ignorable = ET.SubElement(unit, _q("ignorable"), id=_token("", f"i{number}", taken))
    source = ET.SubElement(ignorable, _q("source"), {XML_SPACE: "preserve"})
    _put_text(source, text)


def _meta_group(metadata: ET.Element, sid: str, item: Translation) -> None:
    group = ET.SubElement(metadata, _m("metaGroup"), id=f"mt.{sid}", category="tarjama")
    values = {
        "segment": item.segment_id,
        "mt": item.target,
        "engine": item.engine,
        "model": item.model,
        "score": "" if item.score is None else repr(item.score),
        "flags": " ".join(item.flags),
    }
    for key, value in values.items():
        if value or key == "mt":
            ET.SubElement(group, _m("meta"), type=key).text = strip_invalid_xml(value)


def _indent(element: ET.Element, level: int = 0) -> None:
    """Pretty-print the structure only: text inside ``<source>``/``<target>`` is never touched
    (``ET.indent`` would add whitespace around ``<cp>`` inside a target)."""
    if local_name(element.tag) in _TEXT_HOLDERS or not len(element):
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        _indent(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level


# -- import ----------------------------------------------------------------------------------


def read_xliff(data: bytes | str, name: str = "<xliff>") -> list[XliffSegment]:
    """Every Arabic→English segment of an XLIFF 2.x or 1.2 file, in document order.

    Raises InputError for malformed XML, a root that is not ``<xliff>``, an unsupported
    version, or a language pair that is not Arabic and English.
    """
    root = parse_xml(data, name, "XLIFF")
    if local_name(root.tag) != "xliff":
        found = local_name(root.tag)
        raise InputError(f"{name} is XML but not XLIFF: its root element is <{found}>")
    version = root.get("version", "")
    if version.startswith("2."):
        return _read_2(root, name)
    if version.startswith("1."):
        return _read_12(root, name)
    raise InputError(f"{name}: XLIFF version {version or '(none)'} is not supported (2.x or 1.2)")


def _direction(source_lang: str | None, target_lang: str | None, name: str) -> bool:
    """Whether the file runs English→Arabic (so source and target swap); InputError if the
    pair is not Arabic and English."""
    if lang_is(source_lang, "ar") and lang_is(target_lang, "en"):
        return False
    if lang_is(source_lang, "en") and lang_is(target_lang, "ar"):
        return True
    raise InputError(
        f"{name} translates {source_lang or '?'} → {target_lang or '?'}; "
        "the memory holds Arabic–English pairs only"
    )


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in element if local_name(e.tag) == name), None)


def _pair(
    source: str, target: str | None, reverse: bool, state: State, mt: str | None, sid: str
) -> XliffSegment:
    if reverse:  # an English→Arabic file: its target is the Arabic
        return XliffSegment(target or "", source or None, state, None, sid)
    return XliffSegment(source, target, state, mt, sid)


def _read_2(root: ET.Element, name: str) -> list[XliffSegment]:
    reverse = _direction(root.get("srcLang"), root.get("trgLang"), name)
    found: list[XliffSegment] = []
    for unit in root.iter():
        if local_name(unit.tag) != "unit":
            continue
        produced: dict[str, str] = {}
        for group in unit.iter(_m("metaGroup")):
            gid = group.get("id", "")
            if group.get("category") == "tarjama" and gid.startswith("mt."):
                for meta in group:
                    if local_name(meta.tag) == "meta" and meta.get("type") == "mt":
                        produced[gid[3:]] = meta.text or ""
        for segment in unit:
            if local_name(segment.tag) != "segment":
                continue
            source_el, target_el = _child(segment, "source"), _child(segment, "target")
            if source_el is None:
                raise InputError(f"{name}: a <segment> without <source> in unit {unit.get('id')}")
            state_text = segment.get("state", "initial")
            state: State = state_text if state_text in _STATES else "initial"  # type: ignore[assignment]
            sid = segment.get("id", "")
            found.append(
                _pair(
                    _text(source_el, 2),
                    None if target_el is None else _text(target_el, 2),
                    reverse,
                    state,
                    produced.get(sid) if sid else None,
                    sid,
                )
            )
    return found


def _read_12(root: ET.Element, name: str) -> list[XliffSegment]:
    found: list[XliffSegment] = []
    for file in root.iter():
        if local_name(file.tag) != "file":
            continue
        reverse = _direction(file.get("source-language"), file.get("target-language"), name)
        for unit in file.iter():
            if local_name(unit.tag) != "trans-unit" or unit.get("translate") == "no":
                continue
            target_el = _child(unit, "target")
            state = _STATES_12.get((target_el.get("state") or "") if target_el is not None else "")
            if state is None:
                state = "translated" if target_el is not None else "initial"
            if unit.get("approved") == "yes" and state != "final":
                state = "reviewed"
            uid = unit.get("id", "")
            seg_source = _child(unit, "seg-source")
            if seg_source is not None and target_el is not None and _marks(seg_source):
                targets = _marks(target_el)
                for mid, mark in _marks(seg_source).items():
                    match = targets.get(mid)
                    found.append(
                        _pair(
                            _text(mark, 1),
                            None if match is None else _text(match, 1),
                            reverse,
                            state,
                            None,
                            f"{uid}:{mid}",
                        )
                    )
                continue
            source_el = _child(unit, "source")
            if source_el is None:
                raise InputError(f"{name}: a <trans-unit> without <source> (id {uid!r})")
            target = None if target_el is None else _text(target_el, 1)
            found.append(_pair(_text(source_el, 1), target, reverse, state, None, uid))
    return found


def _marks(element: ET.Element) -> dict[str, ET.Element]:
    """XLIFF 1.2 sub-segments: ``<mrk mtype="seg" mid="…">`` by ``mid``."""
    return {
        mark.get("mid", ""): mark
        for mark in element.iter()
        if local_name(mark.tag) == "mrk" and mark.get("mtype") == "seg"
    }


def _text(element: ET.Element, version: int) -> str:
    if version == 2:
        return inline_text(element, codes=_CODES_2, code_point="cp")
    return inline_text(element, codes=_CODES_12)
