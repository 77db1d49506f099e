"""The human side of an evaluation: ``report.md`` with published anchors, and PNG plots.

Everything here works from plain data (the report dictionary and the per-segment records), so
a report can be rebuilt from ``segments.jsonl`` without translating again. Plots need
matplotlib (the ``eval`` extra); it is imported only when plots are drawn, and drawn with the
Agg canvas so no display is needed.
"""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from tarjama.evaluate.anchors import ANCHORS, Anchor
from tarjama.evaluate.datasets import SetInfo

__all__ = [
    "comparability_note",
    "machine_info",
    "render_markdown",
    "score_stats",
    "write_plots",
]

_PACKAGES = ("tarjama", "sacrebleu", "ctranslate2", "llama-cpp-python")


def score_stats(values: Sequence[float | None]) -> dict[str, Any] | None:
    """Count, mean, quartiles and extremes of the known values; ``None`` when there are none."""
    known = sorted(float(v) for v in values if v is not None)
    if not known:
        return None

    def at(q: float) -> float:
        return round(known[min(len(known) - 1, int(q * len(known)))], 2)

    return {
        "count": len(known),
        "mean": round(statistics.fmean(known), 2),
        "median": round(statistics.median(known), 2),
        "p10": at(0.10),
        "p90": at(0.90),
        "min": round(known[0], 2),
        "max": round(known[-1], 2),
    }


def _cpu_name() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or None


def machine_info() -> dict[str, Any]:
    """When and where a run was scored, and with which versions: timings mean nothing without."""
    versions: dict[str, str] = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "host": platform.node(),
        "system": platform.platform(),
        "cpu": _cpu_name(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "versions": versions,
    }


def comparability_note(info: SetInfo, anchors: Sequence[Anchor] = ANCHORS) -> str:
    """Whether the anchors are on the split this run used, in one honest sentence or three."""
    if not anchors:
        return ""
    anchor = anchors[0]
    where = f"{anchor.benchmark} **{anchor.split}**"
    if info.benchmark == anchor.benchmark and info.split == anchor.split:
        return f"The anchors are on {where}, the split evaluated here: the figures compare."
    if info.benchmark == anchor.benchmark:
        return (
            f"The anchors are on {where}; this run is on {info.benchmark} **{info.split}**, "
            "a different split of the same benchmark (same sources and style, other "
            "sentences). Read them as a scale, not a ranking: on the same leaderboard "
            "systems move about a point between splits (NLLB-200 3.3B: 42.4 BLEU on dev, "
            "41.3 on devtest)."
        )
    label = info.label or info.name
    return (
        f"The anchors are on {where}; this run is on {label}, a different data set: "
        "they give a sense of scale only and do not compare."
    )


def _num(value: Any, digits: int = 1) -> str:
    return "—" if value is None else f"{float(value):.{digits}f}"


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{100 * share:.1f} %"


def _cell(text: Any, limit: int = 90) -> str:
    """Text safe inside a Markdown table cell: one line, no bare pipes, not too long."""
    flat = " ".join(str(text).split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _set_line(report: Mapping[str, Any]) -> str:
    info = report["set"]
    label = info.get("label") or info.get("name")
    total, done = info.get("lines"), report["segments"]
    size = f"{done} of {total} segments" if total and total != done else f"{done} segments"
    split = info.get("split") or "unknown"
    return f"**{label}** (`{info.get('name')}`, split: **{split}**), {size}"


def _scores_table(report: Mapping[str, Any], anchors: Sequence[Anchor]) -> list[str]:
    scores = report["scores"]
    ours = [scores.get(k, {}).get("score") for k in ("bleu", "chrf", "chrf++")]
    label = report["set"].get("label") or report["set"].get("name")
    lines = [
        "| System | Evaluated on | BLEU | chrF | chrF++ | Source |",
        "|---|---|---:|---:|---:|---|",
        f"| **{_cell(report['model'])}** (this run) | {_cell(label)}, {report['segments']} seg. "
        f"| **{_num(ours[0])}** | **{_num(ours[1])}** | **{_num(ours[2])}** | this run |",
    ]
    for a in anchors:
        source = f"[{a.source}]({a.url})" + (f" `{a.where}`" if a.where else "")
        lines.append(
            f"| {a.system} | {a.benchmark} {a.split} | {_num(a.bleu)} | {_num(a.chrf)} "
            f"| {_num(a.chrf_pp)} | {source} |"
        )
    return lines


def _fidelity_lines(fidelity: Mapping[str, Any]) -> list[str]:
    numbers, entities, flags = fidelity["numbers"], fidelity["entities"], fidelity["flags"]
    if numbers["source_numbers"]:
        kept = (
            f"{_pct(numbers['share'])} ({numbers['kept']} of {numbers['source_numbers']}; "
            f"the reference keeps {_pct(numbers['reference_share'])})"
        )
    else:
        kept = "n/a (no numbers in the sources)"
    if not entities["available"]:
        canon = "n/a (no entity lexicon yet: `tarjama.terms`)"
    elif entities["entities"]:
        canon = f"{_pct(entities['share'])} ({entities['canonical']} of {entities['entities']})"
    else:
        canon = "n/a (no known entities in the sources)"
    lines = [
        "| Figure | Value |",
        "|---|---|",
        f"| Source numbers kept in the English | {kept} |",
        f"| Segments that lost a number | {numbers['segments_losing_numbers']} "
        f"of {numbers['segments_with_numbers']} with numbers |",
        f"| Known entities rendered canonically | {canon} |",
        f"| Quality flags per 100 segments | {_num(flags['total_per_100'], 2)} "
        f"({_num(flags['flagged_segments_per_100'], 2)} segments flagged per 100) |",
    ]
    for name, rate in flags["per_100"].items():
        lines.append(f"| &nbsp;&nbsp;`{name}` per 100 segments | {_num(rate, 2)} |")
    if numbers["examples"]:
        lost = "; ".join(
            f"#{e['index']}: {', '.join(e['lost'])}" for e in numbers["examples"] if e["lost"]
        )
        lines += ["", f"Numbers lost (first few): {_cell(lost, 300)}"]
    if entities["examples"]:
        missed = "; ".join(
            f"#{e['index']}: {e['arabic']} → {e['expected']}" for e in entities["examples"]
        )
        lines += ["", f"Entities not rendered canonically (first few): {_cell(missed, 300)}"]
    return lines


def _headline_lines(report: Mapping[str, Any]) -> list[str]:
    """Fact flags and name recall beside the time: what a lever must not make worse."""
    lines = []
    facts, names = report.get("fact_flags"), report.get("names")
    if facts:
        lines.append(
            f"- Fact flags: {_num(facts['per_100'], 2)} per 100 segments "
            f"({facts['count']} of {', '.join(f'`{f}`' for f in facts['flags'])})"
        )
    if names:
        lines.append(
            f"- Reference name recall: {_pct(names['share'])} "
            f"({names['found']} of {names['names']} proper-name words of the reference)"
        )
    retrieval = report.get("retrieval")
    if retrieval:
        shown = "shown" if retrieval.get("examples") else "not shown"
        lines.append(
            f"- Retrieved examples: {shown}; excluded because their source is in this set: "
            f"{retrieval.get('excluded_pool', 0)} example-pool pairs, "
            f"{retrieval.get('excluded_memory', 0)} memory pairs"
        )
    return lines


def _names_lines(names: Mapping[str, Any]) -> list[str]:
    """How many of the reference's names reach the English, judged without the lexicon."""
    lines = [
        f"{_pct(names['share'])} of the reference's proper-name words are in the English "
        f"({names['found']} of {names['names']}, in {names['segments_with_names']} segments "
        f"with names; {names['segments_missing_names']} miss at least one). Method: "
        f"`{names['method']}`; the lexicon plays no part.",
    ]
    if names["most_missed"]:
        missed = ", ".join(f"{name} ({n})" for name, n in names["most_missed"])
        lines += ["", f"Most often missed: {_cell(missed, 300)}"]
    if names["examples"]:
        lines += ["", "| # | missed | ours |", "|---:|---|---|"]
        lines += [
            f"| {e['index']} | {_cell(', '.join(e['missed']), 60)} | {_cell(e['target'])} |"
            for e in names["examples"]
        ]
    return lines


def _distribution_lines(report: Mapping[str, Any]) -> list[str]:
    lines = ["| Per-segment score | n | mean | median | p10 | p90 | min | max |"]
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    names = {"chrf++": "chrF++ (sacreBLEU sentence)", "model": "model score (engine's own)"}
    for key, name in names.items():
        stats = report["segment_scores"].get(key)
        if stats:
            values = [stats[k] for k in ("mean", "median", "p10", "p90", "min", "max")]
            cells = " | ".join(_num(v, 2) for v in values)
            lines.append(f"| {name} | {stats['count']} | {cells} |")
    return lines


def render_markdown(report: Mapping[str, Any], anchors: Sequence[Anchor] = ANCHORS) -> str:
    """``report.md``: our scores beside the anchors, fidelity, distributions, plots, provenance."""
    run = report["run"]
    info = SetInfo(**{k: report["set"][k] for k in ("name", "benchmark", "split", "lines")})
    scores = report["scores"]
    engine = f" (engine: {report['engine']})" if report.get("engine") else ""
    out = [
        f"# Evaluation: {report['model']} on {report['set'].get('label') or info.name}",
        "",
        f"- Set: {_set_line(report)}, Arabic → English",
        f"- Model: `{report['model']}`" + engine,
        f"- Date: {run['date']}; machine: {run.get('cpu') or run['system']}, "
        f"{run['cpus']} CPUs ({run['host']})",
        f"- Translation time: {report['seconds']} s "
        f"({report['seconds_per_segment']} s per segment)",
        *_headline_lines(report),
        "",
        "## Scores beside published anchors",
        "",
        *_scores_table(report, anchors),
        "",
        f"> {comparability_note(info, anchors)}",
        "",
        "sacreBLEU signatures of this run:",
        "",
        *(f"- {key}: `{value['signature']}`" for key, value in scores.items()),
        "",
        "## Fidelity",
        "",
        *_fidelity_lines(report["fidelity"]),
        "",
        *(
            ["## Reference name recall", "", *_names_lines(report["names"]), ""]
            if report.get("names")
            else []
        ),
        "## Per-segment scores",
        "",
        *_distribution_lines(report),
        "",
    ]
    plots = report.get("plots") or []
    if plots:
        out += [f"![{Path(p).stem}]({Path(p).name})" for p in plots] + [""]
    else:
        out += [f"_No plots: {report.get('plots_note') or 'not drawn'}._", ""]
    if report.get("lowest"):
        out += ["### Lowest chrF++ segments", "", "| # | chrF++ | flags | reference | ours |"]
        out.append("|---:|---:|---|---|---|")
        for row in report["lowest"]:
            out.append(
                f"| {row['index']} | {_num(row['chrf++'])} | {_cell(', '.join(row['flags']))} "
                f"| {_cell(row['reference'])} | {_cell(row['target'])} |"
            )
        out.append("")
    out += [
        "## Files",
        "",
        f"- per-segment results: `{Path(report['segments_path']).name}` (JSON lines)",
        "- everything above as data: `report.json`",
        "",
    ]
    return "\n".join(out)


def write_plots(
    records: Sequence[Mapping[str, Any]], chrf_pp: Sequence[float], out_dir: Path
) -> list[Path]:
    """``scores.png`` (distributions) and ``length.png`` (chrF++ against source length).

    Raises ``ImportError`` without matplotlib; the caller decides whether that matters.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    model = [r.get("score") for r in records]
    model_known = [float(v) for v in model if v is not None]
    paths: list[Path] = []

    figure = Figure(figsize=(10 if model_known else 6, 4), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, 2 if model_known else 1, squeeze=False)[0]
    axes[0].hist(chrf_pp, bins=list(range(0, 105, 5)), color="#3b7dd8", edgecolor="white")
    axes[0].set(title="Sentence chrF++", xlabel="chrF++", ylabel="segments", xlim=(0, 100))
    if model_known:
        axes[1].hist(model_known, bins=20, color="#d8873b", edgecolor="white")
        axes[1].set(title="Model score", xlabel="engine score (higher = surer)", ylabel="segments")
    paths.append(out_dir / "scores.png")
    figure.savefig(paths[-1], format="png")

    lengths = [len(str(r.get("source", ""))) for r in records]
    panels: list[tuple[str, list[int], list[float]]] = [("chrF++", lengths, list(chrf_pp))]
    if model_known:
        known = [(n, float(v)) for n, v in zip(lengths, model, strict=True) if v is not None]
        panels.append(("model score", [n for n, _ in known], [v for _, v in known]))
    figure = Figure(figsize=(5 * len(panels), 4), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    for ax, (name, xs, ys) in zip(axes, panels, strict=True):
        ax.scatter(xs, ys, s=8, alpha=0.5, color="#3b7dd8", label="segment")
        trend = _binned_means(xs, ys)
        if trend:
            ax.plot(*zip(*trend, strict=True), color="#b22", marker="o", label="mean by length")
        ax.set(title=f"{name} against source length", xlabel="source characters", ylabel=name)
        if name == "chrF++":
            ax.set_ylim(0, 100)
        ax.legend(loc="lower right")
    paths.append(out_dir / "length.png")
    figure.savefig(paths[-1], format="png")
    return paths


def _binned_means(
    xs: Sequence[int], ys: Sequence[float], bins: int = 8
) -> list[tuple[float, float]]:
    """Mean of ``ys`` over equal-count bins of ``xs``: the trend a scatter hides."""
    pairs = sorted(zip(xs, ys, strict=True))
    if len(pairs) < 2 * bins:
        bins = max(1, len(pairs) // 2)
    if not pairs:
        return []
    size = len(pairs) / bins
    groups = [pairs[round(i * size) : round((i + 1) * size)] for i in range(bins)]
    return [
        (statistics.fmean(x for x, _ in g), statistics.fmean(y for _, y in g)) for g in groups if g
    ]
