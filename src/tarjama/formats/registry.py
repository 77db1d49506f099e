"""The list of formats. Adding a format is one module plus one line in ``_FORMATS``.

The order of ``_FORMATS`` is the order content sniffing tries them in: the most particular
first, plain text (which accepts anything) last.
"""

from __future__ import annotations

import os

from tarjama.errors import ConfigurationError
from tarjama.formats import feed, htmlfile, jsondoc, jsonlines, lines, markdown, plaintext
from tarjama.formats.base import FormatSpec

__all__ = ["detect_format", "format_for_name", "format_names", "get_format"]

_FORMATS: tuple[FormatSpec, ...] = (
    feed.FORMAT,
    jsonlines.FORMAT,
    jsondoc.FORMAT,
    htmlfile.FORMAT,
    markdown.FORMAT,
    lines.FORMAT,
    plaintext.FORMAT,
)
_BY_NAME = {spec.name: spec for spec in _FORMATS}
_ALIASES = {"txt": "text", "md": "markdown", "htm": "html", "ndjson": "jsonl"}


def format_names() -> list[str]:
    """Known format names, sorted (what ``--format`` accepts besides ``auto``)."""
    return sorted(_BY_NAME)


def get_format(name: str) -> FormatSpec:
    """The format called ``name`` (case-insensitive, a few aliases), or ConfigurationError."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    try:
        return _BY_NAME[key]
    except KeyError:
        raise ConfigurationError(
            f"unknown format {name!r}; known formats: auto, {', '.join(format_names())}"
        ) from None


def format_for_name(name: str | None) -> FormatSpec | None:
    """The format a file name's extension implies, if any."""
    if not name:
        return None
    extension = os.path.splitext(os.path.basename(name.rstrip("/\\")))[1].lower()
    if not extension:
        return None
    for spec in _FORMATS:
        if extension in spec.extensions:
            return spec
    return None


def detect_format(name: str | None, text: str) -> str:
    """Format name for a document: by file extension first, else by sniffing the content.

    A feed is known by its content even under ``.json`` (a JSON Feed) or ``.xml`` (RSS, Atom).
    """
    spec = format_for_name(name)
    if (spec is None or spec is jsondoc.FORMAT) and feed.FORMAT.sniff(text):
        return feed.FORMAT.name
    if spec is not None:
        return spec.name
    for spec in _FORMATS:
        if spec.sniff(text):
            return spec.name
    return plaintext.FORMAT.name
