"""kill -9 at random moments, then the same command again: nothing lost, nothing twice.

A real ``tarjama job run`` (the tiny CTranslate2 model) over a tree, a JSONL and a Parquet
corpus of 300 documents each is killed with SIGKILL, its whole process group at once as a power
cut would, 20 times at seeded random moments, and run again each time. Some kills land in
start-up (interpreter, imports, the manifest being made, planning, the model loading), the rest
at a random instant after the run began translating (mid-batch, mid-commit, between commits),
so every source is cut in the middle of its work. After the last, uninterrupted run the outputs
must be byte for byte those of a run that was never killed: every record once and in order, no
file missing or extra, no temporary left behind, and no attempt counted against any document
(a killed job is not a failing document).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from job_corpus import (
    Run,
    job_env,
    make_jsonl,
    make_parquet,
    make_tree,
    manifest_rows,
    output_files,
)

from tarjama.jobs import JobSpec

DOCUMENTS = 300
KILLS = 20
SEED = 20261207
EARLY = 0.3
"""Share of the kills drawn inside start-up rather than after the run began translating."""
BATCH = JobSpec(sources=(), output="").batch_documents
SOURCES = ("tree", "wire", "archive")


def _command(sources: list[Path], out: Path, model: Path) -> list[str]:
    return [
        sys.executable, "-m", "tarjama.cli", "job", "run", *map(str, sources), "-o", str(out),
        "-m", str(model), "--field", "title", "--id-field", "id", "--shard-size", "10",
        "--quiet", "--json",
    ]  # fmt: skip


def _done_documents(out: Path) -> int:
    rows = manifest_rows(out, "SELECT SUM(documents) FROM units WHERE status = 'done'", live=True)
    return int(rows[0][0] or 0) if rows else 0


def _translating(out: Path, pid: int) -> list[str]:
    """The units process ``pid`` has taken up (marked running) and not yet committed."""
    return [
        str(r[0])
        for r in manifest_rows(out, "SELECT key FROM units WHERE worker = ?", pid, live=True)
    ]


@dataclass
class Kills:
    """Where the kills landed: in start-up, or in the middle of which sources' units."""

    startup: int = 0
    work: int = 0
    inside: Counter[str] = field(default_factory=Counter)
    between_file_and_row: int = 0
    """Kills that left an output file on disk whose manifest row was not yet ``done``."""


def _timeline(command: list[str], out: Path, env: dict[str, str]) -> tuple[float, float]:
    """Run ``command`` uninterrupted; (seconds until it began translating, seconds in all)."""
    started = time.monotonic()
    job = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = None
    while job.poll() is None:
        if first is None and _translating(out, job.pid):
            first = time.monotonic() - started
        time.sleep(0.02)
    total = time.monotonic() - started
    _, stderr = job.communicate()
    assert job.returncode == 0, stderr.decode()[-2000:]
    return first or total, total


def test_kill_9_at_random_moments_loses_and_repeats_nothing(
    tmp_path: Path, home: Path, tiny_marian_ct2: Path
) -> None:
    sources = [
        make_tree(tmp_path / "tree", DOCUMENTS),
        make_jsonl(tmp_path / "wire.jsonl", DOCUMENTS),
        make_parquet(tmp_path / "archive.parquet", DOCUMENTS),
    ]
    env = job_env(home)
    reference = tmp_path / "reference"
    startup, total = _timeline(_command(sources, reference, tiny_marian_ct2), reference, env)
    expected = output_files(reference)
    assert len(expected) == DOCUMENTS + 2 * DOCUMENTS // 10
    per_batch = (total - startup) * BATCH / (3 * DOCUMENTS)

    out = tmp_path / "out"
    command = _command(sources, out, tiny_marian_ct2)
    rng = random.Random(SEED)
    early = [rng.random() < EARLY for _ in range(KILLS)]
    # each kill while translating waits for a point of the job's progress, one drawn in each
    # equal stretch of it, so that the kills are spread over every source's work
    stretch = (3 * DOCUMENTS - 2 * BATCH) / early.count(False)
    targets = iter([(i + rng.random()) * stretch for i in range(early.count(False))])
    kills = Kills()
    began = time.monotonic()
    for kill in range(KILLS):
        target = 0.0 if early[kill] else next(targets)
        # near the end only start-up kills, so that the job cannot finish before the last kill
        startup_kill = early[kill] or 3 * DOCUMENTS - _done_documents(out) <= 2 * BATCH
        delay = rng.uniform(0.02, startup) if startup_kill else rng.uniform(0.0, per_batch)
        job = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            start_new_session=True,
        )  # fmt: skip
        launched = time.monotonic()
        if not startup_kill:  # wait for the run to translate past its target, then a moment
            while job.poll() is None and (
                not _translating(out, job.pid) or _done_documents(out) < target
            ):
                assert time.monotonic() - launched < 300, "the run never got to its target"
                time.sleep(0.01)
        time.sleep(delay)
        assert job.poll() is None, "the job ended before its kill"
        os.killpg(job.pid, signal.SIGKILL)
        job.communicate()
        cut = _translating(out, job.pid)
        if cut:
            kills.work += 1
            kills.inside.update({key.split("/", 1)[0] for key in cut})
        else:
            kills.startup += 1
        unfinished = {
            str(r[0])
            for r in manifest_rows(out, "SELECT key FROM units WHERE status != 'done'", live=True)
        }
        kills.between_file_and_row += any((out / key).is_file() for key in unfinished)

    last = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    wall = time.monotonic() - began
    print(
        f"\n{KILLS} kills (seed {SEED}): {kills.startup} in start-up, {kills.work} while "
        f"translating (units of {dict(kills.inside)} cut), {kills.between_file_and_row} between "
        f"an output file and its row; uninterrupted run {total:.1f} s (start-up {startup:.1f} s), "
        f"killed runs and the last run {wall:.1f} s"
    )

    assert last.returncode == 0, last.stderr[-2000:]
    assert kills.startup >= 1 and kills.work >= KILLS // 2, kills
    assert set(kills.inside) == set(SOURCES), kills  # each source was cut mid-work
    summary = json.loads(last.stdout)
    assert (summary["done"], summary["failed"], summary["pending"]) == (3 * DOCUMENTS, 0, 0)
    assert output_files(out) == expected  # byte for byte, no file missing or extra
    assert list(out.rglob(".*.partial")) == []
    assert manifest_rows(
        out, "SELECT status, SUM(attempts), COUNT(*) FROM units GROUP BY status"
    ) == [("done", 0, len(expected))]
    ids = [
        json.loads(line)["id"]
        for name in sorted(n for n in expected if n.startswith("wire/"))
        for line in (out / name).read_text(encoding="utf-8").splitlines()
    ]
    assert ids == [f"r{i:04d}" for i in range(DOCUMENTS)]  # every record once, in order
    rows = [
        r["id"]
        for p in sorted((out / "archive").glob("*.parquet"))
        for r in pq.read_table(p).to_pylist()
    ]
    assert rows == ids


def test_what_a_kill_leaves_at_each_step_of_a_commit_is_redone_the_same(
    job: Run, tmp_path: Path
) -> None:
    """The states the random kills above rarely hit, made on purpose: a temporary of a dead
    process (killed before the rename), an output whose row still says running (killed after
    the rename, before the row), and a done row whose file is gone."""
    tree, corpus = make_tree(tmp_path / "src", 6), make_jsonl(tmp_path / "wire.jsonl", 25)
    args = (tree, corpus, "-o", tmp_path / "out", "--field", "title", "--shard-size", "10")
    out = tmp_path / "out"
    assert job("run", *args).code == 0
    expected = output_files(out)
    dead = _dead_pid()
    temporary = out / "src" / "world" / f".doc-0001.txt.{dead}-0123abcd.partial"
    temporary.write_bytes(b"half an output")
    with sqlite3.connect(out / ".tarjama-job" / "manifest.sqlite") as conn:
        conn.execute(
            "UPDATE units SET status = 'running', worker = ? WHERE key IN (?, ?)",
            (dead, "src/world/doc-0001.txt", "wire/part-00001.jsonl"),
        )
    (out / "src" / "local" / "doc-0000.txt").unlink()

    again = job("run", *args)

    assert again.code == 0, again
    assert again.summary["run"]["units"] == 3
    assert output_files(out) == expected
    assert not temporary.exists()


def _dead_pid() -> int:
    """The pid of a process that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
