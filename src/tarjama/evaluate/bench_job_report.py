"""The corpus-job benchmark's results as files: ``bench-job.json`` and ``bench-job.md``.

Rates are derived here from the raw timings the runs recorded, and issue 10's targets are
checked here, never in tests: a test machine's speed is nobody's contract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["JOB_TARGETS", "derive", "job_targets", "write_job_report"]

# name -> (threshold, what it means)
JOB_TARGETS: dict[str, tuple[float, str]] = {
    "job_vs_translate": (
        2.0,
        "(b) a job with 1 worker ≥ 2× (a) tarjama translate DIR, documents/s",
    ),
    "ray_vs_best_local": (0.8, "(d) --ray on this machine ≥ 80 % of the best local documents/s"),
    "rerun_per_10k": (
        2.0,
        "a rerun with everything done < 2 s per 10,000 documents (run_job: planning, manifest, "
        "summary; not the fixed interpreter start and imports)",
    ),
}
_LOCAL = ("translate", "job-1", "job-2x1", "ray")


def derive(results: dict[str, Any]) -> None:
    """Documents/s and segments/s for every run, the rerun per 10,000 documents, documents per
    hour of the chat model; in place."""
    documents = results["corpus"]["documents"]
    local = results["local"]
    segments = _segments(local)
    for key in _LOCAL:
        row = local.get(key, {})
        if "seconds" not in row or row.get("exit"):
            continue
        row["documents_per_s"] = documents / row["seconds"]
        if segments:
            row["segments"] = segments
            row["segments_per_s"] = segments / row["seconds"]
        ran = row.get("summary", {}).get("run", {})
        if ran.get("seconds"):
            row["in_run_documents_per_s"] = ran.get("documents", 0) / ran["seconds"]
    rerun = local.get("rerun", {})
    if "seconds" in rerun and not rerun.get("exit"):
        rerun["per_10k_documents_s"] = rerun["seconds"] * 10_000 / documents
        ran = rerun.get("summary", {}).get("run", {})
        rerun["engine_segments"] = ran.get("engine_segments")
        rerun["model_opened"] = ran.get("model_opened")
        alone = rerun.get("in_process", {})
        if alone.get("run_job_s") is not None:
            rerun["run_job_per_10k_documents_s"] = alone["run_job_s"] * 10_000 / documents
    chat = results.get("chat", {})
    one = chat.get("one_sequence", {})
    if "seconds" in one and not one.get("exit"):
        one["documents_per_hour"] = one["copies"] * 3600 / one["seconds"]
    results["targets"] = job_targets(results)


def _segments(local: dict[str, Any]) -> int | None:
    """Segments of the corpus, as the first job counted them (every run has the same)."""
    ran = local.get("job-1", {}).get("summary", {}).get("run", {})
    count = ran.get("segments")
    return int(count) if isinstance(count, int) and count > 0 else None


def job_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """PASS/FAIL against :data:`JOB_TARGETS`; what was not measured is ``passed: None``."""
    local = results["local"]
    rate = {key: local.get(key, {}).get("documents_per_s") for key in _LOCAL}
    best = max((rate[k] for k in ("translate", "job-1", "job-2x1") if rate[k]), default=None)
    values = {
        "job_vs_translate": rate["job-1"] / rate["translate"]
        if rate["job-1"] and rate["translate"]
        else None,
        "ray_vs_best_local": rate["ray"] / best if rate["ray"] and best else None,
        "rerun_per_10k": local.get("rerun", {}).get("run_job_per_10k_documents_s"),
    }
    rows = []
    for name, (threshold, description) in JOB_TARGETS.items():
        value = values[name]
        passed = None
        if value is not None:
            passed = value < threshold if name == "rerun_per_10k" else value >= threshold
        rows.append({"name": name, "description": description, "threshold": threshold,
                     "value": value, "passed": passed})  # fmt: skip
    return rows


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return [*lines, *("| " + " | ".join(str(c) for c in row) + " |" for row in rows), ""]


def _markdown(results: dict[str, Any]) -> str:
    machine, plan = results["machine"], results["plan"]
    lscpu = machine.get("lscpu", {})
    corpus, model = results["corpus"], results["model"]
    out = ["# tarjama corpus-job benchmark", ""]
    if plan["quick"]:
        out += ["> **Quick run** (tiny model, few documents): it checks the machinery; the "
                "numbers say nothing about real speed.", ""]  # fmt: skip
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items() if v)
    out += [
        f"{machine['date']} · {lscpu.get('Model name', machine['cpu'])} · "
        f"{machine['usable_cores']} usable cores · {machine['ram_gib']} GiB RAM · "
        f"SIMD: {', '.join(machine['cpu_flags']) or 'no AVX2'}",
        "", versions, "", f"Total run time: {results['total_s'] / 60:.1f} min", "",
        f"Corpus: {corpus['documents']:,} documents of {corpus['lines_per_document']} UN-pool "
        f"lines each ({corpus['characters']:,} characters, seed {corpus['seed']}); model: the "
        f"random-weight {model['name']} Marian ({model['parameters'] / 1e6:.1f} M parameters) in "
        f"CTranslate2 int8, {model['output_tokens']} target tokens per segment.",
        "",
        "Each configuration is a fresh process with a fresh OUT, timed from start to exit "
        "(imports and model load included). Cached: the model files and Python modules were in "
        "the page cache (a one-document warm-up ran first); no translation memory "
        "(`--no-memory`; jobs keep none).",
        "",
    ]  # fmt: skip
    out += ["## Targets", ""]
    units = {"job_vs_translate": "{:.2f}×", "ray_vs_best_local": "{:.0%}",
             "rerun_per_10k": "{:.2f} s"}  # fmt: skip
    verdict = {True: "**PASS**", False: "**FAIL**", None: "not measured"}
    out += _table(["target", "measured", "verdict"], [
        [t["description"], "–" if t["value"] is None else units[t["name"]].format(t["value"]),
         verdict[t["passed"]]] for t in results["targets"]
    ])  # fmt: skip
    out += ["## Runs", ""]
    rows = []
    for key in (*_LOCAL, "rerun"):
        row = results["local"].get(key)
        if row is None:
            continue
        if "skipped" in row:
            rows.append([row["label"], "–", "–", "–", "–", "–", row["skipped"]])
            continue
        same = row.get("same_as_job_1")
        note = row.get("error", "")
        if same:
            note = note or f"{same['identical']:,} of {same['files']:,} outputs = (b)'s"
        if key == "rerun":
            alone = row.get("in_process", {})
            note = note or (
                f"whole command {_f(row.get('per_10k_documents_s'), 2)} s per 10,000 documents; "
                f"run_job() alone {_f(alone.get('run_job_s'), 3)} s "
                f"({_f(row.get('run_job_per_10k_documents_s'), 2)} s per 10,000), imports "
                f"{_f(alone.get('import_s'), 2)} s; {row.get('engine_segments')} segments sent, "
                f"model opened: {row.get('model_opened')}"
            )
        load = f"{row['load_before']['load_1min']:.2f} → {_f(row.get('load_after'), 2)}"
        rows.append([f"{row['label']}<br>`{row['command']}`", _f(row.get("seconds"), 2),
                     _f(row.get("documents_per_s"), 2), _f(row.get("segments_per_s"), 1),
                     _f(row.get("in_run_documents_per_s"), 2), load, note])  # fmt: skip
    header = ["configuration", "wall s", "documents/s", "segments/s", "documents/s in the run",
              "load (1 min) before → after", "notes"]  # fmt: skip
    out += _table(header, rows)
    out += _chat_markdown(results.get("chat", {}))
    return "\n".join(out)


def _chat_markdown(chat: dict[str, Any]) -> list[str]:
    out = ["## The default chat model", ""]
    if "skipped" in chat:
        return [*out, f"Skipped: {chat['skipped']}.", ""]
    sequences = chat.get("sequences", {})
    result = sequences.get("result")
    if result:
        out += [f"llama.cpp decoding several sequences at once ({result['gguf']}, "
                f"{result['threads']} threads, {result['steps']} tokens a sequence, median of "
                f"{result['repeats']}); `{sequences['command']}`", ""]  # fmt: skip
        out += _table(["sequences", "decode tokens/s (all)", "speed-up", "prefill tokens/s"], [
            [r["sequences"], _f(r["decode_tokens_per_s"], 2), f"{r['decode_speedup']:.2f}×",
             _f(r["prefill_tokens_per_s"], 1)] for r in result["rows"]
        ])  # fmt: skip
    elif sequences:
        out += [f"Sequences: {sequences.get('error', 'no result')}", ""]
    one = chat.get("one_sequence")
    if one:
        out += [f"`{one['command']}`", ""]
        out += _table(["decoding", "copies", "wall s", "documents/hour", "load before → after"], [
            ["one sequence at a time", one["copies"], _f(one.get("seconds"), 0),
             _f(one.get("documents_per_hour"), 1),
             f"{one['load_before']['load_1min']:.2f} → {_f(one.get('load_after'), 2)}"]
        ])  # fmt: skip
        if one.get("error"):
            out += [f"Error: {one['error']}", ""]
    return out


def write_job_report(results: dict[str, Any], out_dir: Path) -> dict[str, str]:
    """Write ``bench-job.json`` and ``bench-job.md``; their names."""
    files = {"json": "bench-job.json", "markdown": "bench-job.md"}
    results = {**results, "files": files}
    (out_dir / files["json"]).write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / files["markdown"]).write_text(_markdown(results) + "\n", encoding="utf-8")
    return files
