"""TMX 1.4b: the exchange format every CAT tool reads and writes.

Export writes one ``<tu>`` per entry with ``srclang="ar"``, ``<tuv xml:lang="ar|en">``, TMX
dates, and tarjama's provenance as ``x-tarjama-*`` props (origin, model, glossary version,
engine, score, flags), so a file written here re-imports as what it was; segments are written
as they are read back (runs of whitespace one space, characters XML cannot hold left out).
Import reads any TMX (1.1–1.4) with an Arabic and an English variant per unit, whatever the
regional tag (``ar-SA``, ``en-US``), taking the text of segments with inline codes
(``<ph>``, ``<bpt>`` …) left out; units without tarjama's ``engine`` props are human translations.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path

from tarjama.errors import InputError, TarjamaError
from tarjama.memory.keys import collapse_spaces, from_tmx_date, now_iso, to_tmx_date
from tarjama.memory.records import Entry
from tarjama.memory.xmlutil import (
    XML_LANG,
    inline_text,
    iterparse_file,
    lang_is,
    local_name,
    strip_invalid_xml,
)

__all__ = ["read_tmx", "write_tmx"]

#: TMX inline elements that hold native codes (markup), not text.
TMX_CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})
_PROP = "x-tarjama-"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tarjama")
    except PackageNotFoundError:
        return "0"


def write_tmx(entries: Iterable[Entry], path: str | os.PathLike[str]) -> int:
    """Write ``entries`` to ``path`` as TMX 1.4b (atomically); returns how many were written."""
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": "tarjama",
            "creationtoolversion": _version(),
            "segtype": "sentence",
            "o-tmf": "tarjama-sqlite",
            "adminlang": "en",
            "srclang": "ar",
            "datatype": "plaintext",
            "creationdate": to_tmx_date(now_iso()) or "",
        },
    )
    body = ET.SubElement(root, "body")
    count = 0
    for entry in entries:
        body.append(_tu(entry))
        count += 1
    ET.indent(root)  # safe: <seg> never has children here, so no text gains whitespace
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        ET.ElementTree(root).write(temporary, encoding="UTF-8", xml_declaration=True)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise TarjamaError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return count


def _tu(entry: Entry) -> ET.Element:
    attributes = {
        "creationdate": to_tmx_date(entry.created),
        "changedate": to_tmx_date(entry.updated),
    }
    if entry.hits:
        attributes["usagecount"] = str(entry.hits)
        attributes["lastusagedate"] = to_tmx_date(entry.last_hit)
    tu = ET.Element("tu", {k: v for k, v in attributes.items() if v})
    props = {
        "origin": entry.origin,
        "model": entry.model,
        "glossary": entry.glossary_version,
        "engine": entry.engine,
        "score": "" if entry.score is None else repr(entry.score),
        "flags": " ".join(entry.flags),
    }
    for name, value in props.items():
        if value:
            ET.SubElement(tu, "prop", type=_PROP + name).text = strip_invalid_xml(value)
    for lang, text in (("ar", entry.source), ("en", entry.target)):
        tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
        # what the reader gives back (it collapses the whitespace other tools indent segments
        # with), so exporting what was imported writes the same file
        ET.SubElement(tuv, "seg").text = collapse_spaces(strip_invalid_xml(text))
    return tu


def read_tmx(path: str | os.PathLike[str]) -> Iterator[Entry | None]:
    """Stream the Arabic–English pairs of a TMX file: one item per ``<tu>``.

    ``None`` stands for a unit without both an Arabic and an English segment (counted as
    skipped by the importer). Raises InputError for malformed XML or a file that is not TMX.
    """
    source = Path(path)
    tool = "tmx"
    open_elements: list[ET.Element] = []
    for event, element in iterparse_file(source, "TMX"):
        name = local_name(element.tag)
        if event == "start":
            if not open_elements and name != "tmx":
                raise InputError(f"{source} is XML but not TMX: its root element is <{name}>")
            open_elements.append(element)
            continue
        open_elements.pop()
        if name == "header":
            tool = element.get("creationtool") or tool
        elif name == "tu":
            yield _entry(element, tool)
            # memory stays flat on any size of file: a finished unit leaves the tree entirely
            # (clearing alone would keep an empty element per unit under <body>)
            if open_elements:
                open_elements[-1].remove(element)
            element.clear()


def _entry(tu: ET.Element, tool: str) -> Entry | None:
    props: dict[str, str] = {}
    texts: dict[str, str] = {}
    dates: dict[str, str | None] = {"creationdate": None, "changedate": None}
    for child in tu:
        name = local_name(child.tag)
        if name == "prop":
            props.setdefault(child.get("type", ""), (child.text or "").strip())
        elif name == "tuv":
            lang = child.get(XML_LANG) or child.get("lang")
            seg = next((e for e in child if local_name(e.tag) == "seg"), None)
            if seg is None:
                continue
            text = collapse_spaces(inline_text(seg, codes=TMX_CODES))
            for wanted in ("ar", "en"):
                if lang_is(lang, wanted) and text and wanted not in texts:
                    texts[wanted] = text
                    if wanted == "en":  # the English side's dates say when it was written
                        for key in dates:
                            dates[key] = dates[key] or child.get(key)
    if "ar" not in texts or "en" not in texts:
        return None
    created = from_tmx_date(tu.get("creationdate") or dates["creationdate"])
    updated = from_tmx_date(tu.get("changedate") or dates["changedate"]) or created
    if props.get(_PROP + "origin") == "engine" and props.get(_PROP + "model"):
        return Entry(
            source=texts["ar"],
            target=texts["en"],
            origin="engine",
            model=props[_PROP + "model"],
            glossary_version=props.get(_PROP + "glossary", ""),
            engine=props.get(_PROP + "engine", ""),
            score=_float(props.get(_PROP + "score")),
            flags=tuple(props.get(_PROP + "flags", "").split()),
            created=created,
            updated=updated,
        )
    return Entry(
        source=texts["ar"],
        target=texts["en"],
        origin="human",
        engine=props.get(_PROP + "engine") or tool,
        created=created,
        updated=updated,
    )


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
