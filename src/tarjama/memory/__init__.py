"""Translation memory: an SQLite cache of engine output plus human translations, and the
TMX/XLIFF/TSV files they are exchanged in.

::

    memory = open_memory()                                   # $TARJAMA_HOME/memory.sqlite
    recipe = memory_recipe(engine)                           # lexicon, prompt, checks versions
    hits = memory.lookup_many(sources, model_id, glossary_version, recipe=recipe)  # skip the engine
    memory.store_translations(new_translations, glossary_version, recipe)  # keep what it made
    memory.export_tmx("tm.tmx"); memory.import_file("edited.xliff"); memory.stats()
    xliff = export_xliff(translated_document)                # for post-editing

Keys are the normalised source (:func:`memory_key`); human entries beat engine entries and
apply to every model and glossary version. Engine entries answer only for the same model,
glossary version and recipe, and only when the checks found no wrong fact in them
(:func:`serveable`). The file is opened through :mod:`tarjama.sqlitedb`.
"""

from __future__ import annotations

from tarjama.memory.importing import IMPORT_SUFFIXES, import_entries, import_file, import_xliff
from tarjama.memory.keys import memory_key
from tarjama.memory.recipe import memory_recipe
from tarjama.memory.records import ORIGINS, Entry, Hit, ImportResult, MemoryStats, Origin
from tarjama.memory.schema import MIGRATIONS, SCHEMA_VERSION
from tarjama.memory.store import TranslationMemory, open_memory
from tarjama.memory.tmx import read_tmx, write_tmx
from tarjama.memory.translations import (
    MEMORY_ENGINE,
    hit_translation,
    serveable,
    translation_entries,
)
from tarjama.memory.tsv import read_tsv
from tarjama.memory.xliff import XliffSegment, export_xliff, read_xliff

__all__ = [
    "IMPORT_SUFFIXES",
    "MEMORY_ENGINE",
    "MIGRATIONS",
    "ORIGINS",
    "SCHEMA_VERSION",
    "Entry",
    "Hit",
    "ImportResult",
    "MemoryStats",
    "Origin",
    "TranslationMemory",
    "XliffSegment",
    "export_xliff",
    "hit_translation",
    "import_entries",
    "import_file",
    "import_xliff",
    "memory_key",
    "memory_recipe",
    "open_memory",
    "read_tmx",
    "read_tsv",
    "read_xliff",
    "serveable",
    "translation_entries",
    "write_tmx",
]
