"""What the speed benchmarks run on: random-weight Marian models of real sizes, and the text.

Speed does not depend on what the weights say, only on their shapes, so a randomly initialised
transformer-base or transformer-big Marian model, with sentencepiece models trained on the UN
pool text, costs CTranslate2 and transformers exactly what OPUS-MT would. Building one offline
takes seconds (base) to a minute (big); the folders are kept and reused when the shape matches.

Random weights never say "end of sentence" at the right time, so every benchmark fixes the
output length instead; :func:`output_length` makes that length what real English would need.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import math
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tarjama.errors import ConfigurationError, InputError

__all__ = [
    "SIZES",
    "BenchData",
    "BenchModel",
    "ModelSize",
    "build_marian",
    "count_segments",
    "default_gguf",
    "find_data",
    "output_length",
    "prepare_model",
    "spm_pieces",
    "train_sentencepiece",
]

logger = logging.getLogger(__name__)

_STAMP = "bench-model.json"


@dataclass(frozen=True)
class ModelSize:
    """The shape of a Marian transformer: what decides its speed."""

    name: str
    d_model: int
    layers: int
    heads: int
    ffn: int
    spm_vocab: int  # per side; the joint vocabulary is about twice this (little overlap)
    training_lines: int = 4000  # UN pool lines per language the sentencepiece models learn from


SIZES: dict[str, ModelSize] = {
    # Vaswani et al. transformer-base / -big, as OPUS-MT and OPUS-MT-tc-big use them.
    "base": ModelSize("base", d_model=512, layers=6, heads=8, ffn=2048, spm_vocab=4000),
    "big": ModelSize("big", d_model=1024, layers=6, heads=16, ffn=4096, spm_vocab=4000),
    # For quick runs and tests: same code paths, built and run in seconds.
    "tiny": ModelSize(
        "tiny", d_model=32, layers=1, heads=2, ffn=64, spm_vocab=300, training_lines=400
    ),
}


@dataclass(frozen=True)
class BenchModel:
    """One size, as a Hugging Face folder and its CTranslate2 int8 conversion."""

    size: ModelSize
    hf_dir: Path
    ct2_dir: Path
    vocab_size: int
    parameters: int

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self.size),
            "vocab_size": self.vocab_size,
            "parameters": self.parameters,
            "hf_dir": str(self.hf_dir),
            "ct2_dir": str(self.ct2_dir),
        }


def _pool_lines(pool: Path, lang: str, limit: int) -> list[str]:
    path = pool / f"un.dev.{lang}"
    try:
        with path.open(encoding="utf-8") as handle:
            lines = [line.strip() for line in itertools.islice(handle, limit)]
    except OSError as exc:
        raise InputError(f"cannot read the UN pool text {path}: {exc}") from exc
    return [line for line in lines if line]


def train_sentencepiece(lines: list[str], dst: Path, vocab_size: int) -> Path:
    """A unigram model with the OPUS-MT id layout (<unk>=0, <s>=1, </s>=2)."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        num_threads=2,
        minloglevel=2,
    )
    dst.write_bytes(model.getvalue())
    return dst


def spm_pieces(spm_path: Path) -> list[str]:
    """The model's ordinary pieces (no control or unknown), in id order: a Marian vocabulary."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(spm_path))
    return [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]


def build_marian(dst: Path, size: ModelSize, *, pool: Path, seed: int = 0) -> tuple[Path, int, int]:
    """Write an OPUS-MT-shaped Marian folder with random weights; return (dst, vocab, params).

    The layout (``source.spm``, ``target.spm``, joint ``vocab.json`` with ``</s>`` = 0,
    ``<unk>`` = 1, ``<pad>`` last) is the one tarjama's converter and CTranslate2 expect.
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    dst.mkdir(parents=True, exist_ok=True)
    work = dst / ".spm"
    work.mkdir(exist_ok=True)
    lines = size.training_lines
    source = train_sentencepiece(
        _pool_lines(pool, "ar", lines), work / "source.spm", size.spm_vocab
    )
    target = train_sentencepiece(
        _pool_lines(pool, "en", lines), work / "target.spm", size.spm_vocab
    )
    tokens = ["</s>", "<unk>"]
    seen = set(tokens)
    for piece in spm_pieces(source) + spm_pieces(target):
        if piece not in seen:
            tokens.append(piece)
            seen.add(piece)
    tokens.append("<pad>")
    vocab_path = work / "vocab.json"
    vocab_path.write_text(
        json.dumps({t: i for i, t in enumerate(tokens)}, ensure_ascii=False), encoding="utf-8"
    )
    with warnings.catch_warnings():  # "Recommended: pip install sacremoses" (not used here)
        warnings.simplefilter("ignore", UserWarning)
        MarianTokenizer(
            source_spm=str(source),
            target_spm=str(target),
            vocab=str(vocab_path),
            source_lang="ar",
            target_lang="en",
        ).save_pretrained(dst)
    shutil.rmtree(work)

    pad = len(tokens) - 1
    config = MarianConfig(
        vocab_size=len(tokens),
        decoder_vocab_size=len(tokens),
        pad_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        decoder_start_token_id=pad,
        max_position_embeddings=512,
        share_encoder_decoder_embeddings=True,
        d_model=size.d_model,
        encoder_layers=size.layers,
        decoder_layers=size.layers,
        encoder_attention_heads=size.heads,
        decoder_attention_heads=size.heads,
        encoder_ffn_dim=size.ffn,
        decoder_ffn_dim=size.ffn,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    generation = GenerationConfig.from_model_config(model.config)
    generation.update(num_beams=1, do_sample=False, max_length=512, bad_words_ids=[[pad]])
    model.generation_config = generation
    model.save_pretrained(dst)
    parameters = sum(p.numel() for p in model.parameters())
    return dst, len(tokens), parameters


def prepare_model(
    work_dir: Path, size: ModelSize | str, *, pool: Path, seed: int = 0
) -> BenchModel:
    """Build (or reuse) the Hugging Face folder of ``size`` and its CTranslate2 int8 copy.

    A folder is reused only when its stamp records the same shape and seed, so a changed size
    definition never benchmarks a stale model.
    """
    from tarjama.models.convert import convert_to_ctranslate2

    if isinstance(size, str):
        if size not in SIZES:
            raise ConfigurationError(f"unknown model size {size!r}; known: {', '.join(SIZES)}")
        size = SIZES[size]
    root = work_dir / f"marian-{size.name}"
    hf_dir, ct2_dir, stamp = root / "hf", root / "ct2-int8", root / _STAMP
    wanted = {**asdict(size), "seed": seed}
    if stamp.is_file():
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        if recorded.get("shape") == wanted and (ct2_dir / "model.bin").is_file():
            return BenchModel(size, hf_dir, ct2_dir, recorded["vocab_size"], recorded["parameters"])
    if root.exists():
        shutil.rmtree(root)
    logger.info("building a random-weight %s Marian model in %s", size.name, root)
    _, vocab_size, parameters = build_marian(hf_dir, size, pool=pool, seed=seed)
    convert_to_ctranslate2(hf_dir, ct2_dir, quantization="int8")
    stamp.write_text(
        json.dumps({"shape": wanted, "vocab_size": vocab_size, "parameters": parameters}),
        encoding="utf-8",
    )
    return BenchModel(size, hf_dir, ct2_dir, vocab_size, parameters)


@dataclass(frozen=True)
class BenchData:
    """The shared text: FLORES dev (Arabic and English), the UN pool, the example article."""

    arabic: list[str]
    english: list[str]
    pool: Path
    article: Path


def find_data(data_dir: Path | None = None) -> BenchData:
    """Locate the shared data the way ``tarjama eval`` does (``TARJAMA_DATA`` or ``../shared``)."""
    from tarjama.evaluate.datasets import find_dataset, read_lines
    from tarjama.settings import get_settings

    ar, en = find_dataset("flores-dev", data_dir or get_settings().data)
    pool = ar.parent.parent / "pool"
    if not (pool / "un.dev.ar").is_file():
        raise InputError(f"no UN pool text in {pool} (needed to train the sentencepiece models)")
    article = ar.parent.parent.parent / "examples" / "article-01.ar.txt"
    return BenchData(read_lines(ar), read_lines(en), pool, article)


def count_segments(lines: Sequence[str], engine: str = "ctranslate2") -> int:
    """How many segments with Arabic tarjama cuts ``lines`` into (one paragraph per line)."""
    from tarjama.formats import read_document
    from tarjama.pipeline import segment_document
    from tarjama.text import has_arabic

    document = read_document("\n\n".join(lines), "text")
    return sum(has_arabic(s.source) for s in segment_document(document, engine))


def output_length(model: BenchModel, english: Sequence[str], arabic: Sequence[str]) -> int:
    """Tokens per segment that add up to what the English references hold in this vocabulary."""
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor(model_file=str(model.ct2_dir / "target.spm"))
    total = sum(len(sp.encode(line)) for line in english if line.strip())
    return max(1, math.ceil(total / max(1, count_segments(arabic))))


def default_gguf() -> Path | None:
    """The installed default model's GGUF file, or ``None`` when it is not a GGUF or missing."""
    from tarjama.errors import ModelError
    from tarjama.models import resolve_model
    from tarjama.settings import get_settings

    try:
        model = resolve_model(get_settings().model)
    except ModelError:
        return None
    return Path(model.engine_path) if model.engine == "llama" else None
