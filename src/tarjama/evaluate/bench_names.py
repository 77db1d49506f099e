"""The name layer's benchmark (``tarjama bench names``, issue 13): how long the layer takes to
load in a fresh process, how long matching a 1,000-word article takes, and how much memory the
loaded layer holds.

Issue 13's targets are a load under 1 s and a match under 20 ms. Load is timed in fresh
``python -c`` processes (what a ``tarjama translate`` run pays), with the imports of tarjama
(which the layer cannot be imported without) timed apart from reading the layer's data and the
lexicon's; and again with the package's ``__init__`` (the public API: pipeline, translator,
settings) left out, to tell what the layer costs from what every tarjama process pays.
Matching is timed in this process on the first 1,000 words of the pool's UD PUD Arabic, one
call per line as the pipeline calls the lexicon once per segment: the lexicon alone, the layer
alone (``NameLayer.matches``), and both (``Lexicon.with_names().find``, what the pipeline
does), one pass of each in turn (timed in blocks, one after the other, they drifted apart with
the load of the machine). Memory is the layer's Python allocations after loading (tracemalloc,
in a fresh process of its own, since tracing slows loading) and the process's resident size.
"""

from __future__ import annotations

import json
import logging
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["NameBenchPlan", "article_lines", "run_names_benchmark"]

logger = logging.getLogger(__name__)

LOAD_TARGET_S = 1.0
"""Issue 13: the whole layer loads in under a second."""
MATCH_TARGET_MS = 20.0
"""Issue 13: a 1,000-word article is matched in under 20 ms."""

# Run by ``python -c`` in a fresh process: times imports, then the data, and reads the RSS.
_CHILD = r"""
import json, sys, time
started = time.perf_counter()
trace = sys.argv[1] == "trace"

def rss():
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) * 1024
    return found

if sys.argv[1] == "bare":  # the package without its __init__ (the public API's imports)
    import importlib.util
    spec = importlib.util.find_spec("tarjama")
    sys.modules["tarjama"] = importlib.util.module_from_spec(spec)
from tarjama.terms.lexicon import Lexicon
from tarjama.terms.names import NameLayer
imported = time.perf_counter()
out = {"imports_s": imported - started, "rss_after_imports": rss()}
if trace:
    import tracemalloc
    tracemalloc.start()
layer = NameLayer.load_builtin()
layer_done = time.perf_counter()
if trace:
    current, peak = tracemalloc.get_traced_memory()
    out["layer_traced_bytes"], out["layer_traced_peak_bytes"] = current, peak
    tracemalloc.reset_peak()
lexicon = Lexicon.load_builtin()
lexicon_done = time.perf_counter()
if trace:
    current, peak = tracemalloc.get_traced_memory()
    out["lexicon_traced_bytes"] = current - out["layer_traced_bytes"]
    tracemalloc.stop()
both = lexicon.with_names(layer)
out.update(
    layer_data_s=layer_done - imported,
    lexicon_data_s=lexicon_done - layer_done,
    in_process_s=time.perf_counter() - started,
    rss_after_load=rss(),
    sizes=layer.sizes,
)
print(json.dumps(out))
"""


@dataclass(frozen=True)
class NameBenchPlan:
    """What to measure. :meth:`quick_plan` runs in seconds (for tests)."""

    load_runs: int = 5  # fresh processes timed; the median is reported
    match_runs: int = 50  # timed passes over the article per configuration
    words: int = 1000  # the article: this many words from the start of ud-pud.ar
    max_load: float | None = 2.0  # wait for the 1-minute load average to fall under this
    wait_s: float = 300.0
    quick: bool = False

    @classmethod
    def quick_plan(cls) -> NameBenchPlan:
        """One fresh process, five passes over 200 words, no waiting: the machinery, not speed."""
        return cls(load_runs=1, match_runs=5, words=200, max_load=None, quick=True)


def article_lines(path: Path, words: int) -> list[str]:
    """The first ``words`` words of a one-sentence-per-line file, as lines (the last one cut)."""
    from tarjama.evaluate.datasets import read_lines

    lines: list[str] = []
    left = words
    for line in read_lines(path):
        tokens = line.split()
        if not tokens:
            continue
        lines.append(" ".join(tokens[:left]))
        left -= min(left, len(tokens))
        if not left:
            return lines
    from tarjama.errors import InputError

    raise InputError(f"{path} has fewer than {words} words")


def _percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the value ``share`` of the runs did not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _summary(values: Sequence[float], digits: int = 3) -> dict[str, Any]:
    return {
        "median": round(statistics.median(values), digits),
        "p95": round(_percentile(values, 0.95), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": len(values),
    }


def _child(mode: str) -> dict[str, Any]:
    """One fresh interpreter running :data:`_CHILD`; its figures and its wall time."""
    from tarjama.errors import TarjamaError

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, mode],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise TarjamaError(f"the load benchmark's process failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = wall
    return result


def _measure_load(plan: NameBenchPlan, say: Callable[[str], None]) -> dict[str, Any]:
    say(
        f"load: 2 x {plan.load_runs} fresh processes (with and without tarjama/__init__), then"
        " one with tracemalloc"
    )
    runs = [_child("time") for _ in range(plan.load_runs)]
    bare = [_child("bare") for _ in range(plan.load_runs)]
    traced = _child("trace")
    mib = 2**20

    def rss(run: dict[str, Any], when: str) -> float:
        return float(run[when]["VmRSS"]) / mib

    return {
        "imports_s": _summary([r["imports_s"] for r in runs]),
        "layer_data_s": _summary([r["layer_data_s"] for r in runs]),
        "lexicon_data_s": _summary([r["lexicon_data_s"] for r in runs]),
        "layer_and_lexicon_data_s": _summary(
            [r["layer_data_s"] + r["lexicon_data_s"] for r in runs]
        ),
        "in_process_s": _summary([r["in_process_s"] for r in runs]),
        "bare_imports_s": _summary([r["imports_s"] for r in bare]),
        "bare_in_process_s": _summary([r["in_process_s"] for r in bare]),
        "process_wall_s": _summary([r["process_wall_s"] for r in runs]),
        "rss_after_imports_mib": round(
            statistics.median(rss(r, "rss_after_imports") for r in runs), 1
        ),
        "rss_after_load_mib": round(statistics.median(rss(r, "rss_after_load") for r in runs), 1),
        "rss_peak_mib": round(
            statistics.median(r["rss_after_load"]["VmHWM"] / mib for r in runs), 1
        ),
        "layer_traced_mib": round(traced["layer_traced_bytes"] / mib, 1),
        "layer_traced_peak_mib": round(traced["layer_traced_peak_bytes"] / mib, 1),
        "lexicon_traced_mib": round(traced["lexicon_traced_bytes"] / mib, 1),
        "sizes": runs[0]["sizes"],
    }


def _measure_match(
    lines: Sequence[str], runs: int, say: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    from tarjama.terms.lexicon import Lexicon

    lexicon = Lexicon.load_builtin()
    both = lexicon.with_names()
    layer = both.names
    assert layer is not None  # with_names() always sets it
    ways: dict[str, Callable[[str], Sequence[object]]] = {
        "lexicon": lexicon.find,
        "layer": layer.matches,
        "both": both.find,
    }
    # warm-up, and what each finds
    found = {label: sum(len(find(line)) for line in lines) for label, find in ways.items()}
    say(f"match: {runs} passes of each over {len(lines)} lines, interleaved")
    times: dict[str, list[float]] = {label: [] for label in ways}
    for _ in range(runs):
        # one pass of each in turn, so a burst of other work on the machine hits all three alike
        for label, find in ways.items():
            started = time.perf_counter_ns()
            for line in lines:
                find(line)
            times[label].append((time.perf_counter_ns() - started) / 1e6)
    return {label: {**_summary(times[label], 2), "matches": found[label]} for label in ways}


def run_names_benchmark(
    out_dir: Path,
    *,
    plan: NameBenchPlan | None = None,
    data_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Measure load, match and memory; write ``bench-names.json`` and ``bench-names.md`` to
    ``out_dir`` and return the results."""
    from tarjama.evaluate.bench_job import _lscpu, wait_for_quiet
    from tarjama.evaluate.bench_report import machine_info
    from tarjama.evaluate.datasets import find_dataset
    from tarjama.settings import get_settings

    plan = plan or NameBenchPlan()
    say = progress or (lambda message: logger.info("%s", message))
    out_dir.mkdir(parents=True, exist_ok=True)
    source, _ = find_dataset("pud-news", data_dir or get_settings().data)
    lines = article_lines(source, plan.words)
    results: dict[str, Any] = {"schema": 1, "plan": asdict(plan), "machine": machine_info()}
    results["machine"]["lscpu"] = _lscpu()
    results["machine"]["niceness"] = os.nice(0)
    results["article"] = {
        "source": str(source),
        "what": f"the first {plan.words} words of ud-pud.ar, one call per line",
        "words": sum(len(line.split()) for line in lines),
        "lines": len(lines),
    }
    results["quiet"] = wait_for_quiet(plan.max_load, plan.wait_s, say=say)
    results["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    results["load"] = _measure_load(plan, say)
    results["match_ms"] = _measure_match(lines, plan.match_runs, say)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    load = results["load"]
    results["targets"] = {
        "layer_load_under_1s": load["layer_data_s"]["median"] < LOAD_TARGET_S,
        "imports_and_data_under_1s": load["in_process_s"]["median"] < LOAD_TARGET_S,
        "match_both_under_20ms": results["match_ms"]["both"]["median"] < MATCH_TARGET_MS,
    }
    (out_dir / "bench-names.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "bench-names.md").write_text(_markdown(results), encoding="utf-8")
    return results


def _markdown(results: dict[str, Any]) -> str:
    """The tables docs/names.md carries, every figure labelled with what was timed."""
    cpu = results["machine"].get("lscpu", {})
    flags = set(cpu.get("Flags", "").split())
    simd = ", ".join(f"{f} {'yes' if f in flags else 'no'}" for f in ("avx2", "avx512f"))
    load, match, article = results["load"], results["match_ms"], results["article"]
    runs = load["imports_s"]["runs"]
    sizes = load["sizes"]

    def seconds(key: str) -> str:
        row = load[key]
        return f"{row['median']:.3f} | {row['p95']:.3f}"

    lines = [
        "# Name layer benchmark",
        "",
        f"CPU: {cpu.get('Model name', '?')} ({cpu.get('CPU(s)', '?')} CPUs; {simd}); "
        f"niceness {results['machine']['niceness']}; load average (1, 5, 15 min) "
        f"before {results['load_average_before']}, after {results['load_average_after']}.",
        f"Layer: {sizes['whole']:,} whole names and {sizes['tokens']:,} name tokens.",
        "",
        f"## Load, fresh `python -c` processes (median and p95 of {runs})",
        "",
        "| what | median s | p95 s |",
        "|---|---|---|",
        f"| imports (`tarjama.terms.lexicon`, `tarjama.terms.names`; the tarjama package) "
        f"| {seconds('imports_s')} |",
        f"| name layer data (`NameLayer.load_builtin()`) | {seconds('layer_data_s')} |",
        f"| lexicon data (`Lexicon.load_builtin()`) | {seconds('lexicon_data_s')} |",
        f"| layer + lexicon data | {seconds('layer_and_lexicon_data_s')} |",
        f"| imports + layer + lexicon, in the process | {seconds('in_process_s')} |",
        f"| whole process, start to exit (interpreter included) | {seconds('process_wall_s')} |",
        f"| imports without `tarjama/__init__` (the layer's and lexicon's own modules only) "
        f"| {seconds('bare_imports_s')} |",
        f"| those imports + layer + lexicon, in the process | {seconds('bare_in_process_s')} |",
        "",
        f"## Match, {article['what']} ({article['words']} words, {article['lines']} lines; "
        f"median and p95 of {match['both']['runs']} passes of each, interleaved, after a warm-up)",
        "",
        "| what | median ms | p95 ms | matches |",
        "|---|---|---|---|",
    ]
    names = {
        "lexicon": "lexicon alone (`Lexicon.load_builtin().find`)",
        "layer": "name layer alone (`NameLayer.matches`)",
        "both": "lexicon + layer (`Lexicon.with_names().find`, the pipeline's)",
    }
    for key, label in names.items():
        row = match[key]
        lines.append(f"| {label} | {row['median']:.2f} | {row['p95']:.2f} | {row['matches']} |")
    lines += [
        "",
        "## Memory",
        "",
        f"- name layer after loading (tracemalloc, fresh process): {load['layer_traced_mib']} MiB;"
        f" peak while loading {load['layer_traced_peak_mib']} MiB",
        f"- lexicon after loading (tracemalloc, same process): {load['lexicon_traced_mib']} MiB",
        f"- process RSS (median of {runs}): {load['rss_after_imports_mib']} MiB after imports, "
        f"{load['rss_after_load_mib']} MiB with layer and lexicon loaded, "
        f"peak {load['rss_peak_mib']} MiB",
        "",
        "## Targets (issue 13)",
        "",
    ]
    for key, met in results["targets"].items():
        lines.append(f"- {key.replace('_', ' ')}: {'met' if met else 'NOT met'}")
    return "\n".join(lines) + "\n"
