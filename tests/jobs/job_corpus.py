"""Small corpora for the job tests, built from the shared pool's Arabic lines."""

from __future__ import annotations

import json
from pathlib import Path

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
