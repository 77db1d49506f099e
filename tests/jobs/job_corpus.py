"""Small corpora for the job tests, built from the shared pool's Arabic lines, and the result of
a ``tarjama job`` command as the tests see it."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support.tiny_marian import default_shared_dir


def pool_lines(count: int, *, max_chars: int = 70) -> list[str]:
    """``count`` short Arabic lines of the UN pool (cycled if need be), each made unique."""
    pool = default_shared_dir() / "data" / "pool" / "un.dev.ar"
    lines = [
        line.strip()
        for line in pool.read_text(encoding="utf-8").splitlines()
        if 10 < len(line.strip()) <= max_chars
    ]
    return [f"{lines[i % len(lines)]} {i}" for i in range(count)]


def make_tree(root: Path, count: int) -> Path:
    """``count`` one-sentence text files, in two folders."""
    for i, line in enumerate(pool_lines(count)):
        path = root / ("world" if i % 3 else "local") / f"doc-{i:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(line + "\n", encoding="utf-8")
    return root


def records(count: int) -> list[dict[str, object]]:
    return [{"id": f"r{i:04d}", "title": line, "n": i} for i, line in enumerate(pool_lines(count))]


def make_jsonl(path: Path, count: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(count)), encoding="utf-8"
    )
    return path


def make_parquet(path: Path, count: int) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(records(count)), path)
    return path


def output_files(out: Path) -> dict[str, bytes]:
    """Every output file under ``out`` (the manifest's folder and temporaries left out)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }


def manifest_rows(out: Path, sql: str, *args: object, live: bool = False) -> list[tuple[Any, ...]]:
    """Rows of the job's manifest in ``out``, read-only; none while there is none.

    ``live``: a job is running on it, perhaps just making it: look only once it is in WAL mode
    (its ``-wal`` file exists), so that looking never holds a lock the job waits on, and take
    a manifest not yet set up (a run killed in its first instant) as empty.
    """
    path = out / ".tarjama-job" / "manifest.sqlite"
    if not path.is_file() or (live and not Path(f"{path}-wal").exists()):
        return []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return list(conn.execute(sql, args))
    except sqlite3.OperationalError:
        if live:
            return []
        raise


def job_env(home: Path) -> dict[str, str]:
    """The environment of a ``tarjama`` subprocess: a clean home, one thread, the shared data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    env.update({"TARJAMA_HOME": str(home), "TARJAMA_THREADS": "1"})
    if "TARJAMA_SHARED" in os.environ:
        env["TARJAMA_SHARED"] = os.environ["TARJAMA_SHARED"]
    return env


Run = Callable[..., "Result"]


class Result:
    """A finished ``tarjama job`` command: exit code, output, and its JSON summary if any."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code = code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def summary(self) -> dict[str, Any]:
        return dict(json.loads(self.stdout))

    def __repr__(self) -> str:
        return f"Result({self.code}, stdout={self.stdout[-800:]!r}, stderr={self.stderr[-800:]!r})"
