"""Sentence engine on CTranslate2: Marian / OPUS-MT, NLLB-200 and M2M-100 models.

Segments are tokenised with the model's own sentencepiece files, sorted by length and cut into
batches of about ``max_batch_tokens`` (padding included) so that short headlines are not padded
to the length of the longest sentence; results are put back in input order. The folder is one
written by :func:`tarjama.models.convert.convert_to_ctranslate2`; its ``tarjama.json`` says the
family and the language tokens, and folders without one are recognised by their files.

The model reads at most ``max_input_length`` tokens (and never more than its position
encodings allow) and writes at most ``max_decoding_length``; past either it truncates without a
word. So the engine declares an input budget that leaves room for the English
(:attr:`~tarjama.engines.base.Capabilities.input_budget`), the pipeline cuts longer segments to
it, and a segment that still reaches the model over its input limit is flagged
:data:`~tarjama.engines.base.TRUNCATED`, never silently cut.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from tarjama.document import Segment
from tarjama.engines.base import (
    TRUNCATED,
    Capabilities,
    Hypothesis,
    TranslationContext,
    register_engine,
    usable_cores,
)
from tarjama.errors import ConfigurationError, EngineError, ModelError

__all__ = ["CTranslate2Engine"]

logger = logging.getLogger(__name__)

_INSTALL_HINT = "install it with: pip install 'tarjama[ctranslate2]'"
_SPM = "sentencepiece.bpe.model"
# family -> (source prefix, target prefix, source spm, target spm) when tarjama.json is absent.
_DEFAULTS: dict[str, tuple[list[str], list[str], str, str]] = {
    "marian": ([], [], "source.spm", "target.spm"),
    "nllb": (["arb_Arab"], ["eng_Latn"], _SPM, _SPM),
    "m2m100": (["__ar__"], ["__en__"], _SPM, _SPM),
}
# Position encodings of each family's released models (OPUS-MT 512; NLLB-200, M2M-100 1024),
# unless the converter recorded the model's own ``max_positions`` in tarjama.json.
_POSITIONS = {"marian": 512, "nllb": 1024, "m2m100": 1024}
#: English tokens per Arabic token a budget allows for (see :meth:`CTranslate2Engine.budget`).
ANSWER_RATIO = 1.5
_SPECIAL = frozenset({"<s>", "</s>", "<pad>", "<unk>"})
# Language codes and padding rows of NLLB / M2M-100 vocabularies never belong in the English.
_NOT_TEXT = re.compile(r"__[a-z]{2,3}__|[a-z]{3}_[A-Z][a-z]{3}|madeupword\d+")


def _read_manifest(path: Path) -> dict[str, Any]:
    manifest = path / "tarjama.json"
    if not manifest.is_file():
        return {}
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {manifest}: {exc}") from exc
    return data if isinstance(data, dict) else {}


def _guess_family(path: Path) -> str:
    """Recognise a converted folder without a manifest by its files and language tokens."""
    if (path / "source.spm").is_file():
        return "marian"
    vocabulary = path / "shared_vocabulary.json"
    text = vocabulary.read_text(encoding="utf-8") if vocabulary.is_file() else ""
    if '"eng_Latn"' in text:
        return "nllb"
    if '"__en__"' in text:
        return "m2m100"
    raise ModelError(f"cannot tell the model family of {path}; pass family=marian|nllb|m2m100")


@register_engine("ctranslate2")
class CTranslate2Engine:
    """Translate segments with a CTranslate2 model folder, in sorted token-bounded batches."""

    name: ClassVar[str] = "ctranslate2"
    # Sentence models garble URLs and handles but copy digits and Latin-script names well, so
    # they see names in English and placeholders for the rest; segments stand alone, so a
    # server may merge concurrent calls. (The budget is set per model when it opens.)
    capabilities: Capabilities = Capabilities(
        masked_kinds=frozenset({"url", "email", "handle", "hashtag", "format"}),
        names_in_english=True,
        batchable=True,
    )

    def __init__(
        self,
        model_path: Path | str | None,
        *,
        device: str = "cpu",
        compute_type: str = "int8",
        beam_size: int = 4,
        threads: int = 0,
        max_batch_tokens: int = 2048,
        max_decoding_length: int = 256,
        max_input_length: int = 512,
        family: str | None = None,
        parallel_batches: int = 1,
    ) -> None:
        """``parallel_batches``: batches decoded at once, each on its own share of ``threads``
        (CTranslate2's ``inter_threads``). One batch over all threads is quickest for one short
        request; two batches of one thread each carry about 1.4x as many segments on 2 cores
        (docs/benchmarks.md, corpus jobs), which is what a corpus job wants. ``max_batch_tokens``
        is shared among the batches in flight: the same tokens in memory, and a one-thread
        decoder is quicker on half-size batches (1,024 vs 2,048 tokens: 28-34 vs 25-30 segments/s
        for the base-size Marian on 2 cores)."""
        if beam_size < 1 or max_decoding_length < 1:
            raise ConfigurationError("beam_size and max_decoding_length must be at least 1")
        if model_path is None:
            raise ModelError("the ctranslate2 engine needs a model folder")
        path = Path(model_path)
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path} is not a CTranslate2 model folder (no model.bin)")
        try:
            import ctranslate2
            import sentencepiece
        except ImportError as exc:
            raise ModelError(f"the ctranslate2 engine needs {exc.name}; {_INSTALL_HINT}") from exc

        manifest = _read_manifest(path)
        self.family = family or str(manifest.get("family") or _guess_family(path))
        if self.family not in _DEFAULTS:
            known = ", ".join(sorted(_DEFAULTS))
            raise ModelError(f"unknown model family {self.family!r}; known: {known}")
        source_prefix, target_prefix, source_spm, target_spm = _DEFAULTS[self.family]
        self._source_prefix = [str(t) for t in manifest.get("source_prefix", source_prefix)]
        self._target_prefix = [str(t) for t in manifest.get("target_prefix", target_prefix)]
        self.model_id: str = path.name
        self.beam_size = beam_size
        self.memory_model = f"{path.name} beam={beam_size}"
        self.parallel_batches = max(1, parallel_batches)
        self.max_batch_tokens = max(1, max_batch_tokens // self.parallel_batches)
        self.max_decoding_length = max_decoding_length
        self.max_input_length = max_input_length
        self.max_positions = int(manifest.get("max_positions") or _POSITIONS[self.family])
        self.capabilities = replace(
            type(self).capabilities, input_budget=self.budget(), parallel=self.parallel_batches
        )

        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        try:
            supported = ctranslate2.get_supported_compute_types(device)
            if compute_type not in supported and compute_type not in ("default", "auto"):
                logger.warning("%s does not support %s; using default", device, compute_type)
                compute_type = "default"
            self._source_sp = sentencepiece.SentencePieceProcessor(
                model_file=str(path / str(manifest.get("source_spm", source_spm)))
            )
            self._target_sp = sentencepiece.SentencePieceProcessor(
                model_file=str(path / str(manifest.get("target_spm", target_spm)))
            )
            self._translator: Any = ctranslate2.Translator(
                str(path),
                device=device,
                compute_type=compute_type,
                inter_threads=self.parallel_batches,
                intra_threads=max(
                    1, (threads if threads > 0 else usable_cores()) // self.parallel_batches
                ),
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot open CTranslate2 model {path}: {exc}") from exc
        self.device, self.compute_type = device, compute_type

    def input_limit(self) -> int:
        """Most tokens the model reads of one input (special tokens included); the rest is cut."""
        if self.max_input_length > 0:
            return min(self.max_input_length, self.max_positions)
        return self.max_positions

    def budget(self) -> int:
        """Most tokens (:meth:`count_tokens`) one segment may have: within what the model reads,
        and short enough that its English, at :data:`ANSWER_RATIO` tokens per source token,
        fits in ``max_decoding_length`` (an English cut there is lost as surely as an input cut
        at the front)."""
        answer_room = int(min(self.max_decoding_length, self.max_positions) / ANSWER_RATIO)
        return max(1, min(self.input_limit(), answer_room))

    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for ``text``: language token, sentencepiece pieces, ``</s>``."""
        return len(self._source_prefix) + len(self._source_sp.encode(text.strip())) + 1

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        """One hypothesis per segment, in input order; empty segments never reach the model.

        A segment longer than the model reads is still translated (as far as it reads) but its
        hypothesis is flagged :data:`~tarjama.engines.base.TRUNCATED`."""
        if self._translator is None:
            raise EngineError(f"engine for {self.model_id} is closed")
        context = context or TranslationContext()
        results: list[Hypothesis | None] = [None] * len(segments)
        pending: list[tuple[int, list[str]]] = []
        for i, segment in enumerate(segments):
            text = segment.engine_text.strip()
            if text:
                pieces = self._source_sp.encode(text, out_type=str)
                pending.append((i, [*self._source_prefix, *pieces, "</s>"]))
            else:
                results[i] = Hypothesis(text="", score=None)
        context.advance(len(segments) - len(pending))

        pending.sort(key=lambda item: len(item[1]))
        limit = self.input_limit()
        for batch, hypotheses in self._decoded(pending):
            for (i, tokens), hypothesis in zip(batch, hypotheses, strict=True):
                if len(tokens) > limit:
                    logger.warning(
                        "%s: a %d-token input was cut to %d", self.model_id, len(tokens), limit
                    )
                    hypothesis = replace(hypothesis, flags=(*hypothesis.flags, TRUNCATED))
                results[i] = hypothesis
            context.advance(len(batch))
        return [r if r is not None else Hypothesis(text="") for r in results]

    def _decoded(
        self, pending: list[tuple[int, list[str]]]
    ) -> Iterator[tuple[list[tuple[int, list[str]]], list[Hypothesis]]]:
        """Each batch with its hypotheses, as batches finish: one at a time, or
        ``parallel_batches`` at once (CTranslate2 releases the GIL while it decodes).

        Not ``translate_batch(asynchronous=True)``, which would cut the batches itself: with
        our own cut, one thread or two decode the very same batches, so a job's English does
        not depend on ``--threads`` (int8 results depend on which segments share a batch)."""
        batches = self._batches(pending)
        if self.parallel_batches < 2 or len(batches) < 2:
            for batch in batches:
                yield batch, self._run([t for _, t in batch])
            return
        with ThreadPoolExecutor(self.parallel_batches) as pool:
            running = {pool.submit(self._run, [t for _, t in b]): b for b in batches}
            for done in as_completed(running):
                yield running[done], done.result()

    def _batches(self, items: list[tuple[int, list[str]]]) -> list[list[tuple[int, list[str]]]]:
        """Cut length-sorted items so that rows × longest row stays under ``max_batch_tokens``."""
        batches: list[list[tuple[int, list[str]]]] = []
        current: list[tuple[int, list[str]]] = []
        for item in items:
            if current and (len(current) + 1) * len(item[1]) > self.max_batch_tokens:
                batches.append(current)
                current = []
            current.append(item)
        if current:
            batches.append(current)
        return batches

    def translate_n_best(
        self, segments: Sequence[Segment], n: int, context: TranslationContext | None = None
    ) -> list[list[Hypothesis]]:
        """Up to ``n`` hypotheses per segment, best first: the beams the search kept (the beam
        is widened to ``n`` when it is narrower). What LibreTranslate's ``alternatives`` are
        made of; the first is the one :meth:`translate` would give with a beam that wide."""
        if self._translator is None:
            raise EngineError(f"engine for {self.model_id} is closed")
        context = context or TranslationContext()
        results: list[list[Hypothesis]] = [[Hypothesis(text="")] for _ in segments]
        pending: list[tuple[int, list[str]]] = []
        for i, segment in enumerate(segments):
            text = segment.engine_text.strip()
            if text:
                pieces = self._source_sp.encode(text, out_type=str)
                pending.append((i, [*self._source_prefix, *pieces, "</s>"]))
        pending.sort(key=lambda item: len(item[1]))
        for batch in self._batches(pending):
            outputs = self._decode([t for _, t in batch], num_hypotheses=max(1, n))
            for (i, _), output in zip(batch, outputs, strict=True):
                count = len(output.hypotheses)
                results[i] = [self._hypothesis(output, k) for k in range(count)]
            context.advance(len(batch))
        return results

    def _run(self, sources: list[list[str]]) -> list[Hypothesis]:
        return [self._hypothesis(output) for output in self._decode(sources)]

    def _decode(self, sources: list[list[str]], num_hypotheses: int = 1) -> list[Any]:
        prefix = [list(self._target_prefix) for _ in sources] if self._target_prefix else None
        try:
            outputs = self._translator.translate_batch(
                sources,
                target_prefix=prefix,
                max_batch_size=self.max_batch_tokens,
                batch_type="tokens",
                beam_size=max(self.beam_size, num_hypotheses),
                num_hypotheses=num_hypotheses,
                max_input_length=self.max_input_length,
                max_decoding_length=self.max_decoding_length,
                return_scores=True,
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"{self.model_id}: translation failed: {exc}") from exc
        return list(outputs)

    def _hypothesis(self, output: Any, index: int = 0) -> Hypothesis:
        tokens: list[str] = list(output.hypotheses[index])
        if self._target_prefix and tokens[: len(self._target_prefix)] == self._target_prefix:
            tokens = tokens[len(self._target_prefix) :]
        pieces = [t for t in tokens if t not in _SPECIAL and not _NOT_TEXT.fullmatch(t)]
        # Pieces the target model does not know come back verbatim; "▁" is their space.
        text = self._target_sp.decode(pieces).replace("\u2581", " ").strip()
        score = float(output.scores[index]) if len(output.scores) > index else None
        if score is not None and not math.isfinite(score):
            score = None
        return Hypothesis(text=text, score=score)

    def close(self) -> None:
        """Free the model's memory now rather than when the garbage collector gets to it."""
        translator, self._translator = self._translator, None
        if translator is not None:
            del translator

    def __enter__(self) -> CTranslate2Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
