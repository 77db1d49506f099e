"""API fuzzing from the OpenAPI schema (schemathesis) against a running ``tarjama serve``.

Schemathesis's own runner (``st run``) reads ``/openapi.json`` and tries every operation
(LibreTranslate's routes, ``/v1``, ``/health``, ``/metrics``) in all its phases: the schema's
examples, its boundaries (coverage), generated requests valid and invalid (fuzzing) and chains
of calls (stateful). Every answer must conform: no 5xx, a documented status, the documented
content type, headers and body schema, an ``Allow`` header on 405, invalid input refused.
``positive_data_acceptance`` is left out: a few valid-looking requests are refused by rules a
schema cannot state (a file's extension, ``fields`` only for JSON documents), with a 400 and a
message. Bounded for CI (a few examples per operation, a fixed seed); the longer run that
docs/reliability.md reports is the same command with more examples.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from serving import Server

pytestmark = pytest.mark.timeout(300)


def fuzz(
    server: Server, examples: int, where: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    """``st run`` in ``where``, which gets schemathesis's own cache (never the checkout)."""
    st = Path(sys.executable).with_name("st")
    command = [
        str(st), "run", f"{server.url}/openapi.json", "--max-examples", str(examples),
        "--exclude-checks", "positive_data_acceptance", "--seed", "9", "--no-color",
        "--workers", "2", "--suppress-health-check", "all", "--request-timeout", "60", *options,
    ]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, timeout=280, check=False, cwd=where
    )


def test_every_operation_answers_as_documented(server: Server, tmp_path: Path) -> None:
    run = fuzz(server, 10, tmp_path)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-12000:]
    generated = re.search(r"(\d+) generated", report)
    assert generated is not None and int(generated.group(1)) >= 200, report[-2000:]
    selected = re.search(r"Selected: (\d+)/(\d+)", report)
    tested = re.search(r"Tested: (\d+)", report)
    assert selected and tested, report[-2000:]
    assert selected.group(1) == selected.group(2) == tested.group(1)  # every operation tried
    assert "failure" not in report.split("SUMMARY")[-1].lower(), report[-3000:]
