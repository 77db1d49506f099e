"""User glossaries: a newsroom's own Arabic term → required English, read from TSV, CSV or TBX.

The built-in lexicon says how the world writes a name; a glossary says how *this* desk wants it
("ترامب" → "President Trump"), so it wins wherever the two meet
(:meth:`~tarjama.terms.Lexicon.with_glossary`). Glossaries arrive per file, per document and per
request and are combined with :meth:`Glossary.merged`; :attr:`Glossary.version` is what the
translation memory puts in its cache key, so it depends on the entries and not on their order.

Files are written by people in spreadsheets and terminology tools, so every refusal is a
:class:`GlossaryError` that names the file and line (or the TBX entry) and says what is wrong.
TBX is parsed under tarjama's one XML policy (:mod:`tarjama.xmlpolicy`), which also gives line
numbers; entity declarations are refused before any can be expanded, and no DTD is fetched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from tarjama.errors import InputError
from tarjama.terms.keys import form_tokens, tokenize
from tarjama.xmlpolicy import XMLInputError, parse_xml_lines

__all__ = [
    "Glossary",
    "GlossaryEntry",
    "GlossaryError",
]

logger = logging.getLogger(__name__)

_SUFFIXES = {".tsv": "tsv", ".txt": "tsv", ".csv": "csv", ".tbx": "tbx", ".xml": "tbx"}
_HEADER = {
    "arabic": {"ar", "arabic", "source", "src"},
    "english": {"en", "english", "target", "tgt"},
    "note": {"note", "notes", "comment", "comments"},
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TBX3_NS = "urn:iso:std:iso:30042:ed-2"
_DEPRECATED = ("deprecated", "superseded")


class GlossaryError(InputError):
    """A glossary that cannot be used; the message names the file and the line or entry."""


def _has_arabic(text: str) -> bool:
    return any(not token.key.isdigit() for token in tokenize(text))


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: the Arabic as written and the English a translation must use for it.

    Whitespace is tidied on creation and the entry is refused (``GlossaryError``) when the
    matcher could never find the Arabic or the English is missing, so a bad term fails where
    it is read, not silently in every translation after it.
    """

    arabic: str
    english: str
    note: str = ""

    def __post_init__(self) -> None:
        arabic, english = self.arabic.strip(), " ".join(self.english.split())
        object.__setattr__(self, "arabic", arabic)
        object.__setattr__(self, "english", english)
        object.__setattr__(self, "note", " ".join(self.note.split()))
        if not arabic:
            raise GlossaryError("the Arabic is empty")
        if not _has_arabic(arabic):
            swapped = " (are the columns swapped?)" if _has_arabic(english) else ""
            raise GlossaryError(f"the Arabic {arabic!r} has no Arabic letter{swapped}")
        try:
            form_tokens(arabic)
        except ValueError:
            raise GlossaryError(
                f"the Arabic {arabic!r} has punctuation or Latin letters between its words,"
                " so it could never be found in text"
            ) from None
        if not english:
            raise GlossaryError(f"the English for {arabic!r} is empty")
        if _has_arabic(english):
            raise GlossaryError(f"the English {english!r} for {arabic!r} has Arabic letters")

    @property
    def key(self) -> str:
        """The Arabic as the matcher sees it (folded letters, no harakat): equal keys clash."""
        return " ".join(token.key for token in form_tokens(self.arabic))


@dataclass(frozen=True)
class Glossary:
    """Terms in order, one per folded Arabic spelling: of two with the same key the later wins."""

    entries: tuple[GlossaryEntry, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        latest: dict[str, GlossaryEntry] = {}
        for entry in self.entries:
            latest.pop(entry.key, None)
            latest[entry.key] = entry
        object.__setattr__(self, "entries", tuple(latest.values()))

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[GlossaryEntry]:
        return iter(self.entries)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], name: str = "") -> Glossary:
        """A glossary from ``(arabic, english)`` pairs, e.g. a request's JSON object."""
        return cls(tuple(GlossaryEntry(arabic, english) for arabic, english in pairs), name)

    @classmethod
    def parse(cls, text: str, format: str, *, name: str = "") -> Glossary:
        """A glossary from the text of a ``tsv``, ``csv`` or ``tbx`` file (``name`` for errors)."""
        where = name or "<glossary>"
        kind = format.lower().lstrip(".")
        if kind not in {"tsv", "csv", "tbx"}:
            raise GlossaryError(f"{where}: unknown glossary format {format!r} (tsv, csv, tbx)")
        text = text.removeprefix("\ufeff")
        if "\x00" in text:
            raise GlossaryError(f"{where}: a binary file, not a {kind.upper()} glossary")
        if not text.strip():
            raise GlossaryError(f"{where}: the file is empty")
        if kind == "tbx":
            entries = _parse_tbx(text, where)
        else:
            entries = _parse_table(text, "\t" if kind == "tsv" else ",", where)
        if not entries:
            raise GlossaryError(f"{where}: no glossary entries (only a header or comments)")
        return cls(tuple(entries), name)

    @classmethod
    def read(cls, path: str | Path) -> Glossary:
        """A glossary file, its format chosen by suffix (.tsv/.txt, .csv, .tbx/.xml)."""
        path = Path(path)
        kind = _SUFFIXES.get(path.suffix.lower())
        if kind is None:
            known = ", ".join(_SUFFIXES)
            raise GlossaryError(f"{path}: unknown glossary suffix {path.suffix!r} ({known})")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise GlossaryError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        glossary = cls.parse(_decode(data, str(path)), kind, name=str(path))
        return cls(glossary.entries, path.name)

    def merged(self, *others: Glossary) -> Glossary:
        """This glossary overridden by ``others`` in turn: file, then document, then request."""
        entries = [entry for glossary in (self, *others) for entry in glossary.entries]
        name = " + ".join(g.name for g in (self, *others) if g.name)
        return Glossary(tuple(entries), name)

    def as_mapping(self) -> dict[str, str]:
        """Arabic as written → required English, the form the checks take."""
        return {entry.arabic: entry.english for entry in self.entries}

    @cached_property
    def version(self) -> str:
        """16 hex digits naming the content (folded Arabic → English; not order, notes or
        name), so a cache keyed on it is shared by equal glossaries; "" when empty."""
        if not self.entries:
            return ""
        lines = sorted(f"{entry.key}\t{entry.english}" for entry in self.entries)
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]

    def to_tsv(self) -> str:
        """The glossary as TSV with a header row (what :meth:`parse` reads back)."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["arabic", "english", "note"])
        for entry in self.entries:
            writer.writerow([entry.arabic, entry.english, entry.note])
        return out.getvalue()

    def to_tbx(self, *, version: Literal[2, 3] = 2) -> str:
        """The glossary as TBX-Basic: version 2 (``martif``, what most CAT tools import) or 3
        (ISO 30042:2019 ``tbx``); one entry per term, the note on the entry."""
        v3 = version == 3
        root = ET.Element("tbx" if v3 else "martif", {"type": "TBX-Basic"})
        if v3:
            root.set("style", "dca")
        root.set("xml:lang", "en")
        if v3:
            root.set("xmlns", _TBX3_NS)
        header = ET.SubElement(root, "tbxHeader" if v3 else "martifHeader")
        source = ET.SubElement(ET.SubElement(header, "fileDesc"), "sourceDesc")
        ET.SubElement(source, "p").text = self.name or "tarjama glossary"
        body = ET.SubElement(ET.SubElement(root, "text"), "body")
        for number, entry in enumerate(self.entries, start=1):
            item = ET.SubElement(body, "conceptEntry" if v3 else "termEntry", id=f"c{number}")
            if entry.note:
                ET.SubElement(item, "note").text = entry.note
            for lang, term in (("ar", entry.arabic), ("en", entry.english)):
                lang_set = ET.SubElement(item, "langSec" if v3 else "langSet", {"xml:lang": lang})
                group = ET.SubElement(lang_set, "termSec" if v3 else "tig")
                ET.SubElement(group, "term").text = term
        ET.indent(root)
        body_text = ET.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{body_text}\n'


def _decode(data: bytes, where: str) -> str:
    """UTF-8 text of a file (BOM or not), refusing binary and other encodings by name."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GlossaryError(f"{where}: UTF-16 text; save the glossary as UTF-8")
    if b"\x00" in data:
        raise GlossaryError(f"{where}: a binary file, not a glossary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError(
            f"{where}:{line}: not UTF-8 (Windows-1256 or another code page?); save it as UTF-8"
        ) from exc


def _located(where: str, line: int, arabic: str, english: str, note: str) -> GlossaryEntry:
    """An entry, its refusal prefixed with where it was written."""
    try:
        return GlossaryEntry(arabic, english, note)
    except GlossaryError as exc:
        raise GlossaryError(f"{where}:{line}: {exc}") from exc


def _rows(text: str, delimiter: str, where: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number, stripped cells)`` of the rows that are not blank or ``#`` comments."""
    number = 0

    def lines() -> Iterator[str]:
        nonlocal number
        for number, line in enumerate(io.StringIO(text, newline=""), start=1):  # noqa: B007
            if line.strip() and not line.lstrip().startswith("#"):
                yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            yield number, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise GlossaryError(f"{where}:{number}: badly quoted row ({exc})") from exc


def _columns(cells: list[str]) -> dict[str, int] | None:
    """Column name → index when ``cells`` is a header row, else ``None``."""
    if any(_has_arabic(cell) for cell in cells):
        return None
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        label = cell.lower().replace("_", "-")
        for column, names in _HEADER.items():
            lang = label.split("-")[0] if column != "note" else label
            if (label in names or lang in names) and column not in found:
                found[column] = index
    return found or None


def _parse_table(text: str, delimiter: str, where: str) -> list[GlossaryEntry]:
    """Entries of a TSV or CSV text: arabic, english and an optional note, header optional."""
    sep = "a tab" if delimiter == "\t" else "a comma"
    columns: dict[str, int] | None = None
    seen: dict[str, tuple[int, GlossaryEntry]] = {}
    entries: list[GlossaryEntry] = []
    for number, cells in _rows(text, delimiter, where):
        if columns is None and not entries:
            columns = _columns(cells)
            if columns is not None:
                if "arabic" not in columns or "english" not in columns:
                    raise GlossaryError(f"{where}:{number}: the header needs arabic and english")
                continue
        while len(cells) > 2 and not cells[-1]:
            cells.pop()
        if len(cells) < 2:
            joined = "".join(cells)
            hint = "; is this a CSV file?" if delimiter == "\t" and "," in joined else ""
            if delimiter == "," and ("\t" in joined or ";" in joined):
                hint = "; is it separated by tabs or semicolons instead?"
            raise GlossaryError(
                f"{where}:{number}: one column; expected Arabic, {sep}, then English{hint}"
            )
        if columns is None and len(cells) > 3:
            raise GlossaryError(f"{where}:{number}: {len(cells)} columns; expected 2 or 3")
        order = columns or {"arabic": 0, "english": 1, "note": 2}
        arabic, english, note = (
            cells[order[c]] if c in order and order[c] < len(cells) else ""
            for c in ("arabic", "english", "note")
        )
        entry = _located(where, number, arabic, english, note)
        if entry.key in seen and seen[entry.key][1].english != entry.english:
            first, other = seen[entry.key]
            raise GlossaryError(
                f"{where}:{number}: {entry.arabic!r} is {entry.english!r} here"
                f" but {other.english!r} on line {first}"
            )
        seen.setdefault(entry.key, (number, entry))
        entries.append(entry)
    return entries


def _tree(text: str, where: str) -> tuple[ET.Element, dict[int, int]]:
    """The XML as ElementTree elements and each element's line, read under tarjama's one XML
    policy (:mod:`tarjama.xmlpolicy`): a bare ``<!DOCTYPE martif SYSTEM
    "TBXcoreStructV02.dtd">`` (common in TBX-Basic files) is accepted and never fetched, any
    entity declaration or external reference is refused before anything is expanded."""
    try:
        return parse_xml_lines(text, name=where, kind="a TBX glossary")
    except XMLInputError as exc:
        raise GlossaryError(f"{where}:{exc.line}: {exc.reason}") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _terms(lang_set: ET.Element) -> list[tuple[str, str, ET.Element]]:
    """``(term, administrative status, element)`` of a langSet/langSec, in order."""
    found: list[tuple[str, str, ET.Element]] = []
    for group in lang_set:
        if _local(group.tag) == "term":
            found.append(("".join(group.itertext()).strip(), "", group))
        if _local(group.tag) not in {"tig", "ntig", "termSec"}:
            continue
        term = next((e for e in group.iter() if _local(e.tag) == "term"), None)
        status = next(
            (
                "".join(e.itertext()).strip()
                for e in group.iter()
                if _local(e.tag) == "termNote" and e.get("type") == "administrativeStatus"
            ),
            "",
        )
        if term is not None:
            found.append(("".join(term.itertext()).strip(), status, term))
    return found


def _parse_tbx(text: str, where: str) -> list[GlossaryEntry]:
    """Entries of a TBX v2 (``martif``) or v3 (``tbx``) text: each Arabic term of an entry →
    its preferred (else first not deprecated) English term."""
    root, lines = _tree(text, where)
    if _local(root.tag) not in {"martif", "tbx"}:
        raise GlossaryError(f"{where}:1: not TBX (root <{_local(root.tag)}>, not martif or tbx)")
    entries: list[GlossaryEntry] = []
    for item in root.iter():
        if _local(item.tag) not in {"termEntry", "conceptEntry"}:
            continue
        line = lines.get(id(item), 0)
        terms: dict[str, list[tuple[str, str, ET.Element]]] = {"ar": [], "en": []}
        for lang_set in item:
            lang = (lang_set.get(_XML_LANG) or lang_set.get("lang") or "").lower()
            code, rest = lang[:2], lang[2:3]
            if _local(lang_set.tag) in {"langSet", "langSec"} and code in terms and rest in "-_":
                terms[code].extend(_terms(lang_set))
        for term, _, element in terms["ar"] + terms["en"]:
            if not term:
                raise GlossaryError(f"{where}:{lines.get(id(element), line)}: an empty <term>")
        usable = [t for t in terms["en"] if not t[1].lower().startswith(_DEPRECATED)]
        preferred = [t for t in usable if t[1].lower().startswith("preferred")]
        if not terms["ar"] or not usable:
            logger.debug("%s:%d: entry without Arabic or usable English, skipped", where, line)
            continue
        english = (preferred or usable)[0][0]
        notes = (e for e in item if _local(e.tag) in {"note", "descrip"})
        note = next(("".join(e.itertext()).strip() for e in notes), "")
        for arabic, _, element in terms["ar"]:
            number = lines.get(id(element), line)
            entries.append(_located(where, number, arabic, english, note))
    if not entries:
        raise GlossaryError(f"{where}: no entry has both an Arabic (ar) and an English (en) term")
    return entries
