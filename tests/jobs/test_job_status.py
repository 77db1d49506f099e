"""``job status`` and ``job retry``, and what ``job run`` shows: the live display, ``--quiet``,
``--json``."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from job_corpus import Run, job_env, make_tree, manifest_rows, pool_lines, records
from rich.console import Console

from tarjama.cli import EXIT_CONFIG, EXIT_INPUT
from tarjama.jobs import JobProgress


def _command(home: Path, *args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tarjama.cli", "job", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=job_env(home), text=True,
    )  # fmt: skip


def test_status_of_a_job_cut_short_shows_done_pending_rate_and_eta(
    job: Run, home: Path, tmp_path: Path, tiny_marian_ct2: Path
) -> None:
    source = make_tree(tmp_path / "src", 150)
    out = tmp_path / "out"
    run = _command(home, "run", source, "-o", out, "-m", tiny_marian_ct2, "--quiet")
    started = time.monotonic()
    done = 0
    while done < 64 and run.poll() is None:  # the first batch committed, then kill -9
        assert time.monotonic() - started < 240, "the job committed nothing"
        rows = manifest_rows(out, "SELECT COUNT(*) FROM units WHERE status = 'done'", live=True)
        done = int(rows[0][0]) if rows else 0
        time.sleep(0.02)
    assert run.poll() is None, "the job ended before it was cut short"
    os.kill(run.pid, signal.SIGKILL)
    run.communicate()

    status = job("status", out, "--json").summary
    assert status["documents"] == 150 and status["failed"] == 0
    assert 64 <= status["done"] < 150 and status["done"] + status["pending"] == 150
    assert status["rate"] > 0 and status["errors"] == {}
    assert abs(status["eta_seconds"] - status["pending"] / status["rate"]) < 0.2
    shown = job("status", out)
    assert shown.code == 0, shown
    for header in ("documents", "done", "failed", "pending", "rate", "ETA"):
        assert header in shown.stderr
    assert f"{status['pending']:,}" in shown.stderr and "/s" in shown.stderr

    finished = job("run", source, "-o", out)
    assert finished.code == 0, finished
    assert finished.summary["run"]["units"] == status["pending"]
    assert (finished.summary["done"], finished.summary["eta_seconds"]) == (150, 0)


def test_status_groups_errors_by_kind_and_retry_redoes_the_failed(job: Run, tmp_path: Path) -> None:
    source = make_tree(tmp_path / "src", 4)
    bad = [source / f"bad-{i}.txt" for i in range(5)]
    for path in bad:
        path.write_bytes(b"")
    out = tmp_path / "out"
    first = job("run", source, "-o", out)
    assert first.code == EXIT_INPUT, first

    status = job("status", out, "--json").summary
    assert (status["done"], status["failed"], status["pending"]) == (4, 5, 0)
    assert status["errors"] == {"input": 5}
    assert len(status["examples"]["input"]) == 3  # a few examples per kind, not all
    assert all("is empty" in example for example in status["examples"]["input"])
    shown = job("status", out)
    assert "input: 5 failed" in shown.stderr and "bad-0.txt" in shown.stderr

    # the same documents still bad: retried, failed again, the same exit code
    again = job("retry", out)
    assert again.code == EXIT_INPUT, again
    assert (again.summary["run"]["units"], again.summary["failed"]) == (5, 5)

    for path, line in zip(bad, pool_lines(5), strict=True):
        path.write_text(line + "\n", encoding="utf-8")
    retried = job("retry", out)
    assert retried.code == 0, retried
    assert "retrying 5 failed units" in retried.stderr
    assert (retried.summary["run"]["units"], retried.summary["failed"]) == (5, 0)
    assert manifest_rows(out, "SELECT COUNT(*) FROM failures") == [(0,)]
    assert all((out / path.name).read_text(encoding="utf-8").strip() for path in bad)

    nothing = job("retry", out)
    assert nothing.code == 0, nothing
    assert nothing.summary["run"]["model_opened"] is False, nothing.summary["run"]


def test_retry_reads_a_shard_from_where_its_records_are_now(job: Run, tmp_path: Path) -> None:
    rows = records(6)
    source = tmp_path / "news.jsonl"

    def write(first_title: str) -> None:
        lines = [
            json.dumps({**r, "title": first_title} if i == 0 else r, ensure_ascii=False)
            for i, r in enumerate(rows)
        ]
        lines[4] = "{not json"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")

    write(str(rows[0]["title"]))
    args = ("-o", tmp_path / "out", "--field", "title", "--id-field", "id", "--shard-size", "3")
    assert job("run", source, *args).code == EXIT_INPUT
    # the first shard's record grows, so the second shard's bytes move; then retry it
    write(f"{rows[0]['title']} {pool_lines(50)[49]}")

    retried = job("retry", tmp_path / "out")

    assert retried.code == EXIT_INPUT, retried  # its bad line is still bad
    assert retried.summary["run"]["units"] == 2  # the changed shard and the retried one
    second = (tmp_path / "out" / "news" / "part-00001.jsonl").read_text(encoding="utf-8")
    assert [json.loads(line)["id"] for line in second.splitlines()] == ["r0003", "r0005"]
    assert manifest_rows(tmp_path / "out", "SELECT unit, document FROM failures") == [
        ("news/part-00001.jsonl", "4")
    ]
    assert job("run", source, *args).summary["run"]["units"] == 0


def test_status_and_retry_of_a_folder_without_a_job_say_so(job: Run, tmp_path: Path) -> None:
    for command in ("status", "retry"):
        result = job(command, tmp_path)
        assert result.code == EXIT_CONFIG, result
        assert "holds no job" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / ".tarjama-job").exists()


def test_run_shows_a_live_display_quiet_hides_it_and_json_prints_the_summary(
    home: Path, tmp_path: Path, tiny_marian_ct2: Path
) -> None:
    source = make_tree(tmp_path / "src", 5)
    shown = _command(home, "run", source, "-o", tmp_path / "a", "-m", tiny_marian_ct2)
    stdout, stderr = shown.communicate(timeout=240)
    assert shown.returncode == 0, stderr
    assert stdout == ""
    assert "5/5 docs" in stderr and "docs/s" in stderr and "0 failed" in stderr
    assert "pending" in stderr  # the summary table

    quiet = _command(home, "run", source, "-o", tmp_path / "b", "-m", tiny_marian_ct2, "-q")
    assert quiet.communicate(timeout=240) == ("", "") and quiet.returncode == 0

    summary = _command(
        home, "run", source, "-o", tmp_path / "b", "-m", tiny_marian_ct2, "--json", "--quiet"
    )
    stdout, stderr = summary.communicate(timeout=240)
    assert (summary.returncode, stderr) == (0, "")
    data = json.loads(stdout)
    assert (data["documents"], data["done"], data["failed"], data["pending"]) == (5, 5, 0, 0)
    assert data["run"]["units"] == 0  # everything was done already


def test_the_display_counts_documents_segments_failures_rate_and_eta() -> None:
    now = [0.0]
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    with JobProgress(console=console, get_time=lambda: now[0]) as progress:
        progress.start(100, done=10, failed=2)
        for _ in range(4):
            now[0] += 2.0
            progress.advance(10, segments=15, failed=1)
    line = console.file.getvalue()  # type: ignore[attr-defined]
    assert "52/100 docs" in line
    assert "60 segments" in line and "6 failed" in line
    assert "5.0 docs/s" in line  # 40 documents in 8 s
    assert "0:00:08 0:00:10" in line  # elapsed; 48 left at 5 a second
