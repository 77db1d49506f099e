"""JSON Lines: one JSON value per line, each treated like a JSON document.

Block ids are ``L<line>`` followed by the JSON pointer inside that line (``L3/title``).
Empty lines are kept; a malformed line is an InputError naming its line number.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tarjama.document import Block, Document
from tarjama.errors import InputError
from tarjama.formats.base import FormatSpec
from tarjama.formats.jsondoc import FieldSelector, blocks_of, render_json

__all__ = ["FORMAT", "read_jsonl", "render_jsonl"]

render_jsonl = render_json
"""Rendering is the same splice of string literals as for JSON."""


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its line break) for every line."""
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def read_jsonl(text: str, name: str | None = None, fields: Sequence[str] = ()) -> Document:
    """Blocks from every line; the whole file is checked before any block is made."""
    where = name or "input"
    selector = FieldSelector(fields)
    blocks: list[Block] = []
    seen: set[str] = set()
    for number, (offset, line) in enumerate(_lines(text), start=1):
        if not line.strip():
            continue
        try:
            json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{where}: invalid JSON on line {number}, column {exc.colno}: {exc.msg}"
            ) from exc
        except RecursionError as exc:
            raise InputError(f"{where}: JSON on line {number} is nested too deeply") from exc
        blocks.extend(blocks_of(line, offset, f"L{number}", selector, seen))
    selector.check(where)
    return Document(blocks=tuple(blocks), format="jsonl", original=text, name=name)


def _sniff(text: str) -> bool:
    lines = [line for line in text[:65536].split("\n") if line.strip()][:20]
    if len(lines) < 2 or not all(line.lstrip().startswith(("{", "[")) for line in lines):
        return False
    complete = lines if len(text) <= 65536 else lines[:-1]
    try:
        for line in complete:
            json.loads(line)
    except (ValueError, RecursionError):
        return False
    return True


FORMAT = FormatSpec(
    name="jsonl",
    extensions=(".jsonl", ".ndjson", ".jsonlines"),
    read=read_jsonl,
    render=render_jsonl,
    sniff=_sniff,
    description="JSON Lines (one JSON value per line)",
    takes_fields=True,
)
