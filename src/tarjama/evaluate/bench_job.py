"""The corpus-job benchmark (``tarjama bench job``, ``make bench-job``): how fast is a job?

Issue 10 promises that a job beats today's ``tarjama translate DIR`` and that Ray on one
machine comes close to the best local run, so the same corpus goes through each of them, each a
fresh process timed from start to exit (start-up and model load included: what a user waits
for) and a fresh OUT:

(a) ``tarjama translate DIR``, (b) ``tarjama job run`` with one worker, (c) two workers × one
thread, (d) ``--ray`` on this machine, then (b) again with everything done. The corpus is
2,000 documents of UN-pool lines; the model is the speed benchmark's random-weight Marian in
CTranslate2 int8 (:mod:`.bench_models`), installed in a home of the benchmark's own with the
output length real English needs (random weights never say "end of sentence"). Every run's
output tree is compared with (b)'s, so a faster run is seen to have done the same work.

The chat half: the default chat model's documents per hour on copies of the example article
through a job, and whether llama.cpp decodes faster with several sequences at once
(:mod:`.bench_sequences`). A figure taken while other programs fill the CPU says little, so each
measurement first waits (up to a limit) for the load average to fall, and records it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "JobBenchPlan",
    "build_corpus",
    "install_bench_model",
    "run_job_benchmark",
    "same_outputs",
    "wait_for_quiet",
]

logger = logging.getLogger(__name__)

MODEL_NAME = "bench-marian"
_CLI = [sys.executable, "-m", "tarjama.cli"]
_POOL_FILES = ("un.dev.ar", "tico19.dev.ar", "ud-pud.ar")


@dataclass(frozen=True)
class JobBenchPlan:
    """What to measure. :meth:`quick_plan` runs in about a minute (for tests)."""

    documents: int = 2000
    lines_per_document: int = 4
    size: str = "base"
    threads: int = 2
    ray: bool = True
    local: bool = True  # False: only the chat-model runs
    chat_copies: int = 20  # 0: no chat-model run
    chat_sequences: tuple[int, ...] = (1, 2, 4)  # () : no llama.cpp sequence measurement
    max_load: float | None = 1.5  # wait for the 1-minute load average to fall under this
    wait_s: float = 1800.0  # ... for at most this long, then measure anyway (and say so)
    timeout_s: float = 7200.0  # one configuration
    seed: int = 0
    quick: bool = False

    @classmethod
    def quick_plan(cls) -> JobBenchPlan:
        """A tiny model, a few dozen short documents, no Ray, no chat model, no waiting."""
        return cls(
            documents=24,
            lines_per_document=2,
            size="tiny",
            threads=1,
            ray=False,
            chat_copies=0,
            chat_sequences=(),
            max_load=None,
            timeout_s=600.0,
            quick=True,
        )


# ---------------------------------------------------------------- corpus and model


def build_corpus(
    pool: Path, dst: Path, documents: int, lines_per_document: int, seed: int = 0
) -> dict[str, Any]:
    """Write ``documents`` text files (``NNN/doc-NNNNN.txt``, a hundred to a folder), each
    ``lines_per_document`` paragraphs of Arabic pool lines taken in a seeded shuffled order."""
    lines: list[str] = []
    for name in _POOL_FILES:
        path = pool / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            lines += [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        from tarjama.errors import InputError

        raise InputError(f"no Arabic pool lines in {pool} ({', '.join(_POOL_FILES)})")
    random.Random(seed).shuffle(lines)
    if dst.exists():
        shutil.rmtree(dst)
    total = 0
    for i in range(documents):
        start = i * lines_per_document
        paragraphs = [lines[(start + j) % len(lines)] for j in range(lines_per_document)]
        path = dst / f"{i // 100:03d}" / f"doc-{i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        total += sum(len(p) for p in paragraphs)
    return {
        "path": str(dst),
        "documents": documents,
        "lines_per_document": lines_per_document,
        "pool_lines": len(lines),
        "characters": total,
        "seed": seed,
    }


def install_bench_model(home: Path, ct2_dir: Path, output_tokens: int) -> str:
    """Install ``ct2_dir`` in ``home``'s model store with a fixed output length; its name.

    The store's manifest carries engine options, so ``translate``, ``job run`` and every
    worker and Ray actor open the model alike without an option of their own.
    """
    from tarjama.models.store import build_manifest, file_record, model_dir, write_manifest
    from tarjama.settings import Settings

    folder = model_dir(MODEL_NAME, Settings.model_validate({"home": home}))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    names = sorted(p.name for p in ct2_dir.iterdir() if p.is_file())
    for name in names:
        shutil.copy2(ct2_dir / name, folder / name)
    manifest = build_manifest(
        MODEL_NAME,
        engine="ctranslate2",
        format="ctranslate2",
        family="marian",
        source={"type": "path", "path": str(ct2_dir)},
        main_file="model.bin",
        files=[file_record(folder, name) for name in names],
        options={"max_decoding_length": output_tokens},
    )
    write_manifest(folder, manifest)
    return MODEL_NAME


# ---------------------------------------------------------------- measuring


def wait_for_quiet(
    max_load: float | None,
    limit_s: float,
    *,
    say: Callable[[str], None] | None = None,
    poll_s: float = 15.0,
) -> dict[str, Any]:
    """Wait until the 1-minute load average is under ``max_load`` (at most ``limit_s``); what
    the load was when the wait ended, and whether it was quiet."""
    started = time.monotonic()
    load = os.getloadavg()[0]
    told = False
    while max_load is not None and load >= max_load and time.monotonic() - started < limit_s:
        if say is not None and not told:
            say(f"waiting for the load average ({load:.2f}) to fall under {max_load}")
            told = True
        time.sleep(poll_s)
        load = os.getloadavg()[0]
    return {
        "load_1min": round(load, 2),
        "quiet": max_load is None or load < max_load,
        "waited_s": round(time.monotonic() - started, 1),
    }


def _timed(command: Sequence[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run ``command`` to its end; wall seconds, exit code, and its JSON summary if it printed
    one (``job run --json``)."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            list(command), capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {"seconds": round(seconds, 3), "exit": done.returncode}
    text = done.stdout.strip()
    if text.startswith("{"):
        with contextlib.suppress(json.JSONDecodeError):
            result["summary"] = json.loads(text)
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        result["error"] = f"exit {done.returncode}: {tail}"
        logger.warning("%s failed: %s", " ".join(command[3:5]), tail)
    return result


def _outputs(root: Path) -> dict[str, bytes]:
    from tarjama.jobs.manifest import STATE_FOLDER

    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not path.relative_to(root).parts[0].startswith(".")
        and STATE_FOLDER not in path.parts
    }  # fmt: skip


def same_outputs(a: Path, b: Path) -> dict[str, int]:
    """How many output files of tree ``a`` are byte for byte those of tree ``b``."""
    left, right = _outputs(a), _outputs(b)
    same = sum(1 for name, data in left.items() if right.get(name) == data)
    return {"files": len(left), "reference_files": len(right), "identical": same}


def _cli_has(env: dict[str, str], *words: str) -> bool:
    done = subprocess.run(
        [*_CLI, *words[:-1], "--help"], capture_output=True, text=True, env=env, check=False
    )
    return words[-1] in done.stdout


# ---------------------------------------------------------------- the benchmark


def run_job_benchmark(
    out_dir: Path,
    *,
    plan: JobBenchPlan | None = None,
    data_dir: Path | None = None,
    model_dir: Path | None = None,
    chat_model: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Build the corpus and the model, time every configuration, write ``bench-job.json`` and
    ``bench-job.md`` to ``out_dir`` and return the results.

    Models are built in ``model_dir`` (default ``out_dir/models``) and reused. ``chat_model``
    defaults to the installed default model's GGUF (skipped when there is none).
    """
    from tarjama.evaluate.bench_job_report import derive, write_job_report
    from tarjama.evaluate.bench_models import find_data, output_length, prepare_model
    from tarjama.evaluate.bench_report import machine_info

    plan = plan or JobBenchPlan()
    say = progress or (lambda message: logger.info("%s", message))
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {"schema": 1, "plan": asdict(plan), "machine": machine_info()}
    results["machine"]["lscpu"] = _lscpu()
    data = find_data(data_dir)
    say(f"building the random-weight {plan.size} Marian model")
    model = prepare_model(model_dir or out_dir / "models", plan.size, pool=data.pool)
    corpus_dir = out_dir / "corpus"
    say(f"writing {plan.documents:,} documents to {corpus_dir}")
    corpus = build_corpus(data.pool, corpus_dir, plan.documents, plan.lines_per_document, plan.seed)
    pool_ar = (data.pool / "un.dev.ar").read_text(encoding="utf-8").splitlines()[:400]
    pool_en = (data.pool / "un.dev.en").read_text(encoding="utf-8").splitlines()[:400]
    tokens = output_length(model, pool_en, pool_ar)
    home = out_dir / "home"
    name = install_bench_model(home, model.ct2_dir, tokens)
    results["model"] = {**model.to_dict(), "installed_as": name, "output_tokens": tokens}
    results["corpus"] = corpus
    env = {**os.environ, "TARJAMA_HOME": str(home), "TOKENIZERS_PARALLELISM": "false"}
    results["local"] = _local_runs(out_dir, corpus_dir, name, plan, env, say) if plan.local else {}
    results["chat"] = _chat_runs(out_dir, data.article, chat_model, plan, say)
    results["total_s"] = round(time.perf_counter() - started, 1)
    derive(results)
    results["files"] = write_job_report(results, out_dir)
    return results


def _local_runs(
    out_dir: Path,
    corpus: Path,
    model: str,
    plan: JobBenchPlan,
    env: dict[str, str],
    say: Callable[[str], None],
) -> dict[str, Any]:
    runs_dir = out_dir / "runs"
    if runs_dir.exists():
        shutil.rmtree(runs_dir)
    runs_dir.mkdir(parents=True)
    threads = str(plan.threads)
    job = [*_CLI, "job", "run", str(corpus), "--model", model, "--json", "--quiet"]
    configs: list[tuple[str, str, list[str]]] = [
        ("translate", "(a) tarjama translate DIR",
         [*_CLI, "translate", str(corpus), "-o", str(runs_dir / "translate"), "--model", model,
          "--threads", threads, "--no-memory", "--quiet"]),
        ("job-1", "(b) job, 1 worker",
         [*job, "-o", str(runs_dir / "job-1"), "--workers", "1", "--threads", threads]),
        ("rerun", "(b) again, everything done",
         [*job, "-o", str(runs_dir / "job-1"), "--workers", "1", "--threads", threads]),
        ("job-2x1", "(c) job, 2 workers × 1 thread",
         [*job, "-o", str(runs_dir / "job-2x1"), "--workers", "2", "--threads", "1"]),
    ]  # fmt: skip
    rows: dict[str, Any] = {}
    if plan.ray:
        if _cli_has(env, "job", "run", "--ray"):
            configs.append(
                ("ray", "(d) job on Ray, this machine, 2 actors × 1 thread",
                 [*job, "-o", str(runs_dir / "ray"), "--ray", "local", "--workers", "2",
                  "--threads", "1"])
            )  # fmt: skip
        else:
            rows["ray"] = {"label": "(d) job on Ray", "skipped": "tarjama job run has no --ray"}
    say("warm-up: one document, so the model files and modules are in the page cache")
    warm = corpus / "000" / "doc-00000.txt"
    _timed([*_CLI, "translate", str(warm), "-o", str(runs_dir / "warm-up.txt"), "--model", model,
            "--no-memory", "--quiet"], env, plan.timeout_s)  # fmt: skip
    for key, label, command in configs:
        load = wait_for_quiet(plan.max_load, plan.wait_s, say=say)
        say(f"{label}: {' '.join(command[3:])}")
        row: dict[str, Any] = {"label": label, "command": _shown(command), "load_before": load}
        row.update(_timed(command, env, plan.timeout_s))
        row["load_after"] = round(os.getloadavg()[0], 2)
        rows[key] = row
    if rows.get("rerun", {}).get("exit") == 0:
        say("(b) once more, everything done, timing run_job() alone")
        rows["rerun"]["in_process"] = _rerun_in_process(
            corpus, runs_dir / "job-1", model, plan, env
        )
    reference = runs_dir / "job-1"
    for key in ("translate", "job-2x1", "ray"):
        if key in rows and "skipped" not in rows[key]:
            rows[key]["same_as_job_1"] = same_outputs(runs_dir / key, reference)
    return rows


_RERUN = """
import json, sys, time
started = time.perf_counter()
from tarjama.jobs import JobSpec, run_job
imported = time.perf_counter() - started
spec = JobSpec(**json.loads(sys.argv[1]))
started = time.perf_counter()
summary = run_job(spec)
print(json.dumps({"import_s": imported, "run_job_s": time.perf_counter() - started,
                  "run": summary.run}))
"""


def _rerun_in_process(
    corpus: Path, out: Path, model: str, plan: JobBenchPlan, env: dict[str, str]
) -> dict[str, Any]:
    """A rerun of the done job (b) as ``run_job`` alone: planning, the manifest and the
    summary, without the interpreter's start and imports, which no corpus size changes."""
    from tarjama.jobs import JobSpec

    spec = JobSpec(
        sources=(str(corpus.resolve()),),
        output=str(out.resolve()),
        model=model,
        threads=plan.threads,
    )  # the spec ``tarjama job run`` builds for (b)
    command = [sys.executable, "-c", _RERUN, json.dumps(spec.to_dict())]
    done = _timed(command, env, plan.timeout_s)
    return {**done.pop("summary", {}), **done}


def _chat_runs(
    out_dir: Path,
    article: Path,
    chat_model: Path | None,
    plan: JobBenchPlan,
    say: Callable[[str], None],
) -> dict[str, Any]:
    from tarjama.evaluate.bench_models import default_gguf

    if plan.chat_copies <= 0 and not plan.chat_sequences:
        return {"skipped": "not asked for"}
    gguf = chat_model or default_gguf()
    if gguf is None or not gguf.is_file():
        return {"skipped": f"no GGUF chat model ({gguf or 'the default model is not installed'})"}
    if not article.is_file():
        return {"skipped": f"{article} not found"}
    chat_dir = out_dir / "chat"
    if chat_dir.exists():
        shutil.rmtree(chat_dir)
    chat_dir.mkdir(parents=True)
    results: dict[str, Any] = {"model": gguf.name, "article": str(article)}
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    if plan.chat_sequences:
        load = wait_for_quiet(plan.max_load, plan.wait_s, say=say)
        say(f"llama.cpp: decoding {', '.join(map(str, plan.chat_sequences))} sequences together")
        command = [
            sys.executable, "-m", "tarjama.evaluate.bench_sequences", "--gguf", str(gguf),
            "--article", str(article), "--out", str(chat_dir), "--threads", str(plan.threads),
            "--sequences", *map(str, plan.chat_sequences),
        ]  # fmt: skip
        row = {"command": _shown(command), "load_before": load, **_timed(command, env, 3600)}
        saved = chat_dir / "llama-sequences.json"
        if saved.is_file():
            row["result"] = json.loads(saved.read_text(encoding="utf-8"))
        results["sequences"] = row
    if plan.chat_copies > 0:
        corpus = chat_dir / "corpus"
        corpus.mkdir()
        for i in range(plan.chat_copies):
            shutil.copyfile(article, corpus / f"copy-{i:02d}.{article.name}")
        load = wait_for_quiet(plan.max_load, plan.wait_s, say=say)
        command = [
            *_CLI, "job", "run", str(corpus), "-o", str(chat_dir / "run"), "--model", str(gguf),
            "--threads", str(plan.threads), "--json", "--quiet",
        ]  # fmt: skip
        say(f"chat model: {plan.chat_copies} copies of {article.name} (one sequence at a time)")
        row = {"command": _shown(command), "load_before": load, "copies": plan.chat_copies}
        row.update(_timed(command, env, plan.timeout_s))
        row["load_after"] = round(os.getloadavg()[0], 2)
        results["one_sequence"] = row
    return results


def _shown(command: Sequence[str]) -> str:
    """The command as a user would type it (``tarjama …``)."""
    words = list(command)
    if words[:3] == _CLI:
        words = ["tarjama", *words[3:]]
    elif words[:2] == [sys.executable, "-m"]:
        words = ["python", "-m", *words[2:]]
    return " ".join(words)


def _lscpu() -> dict[str, str]:
    """``lscpu``'s model name and flags (the SIMD a CTranslate2 or llama.cpp kernel uses)."""
    try:
        text = subprocess.run(
            ["lscpu"], capture_output=True, text=True, check=False, timeout=10
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    found = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "Flags", "L3 cache"):
            found[key.strip()] = value.strip()
    return found
