"""A feed's bytes → text, as tolerantly as a feed reader and never silently.

Feeds declare their charset (the XML declaration, the HTTP ``Content-Type``) and the
declaration is often wrong: a CMS template says ``iso-8859-1`` over UTF-8 bytes, an old
Arabic site serves windows-1256 and says UTF-8, one stray byte sits in an otherwise clean
file. Each is read the way that makes sense of the bytes, and each is said in a note that
becomes a warning of the document. The English is always written as UTF-8, so a declaration
that says anything else is rewritten to say UTF-8.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from tarjama.errors import InputError
from tarjama.formats.base import ARABIC_LETTER

__all__ = ["DecodedFeed", "declared_utf8", "decode_feed"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(r"""^\ufeff?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
#: More bad bytes than this and the file is not "UTF-8 with a stray byte" any more.
_STRAY_LIMIT = 16


class DecodedFeed(NamedTuple):
    text: str
    notes: tuple[str, ...]


def _codec(label: str) -> str | None:
    """Python's name for a charset label (``ISO-8859-1`` → ``iso8859-1``), None if unknown."""
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _stray(data: bytes) -> tuple[str, list[tuple[int, int]]] | None:
    """UTF-8 with a few bad bytes: the text (each bad sequence a U+FFFD) and where they were."""
    pieces: list[str] = []
    bad: list[tuple[int, int]] = []
    pos = 0
    while True:
        try:
            pieces.append(data[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            if len(bad) == _STRAY_LIMIT:
                return None
            pieces.append(data[pos : pos + exc.start].decode("utf-8"))
            pieces.append("\ufffd")
            bad.append((pos + exc.start, data[pos + exc.start]))
            pos += exc.end
    text = "".join(pieces)
    good = sum(1 for c in text if ord(c) > 127) - len(bad)
    return (text, bad) if good >= 4 * len(bad) else None


def _say_stray(bad: list[tuple[int, int]]) -> str:
    where = ", ".join(f"0x{byte:02X} at offset {offset}" for offset, byte in bad[:3])
    more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
    noun = "stray byte" if len(bad) == 1 else f"{len(bad)} stray bytes"
    return f"{noun} in UTF-8 text replaced by U+FFFD: {where}{more}"


def decode_feed(data: bytes, label: str, charset: str | None = None) -> DecodedFeed:
    """Decode a feed: a byte-order mark first, then UTF-8 when the bytes are UTF-8 whatever
    the declaration says, then the declared charset (``charset`` from HTTP wins over the XML
    declaration), then UTF-8 with stray bytes replaced, then windows-1256 when that reads as
    Arabic. InputError when nothing fits."""
    if not data.strip():
        raise InputError(f"{label} is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{label} starts with a {encoding.upper()} byte-order mark but is not "
                    f"valid {encoding.upper()} (byte {exc.start + len(bom)})"
                ) from exc
            said = f"read as {encoding.upper()} (byte-order mark)"
            return DecodedFeed(text, () if encoding == "utf-8" else (said,))
    head = data[:1024].decode("latin-1")
    found = _DECLARED.match(head)
    label_declared = charset or (found.group(1) if found else "")
    declared = _codec(label_declared) if label_declared else None
    notes: list[str] = []
    if label_declared and declared is None:
        notes.append(f"declared charset {label_declared} is unknown")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if declared not in (None, "utf-8") and not data.isascii():
            notes.append(
                f"declared charset {label_declared} but the bytes are UTF-8; read as UTF-8"
            )
        return DecodedFeed(text, tuple(notes))
    stray = _stray(data)
    if stray is not None:
        if declared not in (None, "utf-8"):
            notes.append(f"declared charset {label_declared} but the bytes are UTF-8")
        notes.append(_say_stray(stray[1]))
        return DecodedFeed(stray[0], tuple(notes))
    if declared not in (None, "utf-8"):
        try:
            return DecodedFeed(data.decode(declared), tuple(notes))
        except UnicodeDecodeError:
            notes.append(f"declared charset {label_declared} does not fit the bytes")
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    if len(ARABIC_LETTER.findall(text)) >= 2:
        why = f"declared charset {label_declared}" if label_declared else "no charset declared"
        notes.append(f"{why} but the bytes are windows-1256 (Arabic); read as windows-1256")
        return DecodedFeed(text, tuple(notes))
    raise InputError(
        f"{label} is not UTF-8 and no charset fits its bytes "
        f"(declared: {label_declared or 'none'}); convert it to UTF-8 first"
    )


def declared_utf8(text: str) -> tuple[str, str]:
    """The text with its XML declaration saying UTF-8 (the English is written in UTF-8), and a
    note when it said something else."""
    found = _DECLARED.match(text)
    if found is None or _codec(found.group(1)) == "utf-8":
        return text, ""
    start, end = found.span(1)
    return (
        text[:start] + "UTF-8" + text[end:],
        f"the XML declaration said {found.group(1)}; the feed is written as UTF-8",
    )
