"""Bytes → text, refusing to guess silently.

UTF-8 (with or without BOM) and BOM-marked UTF-16/32 are read as they are. Anything else is
an :class:`~tarjama.errors.InputError` that names the likely encoding and the ``iconv`` line
that converts it, with one exception: Arabic in the Windows code page (cp1256) is still very
common in newsrooms, so when charset-normalizer is confident about it the text is decoded and
a warning is logged. Decoding is always strict: no byte is ever dropped or replaced.
"""

from __future__ import annotations

import codecs
import logging
import re
from typing import NamedTuple

from tarjama.errors import InputError
from tarjama.formats.base import ARABIC_LETTER

__all__ = ["DecodedText", "decode_bytes", "decode_bytes_with_encoding"]

logger = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ARABIC_CODECS = ("cp1256", "iso8859_6", "cp720", "cp864", "mac_arabic")
_ICONV_NAMES = {
    "cp1256": "CP1256",
    "iso8859_6": "ISO-8859-6",
    "cp720": "CP720",
    "cp864": "CP864",
    "mac_arabic": "MACARABIC",
    "cp1252": "CP1252",
    "latin_1": "ISO-8859-1",
    "utf_16_le": "UTF-16LE",
    "utf_16_be": "UTF-16BE",
}
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_CP1252_EXTRAS = set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")


class DecodedText(NamedTuple):
    """Decoded text and the encoding it was read with (``utf-8`` unless noted otherwise)."""

    text: str
    encoding: str


def _label(name: str | None) -> str:
    return name if name else "input"


def _iconv(encoding: str) -> str:
    return _ICONV_NAMES.get(encoding, encoding.upper().replace("_", "-"))


def _is_arabic(text: str) -> bool:
    """Arabic letters make up most letters, and nearly all non-ASCII ones.

    The second test alone is not enough: Latin text with a few accents decodes to a few
    Arabic letters in ISO-8859-6.
    """
    letters = [c for c in text if c.isalpha()]
    arabic = len(ARABIC_LETTER.findall(text))
    non_ascii = sum(1 for c in letters if ord(c) > 127)
    return arabic >= 2 and arabic >= 0.5 * len(letters) and arabic >= 0.95 * non_ascii


def _looks_binary(text: str) -> bool:
    """Text files hardly ever hold control characters other than tab, newline and friends."""
    return len(_CONTROL.findall(text)) > max(2, len(text) // 100)


def _utf16_without_bom(data: bytes) -> str | None:
    """Name the UTF-16 flavour when NUL bytes sit where UTF-16 puts them for ASCII text."""
    if len(data) % 2 or len(data) < 4:
        return None
    odd_nuls = data[1::2].count(0)
    even_nuls = data[0::2].count(0)
    half = len(data) // 2
    for encoding, nuls, other in (
        ("utf_16_le", odd_nuls, even_nuls),
        ("utf_16_be", even_nuls, odd_nuls),
    ):
        if nuls >= half * 0.3 and other == 0:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not _looks_binary(text):
                return encoding
    return None


def _guess(data: bytes) -> tuple[str | None, str | None, bool]:
    """(likely encoding, decoded text, confident cp1256 Arabic?) for bytes that are not UTF-8."""
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    for match in matches:
        if match.encoding in _ARABIC_CODECS:
            text = str(match)
            if _is_arabic(text):
                confident = match.encoding == "cp1256" and match.chaos <= 0.2
                return match.encoding, text, confident
    for encoding in ("cp1256", "iso8859_6"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _is_arabic(text):
            return encoding, None, False
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    non_ascii = [c for c in text if ord(c) > 127]
    if non_ascii and all((0xA0 <= ord(c) <= 0xFF) or c in _CP1252_EXTRAS for c in non_ascii):
        if any(0x80 <= b <= 0x9F for b in data):
            return "cp1252", None, False
        return "latin_1", None, False
    if matches and not _looks_binary(str(matches[0])):
        return matches[0].encoding, None, False
    return None, None, False


def _checked(decoded: DecodedText, label: str) -> DecodedText:
    if not decoded.text.strip():
        raise InputError(f"{label} is empty (it holds only whitespace)")
    return decoded


def decode_bytes_with_encoding(data: bytes, name: str | None = None) -> DecodedText:
    """Decode ``data`` and say which encoding was used, so a caller can warn the user."""
    label = _label(name)
    if not data:
        raise InputError(f"{label} is empty")
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(bom_encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{label} starts with a {bom_encoding.upper()} byte-order mark but is not "
                    f"valid {bom_encoding.upper()} (byte {exc.start + len(bom)}): {exc.reason}"
                ) from exc
            return _checked(DecodedText(text, bom_encoding), label)
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16:
            raise InputError(
                f"{label} looks like {_iconv(utf16)} without a byte-order mark; convert it "
                f"to UTF-8 first, e.g. `iconv -f {_iconv(utf16)} -t UTF-8 FILE > FILE.utf8`"
            )
        raise InputError(f"{label} looks binary (it contains NUL bytes), not like text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        if _looks_binary(text):
            raise InputError(f"{label} looks binary (control characters), not like text")
        return _checked(DecodedText(text, "utf-8"), label)

    encoding, decoded, confident = _guess(data)
    if confident and decoded is not None:
        logger.warning(
            "%s is not UTF-8; decoded it as Windows-1256 (Arabic). Convert it with "
            "`iconv -f CP1256 -t UTF-8` to silence this warning.",
            label,
        )
        return _checked(DecodedText(decoded, "cp1256"), label)
    lossy = data.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd")
    good = sum(1 for c in lossy if ord(c) > 127) - bad
    if good >= 3 and good >= 2 * bad:
        raise InputError(
            f"{label} is mostly UTF-8 but has {bad} invalid byte sequence(s), the first at "
            f"offset {first_bad} (mixed encodings?). Fix those lines first; "
            "`grep -naxv '.*' FILE` lists them"
        )
    if encoding is None:
        raise InputError(
            f"{label} looks binary: it is not UTF-8 (bad byte at offset {first_bad}) "
            "and no text encoding fits it"
        )
    iconv = _iconv(encoding)
    raise InputError(
        f"{label} is not UTF-8 (bad byte at offset {first_bad}); it looks like {iconv}. "
        f"Convert it first, e.g. `iconv -f {iconv} -t UTF-8 FILE > FILE.utf8`"
    )


def decode_bytes(data: bytes, name: str | None = None) -> str:
    """Bytes of a text file → str, or an InputError that says what is wrong and how to fix it.

    ``name`` is only used in messages. cp1256 Arabic is accepted with a logged warning; use
    :func:`decode_bytes_with_encoding` to learn the encoding instead.
    """
    return decode_bytes_with_encoding(data, name).text
