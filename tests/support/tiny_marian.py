"""Tiny, real Hugging Face translation models with random weights, built offline in seconds.

The hub is out of reach in tests, and mocks would not tell us whether conversion and decoding
really work. So we train small sentencepiece models on the shared UN pool, lay the files out
exactly as OPUS-MT / NLLB-200 / M2M-100 releases do, and save randomly initialised models. The
output is nonsense, but it is deterministic nonsense that goes through the real code paths.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

from tarjama.evaluate.bench_models import spm_pieces, train_sentencepiece

__all__ = [
    "build_tiny_m2m100",
    "build_tiny_marian",
    "build_tiny_nllb",
    "default_shared_dir",
]

_TRAINING_LINES = 400


def default_shared_dir() -> Path:
    """The shared data folder: ``$TARJAMA_SHARED`` or ``shared/`` next to the repository."""
    env = os.environ.get("TARJAMA_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared"


def _lines(shared: Path, lang: str, limit: int = _TRAINING_LINES) -> list[str]:
    path = shared / "data" / "pool" / f"un.dev.{lang}"
    with path.open(encoding="utf-8") as handle:
        lines = [line.strip() for line in itertools.islice(handle, limit)]
    return [line for line in lines if line]


def _save(model: Any, dst: Path, **generation: object) -> None:
    """Save with a bounded, greedy generation config so ``generate`` stays fast and fixed."""
    from transformers import GenerationConfig

    config = GenerationConfig.from_model_config(model.config)
    config.update(max_length=24, num_beams=1, do_sample=False, **generation)
    model.generation_config = config
    model.save_pretrained(dst)


def _seq2seq_kwargs(d_model: int, layers: int) -> dict[str, object]:
    return {
        "d_model": d_model,
        "encoder_layers": layers,
        "decoder_layers": layers,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 2 * d_model,
        "decoder_ffn_dim": 2 * d_model,
    }


def build_tiny_marian(
    dst: Path,
    *,
    d_model: int = 16,
    layers: int = 1,
    vocab_size: int = 300,
    seed: int = 0,
    shared: Path | None = None,
) -> Path:
    """Write an OPUS-MT-shaped Marian folder (``source.spm``, ``target.spm``, ``vocab.json``).

    ``vocab_size`` is the size of each sentencepiece model; the joint ``vocab.json`` holds both,
    with ``</s>`` = 0, ``<unk>`` = 1 and ``<pad>`` last, as the CTranslate2 converter expects.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    shared = shared or default_shared_dir()
    dst.mkdir(parents=True, exist_ok=True)
    work = dst / ".spm"
    work.mkdir(exist_ok=True)
    source = train_sentencepiece(_lines(shared, "ar"), work / "source.spm", vocab_size)
    target = train_sentencepiece(_lines(shared, "en"), work / "target.spm", vocab_size)

    tokens = ["</s>", "<unk>"]
    for piece in spm_pieces(source) + spm_pieces(target):
        if piece not in tokens:
            tokens.append(piece)
    tokens.append("<pad>")
    vocab = {token: i for i, token in enumerate(tokens)}
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    tokenizer = MarianTokenizer(
        source_spm=str(source),
        target_spm=str(target),
        vocab=str(work / "vocab.json"),
        source_lang="ar",
        target_lang="en",
    )
    tokenizer.save_pretrained(dst)
    for leftover in work.iterdir():
        leftover.unlink()
    work.rmdir()

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
        **_seq2seq_kwargs(d_model, layers),
    )
    torch.manual_seed(seed)
    _save(MarianMTModel(config), dst, bad_words_ids=[[pad]])
    MarianTokenizer.from_pretrained(dst)  # fail here, not in a test, if the layout is wrong
    return dst


def _build_m2m(dst: Path, *, tokenizer: object, d_model: int, layers: int, seed: int) -> Path:
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    tokenizer.save_pretrained(dst)  # type: ignore[attr-defined]
    config = M2M100Config(
        # M2M-100 reserves "madeupword" rows after the language codes; CTranslate2 counts them.
        vocab_size=len(tokenizer) + getattr(tokenizer, "num_madeup_words", 0),  # type: ignore[arg-type]
        pad_token_id=tokenizer.pad_token_id,  # type: ignore[attr-defined]
        bos_token_id=tokenizer.bos_token_id,  # type: ignore[attr-defined]
        eos_token_id=tokenizer.eos_token_id,  # type: ignore[attr-defined]
        decoder_start_token_id=tokenizer.eos_token_id,  # type: ignore[attr-defined]
        max_position_embeddings=512,
        scale_embedding=True,
        tokenizer_class=type(tokenizer).__name__,
        **_seq2seq_kwargs(d_model, layers),
    )
    torch.manual_seed(seed)
    _save(M2M100ForConditionalGeneration(config), dst)
    return dst


def build_tiny_nllb(
    dst: Path,
    *,
    d_model: int = 16,
    layers: int = 1,
    vocab_size: int = 300,
    seed: int = 0,
    shared: Path | None = None,
) -> Path:
    """Write an NLLB-200-shaped folder: one ``sentencepiece.bpe.model`` for both languages."""
    from transformers import NllbTokenizer

    shared = shared or default_shared_dir()
    dst.mkdir(parents=True, exist_ok=True)
    lines = _lines(shared, "ar", 200) + _lines(shared, "en", 200)
    spm_path = train_sentencepiece(lines, dst / "sentencepiece.bpe.model", vocab_size)
    tokenizer = NllbTokenizer(vocab_file=str(spm_path), src_lang="arb_Arab", tgt_lang="eng_Latn")
    return _build_m2m(dst, tokenizer=tokenizer, d_model=d_model, layers=layers, seed=seed)


def build_tiny_m2m100(
    dst: Path,
    *,
    d_model: int = 16,
    layers: int = 1,
    vocab_size: int = 300,
    seed: int = 0,
    shared: Path | None = None,
) -> Path:
    """Write an M2M-100-shaped folder: ``sentencepiece.bpe.model`` plus a fairseq ``vocab.json``."""
    from transformers import M2M100Tokenizer
    from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

    shared = shared or default_shared_dir()
    dst.mkdir(parents=True, exist_ok=True)
    work = dst / ".spm"
    work.mkdir(exist_ok=True)
    lines = _lines(shared, "ar", 200) + _lines(shared, "en", 200)
    spm_path = train_sentencepiece(lines, work / "sentencepiece.bpe.model", vocab_size)
    tokens = ["<s>", "<pad>", "</s>", "<unk>"]
    tokens += [piece for piece in spm_pieces(spm_path) if piece not in tokens]
    vocab_path = work / "vocab.json"
    vocab_path.write_text(
        json.dumps({token: i for i, token in enumerate(tokens)}, ensure_ascii=False),
        encoding="utf-8",
    )
    # As on the hub, list the language tokens explicitly: the tokenizer does not add them itself.
    codes = [f"__{code}__" for code in FAIRSEQ_LANGUAGE_CODES["m2m100"]]
    tokenizer = M2M100Tokenizer(
        vocab_file=str(vocab_path),
        spm_file=str(spm_path),
        src_lang="ar",
        tgt_lang="en",
        additional_special_tokens=codes,
    )
    _build_m2m(dst, tokenizer=tokenizer, d_model=d_model, layers=layers, seed=seed)
    for leftover in work.iterdir():
        leftover.unlink()
    work.rmdir()
    return dst
