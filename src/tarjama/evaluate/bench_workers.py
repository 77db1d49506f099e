"""The benchmark's worker side: each job runs in a fresh interpreter and prints one JSON line.

Kept apart from :mod:`.bench` (which plans jobs and collects results) so that a worker process
imports only what its job measures.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["MARK", "worker_main"]

logger = logging.getLogger(__name__)

MARK = "TARJAMA-BENCH-RESULT "
_MAX_INPUT_TOKENS = 256
_END_MARKERS = ("<|im_end|>", "<end_of_turn>", "<|eot_id|>", "<|endoftext|>", "</s>")

Runner = Callable[[Any], list[list[str]]]


def _memory_mb() -> dict[str, float | None]:
    """Resident set size now and at its peak (``VmRSS``, ``VmHWM``; Linux only).

    ``getrusage``'s ``ru_maxrss`` is no use here: Linux carries it over from the parent across
    ``exec``, so every worker would report at least the parent's peak.
    """
    found: dict[str, float | None] = {"rss_mb": None, "peak_rss_mb": None}
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    name = "rss_mb" if key == "VmRSS" else "peak_rss_mb"
                    found[name] = int(value.split()[0]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return found


def _ct2_runner(job: dict[str, Any]) -> tuple[Callable[[list[str]], Any], Runner, str]:
    import ctranslate2
    import sentencepiece

    translator = ctranslate2.Translator(
        job["ct2_dir"], compute_type="int8", intra_threads=job["threads"], inter_threads=1
    )
    sp = sentencepiece.SentencePieceProcessor(model_file=f"{job['ct2_dir']}/source.spm")
    length = job["output_tokens"]

    def encode(texts: list[str]) -> Any:
        return [[*sp.encode(t, out_type=str)[: _MAX_INPUT_TOKENS - 1], "</s>"] for t in texts]

    def run(batch: Any) -> list[list[str]]:
        out = translator.translate_batch(
            batch,
            beam_size=job["beam_size"],
            min_decoding_length=length,
            max_decoding_length=length,
        )
        return [list(o.hypotheses[0]) for o in out]

    return encode, run, str(translator.compute_type)


def _hf_runner(job: dict[str, Any]) -> tuple[Callable[[list[str]], Any], Runner, str]:
    import torch

    torch.set_num_threads(job["threads"])
    torch.set_num_interop_threads(1)
    import transformers
    from transformers import MarianMTModel, MarianTokenizer

    transformers.logging.set_verbosity_error()
    model = MarianMTModel.from_pretrained(job["hf_dir"]).eval()
    tokenizer = MarianTokenizer.from_pretrained(job["hf_dir"])
    pad, length = model.config.pad_token_id, job["output_tokens"]

    def encode(texts: list[str]) -> Any:
        return tokenizer(
            texts, return_tensors="pt", padding=True, truncation=True, max_length=_MAX_INPUT_TOKENS
        )

    def run(batch: Any) -> list[list[str]]:
        with torch.inference_mode():
            out = model.generate(
                **batch,
                num_beams=job["beam_size"],
                do_sample=False,
                min_new_tokens=length,
                max_new_tokens=length,
                forced_eos_token_id=None,
            )
        rows = [[i for i in row[1:] if i != pad] for row in out.tolist()]  # [0] is the start
        return [tokenizer.convert_ids_to_tokens(row) for row in rows]

    return encode, run, str(next(model.parameters()).dtype).removeprefix("torch.")


def _engine_job(job: dict[str, Any]) -> dict[str, Any]:
    """Time one engine at one (threads, batch, beam), every hypothesis exactly L tokens long."""
    start = time.perf_counter()
    runner = _ct2_runner if job["engine"] == "ctranslate2" else _hf_runner
    encode, run, compute_type = runner(job)
    load_s = time.perf_counter() - start
    rss_loaded = _memory_mb()["rss_mb"]
    size, sentences = job["batch_size"], job["sentences"]
    texts = [sentences[i : i + size] for i in range(0, len(sentences), size)]
    batches = [encode(t) for t in texts]  # tokenising is not timed
    run(encode(sentences[: min(2, size)]))  # warm-up
    outputs: list[list[str]] = []
    done = 0
    start = time.perf_counter()
    for chunk, batch in zip(texts, batches, strict=True):
        outputs.extend(run(batch))
        done += len(chunk)
        if time.perf_counter() - start >= job["seconds_budget"]:
            break
    seconds = time.perf_counter() - start
    generated = sum(len(o) for o in outputs)
    return {
        "compute_type": compute_type,
        "load_s": load_s,
        "sentences": done,
        "batches": math.ceil(done / size),
        "generated_tokens": generated,
        "seconds": seconds,
        "tokens_per_s": generated / seconds,
        "sentences_per_s": done / seconds,
        "rss_loaded_mb": rss_loaded,
        "sample": outputs[:16],
    }


def _time_paths(paths: dict[str, Callable[[], Any]], repeats: int) -> dict[str, list[float]]:
    """Warm each path up once, then time ``repeats`` rounds, rotating which goes first."""
    for path in paths.values():
        path()
    times: dict[str, list[float]] = {name: [] for name in paths}
    names = list(paths)
    for r in range(repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            start = time.perf_counter()
            paths[name]()
            times[name].append(time.perf_counter() - start)
    return times


def _pipeline_job(job: dict[str, Any]) -> dict[str, Any]:
    """tarjama's pipeline vs its engine alone vs raw ``translate_batch``, on the same segments."""
    import ctranslate2
    import sentencepiece

    from tarjama.engines.base import TranslationContext
    from tarjama.models import open_model
    from tarjama.pipeline import segment_document
    from tarjama.text import has_arabic
    from tarjama.translator import Translator, load_document

    ct2_dir, threads, length = job["ct2_dir"], job["threads"], job["output_tokens"]
    data = "\n\n".join(job["sentences"]).encode("utf-8")
    # What Translator(model=ct2_dir) opens, plus the output length the random weights need.
    engine: Any = open_model(ct2_dir, beam_size=1, threads=threads, max_decoding_length=length)
    translator = Translator(engine=engine)
    raw = ctranslate2.Translator(
        ct2_dir, compute_type="int8", intra_threads=threads, inter_threads=1
    )
    source = sentencepiece.SentencePieceProcessor(model_file=f"{ct2_dir}/source.spm")
    target = sentencepiece.SentencePieceProcessor(model_file=f"{ct2_dir}/target.spm")
    document = load_document(data, format="text")
    segments = [s for s in segment_document(document, engine.name) if has_arabic(s.source)]
    texts = [s.engine_text.strip() for s in segments]
    generated: list[int] = []

    def raw_path() -> list[str]:
        out = raw.translate_batch(
            [[*source.encode(t, out_type=str), "</s>"] for t in texts],
            max_batch_size=engine.max_batch_tokens,
            batch_type="tokens",
            beam_size=1,
            max_input_length=engine.max_input_length,
            max_decoding_length=length,
            return_scores=True,
        )
        generated.append(sum(len(o.hypotheses[0]) for o in out))
        return [target.decode(o.hypotheses[0]) for o in out]

    def engine_path() -> Any:
        return engine.translate(segments, TranslationContext())

    def pipeline_path() -> Any:
        return translator.translate_document(data, format="text")

    paths = {"raw": raw_path, "engine": engine_path, "pipeline": pipeline_path}
    times = _time_paths(paths, job["repeats"])
    raw_texts = [" ".join(t.replace("\u2581", " ").split()) for t in raw_path()]
    same = sum(a == " ".join(h.text.split()) for a, h in zip(raw_texts, engine_path(), strict=True))
    return {
        "lines": len(job["sentences"]),
        "segments": len(segments),
        "beam_size": 1,
        "generated_tokens": generated[-1],
        "same_output_fraction": same / max(1, len(segments)),
        "times": times,
    }


def _llama_job(job: dict[str, Any]) -> dict[str, Any]:
    """tarjama's llama engine, then raw ``Llama.generate`` replaying the very same prompts."""
    from tarjama.engines.base import TranslationContext
    from tarjama.formats import read_document
    from tarjama.models import open_model
    from tarjama.pipeline import segment_document
    from tarjama.text import has_arabic

    start = time.perf_counter()
    engine: Any = open_model(job["gguf"], threads=job["threads"])
    load_s = time.perf_counter() - start
    backend, context = engine.backend, TranslationContext(document_context=False)
    llm = backend.llm
    document = read_document("\n\n".join(job["sentences"]), "text")
    segments = [s for s in segment_document(document, engine.name) if has_arabic(s.source)]
    requests: list[tuple[list[dict[str, str]], int]] = []
    complete = backend.complete

    def recording(
        messages: Sequence[dict[str, str]], *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Any:
        completion = complete(messages, max_tokens=max_tokens, stop=stop)
        requests.append((list(messages), completion.tokens))
        return completion

    backend.complete = recording  # the engine's own path, its requests written down
    ends = {llm.token_eos()}
    for marker in _END_MARKERS:
        ids = llm.tokenize(marker.encode(), add_bos=False, special=True)
        if len(ids) == 1:
            ends.add(ids[0])

    def raw_generate(prompt: list[int], wanted: int) -> int:
        count = 0
        for token in llm.generate(prompt, temp=0.0, top_k=1, repeat_penalty=1.0):
            if token in ends or count >= wanted:
                break
            count += 1
            if count >= wanted:
                break
        return count

    engine.translate(segments[:1], context)  # warm-up: the fixed prompt start enters the cache
    times: dict[str, list[float]] = {"tarjama": [], "raw": []}
    tokens: dict[str, int] = {}
    prompt_tokens = 0
    for _ in range(job["repeats"]):
        requests.clear()
        start = time.perf_counter()
        engine.translate(segments, context)
        times["tarjama"].append(time.perf_counter() - start)
        tokens["tarjama"] = sum(n for _, n in requests)
        prompts = [(backend.prompt_tokens(m), n) for m, n in requests]
        prompt_tokens = sum(len(p) for p, _ in prompts)
        start = time.perf_counter()
        tokens["raw"] = sum(raw_generate(p, n) for p, n in prompts)
        times["raw"].append(time.perf_counter() - start)
    return {
        "model": Path(job["gguf"]).name,
        "segments": len(segments),
        "requests": len(requests),
        "prompt_tokens": prompt_tokens,
        "generated_tokens": tokens,
        "times": times,
        "load_s": load_s,
    }


def _article_job(job: dict[str, Any]) -> dict[str, Any]:
    """One article in a fresh process: import, open the model, translate, then once more warm."""
    start = time.perf_counter()
    from tarjama.models import open_model
    from tarjama.translator import Translator

    import_s = time.perf_counter() - start
    start = time.perf_counter()
    engine: Any = open_model(
        job["ct2_dir"], threads=job["threads"], max_decoding_length=job["output_tokens"]
    )
    translator = Translator(engine=engine)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    result = translator.translate_document(Path(job["article"]))
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    translator.translate_document(Path(job["article"]))
    return {
        "segments": len(result.translations),
        "beam_size": engine.beam_size,
        "import_s": import_s,
        "load_s": load_s,
        "translate_s": first_s,
        "warm_translate_s": time.perf_counter() - start,
    }


_JOBS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "engine": _engine_job,
    "pipeline": _pipeline_job,
    "llama": _llama_job,
    "article": _article_job,
}


def worker_main() -> None:
    """Entry point of a benchmark process: a JSON job on stdin, a JSON result on stdout."""
    job = json.loads(sys.stdin.read())
    rss_start = _memory_mb()["rss_mb"]
    result = _JOBS[job["kind"]](job)
    result.update(rss_start_mb=rss_start, peak_rss_mb=_memory_mb()["peak_rss_mb"])
    print(MARK + json.dumps(result), flush=True)
