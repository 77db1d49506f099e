"""Put a model that is already on this machine into the store.

This is the offline route: files carried in on a disk, or fetched elsewhere. Three things are
accepted, recognised by content rather than by name:

* a GGUF file (``GGUF`` magic bytes) — copied, hashed; split GGUFs bring their other parts;
* a CTranslate2 folder (``model.bin`` + ``config.json``) — copied with its vocabularies;
* a Hugging Face Transformers folder (``config.json`` + weights) — converted to CTranslate2.

Everything is built in a staging folder inside the store and swapped in at the end, so a failed
import leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tarjama.errors import ModelError
from tarjama.models.catalog import get_entry
from tarjama.models.store import (
    CHUNK,
    InstalledModel,
    build_manifest,
    commit_staged,
    file_record,
    folder_records,
    get_installed,
    staging_dir,
    validate_name,
)
from tarjama.settings import Settings, get_settings

__all__ = [
    "GGUF_MAGIC",
    "convert_into_store",
    "gguf_parts",
    "guess_family",
    "import_model",
    "is_ctranslate2_dir",
    "is_gguf",
    "is_transformers_dir",
]

GGUF_MAGIC = b"GGUF"
_SPLIT = re.compile(r"^(?P<stem>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.gguf$")
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
_WEIGHT_INDEXES = ("model.safetensors.index.json", "pytorch_model.bin.index.json")
# Tokenizer files the CTranslate2 engine may need next to model.bin; the converter writes its
# own config.json and vocabularies, so these are only copied when it did not.
_TOKENIZER = re.compile(
    r"^(.*\.spm|sentencepiece.*\.model|spiece\.model|tokenizer.*\.json|special_tokens_map\.json"
    r"|added_tokens\.json|vocab.*\.(json|txt)|merges\.txt|generation_config\.json)$"
)


def is_gguf(path: Path) -> bool:
    """True for a file that starts with the GGUF magic bytes."""
    try:
        with path.open("rb") as handle:
            return handle.read(4) == GGUF_MAGIC
    except OSError:
        return False


def is_ctranslate2_dir(path: Path) -> bool:
    """True for a folder holding a converted CTranslate2 model."""
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def is_transformers_dir(path: Path) -> bool:
    """True for a Hugging Face model folder: a config and weights."""
    if not (path / "config.json").is_file():
        return False
    return any((path / name).is_file() for name in (*_WEIGHTS, *_WEIGHT_INDEXES))


def gguf_parts(path: Path) -> list[Path]:
    """All files of a split GGUF named like ``x-00001-of-00003.gguf`` (just ``path`` if whole)."""
    match = _SPLIT.match(path.name)
    if not match:
        return [path]
    count = int(match["count"])
    parts = [
        path.with_name(f"{match['stem']}-{index:05d}-of-{count:05d}.gguf")
        for index in range(1, count + 1)
    ]
    missing = [part.name for part in parts if not part.is_file()]
    if missing:
        raise ModelError(f"{path.name} is one part of a split GGUF; missing: {', '.join(missing)}")
    return parts


def guess_family(path: Path, name: str) -> str:
    """The engine family of a translation model folder, from its config or its name."""
    entry = get_entry(name)
    if entry is not None:
        return entry.family
    config: dict[str, Any] = {}
    tokenizer: dict[str, Any] = {}
    for target, filename in ((config, "config.json"), (tokenizer, "tokenizer_config.json")):
        try:
            data = json.loads((path / filename).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            target.update(data)
    model_type = str(config.get("model_type", "")).lower()
    names = (name, path.name, config.get("_name_or_path"), tokenizer.get("tokenizer_class"))
    hints = " ".join(str(value).lower() for value in names if value)
    if "nllb" in hints:
        return "nllb"
    if model_type == "m2m_100" or "m2m" in hints:
        return "m2m100"
    if model_type == "marian" or "opus-mt" in hints or (path / "source.spm").is_file():
        return "marian"
    if (path / "sentencepiece.bpe.model").is_file():
        return "m2m100"
    raise ModelError(
        f"cannot tell which model family {path} is (model_type {model_type or 'unknown'!r}); "
        "supported: Marian (OPUS-MT), NLLB-200 and M2M-100"
    )


def _copy_hashed(src: Path, dst: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    """Copy ``src`` to ``dst`` and return the SHA-256 of what was copied (one read)."""
    digest = hashlib.sha256()
    with src.open("rb") as reader, dst.open("wb") as writer:
        while block := reader.read(CHUNK):
            writer.write(block)
            digest.update(block)
            if on_bytes is not None:
                on_bytes(len(block))
    return digest.hexdigest()


def _default_name(path: Path) -> str:
    if path.is_file():
        match = _SPLIT.match(path.name)
        stem = match["stem"] if match else path.stem
    else:
        stem = path.name
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", stem).strip(".-") or "model"


def _import_gguf(path: Path, name: str, family: str | None, settings: Settings) -> InstalledModel:
    parts = gguf_parts(path)
    entry = get_entry(name)
    with staging_dir(name, settings) as staging:
        records = [
            file_record(staging, part.name, _copy_hashed(part, staging / part.name))
            for part in parts
        ]
        manifest = build_manifest(
            name,
            engine="llama",
            format="gguf",
            family=family or (entry.family if entry else "chat"),
            source={"type": "import", "path": str(path)},
            main_file=parts[0].name,
            files=records,
            options=entry.options if entry else {},
        )
        return commit_staged(staging, manifest, settings)


def _import_ctranslate2(
    path: Path, name: str, family: str | None, settings: Settings
) -> InstalledModel:
    entry = get_entry(name)
    family = family or guess_family(path, name)
    with staging_dir(name, settings) as staging:
        for src in sorted(path.rglob("*")):
            relative = src.relative_to(path)
            if any(piece.startswith(".") for piece in relative.parts) or not src.is_file():
                continue
            if relative.as_posix() == "manifest.json":
                continue
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, staging / relative)
        manifest = build_manifest(
            name,
            engine="ctranslate2",
            format="ctranslate2",
            family=family,
            source={"type": "import", "path": str(path)},
            main_file="model.bin",
            files=folder_records(staging),
            options=entry.options if entry else {},
        )
        return commit_staged(staging, manifest, settings)


def convert_into_store(
    src: Path,
    name: str,
    *,
    family: str | None = None,
    quantization: str = "int8",
    source: Mapping[str, Any] | None = None,
    revision: str | None = None,
    options: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
) -> InstalledModel:
    """Convert a Transformers folder to CTranslate2 and install the result as ``name``."""
    settings = settings if settings is not None else get_settings()
    family = family or guess_family(src, name)
    try:
        from tarjama.models.convert import convert_to_ctranslate2
    except ImportError as exc:
        raise ModelError(
            f"cannot convert {name}: the converter is not available ({exc}). "
            "Install the extra: pip install 'tarjama[convert]'"
        ) from exc
    with staging_dir(name, settings) as staging:
        out = staging / "model"
        info = convert_to_ctranslate2(src, out, quantization=quantization, force=True)
        if not (out / "model.bin").is_file():
            raise ModelError(f"converting {name} produced no model.bin in {out}")
        for tokenizer_file in sorted(src.iterdir()):
            if _TOKENIZER.match(tokenizer_file.name) and not (out / tokenizer_file.name).exists():
                shutil.copyfile(tokenizer_file, out / tokenizer_file.name)
        extra: dict[str, Any] = {"quantization": quantization}
        try:
            json.dumps(info)
            extra["conversion"] = info
        except (TypeError, ValueError):
            extra["conversion"] = {key: str(value) for key, value in dict(info or {}).items()}
        manifest = build_manifest(
            name,
            engine="ctranslate2",
            format="ctranslate2",
            family=family,
            source=source or {"type": "import", "path": str(src)},
            revision=revision,
            main_file="model.bin",
            files=folder_records(out),
            options=options or {},
            **extra,
        )
        return commit_staged(out, manifest, settings)


def import_model(
    path: Path | str,
    name: str | None = None,
    *,
    quantization: str = "int8",
    family: str | None = None,
    force: bool = False,
    settings: Settings | None = None,
) -> InstalledModel:
    """Copy (or convert) the model at ``path`` into the store as ``name``.

    ``name`` defaults to the file or folder name. An installed model of the same name is only
    replaced with ``force``.
    """
    settings = settings if settings is not None else get_settings()
    path = Path(path).expanduser()
    if not path.exists():
        raise ModelError(f"cannot import {path}: no such file or folder")
    path = path.resolve()
    name = validate_name(name or _default_name(path))
    if get_installed(name, settings) is not None and not force:
        raise ModelError(
            f"a model named {name!r} is already installed; choose another --name, "
            f"or remove it first: tarjama models remove {name}"
        )
    if path.is_relative_to(settings.models_dir.resolve() / name):
        raise ModelError(f"cannot import {path}: it is inside the store folder of {name!r}")
    if path.is_file():
        if is_gguf(path):
            return _import_gguf(path, name, family, settings)
        raise ModelError(
            f"cannot import {path}: not a GGUF file (it does not start with the GGUF magic "
            "bytes). Expected a .gguf file, a CTranslate2 folder (model.bin + config.json) or "
            "a Hugging Face model folder (config.json + model.safetensors/pytorch_model.bin)"
        )
    if is_ctranslate2_dir(path):
        return _import_ctranslate2(path, name, family, settings)
    if is_transformers_dir(path):
        entry = get_entry(name)
        return convert_into_store(
            path,
            name,
            family=family,
            quantization=quantization,
            options=entry.options if entry else None,
            settings=settings,
        )
    raise ModelError(
        f"cannot import {path}: it is not a model folder. Expected a .gguf file, a CTranslate2 "
        "folder (model.bin + config.json) or a Hugging Face model folder (config.json + "
        "model.safetensors or pytorch_model.bin)"
    )
