"""The model store: one folder per model under ``$TARJAMA_HOME/models/<name>/``.

A folder counts as installed only when its ``manifest.json`` exists, and the manifest is written
last, atomically (temp file + rename). So an install that dies half-way, or is running right now,
is never mistaken for a usable model, and installers can start by deleting the manifest to mark
a folder as "being rebuilt". The manifest records each file's size and SHA-256 so an install can
be checked later without knowing where it came from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tarjama.errors import ModelError, ModelNotFoundError
from tarjama.settings import Settings, get_settings

__all__ = [
    "MANIFEST_NAME",
    "InstalledModel",
    "VerifyReport",
    "begin_install",
    "build_manifest",
    "check_model",
    "commit_staged",
    "file_record",
    "finish_install",
    "folder_records",
    "get_installed",
    "is_valid_name",
    "list_installed",
    "model_dir",
    "read_manifest",
    "remove",
    "sha256_file",
    "staging_dir",
    "validate_name",
    "verify",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA = 1
CHUNK = 1 << 20
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")


@dataclass(frozen=True)
class InstalledModel:
    """A usable model: its folder, its manifest, and where the engine should look."""

    name: str
    path: Path
    manifest: Mapping[str, Any] = field(hash=False)
    managed: bool = True  # False for a file or folder used in place (not in the store)

    @property
    def engine(self) -> str:
        return str(self.manifest["engine"])

    @property
    def format(self) -> str:
        return str(self.manifest["format"])

    @property
    def family(self) -> str:
        return str(self.manifest.get("family") or "")

    @property
    def options(self) -> dict[str, Any]:
        """Engine options recorded at install time (e.g. NLLB language codes)."""
        return dict(self.manifest.get("options") or {})

    @property
    def main_file(self) -> Path:
        """The weights file: the (first) ``.gguf``, or CTranslate2's ``model.bin``."""
        return self.path / str(self.manifest["main_file"])

    @property
    def engine_path(self) -> Path:
        """What to hand the engine: the GGUF file for llama.cpp, the folder for CTranslate2."""
        return self.main_file if self.format == "gguf" else self.path


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of checking an install against its manifest."""

    name: str
    ok: bool
    problems: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.ok:
            return f"{self.name}: ok"
        return f"{self.name}: broken ({'; '.join(self.problems)})"


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else get_settings()


def is_valid_name(name: str) -> bool:
    """True for a plain store folder name (what :func:`validate_name` accepts)."""
    return bool(_NAME.match(name)) and name not in {".", ".."}


def validate_name(name: str) -> str:
    """Reject names that are not a plain folder name (no paths, no hidden or temp folders)."""
    if not is_valid_name(name):
        raise ModelError(
            f"invalid model name {name!r}: use letters, digits, '.', '_', '+' or '-' "
            "(no slashes, not starting with '.')"
        )
    return name


def model_dir(name: str, settings: Settings | None = None) -> Path:
    """The store folder for ``name`` (it may not exist)."""
    return _settings(settings).models_dir / validate_name(name)


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    """SHA-256 of a file, read in 1 MiB blocks; ``on_bytes`` sees each block's length."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
            if on_bytes is not None:
                on_bytes(len(block))
    return digest.hexdigest()


def file_record(folder: Path, relpath: str, sha256: str | None = None) -> dict[str, Any]:
    """A manifest ``files`` entry; hashes the file unless the caller already knows the hash."""
    path = folder / relpath
    return {
        "path": relpath,
        "size": path.stat().st_size,
        "sha256": sha256 if sha256 is not None else sha256_file(path),
    }


def build_manifest(
    name: str,
    *,
    engine: str,
    format: str,
    family: str,
    source: Mapping[str, Any],
    main_file: str,
    files: Iterable[Mapping[str, Any]],
    revision: str | None = None,
    options: Mapping[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Assemble a manifest; ``sha256`` is the main file's hash, ``size`` the sum of all files."""
    records = [dict(record) for record in files]
    by_path = {record["path"]: record for record in records}
    if main_file not in by_path:
        raise ModelError(f"manifest for {name!r}: main file {main_file!r} is not among its files")
    manifest: dict[str, Any] = {
        "schema": MANIFEST_SCHEMA,
        "name": name,
        "engine": engine,
        "format": format,
        "family": family,
        "source": dict(source),
        "revision": revision,
        "main_file": main_file,
        "sha256": by_path[main_file]["sha256"],
        "size": sum(int(record["size"]) for record in records),
        "files": records,
        "options": dict(options or {}),
        "installed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    manifest.update(extra)
    return manifest


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest in ``folder``, or None if it is missing or unreadable (= not installed)."""
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    required = ("name", "engine", "format", "main_file", "files")
    if not isinstance(data, dict) or any(key not in data for key in required):
        return None
    return data


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` atomically: a reader sees the old state or the new, never half."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / MANIFEST_NAME
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def begin_install(name: str, settings: Settings | None = None) -> Path:
    """Create (or reuse) the model's folder and drop its manifest, so it reads as not installed.

    Files already there are kept: an installer may resume a ``.part`` file or reuse a good one.
    """
    folder = model_dir(name, settings)
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        (folder / MANIFEST_NAME).unlink()
    return folder


def finish_install(folder: Path, manifest: Mapping[str, Any]) -> InstalledModel:
    """Delete leftovers the manifest does not list, then write the manifest (the commit point)."""
    listed = {Path(record["path"]).parts[0] for record in manifest["files"]}
    for child in folder.iterdir():
        if child.name == MANIFEST_NAME or child.name in listed:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                child.unlink()
    write_manifest(folder, manifest)
    return InstalledModel(name=str(manifest["name"]), path=folder, manifest=dict(manifest))


def folder_records(folder: Path) -> list[dict[str, Any]]:
    """Manifest ``files`` entries for every file under ``folder`` (hidden files skipped)."""
    records = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or any(piece.startswith(".") for piece in relative.parts):
            continue
        if relative.as_posix() == MANIFEST_NAME:
            continue
        records.append(file_record(folder, relative.as_posix()))
    return records


@contextlib.contextmanager
def staging_dir(name: str, settings: Settings | None = None) -> Iterator[Path]:
    """A fresh hidden folder in the store to build ``name`` in; deleted unless committed.

    Building beside the store (same disk) lets :func:`commit_staged` swap it in with a rename.
    """
    root = _settings(settings).models_dir
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".staging-{validate_name(name)}-", dir=root))
    try:
        yield path
    finally:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


def commit_staged(
    staging: Path, manifest: Mapping[str, Any], settings: Settings | None = None
) -> InstalledModel:
    """Replace the store folder of ``manifest["name"]`` by ``staging`` and write the manifest.

    The old install (if any) stops counting as installed first; the manifest comes last.
    """
    folder = model_dir(str(manifest["name"]), settings)
    if folder.exists():
        remove(folder.name, settings)
    os.replace(staging, folder)
    return finish_install(folder, manifest)


def get_installed(name: str, settings: Settings | None = None) -> InstalledModel | None:
    """The installed model called ``name``, or None if it is absent or did not finish installing."""
    try:
        folder = model_dir(name, settings)
    except ModelError:
        return None
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    return InstalledModel(name=name, path=folder, manifest=manifest)


def list_installed(settings: Settings | None = None) -> list[InstalledModel]:
    """Every finished install, sorted by name (temp and half-built folders are skipped)."""
    root = _settings(settings).models_dir
    if not root.is_dir():
        return []
    found: list[InstalledModel] = []
    for child in sorted(root.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        model = get_installed(child.name, settings)
        if model is not None:
            found.append(model)
    return found


def remove(name: str, settings: Settings | None = None) -> bool:
    """Delete a model's folder (manifest first, so it stops being "installed" at once).

    Returns False if there was nothing to remove.
    """
    folder = model_dir(name, settings)
    if not folder.exists():
        return False
    with contextlib.suppress(FileNotFoundError):
        (folder / MANIFEST_NAME).unlink()
    shutil.rmtree(folder)
    return True


def check_model(model: InstalledModel, *, rehash: bool = False) -> list[str]:
    """Compare the files on disk with the manifest; returns a list of problems (empty = fine).

    Without ``rehash`` only presence and sizes are checked, which is instant; with it every file
    is read and hashed again.
    """
    problems: list[str] = []
    for record in model.manifest.get("files", []):
        path = model.path / record["path"]
        if not path.is_file():
            problems.append(f"{record['path']} is missing")
            continue
        size = path.stat().st_size
        if size != int(record["size"]):
            problems.append(f"{record['path']} has {size} bytes, expected {record['size']}")
            continue
        if rehash and record.get("sha256") and sha256_file(path) != record["sha256"]:
            problems.append(f"{record['path']} does not match its SHA-256")
    if not model.manifest.get("files"):
        problems.append("the manifest lists no files")
    return problems


def verify(name: str, settings: Settings | None = None, *, rehash: bool = True) -> VerifyReport:
    """Check an install against its manifest (re-hashing every file unless ``rehash=False``)."""
    folder = model_dir(name, settings)
    model = get_installed(name, settings)
    if model is None:
        if not folder.exists():
            raise ModelNotFoundError(name, f"nothing to verify under {folder}")
        return VerifyReport(name, False, ("no manifest: the install did not finish",))
    problems = check_model(model, rehash=rehash)
    return VerifyReport(name, not problems, tuple(problems))
