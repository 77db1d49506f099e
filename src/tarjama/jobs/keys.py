"""What decides a unit's English, as short hashes: the settings, the input, the glossary terms.

A rerun compares them with what the manifest recorded, so it redoes exactly the units whose
English could change: the settings hash (model identity and decoding, the built-in lexicon's
and the post-engine code's versions, the same parts the translation memory's recipe hashes)
changes every unit; an input hash changes its own unit; a glossary changes only the units whose
text holds one of the terms that changed (:func:`glossary_digest`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.errors import TarjamaError

if TYPE_CHECKING:
    from tarjama.jobs.units import JobSpec
    from tarjama.terms import Glossary

__all__ = ["content_hash", "file_hash", "glossary_digest", "model_identity", "settings_hash"]

_CHUNK = 1 << 20


def content_hash(parts: Iterable[bytes]) -> str:
    """A short hash of a sequence of byte strings (each length-prefixed, so no two sequences
    share a hash by running together)."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update(len(part).to_bytes(8, "little"))
        sha.update(part)
    return sha.hexdigest()[:24]


def file_hash(path: str | Path) -> str:
    """A short hash of a file's bytes, read in chunks."""
    sha = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            sha.update(chunk)
    return sha.hexdigest()[:24]


def model_identity(spec: str) -> dict[str, Any]:
    """What names a model's weights without loading them: its manifest (source, revision,
    hashes) and its main file's size and modification time. An OpenAI-compatible model is its
    name. A model that cannot be resolved is named by its spec; opening it fails later, alone.
    """
    if spec.startswith("openai:"):
        return {"spec": spec}
    from tarjama.models.resolve import resolve_model

    try:
        model = resolve_model(spec)
        stat = model.main_file.stat()
    except (TarjamaError, OSError, KeyError):
        return {"spec": spec}
    return {
        "manifest": dict(model.manifest),
        "main_file": [stat.st_size, stat.st_mtime_ns],
    }


def settings_hash(spec: JobSpec, model: str) -> str:
    """The hash of every setting that changes every unit's English (glossaries excepted)."""
    from tarjama.memory.recipe import code_version, lexicon_version

    recipe = {
        "model": model_identity(model),
        "beam": spec.beam,
        "lexicon": lexicon_version(),
        "code": code_version(),
    }
    return content_hash([json.dumps(recipe, sort_keys=True, default=str).encode("utf-8")])


def glossary_digest(texts: Iterable[str], glossary: Glossary | None) -> str:
    """A hash of the glossary entries that may apply to ``texts``; ``""`` when none may.

    An entry may apply when each word of its folded Arabic is inside some folded word of the
    text (clitics included: «للرئيس» holds «رئيس»): a superset of what the matcher finds, so a
    changed term is never missed, at the price of now and then redoing a unit it did not touch.
    """
    if glossary is None or not len(glossary):
        return ""
    from tarjama.terms import tokenize

    words = " ".join(token.key for text in texts for token in tokenize(text))
    relevant = sorted(
        f"{entry.key}\t{entry.english}"
        for entry in glossary.entries
        if all(part in words for part in entry.key.split())
    )
    if not relevant:
        return ""
    return content_hash(line.encode("utf-8") for line in relevant)
