"""JSON: chosen string values (or every string with Arabic in it) become blocks.

The file is validated with :mod:`json` (errors carry line and column), then scanned once more
to find where each string literal sits; rendering replaces only those literals, so key order,
indentation, number spelling and everything else stay exactly as they were. Block ids are
JSON-pointer paths such as ``/items/0/text``.

``fields`` selects what to translate: a bare key (``title``) matches that key at any depth, a
dotted path (``items.*.text``) or a JSON pointer (``/items/0/text``) matches from the root, ``*``
matching any key or index. A match on an object or array takes every string beneath it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from tarjama.document import Block, Document
from tarjama.errors import ConfigurationError, InputError
from tarjama.formats.base import FormatSpec, has_arabic, splice

__all__ = [
    "FORMAT",
    "FieldSelector",
    "StringLiteral",
    "blocks_of",
    "json_pointer",
    "parse_json",
    "read_json",
    "render_json",
    "string_literals",
]

logger = logging.getLogger(__name__)

Path = tuple[str | int, ...]

_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|-?Infinity|NaN|true|false|null")


@dataclass(frozen=True)
class StringLiteral:
    """One string value: its path, its decoded value and the span of its quoted source."""

    path: Path
    value: str
    start: int
    end: int


@dataclass
class _Frame:
    """An object or array the scan is inside: its path and the index of its current item."""

    kind: str
    path: Path
    index: int = 0


@dataclass(frozen=True)
class _Place:
    start: int
    end: int
    ascii_only: bool


def json_pointer(path: Path) -> str:
    """RFC 6901 pointer for ``path`` (``/`` for the root itself)."""
    if not path:
        return "/"
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def parse_json(text: str, where: str) -> object:
    """``json.loads`` with errors turned into InputError naming line and column."""
    if not text.strip():
        raise InputError(f"{where} holds no JSON value")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise InputError(f"{where}: JSON nested too deeply") from exc


_DECODER = json.JSONDecoder()


def _string_at(text: str, pos: int) -> tuple[str, int]:
    """The string literal whose opening quote is at ``pos``, decoded, and where it ends."""
    value, end = _DECODER.raw_decode(text, pos)
    return str(value), end


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where ``pattern`` stops matching at ``pos``; the text is valid JSON (``json.loads`` said
    so first), so whitespace and scalars are always where the scan looks for them."""
    match = pattern.match(text, pos)
    if match is None:
        raise ValueError(f"not valid JSON at offset {pos}")
    return match.end()


def _all_values(text: str) -> Iterator[tuple[Path, StringLiteral | None]]:
    """Yield (path, literal-or-None) for every value of an already valid JSON text, in order.

    Iterative, so deep nesting cannot overflow the stack.
    """
    pos = _skip(_SPACE, text, 0)
    stack: list[_Frame] = []
    path: Path = ()
    while True:
        char = text[pos]
        if char == '"':
            value, end = _string_at(text, pos)
            yield path, StringLiteral(path, value, pos, end)
            pos = end
        elif char in "{[":
            yield path, None
            pos = _skip(_SPACE, text, pos + 1)
            if text[pos] in "}]":
                pos += 1
            elif char == "{":
                key, pos = _string_at(text, pos)
                pos = _skip(_SPACE, text, _skip(_SPACE, text, pos) + 1)
                stack.append(_Frame("object", path))
                path = (*path, key)
                continue
            else:
                stack.append(_Frame("array", path))
                path = (*path, 0)
                continue
        else:
            yield path, None
            pos = _skip(_SCALAR, text, pos)
        # after a value: a comma (next member) or closing brackets
        while stack:
            pos = _skip(_SPACE, text, pos)
            frame = stack[-1]
            if text[pos] == ",":
                pos = _skip(_SPACE, text, pos + 1)
                if frame.kind == "object":
                    key, pos = _string_at(text, pos)
                    pos = _skip(_SPACE, text, _skip(_SPACE, text, pos) + 1)
                    path = (*frame.path, key)
                else:
                    frame.index += 1
                    path = (*frame.path, frame.index)
                    pos = _skip(_SPACE, text, pos)
                break
            pos += 1
            stack.pop()
        else:
            return


def string_literals(text: str) -> list[StringLiteral]:
    """Every string value (not key) of a valid JSON text with its source span."""
    return [literal for _, literal in _all_values(text) if literal is not None]


class FieldSelector:
    """Decides which string values to translate from the ``fields`` option."""

    def __init__(self, fields: Sequence[str]) -> None:
        self.fields = tuple(f.strip() for f in fields if f.strip())
        self.patterns = [self._parse(f) for f in self.fields]
        self.used: set[str] = set()

    @staticmethod
    def _parse(field: str) -> tuple[bool, tuple[str, ...]]:
        if field.startswith("/"):
            parts = tuple(p.replace("~1", "/").replace("~0", "~") for p in field[1:].split("/"))
            return True, parts
        parts = tuple(field.removeprefix("$.").split("."))
        return len(parts) > 1, parts

    @staticmethod
    def _matches(anchored: bool, parts: tuple[str, ...], path: Path) -> bool:
        if not anchored:
            return any(isinstance(p, str) and p == parts[0] for p in path)
        if len(path) < len(parts):
            return False
        return all(want in ("*", str(got)) for want, got in zip(parts, path, strict=False))

    def wants(self, path: Path, value: str) -> bool:
        """Translate this value? Without fields: when it holds Arabic letters."""
        if not self.fields:
            return has_arabic(value)
        hit = False
        for field, (anchored, parts) in zip(self.fields, self.patterns, strict=True):
            if self._matches(anchored, parts, path):
                self.used.add(field)
                hit = True
        return hit and bool(value.strip())

    def note(self, path: Path) -> None:
        """Record fields that name a value which is not a string (still a valid name)."""
        for field, (anchored, parts) in zip(self.fields, self.patterns, strict=True):
            if field not in self.used and self._matches(anchored, parts, path):
                self.used.add(field)

    def check(self, where: str) -> None:
        """No field matched anything: almost certainly a typo, so say so."""
        if not self.fields:
            return
        unused = [f for f in self.fields if f not in self.used]
        if len(unused) == len(self.fields):
            raise ConfigurationError(
                f"{where}: none of the fields {', '.join(unused)} names a value in the document"
            )
        if unused:
            logger.warning("%s: fields not found: %s", where, ", ".join(unused))


def blocks_of(
    text: str, offset: int, prefix: str, selector: FieldSelector, seen: set[str]
) -> list[Block]:
    """Blocks for one JSON value whose source starts at ``offset`` in the document."""
    blocks = []
    for path, literal in _all_values(text):
        if literal is None:
            if selector.fields:
                selector.note(path)
            continue
        if not selector.wants(path, literal.value):
            continue
        block_id = (prefix + json_pointer(path)) if path else (prefix or "/")
        while block_id in seen:  # duplicate keys: keep every occurrence addressable
            block_id += "+"
        seen.add(block_id)
        raw = text[literal.start : literal.end]
        blocks.append(
            Block(
                id=block_id,
                text=literal.value,
                kind="field",
                locator=_Place(
                    offset + literal.start,
                    offset + literal.end,
                    raw.isascii() and not literal.value.isascii(),
                ),
            )
        )
    return blocks


def read_json(text: str, name: str | None = None, fields: Sequence[str] = ()) -> Document:
    """One block per selected string value, id = its JSON pointer."""
    where = name or "input"
    parse_json(text, where)
    selector = FieldSelector(fields)
    blocks = blocks_of(text, 0, "", selector, set())
    selector.check(where)
    return Document(blocks=tuple(blocks), format="json", original=text, name=name)


def render_json(document: Document, targets: Mapping[str, str]) -> str:
    """Replace the selected string literals; the rest of the file is copied byte for byte."""
    replacements = []
    for block in document.blocks:
        target = targets.get(block.id)
        if target is None or target == block.text:
            continue
        place: _Place = block.locator
        replacements.append(
            (place.start, place.end, json.dumps(target, ensure_ascii=place.ascii_only))
        )
    return splice(document.original, replacements)


def _sniff(text: str) -> bool:
    head = text.lstrip()
    if head.startswith("{"):
        return True  # even when invalid: the JSON reader gives the best error message
    if head.startswith("["):
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            return False
        return True
    return False


FORMAT = FormatSpec(
    name="json",
    extensions=(".json",),
    read=read_json,
    render=render_json,
    sniff=_sniff,
    description="JSON (string values; --fields picks keys or paths)",
    takes_fields=True,
)
