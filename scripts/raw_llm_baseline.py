"""The raw-model baseline tarjama's LLM pipeline is compared with: one-line prompt, no pipeline.

Translates the first N lines of a line-aligned set with llama-cpp-python's own
``create_chat_completion`` (the GGUF's chat template, greedy) and the prompt
"Translate the following Arabic text to English: <line>", then scores with sacreBLEU.
Run: ``python scripts/raw_llm_baseline.py MODEL.gguf AR EN --limit 200 -o raw.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import sacrebleu
from llama_cpp import Llama


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("ar", type=Path)
    parser.add_argument("en", type=Path)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("-o", "--out", type=Path, default=Path("raw-baseline.jsonl"))
    args = parser.parse_args()
    sources = args.ar.read_text(encoding="utf-8").splitlines()[: args.limit]
    references = args.en.read_text(encoding="utf-8").splitlines()[: args.limit]
    llm = Llama(str(args.model), n_ctx=2048, n_threads=os.cpu_count(), verbose=False)
    outputs: list[str] = []
    started = time.perf_counter()
    with args.out.open("w", encoding="utf-8") as sink:
        for i, source in enumerate(sources):
            prompt = f"Translate the following Arabic text to English: {source}"
            answer = llm.create_chat_completion(
                [{"role": "user", "content": prompt}], temperature=0.0, max_tokens=256
            )
            text = (answer["choices"][0]["message"]["content"] or "").strip()
            text = " ".join(text.split())
            outputs.append(text)
            sink.write(json.dumps({"index": i, "target": text}, ensure_ascii=False) + "\n")
    seconds = time.perf_counter() - started
    chrf = sacrebleu.metrics.CHRF(word_order=2)
    score = chrf.corpus_score(outputs, [references])
    print(json.dumps({
        "lines": len(sources),
        "seconds_per_line": round(seconds / max(1, len(sources)), 2),
        "chrf++": round(score.score, 2),
        "signature": str(chrf.get_signature()),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
