"""tarjama's Hugging Face → CTranslate2 conversion, on real tiny Marian, NLLB and M2M-100 models."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import ctranslate2  # noqa: F401  (the engine under test needs it installed)
import pytest

from tarjama.document import Segment
from tarjama.engines.ctranslate2_engine import CTranslate2Engine
from tarjama.errors import ModelError
from tarjama.models.convert import MANIFEST_NAME, convert_to_ctranslate2, detect_family


def test_marian_manifest_and_files(tiny_marian_hf: Path, tiny_marian_ct2: Path) -> None:
    manifest = json.loads((tiny_marian_ct2 / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["engine"] == "ctranslate2"
    assert manifest["format"] == "ctranslate2"
    assert manifest["family"] == "marian"
    assert manifest["quantization"] == "int8"
    assert manifest["source_prefix"] == manifest["target_prefix"] == []
    for name in ("model.bin", "config.json", "source.spm", "target.spm"):
        assert (tiny_marian_ct2 / name).is_file(), name
    assert (tiny_marian_ct2 / "source.spm").read_bytes() == (
        tiny_marian_hf / "source.spm"
    ).read_bytes()
    # The converter drops Marian's trailing <pad>: the decoder starts from a zero embedding.
    vocabulary = json.loads((tiny_marian_ct2 / "shared_vocabulary.json").read_text("utf-8"))
    assert vocabulary[:2] == ["</s>", "<unk>"]
    assert "<pad>" not in vocabulary


def test_returned_manifest_is_the_written_one(tiny_marian_hf: Path, tmp_path: Path) -> None:
    manifest = convert_to_ctranslate2(tiny_marian_hf, tmp_path / "f32", quantization="float32")
    assert manifest == json.loads((tmp_path / "f32" / MANIFEST_NAME).read_text("utf-8"))
    assert manifest["quantization"] == "float32"


def test_existing_destination_needs_force(tiny_marian_hf: Path, tmp_path: Path) -> None:
    dst = tmp_path / "out"
    dst.mkdir()
    (dst / "stale.txt").write_text("old", encoding="utf-8")
    with pytest.raises(ModelError, match="force=True"):
        convert_to_ctranslate2(tiny_marian_hf, dst)
    convert_to_ctranslate2(tiny_marian_hf, dst, force=True)
    assert not (dst / "stale.txt").exists()
    assert (dst / "model.bin").is_file()


def test_refuses_to_overwrite_the_source(tiny_marian_hf: Path) -> None:
    with pytest.raises(ModelError, match="overwrite the source"):
        convert_to_ctranslate2(tiny_marian_hf, tiny_marian_hf, force=True)
    with pytest.raises(ModelError, match="overwrite the source"):
        convert_to_ctranslate2(tiny_marian_hf, tiny_marian_hf.parent, force=True)


def test_library_errors_become_model_errors(tiny_marian_hf: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot convert") as info:
        convert_to_ctranslate2(tiny_marian_hf, tmp_path / "bad", quantization="int3")
    assert info.value.__cause__ is not None


def test_unusable_folders_are_model_errors(tiny_marian_hf: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"no config\.json"):
        convert_to_ctranslate2(tmp_path, tmp_path / "out")
    bert = tmp_path / "bert"
    bert.mkdir()
    (bert / "config.json").write_text('{"model_type": "bert"}', encoding="utf-8")
    with pytest.raises(ModelError, match="supported: Marian"):
        detect_family(bert)
    no_spm = tmp_path / "no-spm"
    shutil.copytree(tiny_marian_hf, no_spm)
    (no_spm / "target.spm").unlink()
    with pytest.raises(ModelError, match=r"target\.spm"):
        convert_to_ctranslate2(no_spm, tmp_path / "out")


@pytest.mark.parametrize(
    ("fixture", "family", "source_prefix", "target_prefix"),
    [
        ("tiny_marian_hf", "marian", [], []),
        ("tiny_nllb_hf", "nllb", ["arb_Arab"], ["eng_Latn"]),
        ("tiny_m2m100_hf", "m2m100", ["__ar__"], ["__en__"]),
    ],
)
def test_engine_output_matches_transformers(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    article_segments: list[Segment],
    fixture: str,
    family: str,
    source_prefix: list[str],
    target_prefix: list[str],
) -> None:
    """Greedy float32 decoding through our converter + engine equals ``model.generate``."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    hf: Path = request.getfixturevalue(fixture)
    assert detect_family(hf) == family
    manifest = convert_to_ctranslate2(hf, tmp_path / family, quantization="float32")
    assert (manifest["family"], manifest["source_prefix"], manifest["target_prefix"]) == (
        family,
        source_prefix,
        target_prefix,
    )

    segments = article_segments[:4]
    tokenizer = AutoTokenizer.from_pretrained(hf)
    model = AutoModelForSeq2SeqLM.from_pretrained(hf).eval()
    forced = (
        {"forced_bos_token_id": tokenizer.convert_tokens_to_ids(target_prefix[0])}
        if target_prefix
        else {}
    )
    with torch.no_grad():
        expected = [
            tokenizer.decode(
                model.generate(
                    **tokenizer(s.source, return_tensors="pt"),
                    num_beams=1,
                    do_sample=False,
                    max_new_tokens=12,
                    **forced,
                )[0],
                skip_special_tokens=True,
            )
            for s in segments
        ]
    # generate() counts the forced final </s> (Marian) and the forced language token (NLLB,
    # M2M-100) in its budget; CTranslate2 counts the target prefix too.
    length = 12 if target_prefix else 11
    with CTranslate2Engine(
        tmp_path / family, compute_type="float32", beam_size=1, max_decoding_length=length
    ) as engine:
        assert engine.family == family
        got = [h.text for h in engine.translate(segments)]
    assert got == expected
    assert not any(token in text for text in got for token in target_prefix)
