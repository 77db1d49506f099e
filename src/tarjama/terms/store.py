"""Reading lexicon data: one TSV file per category, plus the list of ambiguous spellings.

The lexicon is data, not code, so that a journalist can correct a spelling without reading
Python. A file is UTF-8 TSV: ``#`` lines are comments, the first other line names the columns,
and ``#@ key=value …`` lines set defaults (``type``, ``kind``) for the rows after them, which
keeps hand-written files short. Columns:

``id``        stable id; when empty, ``{type}:{slug of english}``
``english``   the one canonical English form (required)
``arabic``    spellings separated by ``|`` (required); clitics and alef/hamza/ى/ة variants are
              handled by the matcher and need not be listed, real variant spellings must be
``type`` ``kind`` ``role`` ``related``   see :class:`~tarjama.terms.entity.Entity`
``also``      other acceptable English forms, ``|``-separated
``suffixes``  ``yes`` when attached pronouns may follow (common-noun terms only)

Entries of type ``nisba`` list the masculine singular (الروسي); the lexicon derives the other
regular forms (:func:`~tarjama.terms.keys.nisba_forms`).

``ambiguous.tsv`` has the columns ``arabic``, ``default`` (an id, or empty for "report
nothing"), ``candidates`` (ids, ``|``-separated; ``~word`` stands for an ordinary Arabic word)
and ``note``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tarjama.errors import ConfigurationError
from tarjama.terms.entity import ENTITY_TYPES, Entity

__all__ = [
    "WORD",
    "Ambiguity",
    "LexiconError",
    "builtin_files",
    "parse_ambiguities",
    "parse_entities",
    "read_files",
    "slug",
]

#: The pseudo-id for "an ordinary Arabic word", used among ambiguity candidates.
WORD = "~word"

_COLUMNS = {"id", "english", "arabic", "type", "kind", "role", "also", "related", "suffixes"}
_DEFAULTS = {"type", "kind", "related", "suffixes"}
_AMBIGUITY_COLUMNS = {"arabic", "default", "candidates", "note"}
_AMBIGUITY_FILE = "ambiguous.tsv"


class LexiconError(ConfigurationError):
    """Lexicon data that cannot be used: a bad row, a duplicate id, an undeclared clash."""


@dataclass(frozen=True)
class Ambiguity:
    """An Arabic spelling shared by several entries (or by an entry and an ordinary word)."""

    arabic: str
    default: str
    candidates: tuple[str, ...]
    note: str = ""


_UNDECOMPOSABLE = str.maketrans(
    {"ø": "o", "Ø": "O", "ı": "i", "ł": "l", "Ł": "L", "đ": "d", "æ": "ae", "ß": "ss", "œ": "oe"}
)


def slug(text: str) -> str:
    """An ASCII id fragment: ``Recep Tayyip Erdoğan`` → ``recep-tayyip-erdogan``."""
    folded = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    ascii_text = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _rows(text: str, source: str, allowed: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a TSV text as dicts, with ``#@`` defaults applied; line numbers for errors."""
    header: list[str] | None = None
    defaults: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if line.startswith("#@"):
            defaults = {}
            for pair in line[2:].split():
                key, _, value = pair.partition("=")
                if key not in _DEFAULTS:
                    raise LexiconError(f"{source}:{number}: unknown default {key!r}")
                defaults[key] = value
            continue
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if header is None:
            unknown = set(cells) - allowed
            if unknown:
                raise LexiconError(f"{source}:{number}: unknown columns {sorted(unknown)}")
            header = cells
            continue
        if len(cells) > len(header):
            raise LexiconError(f"{source}:{number}: {len(cells)} cells, {len(header)} columns")
        row = dict(defaults)
        cells += [""] * (len(header) - len(cells))
        row.update({key: value for key, value in zip(header, cells, strict=True) if value})
        yield number, row


def parse_entities(text: str, source: str) -> list[Entity]:
    """The entries of one lexicon TSV text; ``source`` names it in errors and provenance."""
    entities: list[Entity] = []
    for number, row in _rows(text, source, _COLUMNS):
        english, arabic = row.get("english", ""), _split(row.get("arabic", ""))
        kind_of = row.get("type", "")
        if not english or not arabic:
            raise LexiconError(f"{source}:{number}: english and arabic are both required")
        if kind_of not in ENTITY_TYPES:
            raise LexiconError(f"{source}:{number}: unknown type {kind_of!r}")
        entities.append(
            Entity(
                id=row.get("id") or f"{kind_of}:{slug(english)}",
                english=english,
                type=kind_of,
                arabic=arabic,
                kind=row.get("kind", ""),
                role=row.get("role", ""),
                also=_split(row.get("also", "")),
                related=row.get("related", ""),
                source=source,
                suffixes=row.get("suffixes", "").lower() in {"yes", "true", "1"},
            )
        )
    return entities


def parse_ambiguities(text: str, source: str) -> list[Ambiguity]:
    """The declared ambiguous spellings of one ``ambiguous.tsv`` text."""
    result: list[Ambiguity] = []
    for number, row in _rows(text, source, _AMBIGUITY_COLUMNS):
        candidates = _split(row.get("candidates", ""))
        default = row.get("default", "")
        if not row.get("arabic") or not candidates:
            raise LexiconError(f"{source}:{number}: arabic and candidates are required")
        if default and default not in candidates:
            raise LexiconError(f"{source}:{number}: default {default!r} is not a candidate")
        result.append(Ambiguity(row["arabic"], default, candidates, row.get("note", "")))
    return result


def builtin_files() -> list[tuple[str, str]]:
    """``(file name, text)`` of every built-in lexicon file, ``ambiguous.tsv`` last."""
    folder = resources.files("tarjama") / "data" / "lexicon"
    files = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".tsv")
    )
    files.sort(key=lambda item: item[0] == _AMBIGUITY_FILE)
    return files


def read_files(paths: Iterable[str | Path]) -> tuple[list[Entity], list[Ambiguity]]:
    """Entries and ambiguities from TSV files on disk (an ``ambiguous.tsv`` among them)."""
    entities: list[Entity] = []
    ambiguities: list[Ambiguity] = []
    for path in map(Path, paths):
        text = path.read_text(encoding="utf-8")
        if path.name == _AMBIGUITY_FILE:
            ambiguities.extend(parse_ambiguities(text, path.name))
        else:
            entities.extend(parse_entities(text, path.name))
    return entities, ambiguities
