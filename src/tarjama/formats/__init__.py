"""Readers and writers for what tarjama translates: text, Markdown, HTML, JSON, JSONL, lines.

A format turns text into a :class:`~tarjama.document.Document` of blocks and puts English back
into the same places; it never sees a model, and an engine never sees HTML. Every renderer
splices English into the original, so identity targets give back the input byte for byte
(HTML also switches ``dir``/``lang`` to English). Word files (docx) go through the bytes API.

::

    text = decode_bytes(data, name)                  # strict; explains bad encodings
    document = read_document(text, "auto", name=name)
    document = read_document_bytes(data, name=name, max_bytes=2_000_000)  # docx too; bounded
    english = render_document(document, {block.id: ... for block in document.blocks})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tarjama.document import Document
from tarjama.errors import ConfigurationError, InputError
from tarjama.formats.encoding import DecodedText, decode_bytes, decode_bytes_with_encoding
from tarjama.formats.feed import feed_head, read_feed
from tarjama.formats.registry import detect_format, format_names, get_format
from tarjama.formats.word import is_docx, read_docx, render_docx

__all__ = [
    "DecodedText",
    "decode_bytes",
    "decode_bytes_with_encoding",
    "detect_format",
    "format_names",
    "read_document",
    "read_document_bytes",
    "render_document",
    "render_document_bytes",
]


def read_document(
    text: str,
    format: str = "auto",
    *,
    name: str | None = None,
    fields: Sequence[str] = (),
) -> Document:
    """Parse ``text`` as ``format`` (``auto``: by ``name``'s extension, then by content).

    ``fields`` (JSON/JSONL only) names the keys or paths to translate; see
    :mod:`tarjama.formats.jsondoc`. Raises InputError for unparseable input and
    ConfigurationError for an unknown format or ``fields`` on a format without fields.
    """
    if isinstance(fields, str):
        fields = (fields,)
    auto = format.strip().lower() == "auto"
    chosen = detect_format(name, text) if auto else format
    if auto and fields and chosen == "feed" and text.lstrip()[:1] == "{":
        chosen = "json"  # fields name JSON keys: the caller wants a JSON Feed read as JSON
    if chosen.strip().lower() == "docx":
        raise ConfigurationError("docx is a binary format: use read_document_bytes")
    spec = get_format(chosen)
    if fields and not spec.takes_fields:
        raise ConfigurationError(
            f"fields apply to json and jsonl only, not to {spec.name}"
            + (f" ({name})" if name else "")
        )
    return spec.read(text, name, tuple(fields))


def render_document(document: Document, targets: Mapping[str, str]) -> str:
    """The document rebuilt with ``targets[block.id]`` in place of each block's text.

    Blocks missing from ``targets`` keep their source text; an id that is not a block of the
    document is a caller bug and raises ValueError rather than being silently dropped.
    """
    _check_targets(document, targets)
    if document.format == "docx":
        raise ConfigurationError("a docx document renders to bytes: use render_document_bytes")
    return get_format(document.format).render(document, targets)


def read_document_bytes(
    data: bytes,
    format: str = "auto",
    *,
    name: str | None = None,
    fields: Sequence[str] = (),
    max_bytes: int = 0,
) -> Document:
    """Like :func:`read_document` but from raw bytes, which also admits Word ``.docx`` files.

    Text formats are decoded with :func:`decode_bytes` first. ``max_bytes`` (0 = none) bounds
    the text the input *expands to*, not only its size on disk: a Word file is refused while
    its XML streams past (a 144 KB file can hold 21 MB of text), and every format's text is
    checked once read. Over the limit is an InputError that says "input limit".
    """
    wanted = format.strip().lower()
    if wanted == "docx" or (wanted == "auto" and is_docx(data, name)):
        if fields:
            raise ConfigurationError("fields apply to json and jsonl only, not to docx")
        document = read_docx(data, name, max_text_bytes=max_bytes)
    elif wanted == "feed" or (
        wanted == "auto" and not fields and detect_format(name, feed_head(data)) == "feed"
    ):
        if fields:
            raise ConfigurationError("fields apply to json and jsonl only, not to feed")
        document = read_feed(data, name)  # its charset and stray bytes are the feed's to read
    else:
        document = read_document(decode_bytes(data, name), format, name=name, fields=fields)
    if max_bytes:
        _check_expanded(document, max_bytes, name)
    return document


def _check_expanded(document: Document, limit: int, name: str | None) -> None:
    """The text to translate is within the limit (decoding and entities can grow it a little:
    UTF-16 CJK becomes 3 UTF-8 bytes, ``&nGt;`` 6)."""
    size = sum(len(block.text.encode("utf-8")) for block in document.blocks)
    if size > limit:
        raise InputError(
            f"{name or 'input'} holds {size / 1e6:.1f} MB of text, more than the "
            f"{limit / 1e6:.1f} MB input limit; split it into smaller files "
            "or raise TARJAMA_MAX_INPUT_BYTES"
        )


def render_document_bytes(document: Document, targets: Mapping[str, str]) -> bytes:
    """Render to bytes: a ``.docx`` for Word documents, UTF-8 text for everything else."""
    if document.format == "docx":
        _check_targets(document, targets)
        return render_docx(document, targets)
    return render_document(document, targets).encode("utf-8")


def _check_targets(document: Document, targets: Mapping[str, str]) -> None:
    ids = {block.id for block in document.blocks}
    unknown = [key for key in targets if key not in ids]
    if unknown:
        shown = ", ".join(repr(key) for key in unknown[:5])
        raise ValueError(f"targets name blocks the document does not have: {shown}")
