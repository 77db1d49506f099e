"""Speed benchmarks: is tarjama fast, and does tarjama itself cost anything?

Four questions, answered on the machine at hand and written to ``bench.json``, ``bench.md`` and
PNG plots (:mod:`tarjama.evaluate.bench_report`):

1. How much faster is CTranslate2 (int8) than Hugging Face ``generate`` (fp32) on the very same
   Marian weights (transformer-base and -big, random weights, :mod:`.bench_models`)? Both decode
   to a fixed number of tokens, so both do exactly the same work.
2. How much does tarjama's pipeline (read, segment, mask, batch, restore, post-edit, render)
   cost over raw ``ctranslate2.Translator.translate_batch`` on the same sentences?
3. The same for the llama.cpp engine against raw llama-cpp-python ``generate``.
4. How long does the example article take end to end, in a fresh process?

Every measurement runs in a fresh Python process, one per configuration, so thread settings
start clean and each peak resident set size belongs to one configuration only.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tarjama.evaluate.bench_workers import MARK

__all__ = ["BenchPlan", "run_benchmarks"]

logger = logging.getLogger(__name__)

_WORKER = "from tarjama.evaluate.bench_workers import worker_main; worker_main()"

_ENGINES = ("ctranslate2", "transformers")


@dataclass(frozen=True)
class BenchPlan:
    """What to measure. :meth:`quick_plan` is a tiny plan that runs in seconds (for tests)."""

    sizes: tuple[str, ...] = ("base", "big")
    threads: tuple[int, ...] = (1, 2)
    batch_sizes: tuple[int, ...] = (1, 8, 32)
    beam_sizes: tuple[int, ...] = (1,)
    sentences: int = 64  # FLORES dev lines per engine configuration
    output_tokens: int | None = None  # None: as many as the English references need
    seconds_per_config: float = 60.0  # a configuration stops after the batch that crosses this
    pipeline_sentences: int = 200
    pipeline_repeats: int = 3
    llama_sentences: int = 4
    llama_repeats: int = 2
    article_size: str = "base"
    quick: bool = False

    @classmethod
    def quick_plan(cls) -> BenchPlan:
        """Tiny model, one thread, 8 sentences of 8 tokens: the machinery, not the speed."""
        return cls(
            sizes=("tiny",),
            threads=(1,),
            batch_sizes=(1, 4),
            sentences=8,
            output_tokens=8,
            seconds_per_config=10.0,
            pipeline_sentences=8,
            pipeline_repeats=1,
            llama_sentences=1,
            llama_repeats=1,
            article_size="tiny",
            quick=True,
        )


# ---------------------------------------------------------------- in the worker process

# ---------------------------------------------------------------- in the parent process


def _run_worker(job: dict[str, Any], timeout: float = 3600) -> dict[str, Any]:
    """Run ``job`` in a fresh interpreter; a failure becomes an ``error`` entry, not a crash."""
    threads = str(job.get("threads", ""))
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    env.update({"OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads} if threads else {})
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _WORKER],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    process_s = time.perf_counter() - start
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(MARK):
            return {**json.loads(line[len(MARK) :]), "process_s": process_s}
    tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-5:])
    logger.warning("benchmark job %s failed: %s", job["kind"], tail)
    return {"error": f"exit {done.returncode}: {tail}"}


def run_benchmarks(
    out_dir: Path,
    *,
    sizes: Sequence[str] = ("base", "big"),
    threads: Sequence[int] = (1, 2),
    batch_sizes: Sequence[int] = (1, 8, 32),
    beam_sizes: Sequence[int] = (1,),
    llama_model: Path | None = None,
    article: Path | None = None,
    data_dir: Path | None = None,
    model_dir: Path | None = None,
    quick: bool = False,
    progress: Callable[[str], None] | None = None,
    plan: BenchPlan | None = None,
) -> dict[str, Any]:
    """Run every benchmark; write ``bench.json``, ``bench.md`` and PNG plots to ``out_dir``.

    ``quick=True`` swaps in :meth:`BenchPlan.quick_plan` (a tiny model, a few sentences): it
    proves the machinery in well under a minute, its numbers say nothing about speed. A given
    ``plan`` overrides both. ``llama_model`` defaults to the installed default model (skipped
    when there is none, and in a quick run); ``article`` to the shared example article. Models
    are built in ``model_dir`` (default ``out_dir/models``) and reused by later runs.
    ``progress`` is called with a line before each step.
    """
    from tarjama.evaluate.bench_models import default_gguf, find_data, output_length, prepare_model
    from tarjama.evaluate.bench_report import machine_info, write_report
    from tarjama.evaluate.datasets import read_lines

    if plan is None:
        plan = BenchPlan(
            sizes=tuple(sizes),
            threads=tuple(threads),
            batch_sizes=tuple(batch_sizes),
            beam_sizes=tuple(beam_sizes),
        )
        plan = BenchPlan.quick_plan() if quick else plan
    say = progress or (lambda message: logger.info("%s", message))
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {"schema": 1, "quick": plan.quick, "machine": machine_info()}
    data = find_data(data_dir)
    models = {}
    for size in dict.fromkeys((*plan.sizes, plan.article_size)):
        say(f"building the random-weight {size} Marian model")
        models[size] = prepare_model(model_dir or out_dir / "models", size, pool=data.pool)
    results["models"] = {name: model.to_dict() for name, model in models.items()}

    lines, english = data.arabic[: plan.sentences], data.english[: plan.sentences]
    rows: list[dict[str, Any]] = []
    for size in plan.sizes:
        model = models[size]
        length = plan.output_tokens or output_length(model, english, lines)
        grid = itertools.product(plan.threads, plan.beam_sizes, plan.batch_sizes, _ENGINES)
        for n_threads, beam, batch, engine in grid:
            say(f"{size} {engine}: threads={n_threads} batch={batch} beam={beam}")
            config = {
                "size": size,
                "engine": engine,
                "threads": n_threads,
                "batch_size": batch,
                "beam_size": beam,
                "output_tokens": length,
            }
            job: dict[str, Any] = {
                "kind": "engine",
                "hf_dir": str(model.hf_dir),
                "ct2_dir": str(model.ct2_dir),
            }
            job.update(sentences=lines, seconds_budget=plan.seconds_per_config)
            rows.append({**config, **_run_worker({**config, **job})})
    results["engines"] = rows

    top, base = max(plan.threads), models[plan.article_size]
    pipe = data.arabic[: plan.pipeline_sentences]
    pipe_length = plan.output_tokens or output_length(base, data.english[: len(pipe)], pipe)
    say(f"pipeline overhead: {len(pipe)} FLORES lines, {base.size.name} model")
    setting = {"size": base.size.name, "threads": top, "output_tokens": pipe_length}
    job = {"kind": "pipeline", "ct2_dir": str(base.ct2_dir), "sentences": pipe}
    job.update(setting, repeats=plan.pipeline_repeats)
    results["pipeline"] = {**setting, **_run_worker(job)}

    # A quick run never falls back to the default model: a 1.5B model takes minutes, not seconds.
    gguf = llama_model or (None if plan.quick else default_gguf())
    if gguf is None or not Path(gguf).is_file():
        why = "a quick run needs llama_model" if plan.quick and gguf is None else "none installed"
        results["llama"] = {"skipped": f"no GGUF model ({gguf or why})"}
    else:
        # A quick run takes the shortest of the first lines: the point is the path, not speed.
        picked = data.arabic[: plan.llama_sentences]
        if plan.quick:
            picked = sorted(data.arabic[:20], key=len)[: plan.llama_sentences]
        say(f"llama.cpp: {Path(gguf).name}, {len(picked)} sentences")
        job = {"kind": "llama", "gguf": str(gguf), "threads": top, "sentences": picked}
        results["llama"] = {"threads": top, **_run_worker({**job, "repeats": plan.llama_repeats})}

    article = article or data.article
    if not article.is_file():
        results["article"] = {"skipped": f"{article} not found"}
    else:
        reference = article.with_name(article.name.replace(".ar.", ".en."))
        length = plan.output_tokens or pipe_length
        if not plan.output_tokens and reference != article and reference.is_file():
            paragraphs = [line for line in read_lines(article) if line.strip()]
            length = output_length(base, read_lines(reference), paragraphs)
        say(f"article end to end: {article.name}, {base.size.name} model")
        setting = {"size": base.size.name, "threads": top, "output_tokens": length}
        job = {"kind": "article", "ct2_dir": str(base.ct2_dir), "article": str(article), **setting}
        results["article"] = {"path": str(article), **setting, **_run_worker(job)}

    results["plan"] = asdict(plan)
    results["total_s"] = time.perf_counter() - started
    results["files"] = write_report(results, out_dir)
    return results
