"""Hostile files built in memory for the tests: Word files with any body, zip archives whose
directory says whatever a zip bomb (or a liar) says, and text that compresses like prose."""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from xml.sax.saxutils import escape

import docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _template() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("قال الرئيس")
    document.save(out)
    return out.getvalue()


def word_file(paragraphs: Iterable[str]) -> bytes:
    """A real Word file (python-docx's parts) whose body is ``paragraphs``."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for text in paragraphs
    )
    part = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    ).encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_template())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = part if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, content)
    return out.getvalue()


def handmade_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written byte by byte: ``(name, raw deflate data, declared size, CRC-32)`` per
    member, so the directory can claim what a zip bomb (or a liar) claims."""
    out, directory = bytearray(), bytearray()
    for name, raw, size, crc in members:
        offset, encoded = len(out), name.encode()
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(raw), size, len(encoded), 0
        )
        out += encoded + raw
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(raw), size,
            len(encoded), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        directory += encoded
    start = len(out)
    out += directory
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0
    )
    return bytes(out)


def zip_bomb() -> bytes:
    """1.97 MB that really inflates to 1.99 GB of zeros (deflate's ratio tops out near 1,000):
    one deflate piece for 1 MiB, emptied with a full flush so it decodes the same wherever it
    sits, repeated 1,900 times."""
    mib = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(1900):
        crc = zlib.crc32(mib, crc)
    raw = piece * 1900 + b"\x03\x00"  # a final, empty fixed-Huffman block
    return handmade_zip([("word/document.xml", raw, 1900 << 20, crc)])


def _words(article: str) -> list[str]:
    return sorted(set(re.findall(r"[\u0600-\u06ff]+", article)))


def varied_text(article: str, size: int) -> list[str]:
    """``size`` bytes of Arabic paragraphs of the article's words in random order: text that
    compresses like real prose (about 5 times), not like a bomb."""
    pick = random.Random(9).choice
    words, paragraphs, total = _words(article), [], 0
    while total < size:
        paragraph = " ".join(pick(words) for _ in range(120)) + "."
        paragraphs.append(paragraph)
        total += len(paragraph.encode())
    return paragraphs
