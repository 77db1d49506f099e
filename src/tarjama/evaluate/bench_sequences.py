"""Does decoding several sequences together raise llama.cpp's tokens per second on this CPU?

Issue 10 asks the built-in llama.cpp engine to decode several sequences at once only if that
pays, so this measures it before any engine code is written: the chat prompts the engine builds
for paragraphs of the example article are prefilled, one sequence each, then all sequences are
decoded greedily together, one ``llama_decode`` per step holding one token of every sequence
(llama.cpp's own parallel decoding, through llama-cpp-python's low-level API). Decode and
prefill are timed apart: a batch can only help the decode, where every step reads all the
weights once whatever the batch holds; the prefill already runs hundreds of tokens per call.

Runs in its own process (``python -m tarjama.evaluate.bench_sequences``) or from
``tarjama bench job``; the answer is one JSON object (``llama-sequences.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["decode_round", "measure_sequences", "sequence_prompts"]

_BATCH = 512


def sequence_prompts(backend: Any, article: Path, count: int) -> list[list[int]]:
    """The engine's own prompts (system, examples, one paragraph) for ``count`` paragraphs of
    ``article``, the longer paragraphs first used, cycling when there are fewer."""
    from tarjama.engines.chat import build_messages

    lines = [p.strip() for p in article.read_text(encoding="utf-8").splitlines() if p.strip()]
    paragraphs = [p for p in lines if len(p) > 80] or lines
    chosen = [paragraphs[i % len(paragraphs)] for i in range(count)]
    return [list(backend.prompt_tokens(build_messages(p))) for p in chosen]


def decode_round(model: Any, prompts: list[list[int]], steps: int, threads: int) -> dict[str, Any]:
    """Prefill every prompt in its own sequence of one fresh context, then decode ``steps``
    greedy tokens of all of them together; the seconds of each phase."""
    import llama_cpp as lib

    n = len(prompts)
    params = lib.llama_context_default_params()
    params.n_ctx = sum(len(p) for p in prompts) + n * (steps + 8)
    params.n_batch = params.n_ubatch = _BATCH
    params.n_seq_max = n
    params.kv_unified = True
    params.n_threads = params.n_threads_batch = threads
    ctx = lib.llama_init_from_model(model, params)
    if not ctx:
        raise RuntimeError("llama.cpp could not create a context")
    vocab = lib.llama_vocab_n_tokens(lib.llama_model_get_vocab(model))
    batch: Any = lib.llama_batch_init(_BATCH, 0, n)

    def put(i: int, token: int, pos: int, seq: int, logits: bool) -> None:
        batch.token[i], batch.pos[i], batch.n_seq_id[i] = token, pos, 1
        batch.seq_id[i][0] = seq
        batch.logits[i] = logits

    def argmax(i: int) -> int:
        logits = np.ctypeslib.as_array(lib.llama_get_logits_ith(ctx, i), shape=(vocab,))
        return int(logits.argmax())

    def decode(what: str) -> None:
        if lib.llama_decode(ctx, batch) != 0:
            raise RuntimeError(f"llama_decode failed in the {what}")

    try:
        started = time.perf_counter()
        last: list[int] = []
        for seq, prompt in enumerate(prompts):
            for low in range(0, len(prompt), _BATCH):
                chunk = prompt[low : low + _BATCH]
                for j, token in enumerate(chunk):
                    put(j, token, low + j, seq, low + j == len(prompt) - 1)
                batch.n_tokens = len(chunk)
                decode("prefill")
            last.append(argmax(batch.n_tokens - 1))
        prefill_s = time.perf_counter() - started
        positions = [len(p) for p in prompts]
        started = time.perf_counter()
        for _ in range(steps):
            for seq in range(n):
                put(seq, last[seq], positions[seq], seq, True)
            batch.n_tokens = n
            decode("decode")
            last = [argmax(seq) for seq in range(n)]
            positions = [p + 1 for p in positions]
        decode_s = time.perf_counter() - started
    finally:
        lib.llama_batch_free(batch)
        lib.llama_free(ctx)
    prompt_tokens = sum(len(p) for p in prompts)
    return {
        "sequences": n,
        "prompt_tokens": prompt_tokens,
        "generated_tokens": n * steps,
        "prefill_s": prefill_s,
        "decode_s": decode_s,
        "prefill_tokens_per_s": prompt_tokens / prefill_s,
        "decode_tokens_per_s": n * steps / decode_s,
    }


def measure_sequences(
    gguf: Path,
    article: Path,
    *,
    sequences: tuple[int, ...] = (1, 2, 4),
    steps: int = 64,
    threads: int = 0,
    repeats: int = 3,
) -> dict[str, Any]:
    """Each sequence count ``repeats`` times, rotating which goes first; medians per count and
    each count's decode speed-up over one sequence."""
    from tarjama.engines.base import usable_cores
    from tarjama.engines.llama_engine import LlamaChatBackend

    threads = threads or usable_cores()
    load = list(os.getloadavg())
    backend = LlamaChatBackend(gguf, n_ctx=4096, threads=threads)
    try:
        prompts = sequence_prompts(backend, article, max(sequences))
        model = backend.llm._model.model
        decode_round(model, prompts[:1], 4, threads)  # warm-up: the weights paged in
        rounds: dict[int, list[dict[str, Any]]] = {n: [] for n in sequences}
        order = list(sequences)
        for r in range(repeats):
            for n in order[r % len(order) :] + order[: r % len(order)]:
                rounds[n].append(decode_round(model, prompts[:n], steps, threads))
    finally:
        backend.close()
    rows = []
    for n in sequences:
        runs = rounds[n]
        rows.append(
            {
                "sequences": n,
                "decode_tokens_per_s": statistics.median(x["decode_tokens_per_s"] for x in runs),
                "prefill_tokens_per_s": statistics.median(x["prefill_tokens_per_s"] for x in runs),
                "prompt_tokens": runs[0]["prompt_tokens"],
                "generated_tokens": runs[0]["generated_tokens"],
                "round_s": statistics.median(x["prefill_s"] + x["decode_s"] for x in runs),
                "runs": runs,
            }
        )
    for row in rows:
        row["decode_speedup"] = row["decode_tokens_per_s"] / rows[0]["decode_tokens_per_s"]
    return {
        "gguf": gguf.name,
        "threads": threads,
        "steps": steps,
        "repeats": repeats,
        "load_average_at_start": load,
        "load_average_at_end": list(os.getloadavg()),
        "rows": rows,
    }


def main() -> None:
    """``python -m tarjama.evaluate.bench_sequences``: measure, print and save the JSON."""
    from tarjama.evaluate.bench_models import default_gguf

    parser = argparse.ArgumentParser(description="llama.cpp decode speed by sequences at once")
    parser.add_argument("--gguf", type=Path, default=None, help="default: the default model")
    parser.add_argument("--article", type=Path, required=True)
    parser.add_argument("--sequences", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--tokens", type=int, default=64, help="decode steps per sequence")
    parser.add_argument("--threads", type=int, default=0, help="0: every core")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="folder for llama-sequences.json")
    args = parser.parse_args()
    gguf = args.gguf or default_gguf()
    if gguf is None:
        raise SystemExit("no GGUF model: install the default model or pass --gguf")
    result = measure_sequences(
        gguf, args.article, sequences=tuple(args.sequences), steps=args.tokens,
        threads=args.threads, repeats=args.repeats,
    )  # fmt: skip
    text = json.dumps(result, indent=2)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "llama-sequences.json").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
