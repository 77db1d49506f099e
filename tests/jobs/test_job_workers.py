"""``--workers N``: a worker process killed mid-job fails only what it held.

A real ``tarjama job run --workers 2`` runs as a subprocess; the test watches its manifest and
SIGKILLs the worker process translating a long document, twice. The first death costs every
unit that worker held one attempt, and each is tried again on its own; the second death, on the
long document alone, reaches ``--max-attempts 2`` and fails it with the crash as its error. No
other document is touched, the job finishes and says so with exit code 1, ``job status`` groups
the crash, and ``job retry`` then translates it. The outputs are byte for byte those of one
worker.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from job_corpus import Run, job_env, make_tree, manifest_rows, output_files, pool_lines

from tarjama.jobs.cli import EXIT_FAILED, EXIT_FAILED_INPUT

LONG = "a-long.txt"  # sorts first, so the first batch holds it


def _worker_on(out: Path, key: str, driver: int, killed: set[int]) -> int | None:
    """The pid of a live worker that has taken up ``key``, if one has."""
    rows = manifest_rows(
        out, "SELECT worker FROM units WHERE key = ? AND status = 'running'", key, live=True
    )
    pid = rows[0][0] if rows else None
    return pid if isinstance(pid, int) and pid != driver and pid not in killed else None


def _job_command(source: Path, out: Path, model: Path, *options: str) -> list[str]:
    """``tarjama job run`` as a child process the test can watch and kill; JSON summary only."""
    return [
        sys.executable, "-m", "tarjama.cli", "job", "run", str(source), "-o", str(out),
        "-m", str(model), *options, "--json", "--quiet",
    ]  # fmt: skip


def test_a_killed_worker_fails_only_its_units_which_are_retried_up_to_a_limit(
    job: Run, home: Path, tmp_path: Path, tiny_marian_ct2: Path
) -> None:
    source = make_tree(tmp_path / "src", 150)
    (source / LONG).write_text(" ".join(pool_lines(120)) + "\n", encoding="utf-8")
    assert job("run", source, "-o", tmp_path / "reference").code == 0
    expected = output_files(tmp_path / "reference")

    out = tmp_path / "out"
    command = _job_command(source, out, tiny_marian_ct2, "--workers", "2", "--max-attempts", "2")
    run = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=job_env(home), text=True
    )
    killed: list[int] = []
    held: set[str] = set()  # what the first killed worker had taken up and not committed
    started = time.monotonic()
    while len(killed) < 2 and run.poll() is None:
        assert time.monotonic() - started < 240, "no worker took up the long document"
        pid = _worker_on(out, LONG, run.pid, set(killed))
        if pid is None:
            time.sleep(0.01)
            continue
        if not killed:
            held = {
                str(r[0])
                for r in manifest_rows(
                    out, "SELECT key FROM units WHERE worker = ?", pid, live=True
                )
            }
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
    stdout, stderr = run.communicate(timeout=240)

    assert len(killed) == 2, stderr[-2000:]
    assert run.returncode == EXIT_FAILED, stderr[-2000:]
    summary = json.loads(stdout)
    assert (summary["documents"], summary["done"], summary["failed"]) == (151, 150, 1)
    assert summary["errors"] == {"crash": 1}
    assert summary["run"]["crashes"] == 2 and summary["run"]["workers"] == 2
    units = {
        str(key): (status, attempts, error_kind)
        for key, status, attempts, error_kind in manifest_rows(
            out, "SELECT key, status, attempts, error_kind FROM units"
        )
    }
    assert units.pop(LONG) == ("failed", 2, "crash")
    again = {key for key, (_, attempts, _) in units.items() if attempts}
    assert again and again <= held - {LONG}  # one attempt each, the first worker's units only
    assert all(status == "done" and not kind for status, _, kind in units.values())
    assert output_files(out) == {k: v for k, v in expected.items() if k != LONG}

    status = job("status", out)
    assert status.code == 0, status
    assert "crash: 1 failed" in status.stderr and "SIGKILL" in status.stderr
    assert job("status", out, "--json").summary["errors"] == {"crash": 1}

    retried = job("retry", out)
    assert retried.code == 0, retried
    assert (retried.summary["failed"], retried.summary["run"]["units"]) == (0, 1)
    assert output_files(out) == expected
    assert manifest_rows(out, "SELECT status, attempts FROM units WHERE key = ?", LONG) == [
        ("done", 0)
    ]


def test_one_worker_with_two_threads_keeps_two_batches_in_flight_and_writes_what_one_does(
    job: Run, home: Path, tmp_path: Path, tiny_marian_ct2: Path
) -> None:
    """``--workers 1 --threads 2``: the model decodes two batches at once (one thread each), so
    the job keeps three batches of 64 documents running. Watched in the live manifest: more than
    one batch's units are running at the same moment. Nothing is lost or done twice, the bad
    document fails alone, and the English is byte for byte that of ``--threads 1``."""
    source = make_tree(tmp_path / "src", 300)
    (source / "binary.txt").write_bytes(b"\x00\x01\x02 not text \xff")
    one = job("run", source, "-o", tmp_path / "one", "--threads", "1")
    assert one.code == EXIT_FAILED_INPUT, one

    out = tmp_path / "two"
    command = _job_command(source, out, tiny_marian_ct2, "--workers", "1", "--threads", "2")
    run = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=job_env(home), text=True
    )
    most_running = 0
    while run.poll() is None:
        rows = manifest_rows(out, "SELECT COUNT(*) FROM units WHERE status = 'running'", live=True)
        most_running = max(most_running, rows[0][0] if rows else 0)
        time.sleep(0.01)
    stdout, stderr = run.communicate()

    assert run.returncode == EXIT_FAILED_INPUT, stderr
    summary = json.loads(stdout)
    assert (summary["done"], summary["failed"], summary["pending"]) == (300, 1, 0)
    assert most_running > 64, f"at most {most_running} units were running at once"
    assert summary["run"]["engine_segments"] == one.summary["run"]["engine_segments"]
    failed = manifest_rows(out, "SELECT key, attempts FROM units WHERE status = 'failed'")
    assert failed == [("binary.txt", 1)]
    assert output_files(out) == output_files(tmp_path / "one")
