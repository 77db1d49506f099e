"""Word ``.docx`` (bytes in, bytes out) through python-docx, an optional dependency.

Blocks are body paragraphs (``p1``, ``p2`` …) and paragraphs of table cells
(``t1.r2c3.p1``; nested tables continue the path: ``t1.r2c3.t1.r1c1.p1``), in document order;
headers, footers, footnotes and text boxes are left alone. A translated paragraph keeps the
formatting of its first run: runs are merged, so inline bold/links inside it are lost, and its
right-to-left marks are removed; characters Word's XML cannot hold (C0 controls other than tab
and line breaks, U+FFFE/U+FFFF) are left out of the English. Untranslated paragraphs are not
touched, and a render with nothing to change returns the original bytes.

A ``.docx`` is a zip of XML parts, and python-docx parses them with lxml. Before it sees one,
the archive's directory is checked (:mod:`tarjama.formats.archive`: members, expanded bytes,
expansion ratio) and every XML part is read under tarjama's one XML policy
(:mod:`tarjama.xmlpolicy`: no entity declarations, no external references, bounded depth),
counting the text of its runs as it streams past (every part's: headers and notes count too),
so a small file whose text expands beyond the input limit is refused after reading no more
than the limit's worth of text.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

from tarjama.document import Block, Document
from tarjama.errors import ConfigurationError, InputError
from tarjama.formats.archive import ArchiveLimits, ExpansionBudget, open_archive
from tarjama.xmlpolicy import Readable, iterparse_xml

__all__ = ["DOCX_LIMITS", "check_docx", "is_docx", "read_docx", "render_docx"]

#: What a Word file may expand to before it is refused unread.
DOCX_LIMITS = ArchiveLimits()
_W_TEXT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_XML_STARTS = (b"<", b"\x00<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
#: What XML 1.0 forbids: lxml refuses to write it, so an engine's stray control character
#: would otherwise fail the whole render.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def is_docx(data: bytes, name: str | None = None) -> bool:
    """A ``.docx`` name, or a zip archive holding ``word/document.xml``."""
    if name and name.lower().endswith(".docx"):
        return True
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _is_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: ExpansionBudget) -> bool:
    """By name, or by its first bytes (a part can be called anything in ``[Content_Types]``)."""
    if info.filename.lower().endswith(_XML_SUFFIXES):
        return True
    with budget.open(archive, info) as member:
        head = member.read(64).lstrip(b" \t\r\n")
    return head.startswith(_XML_STARTS)


def _text_bytes(stream: Readable, label: str, part: str) -> Iterator[int]:
    """The UTF-8 size of each run's text in one XML part, streamed under the XML policy; the
    tree is pruned as it is read, so memory stays flat whatever the part's size."""
    open_elements: list[ET.Element] = []
    for event, element in iterparse_xml(stream, name=f"{label} ({part})", kind="a Word part"):
        if event == "start":
            open_elements.append(element)
            continue
        open_elements.pop()
        if element.tag == _W_TEXT and element.text:
            yield len(element.text.encode("utf-8"))
        if open_elements:
            open_elements[-1].remove(element)


def check_docx(data: bytes, name: str | None = None, *, max_text_bytes: int = 0) -> None:
    """Refuse a Word file before python-docx expands it: a zip that is too large expanded,
    an XML part the XML policy refuses, or (``max_text_bytes`` > 0) more text than the input
    limit. InputError says which."""
    label = name or "input"
    budget = ExpansionBudget(name, DOCX_LIMITS)
    text = 0
    with open_archive(data, name, DOCX_LIMITS, "Word (.docx) document") as archive:
        for info in archive.infolist():
            if info.is_dir() or not _is_xml(archive, info, budget):
                continue
            with budget.open(archive, info) as member:
                for size in _text_bytes(member, label, info.filename):
                    text += size
                    if max_text_bytes and text > max_text_bytes:
                        raise InputError(
                            f"{label} holds more text than the {max_text_bytes / 1e6:.1f} MB "
                            "input limit once expanded; split it into smaller documents or "
                            "raise TARJAMA_MAX_INPUT_BYTES"
                        )


def _open(data: bytes, name: str | None) -> Any:
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ConfigurationError(
            "reading .docx files needs python-docx: pip install python-docx"
        ) from exc
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zip, XML and KeyErrors alike
        raise InputError(f"{name or 'input'} is not a readable Word (.docx) document") from exc


def _table(table: Any, prefix: str) -> Iterator[tuple[str, Any, str]]:
    seen: list[Any] = []
    for r, row in enumerate(table.rows, start=1):
        for c, cell in enumerate(row.cells, start=1):
            if any(cell._tc is tc for tc in seen):
                continue  # a merged cell shows up once per grid column it spans
            seen.append(cell._tc)
            where = f"{prefix}.r{r}c{c}"
            for k, paragraph in enumerate(cell.paragraphs, start=1):
                yield f"{where}.p{k}", paragraph, "table_cell"
            for m, inner in enumerate(cell.tables, start=1):
                yield from _table(inner, f"{where}.t{m}")


def _walk(document: Any) -> Iterator[tuple[str, Any, str]]:
    """(block id, paragraph, kind) in document order; the same order on read and render."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    paragraphs = tables = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs += 1
            yield f"p{paragraphs}", Paragraph(child, document), "paragraph"
        elif child.tag == qn("w:tbl"):
            tables += 1
            yield from _table(Table(child, document), f"t{tables}")


def read_docx(data: bytes, name: str | None = None, *, max_text_bytes: int = 0) -> Document:
    """Blocks for every non-blank paragraph; the bytes travel in ``meta['docx']``.

    The file is checked first (:func:`check_docx`), ``max_text_bytes`` (0 = no limit) bounding
    the text it may expand to."""
    check_docx(data, name, max_text_bytes=max_text_bytes)
    document = _open(data, name)
    blocks = [
        Block(id=block_id, text=paragraph.text, kind=kind, locator=block_id)
        for block_id, paragraph, kind in _walk(document)
        if paragraph.text.strip()
    ]
    return Document(
        blocks=tuple(blocks),
        format="docx",
        original="\n\n".join(block.text for block in blocks),
        name=name,
        meta={"docx": data},
    )


def _set_text(paragraph: Any, text: str) -> None:
    from docx.oxml.ns import qn

    p = paragraph._p
    runs = p.findall(qn("w:r"))
    keep = runs[0] if runs else None
    for child in list(p):
        if child.tag in (qn("w:r"), qn("w:hyperlink")) and child is not keep:
            p.remove(child)
    run = paragraph.add_run() if keep is None else paragraph.runs[0]
    run.text = _NOT_XML.sub("", text)
    rpr = run._r.rPr
    if rpr is not None:
        for mark in rpr.findall(qn("w:rtl")) + rpr.findall(qn("w:cs")):
            rpr.remove(mark)
    ppr = p.pPr
    if ppr is not None:
        for mark in ppr.findall(qn("w:bidi")):
            ppr.remove(mark)


def render_docx(document: Document, targets: Mapping[str, str]) -> bytes:
    """The Word file with translated paragraphs replaced; unchanged input → same bytes."""
    data: bytes = document.meta["docx"]
    texts = {block.id: block.text for block in document.blocks}
    changes = {
        block_id: target
        for block_id, target in targets.items()
        if block_id in texts and target != texts[block_id]
    }
    if not changes:
        return data
    word = _open(data, document.name)
    for block_id, paragraph, _kind in _walk(word):
        if block_id in changes:
            _set_text(paragraph, changes[block_id])
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
