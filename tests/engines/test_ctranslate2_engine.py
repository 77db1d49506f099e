"""The CTranslate2 engine on a real (tiny, random) converted Marian model."""

from __future__ import annotations

import math
import shutil
from dataclasses import replace
from pathlib import Path

import ctranslate2  # noqa: F401  (the engine under test needs it installed)
import pytest

from tarjama.document import Segment
from tarjama.engines.base import TRUNCATED, Engine, Hypothesis, TranslationContext, open_engine
from tarjama.engines.ctranslate2_engine import CTranslate2Engine
from tarjama.errors import ConfigurationError, EngineError, ModelError

# Random weights never emit </s>, so every output runs to this length: keep it short.
SHORT = {"max_decoding_length": 12}


def _segment(i: int, text: str) -> Segment:
    return Segment(id=f"x{i}", block_id="b0", index=i, source=text, start=0, end=len(text))


def test_is_registered_and_speaks_the_protocol(tiny_marian_ct2: Path) -> None:
    with open_engine("ctranslate2", tiny_marian_ct2, **SHORT) as engine:
        assert isinstance(engine, CTranslate2Engine)
        assert isinstance(engine, Engine)
        assert engine.name == "ctranslate2"
        assert engine.model_id == tiny_marian_ct2.name
        assert engine.family == "marian"


def test_batches_sorted_by_length_come_back_in_input_order(
    tiny_marian_ct2: Path, article_segments: list[Segment]
) -> None:
    progress: list[int] = []
    with CTranslate2Engine(tiny_marian_ct2, max_batch_tokens=150, **SHORT) as engine:
        together = engine.translate(
            article_segments, TranslationContext(on_progress=progress.append)
        )
        alone = [engine.translate([segment])[0] for segment in article_segments]
        reversed_ = engine.translate(article_segments[::-1])

    assert len(together) == len(article_segments)
    assert all(isinstance(h, Hypothesis) and h.text for h in together)
    assert together == alone
    assert reversed_ == together[::-1]
    assert len(progress) > 1, "a small token budget should give several batches"
    assert sum(progress) == len(article_segments)


def test_parallel_batches_give_the_same_english_in_input_order(
    tiny_marian_ct2: Path, article_segments: list[Segment]
) -> None:
    """Two batches decoded at once (a corpus job's setting) change the speed, not the English,
    and every batch is still counted once in the progress."""
    progress: list[int] = []
    small = {"max_batch_tokens": 150, "threads": 2, **SHORT}
    with CTranslate2Engine(tiny_marian_ct2, **small) as engine:
        one_at_a_time = engine.translate(article_segments)
    with CTranslate2Engine(tiny_marian_ct2, parallel_batches=2, **small) as engine:
        assert engine.parallel_batches == 2
        two_at_once = engine.translate(
            article_segments, TranslationContext(on_progress=progress.append)
        )

    assert [h.text for h in two_at_once] == [h.text for h in one_at_a_time]
    assert len(progress) > 1, "a small token budget should give several batches"
    assert sum(progress) == len(article_segments)


def test_scores_are_mean_log_probabilities(
    tiny_marian_ct2: Path, article_segments: list[Segment]
) -> None:
    with CTranslate2Engine(tiny_marian_ct2, **SHORT) as engine:
        hypotheses = engine.translate(article_segments[:4])
    for hypothesis in hypotheses:
        assert hypothesis.score is not None
        assert math.isfinite(hypothesis.score)
        # Normalised per token: a random model over V tokens is near log(1/V), never far below.
        assert -20.0 < hypothesis.score < 0.0


def test_empty_segments_skip_the_model(
    tiny_marian_ct2: Path, article_segments: list[Segment]
) -> None:
    segments = [_segment(0, ""), article_segments[0], _segment(2, "  \n"), article_segments[1]]
    progress: list[int] = []
    with CTranslate2Engine(tiny_marian_ct2, **SHORT) as engine:
        hypotheses = engine.translate(segments, TranslationContext(on_progress=progress.append))
        expected = engine.translate([article_segments[0], article_segments[1]])
        assert engine.translate([]) == []
        only_empty = engine.translate([_segment(0, "")])

    assert hypotheses[0] == hypotheses[2] == Hypothesis(text="", score=None)
    assert [hypotheses[1], hypotheses[3]] == expected
    assert sum(progress) == len(segments)
    assert only_empty == [Hypothesis(text="")]


def test_translates_the_masked_text(tiny_marian_ct2: Path, article_segments: list[Segment]) -> None:
    first, second = article_segments[:2]
    masked = replace(first, masked=second.source)
    with CTranslate2Engine(tiny_marian_ct2, **SHORT) as engine:
        assert engine.translate([masked]) == engine.translate([second])


@pytest.mark.parametrize(
    "options",
    [
        {"beam_size": 1, "threads": 1},
        {"beam_size": 2, "threads": 2, "compute_type": "float32", "max_batch_tokens": 64},
        {"device": "auto", "max_input_length": 16},
    ],
)
def test_options_are_accepted(
    tiny_marian_ct2: Path, article_segments: list[Segment], options: dict[str, object]
) -> None:
    with CTranslate2Engine(tiny_marian_ct2, **SHORT, **options) as engine:  # type: ignore[arg-type]
        hypotheses = engine.translate(article_segments[:3])
    assert len(hypotheses) == 3
    assert all(h.text and h.score is not None for h in hypotheses)


def test_unsupported_compute_type_falls_back(tiny_marian_ct2: Path) -> None:
    # CTranslate2 has no float16 kernels on CPU; the engine keeps the model's own type instead.
    with CTranslate2Engine(tiny_marian_ct2, compute_type="float16", **SHORT) as engine:
        assert engine.compute_type == "default"
        assert engine.translate([_segment(0, "السلام عليكم")])[0].text


def test_family_is_recognised_without_a_manifest(tiny_marian_ct2: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(tiny_marian_ct2, bare)
    (bare / "tarjama.json").unlink()
    with CTranslate2Engine(bare, **SHORT) as engine:
        assert engine.family == "marian"
        assert engine.model_id == "bare"


def test_bad_model_paths_are_model_errors(tiny_marian_ct2: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a CTranslate2 model folder"):
        CTranslate2Engine(tmp_path / "missing")
    with pytest.raises(ModelError, match="needs a model folder"):
        CTranslate2Engine(None)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"not a model")
    shutil.copy(tiny_marian_ct2 / "tarjama.json", broken)
    with pytest.raises(ModelError, match="broken"):
        CTranslate2Engine(broken)


def test_bad_options_are_configuration_errors(tiny_marian_ct2: Path) -> None:
    with pytest.raises(ConfigurationError):
        CTranslate2Engine(tiny_marian_ct2, beam_size=0)
    with pytest.raises(ModelError, match="unknown model family"):
        CTranslate2Engine(tiny_marian_ct2, family="bert")


def test_decoding_failures_are_engine_errors(tiny_marian_ct2: Path) -> None:
    # With truncation off, 600 pieces run past Marian's 512 position encodings.
    too_long = _segment(0, " ".join(["السلام"] * 600))
    with (
        CTranslate2Engine(tiny_marian_ct2, max_input_length=0, **SHORT) as engine,
        pytest.raises(EngineError, match="position") as info,
    ):
        engine.translate([too_long])
    assert info.value.__cause__ is not None


def test_closed_engine_refuses_to_translate(
    tiny_marian_ct2: Path, article_segments: list[Segment]
) -> None:
    with CTranslate2Engine(tiny_marian_ct2, **SHORT) as engine:
        pass
    with pytest.raises(EngineError, match="closed"):
        engine.translate(article_segments[:1])
    engine.close()  # closing twice is harmless


def test_its_budget_leaves_room_for_the_english_and_the_model_s_positions(
    tiny_marian_ct2: Path,
) -> None:
    with CTranslate2Engine(tiny_marian_ct2, **SHORT) as short:
        # 12 tokens of English hold about 8 of Arabic: a longer segment would lose its end.
        assert short.capabilities.input_budget == 8
    with CTranslate2Engine(tiny_marian_ct2, max_input_length=0) as engine:
        assert engine.max_positions == 512  # recorded by the converter from the model config
        assert engine.input_limit() == 512
        assert engine.capabilities.input_budget == int(256 / 1.5)
        caps = engine.capabilities
        assert caps.names_in_english and caps.batchable and not caps.name_hints
        assert {"url", "handle", "hashtag"} <= caps.masked_kinds
        # what the model reads: the pieces and </s>
        assert (
            engine.count_tokens("السلام عليكم") == len(engine._source_sp.encode("السلام عليكم")) + 1
        )


def test_an_input_longer_than_the_model_reads_is_flagged_not_silently_cut(
    tiny_marian_ct2: Path, article_segments: list[Segment]
) -> None:
    short, long = article_segments[3], _segment(1, " ".join(s.source for s in article_segments))
    with CTranslate2Engine(tiny_marian_ct2, max_input_length=64, **SHORT) as engine:
        assert engine.count_tokens(short.source) <= 64 < engine.count_tokens(long.source)
        fits, cut = engine.translate([short, long])
    assert TRUNCATED not in fits.flags
    assert TRUNCATED in cut.flags and cut.text
