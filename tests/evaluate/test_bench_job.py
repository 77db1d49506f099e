"""The corpus-job benchmark, run once in its quick form (tiny model, two dozen documents).

Nothing here asserts a speed: the tests check that every configuration really ran the whole
corpus through a real ``tarjama`` process, that the runs did the same work (byte-identical
outputs), that the rerun did nothing, and that the report holds every figure it promises.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tarjama.evaluate.bench_job import build_corpus, same_outputs, wait_for_quiet
from tarjama.evaluate.bench_job_report import JOB_TARGETS
from tarjama.evaluate.bench_sequences import decode_round, sequence_prompts


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> dict[str, Any]:
    """``tarjama bench job --quick``, as a user runs it."""
    out = tmp_path_factory.mktemp("bench-job")
    env = {**os.environ, "TARJAMA_DATA": str(shared_dir / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "tarjama.cli", "bench", "job", "--quick", "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"results: {out / 'bench-job.md'}" in " ".join(done.stderr.split())
    saved = json.loads((out / "bench-job.json").read_text(encoding="utf-8"))
    return {"out": out, "json": saved, "log": done.stderr}


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


@pytest.mark.slow
def test_every_local_configuration_translates_the_whole_corpus(bench: dict[str, Any]) -> None:
    local = bench["json"]["local"]
    documents = bench["json"]["corpus"]["documents"]
    assert set(local) == {"translate", "job-1", "rerun", "job-2x1"}  # no Ray in a quick run
    for key in ("translate", "job-1", "job-2x1"):
        row = local[key]
        assert row["exit"] == 0, row.get("error")
        assert _positive(row["seconds"]) and _positive(row["documents_per_s"])
        assert _positive(row["segments_per_s"])
    for key in ("job-1", "job-2x1"):
        summary = local[key]["summary"]
        assert summary["done"] == documents and summary["failed"] == 0
        assert summary["run"]["documents"] == documents
        assert summary["run"]["segments"] == local["job-1"]["segments"] > documents
    assert local["job-2x1"]["summary"]["run"]["workers"] == 2
    translated = list((bench["out"] / "runs" / "translate").rglob("*.txt"))
    assert len(translated) == documents


@pytest.mark.slow
def test_the_runs_did_the_same_work(bench: dict[str, Any]) -> None:
    """Same model, same corpus: (a) and (c) wrote (b)'s English byte for byte."""
    local = bench["json"]["local"]
    documents = bench["json"]["corpus"]["documents"]
    for key in ("translate", "job-2x1"):
        same = local[key]["same_as_job_1"]
        assert same == {"files": documents, "reference_files": documents, "identical": documents}


@pytest.mark.slow
def test_the_rerun_does_nothing_and_is_timed_both_ways(bench: dict[str, Any]) -> None:
    rerun = bench["json"]["local"]["rerun"]
    assert rerun["exit"] == 0
    assert rerun["engine_segments"] == 0 and rerun["model_opened"] is False
    alone = rerun["in_process"]
    assert alone["exit"] == 0 and alone["run"]["planned"] == 0
    assert _positive(alone["run_job_s"]) and alone["run_job_s"] < rerun["seconds"]
    assert _positive(rerun["run_job_per_10k_documents_s"])
    assert _positive(rerun["per_10k_documents_s"])


@pytest.mark.slow
def test_the_report_has_targets_commands_and_machine(bench: dict[str, Any]) -> None:
    saved, out = bench["json"], bench["out"]
    assert saved["files"] == {"json": "bench-job.json", "markdown": "bench-job.md"}
    targets = {t["name"]: t for t in saved["targets"]}
    assert set(targets) == set(JOB_TARGETS)
    assert targets["ray_vs_best_local"]["passed"] is None  # not measured without Ray
    assert _positive(targets["job_vs_translate"]["value"])
    assert isinstance(targets["rerun_per_10k"]["passed"], bool)
    assert saved["machine"]["lscpu"]["Model name"]
    assert saved["model"]["output_tokens"] > 0 and saved["model"]["installed_as"]
    markdown = (out / "bench-job.md").read_text(encoding="utf-8")
    for text in ("Quick run", "## Targets", "## Runs", "tarjama translate", "tarjama job run",
                 "--workers 2", "run_job() alone", "## The default chat model"):  # fmt: skip
        assert text in markdown, text
    for row in saved["local"].values():
        assert isinstance(row["load_before"]["load_1min"], float)


def test_the_corpus_is_deterministic_and_shaped_as_asked(tmp_path: Path, shared_dir: Path) -> None:
    pool = shared_dir / "data" / "pool"
    first = build_corpus(pool, tmp_path / "a", 150, 3, seed=7)
    build_corpus(pool, tmp_path / "b", 150, 3, seed=7)
    other = build_corpus(pool, tmp_path / "c", 150, 3, seed=8)
    files = sorted((tmp_path / "a").rglob("*.txt"))
    assert len(files) == first["documents"] == 150
    assert {f.parent.name for f in files} == {"000", "001"}  # a hundred to a folder
    paragraphs = files[0].read_text(encoding="utf-8").strip().split("\n\n")
    assert len(paragraphs) == 3 and all(p.strip() for p in paragraphs)
    assert same_outputs(tmp_path / "a", tmp_path / "b")["identical"] == 150
    assert same_outputs(tmp_path / "a", tmp_path / "c")["identical"] < 150
    assert first["characters"] > 0 and first["characters"] != other["characters"]


def test_waiting_for_quiet_returns_at_once_when_not_asked_or_already_quiet() -> None:
    assert wait_for_quiet(None, 60)["quiet"] is True
    quiet = wait_for_quiet(1e9, 60)
    assert quiet["quiet"] is True and quiet["waited_s"] < 5
    busy = wait_for_quiet(0.0, 0.0)  # never under zero: gives up at once, and says so
    assert busy["quiet"] is False


@pytest.mark.slow
def test_several_sequences_decode_together(gemma_gguf: Path, shared_dir: Path) -> None:
    """The llama.cpp measurement on a real (tiny) GGUF: every sequence gets every token."""
    from tarjama.engines.llama_engine import LlamaChatBackend

    backend = LlamaChatBackend(gemma_gguf, n_ctx=2048, threads=1)
    try:
        article = shared_dir / "examples" / "article-01.ar.txt"
        prompts = sequence_prompts(backend, article, 2)
        assert prompts[0] != prompts[1] and all(len(p) > 50 for p in prompts)
        model = backend.llm._model.model
        for n in (1, 2):
            row = decode_round(model, prompts[:n], 4, 1)
            assert row["sequences"] == n and row["generated_tokens"] == 4 * n
            assert row["prompt_tokens"] == sum(len(p) for p in prompts[:n])
            assert _positive(row["decode_tokens_per_s"]) and _positive(row["prefill_s"])
    finally:
        backend.close()


@pytest.mark.parametrize("name", ["bench_job", "bench_job_report", "bench_sequences"])
def test_modules_document_their_public_names(name: str) -> None:
    module = importlib.import_module(f"tarjama.evaluate.{name}")
    assert module.__doc__
    for item in module.__all__:
        obj = getattr(module, item)
        if callable(obj):
            assert obj.__doc__, item
