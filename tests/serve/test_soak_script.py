"""``scripts/soak.py`` (``make soak``), run for a few seconds with a few users.

The real soak is 30 users for 10 minutes (docs/reliability.md); this proves the script itself
works: the server starts with keys and memory on, every kind of request is sent, the report
counts them, samples the server's memory and checks the memory database.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(300)


def test_a_short_soak_reports_everything_it_promises(tmp_path: Path) -> None:
    """Run as a first ``make soak`` runs it, with no ``--model`` and an empty work folder: the
    script builds the tiny model itself (torch and transformers loaded in its process, which
    once broke locust's import there) before it starts the server."""
    out = tmp_path / "soak"
    work = tmp_path / "work"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "soak.py"), "--users", "4", "--seconds", "12",
         "--sample-every", "1", "--window", "2", "--allow-growth", "--out", str(out),
         "--work", str(work)],
        capture_output=True, text=True, timeout=280, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads((out / "soak.json").read_text())
    assert result["requests"] > 20 and result["succeeded"] > 0
    assert result["server_errors_5xx"] == 0 and result["wrong_answers"] == 0
    assert result["refused_as_expected_4xx"] > 0  # the bad requests were sent, and refused
    assert result["memory_db"]["integrity_check"] == "ok"
    assert result["memory_db"]["rows"]["entries"] > 0  # the memory was on and written
    assert result["rss"]["samples"] >= 4 and result["rss"]["start_mb"] > 0
    assert result["server_log_tracebacks"] == 0
    report = (out / "soak.md").read_text()
    assert "| 503 load shedding" in report and "| 429 rate limiting" in report
    assert "RSS start / middle / end" in report and "integrity_check: ok" in report
