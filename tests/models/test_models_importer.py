"""Importing models that are already on disk: GGUF files, CTranslate2 and Hugging Face folders."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from models_fake_hub import gguf_bytes

from tarjama.errors import ModelError
from tarjama.models import get_installed, import_model, list_installed, verify
from tarjama.settings import Settings


def test_import_gguf_file(settings: Settings, tmp_path: Path) -> None:
    data = gguf_bytes(50_000)
    src = tmp_path / "My Model.Q4.gguf"
    src.write_bytes(data)
    model = import_model(src, settings=settings)
    assert model.name == "My-Model.Q4"
    assert model.engine == "llama" and model.format == "gguf" and model.family == "chat"
    assert model.main_file.read_bytes() == data
    assert model.manifest["sha256"] == hashlib.sha256(data).hexdigest()
    assert model.manifest["source"] == {"type": "import", "path": str(src.resolve())}
    assert src.exists()  # copied, not moved
    assert get_installed("My-Model.Q4", settings) == model
    assert verify("My-Model.Q4", settings).ok
    assert not [p for p in settings.models_dir.iterdir() if p.name.startswith(".")]


def test_import_split_gguf_brings_all_parts(settings: Settings, tmp_path: Path) -> None:
    first = tmp_path / "big-00001-of-00002.gguf"
    second = tmp_path / "big-00002-of-00002.gguf"
    first.write_bytes(gguf_bytes(2000, 1))
    second.write_bytes(b"rest of the tensors" * 10)
    model = import_model(first, settings=settings)
    assert model.name == "big"
    assert model.main_file.name == first.name
    assert sorted(f["path"] for f in model.manifest["files"]) == [first.name, second.name]
    second.unlink()
    with pytest.raises(ModelError, match=r"missing: big-00002-of-00002\.gguf"):
        import_model(first, "big2", settings=settings)


def test_import_refuses_to_overwrite_without_force(settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "m.gguf"
    src.write_bytes(gguf_bytes(1000))
    import_model(src, "m", settings=settings)
    src.write_bytes(gguf_bytes(1500, seed=9))
    with pytest.raises(ModelError, match="already installed"):
        import_model(src, "m", settings=settings)
    again = import_model(src, "m", settings=settings, force=True)
    assert again.main_file.stat().st_size == 1500


def test_import_ctranslate2_folder(settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "my-marian"
    (src / "sub").mkdir(parents=True)
    (src / "model.bin").write_bytes(b"\x00" * 1000)
    (src / "config.json").write_text("{}")
    (src / "source.spm").write_bytes(b"s")
    (src / "target.spm").write_bytes(b"t")
    (src / "shared_vocabulary.json").write_text("[]")
    (src / "sub" / "extra.txt").write_text("kept")
    (src / ".DS_Store").write_text("skipped")
    model = import_model(src, settings=settings)
    assert model.name == "my-marian" and model.engine == "ctranslate2"
    assert model.family == "marian"  # told by source.spm
    assert model.engine_path == model.path and model.main_file.name == "model.bin"
    copied = {record["path"] for record in model.manifest["files"]}
    expected = {"model.bin", "config.json", "source.spm", "target.spm", "shared_vocabulary.json"}
    assert copied == expected | {"sub/extra.txt"}
    assert verify("my-marian", settings).ok


@pytest.mark.parametrize(
    "layout",
    [
        {"notes.txt": b"hello", "data.csv": b"a,b"},
        {"config.json": b"{}"},  # a config but no weights
        {},
    ],
)
def test_import_of_non_model_folder_says_what_was_expected(
    settings: Settings, tmp_path: Path, layout: dict[str, bytes]
) -> None:
    src = tmp_path / "stuff"
    src.mkdir()
    for name, data in layout.items():
        (src / name).write_bytes(data)
    with pytest.raises(ModelError) as info:
        import_model(src, "stuff", settings=settings)
    message = str(info.value)
    assert "not a model folder" in message
    assert ".gguf file" in message and "model.bin + config.json" in message
    assert list_installed(settings) == []


def test_import_of_non_gguf_file(settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "fake.gguf"
    src.write_bytes(b"PK\x03\x04 not a gguf")
    with pytest.raises(ModelError, match="GGUF magic"):
        import_model(src, settings=settings)
    with pytest.raises(ModelError, match="no such file"):
        import_model(tmp_path / "missing.gguf", settings=settings)


def test_import_hugging_face_folder_converts(settings: Settings, tiny_marian_hf: Path) -> None:
    pytest.importorskip("ctranslate2")
    model = import_model(tiny_marian_hf, "tiny-marian", settings=settings)
    assert model.engine == "ctranslate2" and model.family == "marian"
    assert model.manifest["quantization"] == "int8"
    assert (model.path / "model.bin").is_file()
    assert (model.path / "source.spm").is_file() and (model.path / "target.spm").is_file()
    config = json.loads((model.path / "config.json").read_text())
    assert "model_type" not in config  # CTranslate2's own config, not the Hugging Face one
    assert verify("tiny-marian", settings).ok
    assert not [p for p in settings.models_dir.iterdir() if p.name.startswith(".")]
