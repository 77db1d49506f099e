"""The speed benchmark, run once in its quick form (tiny model, a few real FLORES lines, Gemma).

Timings on a test machine are nobody's contract, so nothing here asserts a speed: the tests
check that every file is written, that every number is there, positive and finite, and that
the compared paths really did the same work (the same token counts, the same English).
"""

from __future__ import annotations

import importlib
import json
import math
from pathlib import Path
from typing import Any

import pytest

from tarjama.evaluate.bench import BenchPlan, run_benchmarks
from tarjama.evaluate.bench_models import find_data, prepare_model
from tarjama.evaluate.bench_report import TARGETS, evaluate_targets

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The quick run builds a model and loads a real GGUF (about 30 s on two cores): "slow".


@pytest.fixture(scope="module")
def bench(
    tmp_path_factory: pytest.TempPathFactory, gemma_gguf: Path, shared_dir: Path
) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench")
    steps: list[str] = []
    results = run_benchmarks(
        out,
        quick=True,
        llama_model=gemma_gguf,
        data_dir=shared_dir / "data",
        progress=steps.append,
    )
    saved = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    return {"out": out, "results": results, "json": saved, "steps": steps}


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


@pytest.mark.slow
def test_writes_json_markdown_and_plots(bench: dict[str, Any]) -> None:
    out = bench["out"]
    assert set(bench["json"]["files"].values()) >= {"bench.json", "bench.md"}
    for name in bench["json"]["files"].values():
        assert (out / name).is_file(), name
    pngs = [name for name in bench["json"]["files"].values() if name.endswith(".png")]
    assert {"bench-throughput.png", "bench-memory.png"} <= set(pngs)
    for name in pngs:
        assert (out / name).read_bytes().startswith(PNG_MAGIC)
    markdown = (out / "bench.md").read_text(encoding="utf-8")
    for heading in ("## Targets", "## CTranslate2", "## tarjama pipeline", "## llama.cpp"):
        assert heading in markdown
    assert "Quick run" in markdown
    assert "PASS" in markdown or "FAIL" in markdown
    assert bench["steps"], "progress was never reported"


@pytest.mark.slow
def test_records_the_machine_and_library_versions(bench: dict[str, Any]) -> None:
    machine = bench["json"]["machine"]
    assert machine["cpu"] and machine["date"]
    assert _positive(machine["usable_cores"]) and _positive(machine["ram_gib"])
    for package in ("ctranslate2", "torch", "transformers", "llama-cpp-python"):
        assert machine["versions"][package], package


@pytest.mark.slow
def test_every_engine_configuration_is_measured_with_equal_work(bench: dict[str, Any]) -> None:
    rows = bench["json"]["engines"]
    plan = BenchPlan.quick_plan()
    assert len(rows) == 2 * len(plan.batch_sizes) * len(plan.threads) * len(plan.sizes)
    for row in rows:
        assert "error" not in row, row
        for key in ("tokens_per_s", "sentences_per_s", "seconds", "load_s", "peak_rss_mb"):
            assert _positive(row[key]), (key, row)
        # Fixed-length decoding: every sentence got exactly output_tokens tokens.
        assert row["generated_tokens"] == row["sentences"] * row["output_tokens"]
        assert row["sentences"] == plan.sentences
    compute = {row["engine"]: row["compute_type"] for row in rows}
    assert compute["transformers"] == "float32"
    assert compute["ctranslate2"].startswith("int8")
    comparisons = bench["json"]["comparisons"]
    assert len(comparisons) == len(rows) // 2
    for comparison in comparisons:
        assert _positive(comparison["speedup"])
        assert 0 <= comparison["first_token_agreement"] <= 1


@pytest.mark.slow
def test_pipeline_overhead_compares_the_same_work(bench: dict[str, Any]) -> None:
    pipeline = bench["json"]["pipeline"]
    assert "error" not in pipeline, pipeline
    assert pipeline["segments"] >= pipeline["lines"] > 0
    assert _positive(pipeline["ratio"]) and _positive(pipeline["engine_ratio"])
    assert _positive(pipeline["generated_tokens"])
    for path in ("raw", "engine", "pipeline"):
        assert _positive(pipeline["segments_per_s"][path])
        assert all(_positive(t) for t in pipeline["times"][path])
    assert pipeline["same_output_fraction"] >= 0.5  # raw and engine produced the same English


@pytest.mark.slow
def test_llama_path_replays_the_same_requests(bench: dict[str, Any]) -> None:
    llama = bench["json"]["llama"]
    assert "error" not in llama, llama
    assert llama["requests"] >= 1 and _positive(llama["prompt_tokens"])
    assert llama["generated_tokens"]["raw"] == llama["generated_tokens"]["tarjama"] > 0
    assert _positive(llama["ratio"])
    assert all(_positive(llama["tokens_per_s"][path]) for path in ("raw", "tarjama"))


@pytest.mark.slow
def test_article_runs_end_to_end_in_a_fresh_process(bench: dict[str, Any]) -> None:
    article = bench["json"]["article"]
    assert "error" not in article, article
    assert article["segments"] > 5
    for key in ("end_to_end_s", "import_s", "load_s", "translate_s", "warm_translate_s"):
        assert _positive(article[key]), key
    assert article["end_to_end_s"] > article["translate_s"]


@pytest.mark.slow
def test_every_target_is_checked(bench: dict[str, Any]) -> None:
    targets = {t["name"]: t for t in bench["json"]["targets"]}
    assert set(targets) == set(TARGETS)
    for target in targets.values():
        assert _positive(target["value"]), target
        assert target["passed"] in (True, False)


def test_targets_pass_and_fail_on_the_right_side_of_the_threshold() -> None:
    def results(speedups: list[float], ratio: float, seconds: float) -> dict[str, Any]:
        return {
            "comparisons": [{"size": "base", "speedup": s} for s in speedups],
            "pipeline": {"ratio": ratio},
            "article": {"end_to_end_s": seconds},
        }

    good = {t["name"]: t["passed"] for t in evaluate_targets(results([9.0, 4.0], 0.95, 2.9))}
    assert good == {"ct2_speedup": True, "pipeline_ratio": True, "article_seconds": True}
    bad = {t["name"]: t for t in evaluate_targets(results([9.0, 3.9], 0.94, 3.0))}
    assert not any(t["passed"] for t in bad.values())
    assert bad["ct2_speedup"]["value"] == 3.9  # the slowest configuration decides
    missing = evaluate_targets({"comparisons": [], "pipeline": {}, "article": {}})
    assert all(t["passed"] is None for t in missing)


@pytest.mark.slow
def test_models_are_reused_when_their_shape_matches(
    bench: dict[str, Any], shared_dir: Path
) -> None:
    built = bench["json"]["models"]["tiny"]
    stamp = Path(built["ct2_dir"]) / "model.bin"
    before = stamp.stat().st_mtime_ns
    model = prepare_model(
        Path(built["hf_dir"]).parent.parent, "tiny", pool=find_data(shared_dir / "data").pool
    )
    assert stamp.stat().st_mtime_ns == before
    assert model.vocab_size == built["vocab_size"] > 300


@pytest.mark.parametrize("name", ["bench", "bench_models", "bench_report"])
def test_modules_document_their_public_names(name: str) -> None:
    module = importlib.import_module(f"tarjama.evaluate.{name}")
    assert module.__doc__
    for item in module.__all__:
        obj = getattr(module, item)
        if callable(obj):
            assert obj.__doc__, item
