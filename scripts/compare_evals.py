"""Compare two ``tarjama eval`` runs on the same lines: before and after a change.

Both runs' English is re-scored with today's code, so the comparison is fair even when one run
predates a check: chrF++ (sacreBLEU), source numbers kept, known entities rendered canonically,
and the quality flags today's checker raises on each English (invented entities above all). The
flags each run recorded itself are shown too.

    python scripts/compare_evals.py RUN_BEFORE RUN_AFTER [--out compare.md]

A run is a folder with ``segments.jsonl`` (``tarjama eval -o FOLDER``). Only lines both runs
translated are compared.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from sacrebleu.metrics import CHRF

from tarjama.checks import flag_codes
from tarjama.evaluate.fidelity import default_entity_matcher, entity_fidelity, number_fidelity
from tarjama.evaluate.names_recall import name_recall
from tarjama.terms import Lexicon


def read_run(folder: Path) -> dict[int, dict[str, Any]]:
    """The run's records by line index (the last record wins if a line was redone)."""
    records: dict[int, dict[str, Any]] = {}
    with (folder / "segments.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                records[int(record["index"])] = record
    return records


def figures(records: list[dict[str, Any]], lexicon: Lexicon) -> dict[str, Any]:
    """chrF++, fidelity and today's flags for one run's records."""
    chrf = CHRF(word_order=2).corpus_score(
        [r["target"] for r in records], [[r["reference"] for r in records]]
    )
    matcher = default_entity_matcher()
    numbers = number_fidelity(records)
    entities = entity_fidelity(records, matcher)
    names = name_recall(records)
    rechecked: Counter[str] = Counter()
    recorded: Counter[str] = Counter()
    for record in records:
        rechecked.update(set(flag_codes(record["source"], record["target"], lexicon=lexicon)))
        recorded.update(set(record.get("flags") or ()))
    n = len(records)
    return {
        "segments": n,
        "chrf++": round(chrf.score, 2),
        "numbers_kept": numbers.get("share"),
        "entities_canonical": entities.get("share"),
        "entities": entities.get("entities"),
        "name_recall": names["share"],
        "names_found": f"{names['found']}/{names['names']}",
        "rechecked_per_100": {k: round(100 * v / n, 2) for k, v in sorted(rechecked.items())},
        "recorded_per_100": {k: round(100 * v / n, 2) for k, v in sorted(recorded.items())},
    }


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def markdown(before: dict[str, Any], after: dict[str, Any], names: tuple[str, str]) -> str:
    rows = [
        ("segments compared", str(before["segments"]), str(after["segments"])),
        ("chrF++", f"{before['chrf++']:.2f}", f"{after['chrf++']:.2f}"),
        ("source numbers kept", _pct(before["numbers_kept"]), _pct(after["numbers_kept"])),
        (
            "known entities rendered canonically",
            _pct(before["entities_canonical"]),
            _pct(after["entities_canonical"]),
        ),
        (
            "reference name recall (found/total)",
            f"{_pct(before['name_recall'])} ({before['names_found']})",
            f"{_pct(after['name_recall'])} ({after['names_found']})",
        ),
    ]
    codes = sorted(set(before["rechecked_per_100"]) | set(after["rechecked_per_100"]))
    for code in codes:
        rows.append(
            (
                f"`{code}` per 100 segments (today's checker)",
                f"{before['rechecked_per_100'].get(code, 0.0):.2f}",
                f"{after['rechecked_per_100'].get(code, 0.0):.2f}",
            )
        )
    lines = [f"| | {names[0]} | {names[1]} |", "|---|---:|---:|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = parser.parse_args(argv)
    runs = [read_run(args.before), read_run(args.after)]
    common = sorted(set(runs[0]) & set(runs[1]))
    if not common:
        raise SystemExit("the two runs have no line in common")
    for index in common:
        if runs[0][index]["source"] != runs[1][index]["source"]:
            raise SystemExit(f"line {index} differs between the runs: not the same data")
    lexicon = Lexicon.load_builtin()
    before, after = (figures([run[i] for i in common], lexicon) for run in runs)
    table = markdown(before, after, (args.before.name, args.after.name))
    print(table)
    print(json.dumps({"before": before, "after": after}, indent=1, ensure_ascii=False))
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
