"""The store: folders, manifests written last and atomically, listing, removal, verification."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarjama.errors import ModelError, ModelNotFoundError
from tarjama.models.store import (
    MANIFEST_NAME,
    InstalledModel,
    begin_install,
    build_manifest,
    file_record,
    finish_install,
    get_installed,
    list_installed,
    model_dir,
    read_manifest,
    remove,
    verify,
    write_manifest,
)
from tarjama.settings import Settings


def _install_fake(settings: Settings, name: str, payload: bytes = b"GGUF" + b"x" * 100) -> Path:
    folder = begin_install(name, settings)
    (folder / f"{name}.gguf").write_bytes(payload)
    manifest = build_manifest(
        name,
        engine="llama",
        format="gguf",
        family="chat",
        source={"type": "test"},
        main_file=f"{name}.gguf",
        files=[file_record(folder, f"{name}.gguf")],
    )
    finish_install(folder, manifest)
    return folder


def test_store_lives_under_tarjama_home(settings: Settings) -> None:
    assert model_dir("abc", settings) == settings.home / "models" / "abc"
    env_settings = Settings()  # TARJAMA_HOME is set by the fixture
    assert env_settings.models_dir == settings.models_dir


def test_manifest_fields_and_installed_model(settings: Settings) -> None:
    folder = _install_fake(settings, "tiny")
    model = get_installed("tiny", settings)
    assert isinstance(model, InstalledModel)
    assert model.path == folder and model.main_file == folder / "tiny.gguf"
    assert model.engine_path == model.main_file
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    for key in ("name", "engine", "format", "family", "source", "revision", "sha256", "files"):
        assert key in manifest
    assert manifest["size"] == 104 and manifest["files"][0]["size"] == 104
    assert manifest["sha256"] == manifest["files"][0]["sha256"]
    assert manifest["installed_at"].endswith("+00:00")
    with pytest.raises(AttributeError):
        model.name = "other"  # type: ignore[misc]


def test_list_skips_half_built_and_hidden_folders(settings: Settings) -> None:
    _install_fake(settings, "b-model")
    _install_fake(settings, "a-model")
    half = begin_install("half", settings)
    (half / "half.gguf.part").write_bytes(b"GGUF")
    (settings.models_dir / ".staging-x-123").mkdir()
    (settings.models_dir / "stray-file").write_text("not a model")
    assert [m.name for m in list_installed(settings)] == ["a-model", "b-model"]
    assert get_installed("half", settings) is None


def test_reinstall_starts_by_dropping_the_manifest(settings: Settings) -> None:
    folder = _install_fake(settings, "tiny")
    assert get_installed("tiny", settings) is not None
    begin_install("tiny", settings)
    assert get_installed("tiny", settings) is None  # mid-install: not usable
    assert (folder / "tiny.gguf").exists()  # but its files are kept for reuse


def test_finish_install_removes_leftovers(settings: Settings) -> None:
    folder = begin_install("tiny", settings)
    (folder / "old.gguf").write_bytes(b"old")
    (folder / "tiny.gguf.part").write_bytes(b"GG")
    (folder / "junk").mkdir()
    (folder / "tiny.gguf").write_bytes(b"GGUF")
    manifest = build_manifest(
        "tiny",
        engine="llama",
        format="gguf",
        family="chat",
        source={},
        main_file="tiny.gguf",
        files=[file_record(folder, "tiny.gguf")],
    )
    finish_install(folder, manifest)
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST_NAME, "tiny.gguf"]


def test_manifest_write_is_atomic(settings: Settings) -> None:
    folder = _install_fake(settings, "tiny")
    before = (folder / MANIFEST_NAME).read_text()
    with pytest.raises(TypeError):  # fails half-way through serialising
        write_manifest(folder, {"name": "tiny", "bad": object()})
    assert (folder / MANIFEST_NAME).read_text() == before
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST_NAME, "tiny.gguf"]
    assert read_manifest(folder) is not None


def test_unreadable_manifest_means_not_installed(settings: Settings) -> None:
    folder = _install_fake(settings, "tiny")
    (folder / MANIFEST_NAME).write_text("{ truncated")
    assert get_installed("tiny", settings) is None
    assert list_installed(settings) == []


def test_main_file_must_be_listed(settings: Settings) -> None:
    with pytest.raises(ModelError, match="main file"):
        build_manifest(
            "x",
            engine="llama",
            format="gguf",
            family="chat",
            source={},
            main_file="x.gguf",
            files=[],
        )


def test_remove(settings: Settings) -> None:
    folder = _install_fake(settings, "tiny")
    assert remove("tiny", settings) is True
    assert not folder.exists() and get_installed("tiny", settings) is None
    assert remove("tiny", settings) is False


@pytest.mark.parametrize("bad", ["", "../evil", "a/b", ".hidden", "x" * 200, "sp ace"])
def test_invalid_names_are_rejected(settings: Settings, bad: str) -> None:
    with pytest.raises(ModelError, match="invalid model name"):
        model_dir(bad, settings)
    assert get_installed(bad, settings) is None


def test_verify_detects_damage(settings: Settings) -> None:
    folder = _install_fake(settings, "tiny")
    assert verify("tiny", settings).ok
    data = bytearray((folder / "tiny.gguf").read_bytes())
    data[-1] ^= 0xFF  # same size, different bytes: only a re-hash notices
    (folder / "tiny.gguf").write_bytes(bytes(data))
    assert verify("tiny", settings, rehash=False).ok
    report = verify("tiny", settings)
    assert not report.ok and "SHA-256" in str(report)

    (folder / "tiny.gguf").write_bytes(b"GGUF")
    report = verify("tiny", settings, rehash=False)
    assert not report.ok and "4 bytes, expected 104" in report.problems[0]

    (folder / "tiny.gguf").unlink()
    assert "missing" in verify("tiny", settings).problems[0]

    (folder / MANIFEST_NAME).unlink()
    assert verify("tiny", settings).problems == ("no manifest: the install did not finish",)

    with pytest.raises(ModelNotFoundError):
        verify("never-installed", settings)
