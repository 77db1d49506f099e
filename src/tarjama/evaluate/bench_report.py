"""Benchmark results as files: ``bench.json`` (everything), ``bench.md`` (for people), PNG plots.

A speed number means nothing without the machine and the library versions behind it, so both
are recorded next to the numbers; the targets are checked here, in the report, and never in
tests (a test machine's speed is nobody's contract).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import statistics
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["TARGETS", "evaluate_targets", "machine_info", "write_report"]

# name -> (threshold, what it means)
TARGETS: dict[str, tuple[float, str]] = {
    "ct2_speedup": (4.0, "CTranslate2 int8 ≥ 4× transformers fp32 tokens/s, every base/big config"),
    "pipeline_ratio": (0.95, "tarjama pipeline ≥ 95 % of raw CTranslate2 throughput"),
    "article_seconds": (3.0, "example article end to end (fresh process) < 3 s"),
}
_PACKAGES = ("tarjama", "ctranslate2", "torch", "transformers", "llama-cpp-python",
             "sentencepiece", "numpy", "matplotlib")  # fmt: skip
_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


def machine_info() -> dict[str, Any]:
    """CPU, cores, memory, load and library versions: what the numbers depend on."""
    cpu, flags = platform.processor() or platform.machine(), set[str]()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                cpu = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    except OSError:
        pass
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        ram = None
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for package in _PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu,
        "cpu_flags": [flag for flag in _FLAGS if flag in flags],
        "logical_cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_gib": round(ram, 1) if ram else None,
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "versions": versions,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def _derive(results: dict[str, Any]) -> None:
    """Add throughputs, ratios and comparisons computed from the raw timings."""
    pipe = results.get("pipeline", {})
    if "times" in pipe:
        medians = {name: _median(t) for name, t in pipe["times"].items()}
        pipe["median_s"] = medians
        pipe["segments_per_s"] = {n: pipe["segments"] / s for n, s in medians.items()}
        pipe["raw_tokens_per_s"] = pipe["generated_tokens"] / medians["raw"]
        pipe["ratio"] = medians["raw"] / medians["pipeline"]
        pipe["engine_ratio"] = medians["raw"] / medians["engine"]
    llama = results.get("llama", {})
    if "times" in llama:
        medians = {name: _median(t) for name, t in llama["times"].items()}
        llama["median_s"] = medians
        llama["tokens_per_s"] = {n: llama["generated_tokens"][n] / s for n, s in medians.items()}
        llama["ratio"] = llama["tokens_per_s"]["tarjama"] / llama["tokens_per_s"]["raw"]
    article = results.get("article", {})
    if "process_s" in article:
        article["end_to_end_s"] = article["process_s"] - article["warm_translate_s"]
    pairs: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in results.get("engines", []):
        key = (row["size"], row["threads"], row["batch_size"], row["beam_size"])
        pairs.setdefault(key, {})[row["engine"]] = row
    comparisons = []
    for (size, threads, batch, beam), pair in pairs.items():
        ct2, hf = pair.get("ctranslate2", {}), pair.get("transformers", {})
        if "tokens_per_s" not in ct2 or "tokens_per_s" not in hf:
            continue
        n = min(len(ct2["sample"]), len(hf["sample"]))
        first = sum(a[:1] == b[:1] for a, b in zip(ct2["sample"], hf["sample"], strict=False))
        comparisons.append({
            "size": size, "threads": threads, "batch_size": batch, "beam_size": beam,
            "ct2_tokens_per_s": ct2["tokens_per_s"], "hf_tokens_per_s": hf["tokens_per_s"],
            "speedup": ct2["tokens_per_s"] / hf["tokens_per_s"],
            "first_token_agreement": first / n if n else None,
        })  # fmt: skip
    results["comparisons"] = comparisons
    for row in results.get("engines", []):
        row.pop("sample", None)  # decoded tokens, only needed for the agreement above


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """PASS/FAIL against :data:`TARGETS`; a target that was not measured is ``passed: None``."""
    rows = [c for c in results.get("comparisons", []) if c["size"] in ("base", "big")]
    if not rows and results.get("quick"):
        rows = results.get("comparisons", [])
    speedup = min((c["speedup"] for c in rows), default=None)
    ratio = results.get("pipeline", {}).get("ratio")
    seconds = results.get("article", {}).get("end_to_end_s")
    values = {"ct2_speedup": speedup, "pipeline_ratio": ratio, "article_seconds": seconds}
    targets = []
    for name, (threshold, description) in TARGETS.items():
        value = values[name]
        passed = None
        if value is not None:
            passed = value < threshold if name == "article_seconds" else value >= threshold
        targets.append({"name": name, "description": description, "threshold": threshold,
                        "value": value, "passed": passed})  # fmt: skip
    return targets


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _verdict(passed: bool | None) -> str:
    return {True: "**PASS**", False: "**FAIL**", None: "not measured"}[passed]


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _markdown(results: dict[str, Any], images: Sequence[str]) -> str:
    m = results["machine"]
    out = ["# tarjama speed benchmark", ""]
    if results["quick"]:
        out += ["> **Quick run** (tiny model, few sentences): it checks the machinery; the numbers "
                "and verdicts below say nothing about real speed.", ""]  # fmt: skip
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    out += [f"{m['date']} · {m['cpu']} ({', '.join(m['cpu_flags']) or 'no AVX2'}) · "
            f"{m['usable_cores']} usable cores · {m['ram_gib']} GiB RAM · load average at start "
            f"{_f(m['load_average_at_start'] and m['load_average_at_start'][0], 2)}",
            "", versions, "", f"Total run time: {_f(results['total_s'] / 60)} min", ""]  # fmt: skip
    load = (m["load_average_at_start"] or [0.0])[0]
    if load > 0.5 * m["usable_cores"]:
        out += [f"> **The machine was busy** (load average {load:.1f} on {m['usable_cores']} "
                "cores when the run started): the numbers are pessimistic.", ""]  # fmt: skip
    out += ["## Targets", ""]
    units = {"ct2_speedup": "{:.1f}×", "pipeline_ratio": "{:.1%}", "article_seconds": "{:.2f} s"}
    out += _table(["target", "measured", "verdict"], [
        (t["description"], "–" if t["value"] is None else units[t["name"]].format(t["value"]),
         _verdict(t["passed"])) for t in results["targets"]
    ])  # fmt: skip

    out += ["## CTranslate2 (int8) vs transformers (fp32), same weights", "",
            "Random-weight Marian models; every hypothesis is forced to exactly *L* target tokens "
            "(CTranslate2 `min/max_decoding_length`, transformers `min/max_new_tokens`), so both "
            "do the same work. tokens/s = generated target tokens ÷ wall time of the decoding "
            "calls (tokenisation excluded, one warm-up batch excluded). Peak RSS = high-water mark "
            "(`VmHWM`) of a fresh process per row: imports, model and decoding.", ""]  # fmt: skip
    for name, info in results["models"].items():
        layers, millions = info["layers"], info["parameters"] / 1e6
        out.append(
            f"- **{name}**: d_model {info['d_model']}, {layers}+{layers} layers, "
            f"{info['heads']} heads, FFN {info['ffn']}, vocabulary {info['vocab_size']}, "
            f"{millions:.1f} M parameters"
        )
    out.append("")
    engines = {(r["size"], r["threads"], r["batch_size"], r["beam_size"], r["engine"]): r
               for r in results["engines"]}  # fmt: skip
    rows = []
    for c in results["comparisons"]:
        key = (c["size"], c["threads"], c["batch_size"], c["beam_size"])
        # Keys built outside the subscript: mypy takes engines[(*key, …)] for 3.11-only syntax.
        ct2_key, hf_key = (*key, "ctranslate2"), (*key, "transformers")
        ct2, hf = engines[ct2_key], engines[hf_key]
        rows.append((*key, ct2["output_tokens"], _f(c["ct2_tokens_per_s"]),
                     _f(c["hf_tokens_per_s"]), f"{c['speedup']:.1f}×" + (
                         "" if c["speedup"] >= TARGETS["ct2_speedup"][0] else " ✗"),
                     _f(ct2["sentences_per_s"], 2), _f(hf["sentences_per_s"], 2),
                     _f(ct2["peak_rss_mb"], 0), _f(hf["peak_rss_mb"], 0),
                     _f(c["first_token_agreement"], 2)))  # fmt: skip
    out += _table(["size", "threads", "batch", "beam", "L", "CT2 tok/s", "HF tok/s", "CT2/HF",
                   "CT2 sent/s", "HF sent/s", "CT2 peak MB", "HF peak MB", "1st-token agree"],
                  rows)  # fmt: skip
    errors = [r for r in results["engines"] if "error" in r]
    out += [f"- failed: {r['size']} {r['engine']} t{r['threads']} b{r['batch_size']}: "
            f"{r['error']}" for r in errors] + ([""] if errors else [])  # fmt: skip

    p = results["pipeline"]
    out += ["## tarjama pipeline overhead", ""]
    if "ratio" in p:
        out += [f"{p['lines']} FLORES dev lines ({p['segments']} segments) through the "
                f"{p['size']} model, {p['threads']} threads, beam {p['beam_size']}, at most "
                f"{p['output_tokens']} output tokens; median of {len(p['times']['raw'])} runs "
                "after a warm-up. "
                f"{_f(p['same_output_fraction'] * 100, 0)} % of segments got identical English "
                "from raw CTranslate2 and from the engine (equal work).", ""]  # fmt: skip
        out += _table(["path", "median s", "segments/s", "vs raw"], [
            ("raw `translate_batch` (+ sentencepiece)", _f(p["median_s"]["raw"], 3),
             _f(p["segments_per_s"]["raw"]), "100 %"),
            ("tarjama engine (`CTranslate2Engine.translate`)", _f(p["median_s"]["engine"], 3),
             _f(p["segments_per_s"]["engine"]), f"{p['engine_ratio'] * 100:.1f} %"),
            ("tarjama pipeline (`Translator.translate_document`)",
             _f(p["median_s"]["pipeline"], 3), _f(p["segments_per_s"]["pipeline"]),
             f"{p['ratio'] * 100:.1f} %"),
        ])  # fmt: skip
    else:
        out += [f"not measured: {p.get('error') or p.get('skipped')}", ""]

    llama = results["llama"]
    out += ["## llama.cpp engine", ""]
    if "ratio" in llama:
        out += [f"{llama['model']}, {llama['threads']} threads: {llama['segments']} FLORES "
                f"sentences, {llama['requests']} requests ({llama['prompt_tokens']} prompt tokens)."
                " Raw = `Llama.generate` (greedy) on the same prompt tokens, stopping after as "
                "many tokens as tarjama generated; tokens/s = generated tokens ÷ wall time "
                "(prompt processing included).", ""]  # fmt: skip
        out += _table(["path", "generated tokens", "median s", "tokens/s"], [
            (name, llama["generated_tokens"][name], _f(llama["median_s"][name], 2),
             _f(llama["tokens_per_s"][name], 1)) for name in ("raw", "tarjama")
        ])  # fmt: skip
        out += [f"tarjama / raw: {llama['ratio'] * 100:.1f} %", ""]
    else:
        out += [f"not measured: {llama.get('error') or llama.get('skipped')}", ""]

    a = results["article"]
    out += ["## Example article end to end", ""]
    if "end_to_end_s" in a:
        out += [f"`{Path(a['path']).name}` ({a['segments']} segments), {a['size']} model, "
                f"{a['threads']} threads, beam {a['beam_size']} (the engine default), at most "
                f"{a['output_tokens']} tokens per segment (the reference English's mean), in a "
                "fresh process.", ""]  # fmt: skip
        out += _table(["step", "seconds"], [
            ("process start → English (end to end)", _f(a["end_to_end_s"], 2)),
            ("import tarjama", _f(a["import_s"], 2)), ("open the model", _f(a["load_s"], 2)),
            ("translate (first)", _f(a["translate_s"], 2)),
            ("translate again (warm)", _f(a["warm_translate_s"], 2)),
        ])  # fmt: skip
    else:
        out += [f"not measured: {a.get('error') or a.get('skipped')}", ""]
    out += [f"![{Path(image).stem}]({image})" for image in images]
    return "\n".join(out) + "\n"


_COLOURS = {("ctranslate2", 0): "#1f4e9c", ("ctranslate2", 1): "#6fa8f5",
            ("transformers", 0): "#c0501f", ("transformers", 1): "#f2a46f"}  # fmt: skip


def _series(
    rows: Sequence[dict[str, Any]], size: str, value: Any
) -> dict[tuple[str, int, int], list[tuple[int, float]]]:
    """(engine, threads, beam) -> [(batch size, value)] for one model size."""
    series: dict[tuple[str, int, int], list[tuple[int, float]]] = {}
    for row in rows:
        y = value(row)
        if row["size"] == size and y is not None:
            key = (row.get("engine", ""), row["threads"], row["beam_size"])
            series.setdefault(key, []).append((row["batch_size"], y))
    return series


def _plots(results: dict[str, Any], out_dir: Path) -> list[str]:
    """tokens/s, CT2/transformers speed-up and peak memory by batch size, one panel per size."""
    try:
        import matplotlib
    except ImportError:
        return []
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in results["engines"] if "tokens_per_s" in r]
    sizes = list(dict.fromkeys(r["size"] for r in rows))
    if not sizes:
        return []
    all_threads = sorted({r["threads"] for r in rows})
    speedups = [{**c, "engine": "ctranslate2"} for c in results["comparisons"]]
    charts = (
        ("bench-throughput.png", "generated tokens/s (log)", rows, lambda r: r["tokens_per_s"]),
        ("bench-speedup.png", "CTranslate2 / transformers tokens/s", speedups,
         lambda r: r["speedup"]),
        ("bench-memory.png", "peak RSS of the process (MB)", rows, lambda r: r.get("peak_rss_mb")),
    )  # fmt: skip
    written = []
    for name, label, data, value in charts:
        fig, axes = plt.subplots(1, len(sizes), figsize=(6 * len(sizes), 4.5), squeeze=False)
        for ax, size in zip(axes[0], sizes, strict=True):
            for (engine, threads, beam), points in sorted(_series(data, size, value).items()):
                xs, ys = zip(*sorted(points), strict=True)
                shade = min(all_threads.index(threads), 1)
                who = "" if name == "bench-speedup.png" else f"{engine} · "
                ax.plot(xs, ys, marker="o" if beam == 1 else "s", color=_COLOURS[engine, shade],
                        linestyle="-" if beam == 1 else ":",
                        label=f"{who}{threads} thread(s) · beam {beam}")  # fmt: skip
            if name == "bench-speedup.png":
                ax.axhline(TARGETS["ct2_speedup"][0], color="grey", linestyle="--",
                           label="target")  # fmt: skip
            ax.set_xscale("log", base=2)
            ax.set_xticks(sorted({r["batch_size"] for r in rows}))
            ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
            if name == "bench-throughput.png":
                ax.set_yscale("log")
            ax.set_ylim(bottom=0 if name != "bench-throughput.png" else None)
            ax.set(title=f"{size} Marian", xlabel="batch size (sentences)", ylabel=label)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(out_dir / name, dpi=110)
        plt.close(fig)
        written.append(name)
    return written


def _clean(value: Any) -> Any:
    """JSON-safe: non-finite floats become ``null``; floats are rounded for readability."""
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def write_report(results: dict[str, Any], out_dir: Path) -> dict[str, str]:
    """Derive ratios, check targets, and write ``bench.json``, ``bench.md`` and the plots."""
    _derive(results)
    results["targets"] = evaluate_targets(results)
    images = _plots(results, out_dir)
    files = {"json": "bench.json", "markdown": "bench.md"}
    files.update({Path(image).stem: image for image in images})
    results["files"] = files
    (out_dir / "bench.md").write_text(_markdown(results, images), encoding="utf-8")
    (out_dir / "bench.json").write_text(
        json.dumps(_clean(results), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return files
