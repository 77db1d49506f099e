"""Turn a local Hugging Face translation model into a folder the CTranslate2 engine can open.

Conversion is the only place tarjama needs torch and transformers, so they are imported inside
the function and their absence is reported as "install the ``convert`` extra", not as a
traceback. The converted folder is self-contained: CTranslate2 weights, the sentencepiece files
the engine tokenises with, and ``tarjama.json``, which tells the engine the model family and
the language tokens it must add (so nothing has to be guessed at load time).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from tarjama.errors import ModelError

__all__ = ["MANIFEST_NAME", "convert_to_ctranslate2", "detect_family"]

logger = logging.getLogger(__name__)

MANIFEST_NAME = "tarjama.json"

_INSTALL_HINT = "install the conversion extra: pip install 'tarjama[convert]'"
_SPM = "sentencepiece.bpe.model"
# family -> (source prefix, target prefix) for Arabic -> English.
_PREFIXES: dict[str, tuple[list[str], list[str]]] = {
    "marian": ([], []),
    "nllb": (["arb_Arab"], ["eng_Latn"]),
    "m2m100": (["__ar__"], ["__en__"]),
}


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {exc}") from exc
    return data if isinstance(data, dict) else {}


def detect_family(src: Path) -> str:
    """Say which family a Hugging Face folder belongs to: ``marian``, ``nllb`` or ``m2m100``.

    NLLB-200 and M2M-100 share one architecture and differ only in their tokenizer (and so in
    their language codes), which is why the tokenizer class decides between them.
    """
    src = Path(src)
    config = _read_json(src / "config.json")
    if not config:
        raise ModelError(f"{src} is not a Hugging Face model folder (no config.json)")
    model_type = str(config.get("model_type", ""))
    architectures = [str(a) for a in config.get("architectures") or []]
    if model_type == "marian" or "MarianMTModel" in architectures:
        return "marian"
    if model_type == "m2m_100" or "M2M100ForConditionalGeneration" in architectures:
        tokenizer_class = str(
            _read_json(src / "tokenizer_config.json").get("tokenizer_class")
            or config.get("tokenizer_class")
            or ""
        )
        if tokenizer_class.startswith("Nllb"):
            return "nllb"
        if tokenizer_class.startswith("M2M100") or (src / "vocab.json").is_file():
            return "m2m100"
        return "nllb"
    raise ModelError(
        f"{src}: unsupported model (model_type={model_type!r}, architectures={architectures}); "
        "supported: Marian / OPUS-MT, NLLB-200, M2M-100"
    )


def _spm_files(src: Path, family: str) -> dict[str, Path]:
    """Map the names the engine expects to the sentencepiece files present in ``src``."""
    if family == "marian":
        wanted = {"source.spm": src / "source.spm", "target.spm": src / "target.spm"}
    else:
        candidate = src / _SPM
        if not candidate.is_file():
            others = sorted([*src.glob("*.model"), *src.glob("*.spm")])
            candidate = others[0] if others else candidate
        wanted = {_SPM: candidate}
    missing = [str(path) for path in wanted.values() if not path.is_file()]
    if missing:
        raise ModelError(f"{src}: sentencepiece file(s) missing: {', '.join(missing)}")
    return wanted


def convert_to_ctranslate2(
    src: Path, dst: Path, *, quantization: str = "int8", force: bool = False
) -> dict[str, object]:
    """Convert the Hugging Face model in ``src`` to CTranslate2 in ``dst``; return its manifest.

    The manifest is also written to ``dst/tarjama.json`` so the engine can open the folder
    without being told the family again.
    """
    src, dst = Path(src), Path(dst)
    family = detect_family(src)
    spm_files = _spm_files(src, family)
    resolved_src, resolved_dst = src.resolve(), dst.resolve()
    if resolved_dst == resolved_src or resolved_dst in resolved_src.parents:
        raise ModelError(f"refusing to convert {src} into {dst}: it would overwrite the source")
    if dst.exists() and not force:
        raise ModelError(f"{dst} already exists; pass force=True to replace it")

    try:
        import torch  # noqa: F401  (the converter needs both; fail early with a clear hint)
        import transformers  # noqa: F401
        from ctranslate2.converters import TransformersConverter
    except ImportError as exc:
        raise ModelError(f"converting models needs {exc.name or 'torch'}; {_INSTALL_HINT}") from exc

    logger.info("converting %s (%s) to CTranslate2 %s in %s", src, family, quantization, dst)
    try:
        TransformersConverter(str(src)).convert(str(dst), quantization=quantization, force=force)
    except (ValueError, RuntimeError, NotImplementedError, OSError, KeyError) as exc:
        raise ModelError(f"cannot convert {src} to CTranslate2: {exc}") from exc

    for name, path in spm_files.items():
        shutil.copyfile(path, dst / name)
    source_prefix, target_prefix = _PREFIXES[family]
    manifest: dict[str, object] = {
        "engine": "ctranslate2",
        "format": "ctranslate2",
        "family": family,
        "quantization": quantization,
        "source_prefix": source_prefix,
        "target_prefix": target_prefix,
        "source_spm": "source.spm" if family == "marian" else _SPM,
        "target_spm": "target.spm" if family == "marian" else _SPM,
        "converted_from": src.name,
    }
    positions = _read_json(src / "config.json").get("max_position_embeddings")
    if isinstance(positions, int) and positions > 0:
        manifest["max_positions"] = positions  # the engine's input budget is bounded by it
    (dst / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest
