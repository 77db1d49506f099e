"""Fixtures for the corpus-job tests: the tiny model, a clean TARJAMA_HOME, the CLI both ways."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from job_corpus import Result, Run, job_env
from typer.testing import CliRunner

from tarjama.cli import app


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("TARJAMA_HOME", str(folder))
    monkeypatch.setenv("TARJAMA_THREADS", "1")
    from tarjama.settings import get_settings

    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()
    return folder


@pytest.fixture
def job(home: Path, tiny_marian_ct2: Path) -> Run:
    """``job("run", SRC, "-o", OUT, ...)`` through the CLI in this process (CliRunner), with the
    tiny model unless the arguments name one; ``--json`` is added to ``run`` and ``retry``."""
    runner = CliRunner()

    def invoke(command: str, *args: str | Path, model: bool = True) -> Result:
        argv = [command, *map(str, args)]
        if command in ("run", "retry") and "--json" not in argv:
            argv.append("--json")
        if command == "run" and model and "-m" not in argv:
            argv += ["-m", str(tiny_marian_ct2)]
        result = runner.invoke(app, ["job", *argv])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def job_process(home: Path, tiny_marian_ct2: Path) -> Run:
    """The same as ``job``, through a real ``tarjama`` subprocess."""

    def invoke(command: str, *args: str | Path, timeout: float = 240) -> Result:
        argv = [command, *map(str, args)]
        if command in ("run", "retry") and "--json" not in argv:
            argv += ["--json", "--quiet"]
        if command == "run" and "-m" not in argv:
            argv += ["-m", str(tiny_marian_ct2)]
        done = subprocess.run(
            [sys.executable, "-m", "tarjama.cli", "job", *argv],
            capture_output=True, text=True, env=job_env(home), timeout=timeout,
        )  # fmt: skip
        return Result(done.returncode, done.stdout, done.stderr)

    return invoke
