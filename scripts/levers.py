"""Measure levers one at a time: ``tarjama eval`` once per setting, one table for all.

A lever is a set of ``TARJAMA_*`` settings (how many retrieved examples, how much paragraph
history …); each is run as its own ``tarjama eval`` process on the same lines, with its own
results folder (so an interrupted run resumes), and the table gives what issue 12 asks a lever
to show: chrF++, BLEU, fact flags per 100 segments, reference name recall and seconds per
segment, each row with the exact command that produced it.

    python scripts/levers.py --set flores-dev --limit 200 -o levers/flores \\
        --lever "" --lever "TARJAMA_CHAT_EXAMPLES=0" --lever "TARJAMA_CHAT_EXAMPLES=5" \\
        --lever "TARJAMA_CHAT_EXAMPLES=5 TARJAMA_CHAT_HISTORY=0"

``--lever ""`` is today's defaults. Writes ``levers.md`` and ``levers.json`` in the output
folder. A lever whose run fails is a row that says why; the others still run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

_SETTING_RE = re.compile(r"TARJAMA_[A-Z0-9_]+=\S*")


@cache
def known_settings() -> frozenset[str]:
    """Every variable tarjama reads: a misspelt one would be ignored, and its row a lie."""
    from tarjama.settings import Settings

    return frozenset(f"TARJAMA_{name.upper()}" for name in Settings.model_fields)


def parse_lever(text: str) -> dict[str, str]:
    """``"TARJAMA_CHAT_EXAMPLES=5 TARJAMA_CHAT_HISTORY=0"`` → its settings (``""``: none)."""
    settings: dict[str, str] = {}
    for item in text.split():
        if not _SETTING_RE.fullmatch(item):
            raise argparse.ArgumentTypeError(f"{item!r} is not TARJAMA_NAME=VALUE")
        name, _, value = item.partition("=")
        if name not in known_settings():
            raise argparse.ArgumentTypeError(f"tarjama has no setting {name}")
        settings[name] = value
    return settings


def label(settings: dict[str, str]) -> str:
    """A lever's name in the table: its settings, without the prefix; ``defaults`` for none."""
    if not settings:
        return "defaults"
    return " ".join(f"{k.removeprefix('TARJAMA_').lower()}={v}" for k, v in settings.items())


def slug(settings: dict[str, str]) -> str:
    """A lever's results folder name."""
    return re.sub(r"[^a-z0-9=.]+", "-", label(settings)).replace("=", "-").strip("-")


def eval_args(args: argparse.Namespace, out: Path) -> list[str]:
    """``tarjama eval``'s arguments for one lever (the same for every lever but ``-o``)."""
    found = ["--set", args.set] if args.set else ["--data", *map(str, args.data)]
    if args.limit:
        found += ["--limit", str(args.limit)]
    if args.model:
        found += ["--model", args.model]
    if args.threads is not None:
        found += ["--threads", str(args.threads)]
    if args.beam is not None:
        found += ["--beam", str(args.beam)]
    return [*found, "-o", str(out)]


def run_lever(settings: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """One ``tarjama eval`` process with ``settings`` on top of this environment."""
    out = args.out / slug(settings)
    arguments = eval_args(args, out)
    command = " ".join(
        [*(f"{k}={shlex.quote(v)}" for k, v in settings.items()), "tarjama eval"]
        + [shlex.quote(a) for a in arguments]
    )
    env = {**os.environ, **settings}
    log = args.out / f"{slug(settings)}.log"  # the run's progress and errors: tail -f it
    began = time.perf_counter()
    with log.open("w", encoding="utf-8") as stderr:
        proc = subprocess.run(
            [sys.executable, "-m", "tarjama.cli", "eval", *arguments],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            text=True,
            check=False,
        )
    row: dict[str, Any] = {
        "lever": label(settings),
        "settings": settings,
        "command": command,
        "exit_code": proc.returncode,
        "wall_seconds": round(time.perf_counter() - began, 1),
        "results": str(out),
        "log": str(log),
    }
    if proc.returncode != 0:
        lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
        row["error"] = lines[-1] if lines else f"exit code {proc.returncode}"
        return row
    summary = json.loads(proc.stdout)
    row.update(
        {
            "segments": summary["segments"],
            "chrf++": summary["scores"]["chrf++"],
            "bleu": summary["scores"]["bleu"],
            "fact_flags_per_100": summary["fact_flags_per_100"],
            "name_recall": summary["name_recall"],
            "names_found": summary["names_found"],
            "seconds_per_segment": summary["seconds_per_segment"],
            "model": summary["model"],
            "set": summary["set"],
            "report": summary["report"],
        }
    )
    return row


def _num(value: Any, digits: int) -> str:
    return "—" if value is None else f"{float(value):.{digits}f}"


def render(rows: list[dict[str, Any]]) -> str:
    """``levers.md``: one row per lever, the command under the table."""
    done = next((r for r in rows if "error" not in r), None)
    title = f"{done['model']} on {done['set']}, {done['segments']} segments" if done else "levers"
    out = [
        f"# Levers: {title}",
        "",
        "| lever | chrF++ | BLEU | fact flags / 100 | name recall | s / segment |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['lever']} | failed: {r['error'].replace('|', '/')} | | | | |")
            continue
        recall = "—" if r["name_recall"] is None else f"{100 * r['name_recall']:.1f} %"
        out.append(
            f"| {r['lever']} | {_num(r['chrf++'], 2)} | {_num(r['bleu'], 2)} "
            f"| {_num(r['fact_flags_per_100'], 2)} | {recall} ({r['names_found']}) "
            f"| {_num(r['seconds_per_segment'], 3)} |"
        )
    out += ["", "Commands:", ""]
    out += [f"- {r['lever']}: `{r['command']}`" for r in rows]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--set", help="a named set (flores-dev, tico19, pud-news …)")
    where.add_argument("--data", nargs=2, type=Path, metavar=("AR", "EN"))
    parser.add_argument("--limit", type=int, help="only the first N lines")
    parser.add_argument("--model", help="model to evaluate (tarjama's default if not given)")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--beam", type=int)
    parser.add_argument(
        "--lever",
        action="append",
        type=parse_lever,
        required=True,
        help='settings of one run, e.g. "TARJAMA_CHAT_EXAMPLES=0" ("" = defaults); repeatable',
    )
    parser.add_argument("-o", "--out", type=Path, default=Path("levers"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for settings in args.lever:
        print(f"lever {label(settings)} …", file=sys.stderr, flush=True)
        rows.append(run_lever(settings, args))
    (args.out / "levers.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    (args.out / "levers.md").write_text(render(rows), encoding="utf-8")
    print(render(rows))
    return 0 if all("error" not in r for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
