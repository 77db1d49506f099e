"""What, besides the model and the glossary, decides the English an engine entry holds.

An engine entry is only as good as what made it: the built-in lexicon (names given to the model
and repaired in its English), the chat prompt, and the code that restores, post-edits, repairs
and checks the English (the checks decide which entries may be served). A change to any of them
must make the old entries misses, or the memory keeps serving English the new tarjama would not
write. The recipe is a short hash of all of them, stored with each engine entry and part of its
key; decoding options are already in the model id (:func:`~tarjama.engines.base.memory_model`).

The code part hashes the sources of the post-engine stages rather than a hand-bumped constant,
which someone would forget: an upgrade of tarjama costs a re-translation of engine entries,
never a stale one. Human entries have no recipe: a person's English stands whatever changes.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["RECIPE_SOURCES", "code_version", "lexicon_version", "memory_recipe"]

RECIPE_SOURCES: tuple[tuple[str, str], ...] = (
    ("tarjama", "pipeline.py"),
    ("tarjama.checks", ""),
    ("tarjama.text", ""),
)
"""(package, file) whose source shapes the English after the engine (``""``: every ``.py`` of
the package): the stage order, restore and post-editing, repair and the checks."""


def _digest(parts: list[tuple[str, bytes]]) -> str:
    sha = hashlib.sha256()
    for name, data in parts:
        sha.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return sha.hexdigest()[:12]


def lexicon_version() -> str:
    """A hash of the built-in lexicon's data files and of the name layer's (or of its
    absence, with ``TARJAMA_NAMES=false``: the English differs, so must the recipe)."""
    from tarjama.settings import get_settings

    return _lexicon_version(get_settings().names)


@lru_cache(maxsize=2)
def _lexicon_version(with_names: bool) -> str:
    from tarjama.terms import builtin_files

    parts = [(name, text.encode("utf-8")) for name, text in builtin_files()]
    if not with_names:
        return _digest([*parts, ("names", b"off")])
    names = resources.files("tarjama") / "data" / "names"
    for entry in sorted(names.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.endswith(".md"):
            parts.append((f"names/{entry.name}", entry.read_bytes()))
    return _digest(parts)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the sources listed in :data:`RECIPE_SOURCES`."""
    parts: list[tuple[str, bytes]] = []
    for package, name in RECIPE_SOURCES:
        folder = resources.files(package)
        entries = [folder / name] if name else sorted(folder.iterdir(), key=lambda e: e.name)
        for entry in entries:
            if entry.name.endswith(".py") and entry.is_file():
                parts.append((f"{package}/{entry.name}", entry.read_bytes()))
    return _digest(parts)


def memory_recipe(engine: Any) -> str:
    """The recipe of the English ``engine`` makes in the pipeline: lexicon, prompt (an engine
    with one says so in ``prompt_version``), code. Same inputs, same string."""
    prompt = str(getattr(engine, "prompt_version", "") or "")
    return f"lex={lexicon_version()} code={code_version()}" + (
        f" prompt={prompt}" if prompt else ""
    )
