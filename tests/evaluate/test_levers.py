"""``scripts/levers.py``: one ``tarjama eval`` per lever, one table, with the tiny Marian model.

The tiny model's English is nonsense; what is checked is that every lever runs as its own
process with its settings, that its row holds the figures of its own report, and that a lever
that fails is a row saying why while the others still run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def levers(*args: str | Path, home: Path, data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    env.update(TARJAMA_HOME=str(home), TARJAMA_DATA=str(data))
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "levers.py"), *map(str, args)],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip


def test_each_lever_is_a_row_with_its_command_and_its_own_report(
    tiny_marian_ct2: Path, shared_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "levers"
    run = levers(
        "--set", "pud-news", "--limit", "10", "--model", tiny_marian_ct2, "-o", out,
        "--lever", "", "--lever", "TARJAMA_THREADS=1", "--lever", "TARJAMA_THREADS=-1",
        home=tmp_path / "home", data=shared_dir / "data",
    )  # fmt: skip
    assert run.returncode == 1, run.stderr[-3000:]  # one lever failed
    rows = json.loads((out / "levers.json").read_text(encoding="utf-8"))
    assert [r["lever"] for r in rows] == ["defaults", "threads=1", "threads=-1"]
    for row in rows[:2]:
        report = json.loads((Path(row["results"]) / "report.json").read_text(encoding="utf-8"))
        assert row["segments"] == report["segments"] == 10
        assert row["chrf++"] == report["scores"]["chrf++"]["score"]
        assert row["bleu"] == report["scores"]["bleu"]["score"]
        assert row["fact_flags_per_100"] == report["fact_flags"]["per_100"]
        assert row["name_recall"] == report["names"]["share"]
        assert row["seconds_per_segment"] == report["seconds_per_segment"]
        assert row["set"] == "UD PUD news"
    assert rows[0]["results"] != rows[1]["results"]  # each lever its own results folder
    assert rows[0]["chrf++"] == rows[1]["chrf++"]  # one thread or all: the same greedy English
    assert rows[1]["command"].startswith("TARJAMA_THREADS=1 tarjama eval --set pud-news ")
    assert "TARJAMA_THREADS='-1' is not valid" in rows[2]["error"] and rows[2]["exit_code"] == 5

    table = (out / "levers.md").read_text(encoding="utf-8")
    assert "| lever | chrF++ | BLEU | fact flags / 100 | name recall | s / segment |" in table
    assert f"| threads=1 | {rows[1]['chrf++']:.2f} | {rows[1]['bleu']:.2f} |" in table
    assert "| threads=-1 | failed: " in table
    assert f"- threads=1: `{rows[1]['command']}`" in table
    assert table in run.stdout


def test_a_setting_tarjama_does_not_read_is_refused_before_anything_runs(
    shared_dir: Path, tmp_path: Path
) -> None:
    run = levers(
        "--set", "pud-news", "--limit", "10", "-o", tmp_path / "levers",
        "--lever", "TARJAMA_CHAT_EXAMPELS=0", home=tmp_path / "home", data=shared_dir / "data",
    )  # fmt: skip
    assert run.returncode == 2
    assert "tarjama has no setting TARJAMA_CHAT_EXAMPELS" in run.stderr
    assert not (tmp_path / "levers").exists()
