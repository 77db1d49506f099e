"""The exact-match key and the timestamps the memory stores.

The key must make visually identical Arabic the same string (presentation forms, tatweel,
bidi and zero-width marks, Arabic-Indic digits, runs of spaces) without folding spellings: an
exact hit skips the engine, so two sources that differ in a letter must never share one.
That is why it is :func:`normalize_arabic` plus :func:`to_ascii_digits` (what the segmenter
already applies to every segment) and not the lossy :func:`normalize_for_match`.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

from tarjama.text.normalize import normalize_arabic, to_ascii_digits

__all__ = ["collapse_spaces", "from_tmx_date", "memory_key", "now_iso", "to_tmx_date"]

_SPACES_RE = re.compile(r"\s+")
_ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TMX_FORMAT = "%Y%m%dT%H%M%SZ"


def collapse_spaces(text: str) -> str:
    """Runs of whitespace become one space, ends trimmed (how targets are compared and kept)."""
    return _SPACES_RE.sub(" ", text).strip()


def memory_key(source: str) -> str:
    """The normalised source an entry is stored and looked up under."""
    return collapse_spaces(to_ascii_digits(normalize_arabic(source)))


def now_iso() -> str:
    """Now, UTC, to the second: the form every timestamp in the memory takes."""
    return time.strftime(_ISO_FORMAT, time.gmtime())


def to_tmx_date(iso: str | None) -> str | None:
    """``2025-01-31T12:00:00Z`` → ``20250131T120000Z`` (TMX's ISO 8601 basic format)."""
    if not iso:
        return None
    try:
        return datetime.strptime(iso, _ISO_FORMAT).strftime(_TMX_FORMAT)
    except ValueError:
        return None


def from_tmx_date(value: str | None) -> str | None:
    """A TMX date (basic or extended ISO 8601) → the memory's form; ``None`` if unreadable.

    Other tools write dates loosely (no ``Z``, extended form, offsets); a date we cannot read
    is dropped rather than failing the import.
    """
    if not value:
        return None
    text = value.strip()
    for fmt in (_TMX_FORMAT, "%Y%m%dT%H%M%S", _ISO_FORMAT, "%Y-%m-%dT%H:%M:%S"):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.strftime(_ISO_FORMAT)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed.strftime(_ISO_FORMAT)
