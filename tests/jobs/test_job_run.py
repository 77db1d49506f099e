"""``tarjama job run``: trees and record corpora in, mirrored outputs and a manifest out."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from job_corpus import Run, make_tree, output_files, pool_lines, records

from tarjama.cli import EXIT_CONFIG, EXIT_INPUT


def _manifest_rows(out: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(out / ".tarjama-job" / "manifest.sqlite") as conn:
        return list(conn.execute(sql))


def test_a_tree_becomes_a_tree_and_bad_documents_are_recorded(job: Run, tmp_path: Path) -> None:
    source = make_tree(tmp_path / "src", 8)
    (source / "world" / "empty.txt").write_text("")
    (source / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 10)
    (source / "broken.json").write_text('{"title": ', encoding="utf-8")
    (source / "huge.txt").write_text("كلمة " * 420_000, encoding="utf-8")  # over 2 MB
    out = tmp_path / "out"

    result = job("run", source, "-o", out)

    assert result.code == EXIT_INPUT, result
    summary = result.summary
    assert (summary["documents"], summary["done"], summary["failed"]) == (12, 8, 4)
    assert summary["errors"] == {"input": 4}
    assert sorted(output_files(out)) == sorted(
        p.relative_to(source).as_posix()
        for p in source.rglob("*.txt")
        if p.name not in ("empty.txt", "binary.txt", "huge.txt")
    )
    english = (out / "world" / "doc-0001.txt").read_text(encoding="utf-8")
    assert english.strip() and english != (source / "world" / "doc-0001.txt").read_text()
    failed = _manifest_rows(out, "SELECT key, error_kind FROM units WHERE status = 'failed'")
    assert sorted(failed) == [
        ("binary.txt", "input"), ("broken.json", "input"), ("huge.txt", "input"),
        ("world/empty.txt", "input"),
    ]  # fmt: skip
    assert "input limit" in str(_manifest_rows(out, "SELECT error FROM units WHERE key='huge.txt'"))


def test_a_rerun_after_success_opens_no_model_and_writes_nothing(job: Run, tmp_path: Path) -> None:
    source = make_tree(tmp_path / "src", 6)
    out = tmp_path / "out"
    first = job("run", source, "-o", out)
    assert first.code == 0, first
    assert first.summary["run"]["engine_segments"] == 6
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.txt")}

    again = job("run", source, "-o", out)

    assert again.code == 0, again
    run = again.summary["run"]
    assert (run["planned"], run["units"], run["engine_segments"], run["model_opened"]) == (
        0, 0, 0, False,
    )  # fmt: skip
    assert again.summary["done"] == 6
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.txt")} == stamps


def test_a_changed_input_model_or_glossary_redoes_exactly_what_it_affects(
    job: Run, tmp_path: Path, tiny_marian_ct2: Path
) -> None:
    source = make_tree(tmp_path / "src", 6)
    out = tmp_path / "out"
    assert job("run", source, "-o", out).code == 0

    changed = source / "world" / "doc-0002.txt"
    changed.write_text(pool_lines(40)[39] + "\n", encoding="utf-8")
    run = job("run", source, "-o", out).summary["run"]
    assert (run["units"], run["engine_segments"]) == (1, 1)

    # a glossary whose one term only two documents hold redoes those two
    lines = {p: p.read_text(encoding="utf-8") for p in source.rglob("*.txt")}
    word = next(w for w in lines[changed].split() if len(w) > 4 and w.isalpha())
    holders = sorted(p.relative_to(source).as_posix() for p, t in lines.items() if word in t)
    glossary = tmp_path / "terms.tsv"
    glossary.write_text(f"{word}\tWordOne\n", encoding="utf-8")
    run = job("run", source, "-o", out, "-g", glossary).summary["run"]
    assert run["units"] == len(holders) >= 1
    # a new English for it: the same documents again; a term no document holds: none
    glossary.write_text(f"{word}\tWordTwo\n", encoding="utf-8")
    assert job("run", source, "-o", out, "-g", glossary).summary["run"]["units"] == len(holders)
    glossary.write_text(f"{word}\tWordTwo\nزنجبيلستان\tGingerland\n", encoding="utf-8")
    assert job("run", source, "-o", out, "-g", glossary).summary["run"]["units"] == 0

    # another model (the same weights, copied: another file) redoes every document
    other = tmp_path / "other-model"
    shutil.copytree(tiny_marian_ct2, other)
    run = job("run", source, "-o", out, "-g", glossary, "-m", other).summary["run"]
    assert run["units"] == 6


def test_a_jsonl_corpus_becomes_shards_with_every_record_in_order(job: Run, tmp_path: Path) -> None:
    rows = records(10)
    rows[3]["title"] = ""
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(5, "{not json")
    source = tmp_path / "news.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"

    result = job(
        "run", source, "-o", out, "--field", "title", "--id-field", "id", "--shard-size", "4"
    )

    assert result.code == EXIT_INPUT, result
    assert sorted(output_files(out)) == [f"news/part-0000{i}.jsonl" for i in range(3)]
    written = [
        json.loads(line)
        for name in sorted(output_files(out))
        for line in (out / name).read_text(encoding="utf-8").splitlines()
    ]
    assert [r["id"] for r in written] == [r["id"] for r in rows]  # the bad line is not a record
    assert all(set(r) == {"id", "title", "n", "title_en"} for r in written)
    assert [r["title"] for r in written] == [r["title"] for r in rows]
    assert written[3]["title_en"] is None
    assert all(
        isinstance(r["title_en"], str) and r["title_en"] for i, r in enumerate(written) if i != 3
    )
    failures = _manifest_rows(out, "SELECT document, kind FROM failures ORDER BY document")
    assert failures == [("5", "input"), ("r0003", "input")]
    assert result.summary["failed"] == 2 and result.summary["done"] == 9


def test_a_csv_corpus_becomes_jsonl_shards(job: Run, tmp_path: Path) -> None:
    source = tmp_path / "wire.csv"
    body = "".join(f'{i},"{line}"\n' for i, line in enumerate(pool_lines(5)))
    source.write_text("key,body\n" + body, encoding="utf-8")
    out = tmp_path / "out"

    result = job("run", source, "-o", out, "--field", "body", "--id-field", "key")

    assert result.code == 0, result
    written = [json.loads(x) for x in (out / "wire" / "part-00000.jsonl").read_text().splitlines()]
    assert [r["key"] for r in written] == ["0", "1", "2", "3", "4"]
    assert all(r["body_en"] for r in written)


def test_a_parquet_corpus_keeps_its_columns_and_replace_puts_english_in_place(
    job: Run, tmp_path: Path
) -> None:
    source = tmp_path / "archive.parquet"
    pq.write_table(pa.Table.from_pylist(records(7)), source)
    out = tmp_path / "out"

    result = job("run", source, "-o", out, "--field", "title", "--replace", "--shard-size", "5")

    assert result.code == 0, result
    parts = [pq.read_table(out / "archive" / f"part-0000{i}.parquet") for i in range(2)]
    table = pa.concat_tables(parts)
    assert table.column_names == ["id", "title", "n"]
    assert table.schema.field("n").type == pa.int64()
    assert table.column("id").to_pylist() == [r["id"] for r in records(7)]
    assert all(
        t != r["title"] for t, r in zip(table.column("title").to_pylist(), records(7), strict=True)
    )


def test_a_job_folder_keeps_its_layout_and_a_corpus_needs_a_field(job: Run, tmp_path: Path) -> None:
    source = tmp_path / "news.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records(3)), encoding="utf-8")
    out = tmp_path / "out"
    missing = job("run", source, "-o", out)
    assert missing.code == EXIT_CONFIG and "--field" in missing.stderr
    assert job("run", source, "-o", out, "--field", "title").code == 0
    other = job("run", source, "-o", out, "--field", "title", "--replace")
    assert other.code == EXIT_CONFIG and "another -o" in other.stderr


def test_a_job_folder_inside_its_source_or_over_its_input_is_refused(
    job: Run, tmp_path: Path
) -> None:
    source = make_tree(tmp_path / "src", 2)
    inside = job("run", source, "-o", source / "english")
    assert inside.code == EXIT_CONFIG and "inside the source" in inside.stderr, inside
    assert not (source / "english").exists()
    single = source / "world" / "doc-0001.txt"
    over = job("run", single, "-o", single.parent)
    assert over.code == EXIT_CONFIG and "overwritten by its own English" in over.stderr, over
    assert single.read_text(encoding="utf-8") == pool_lines(2)[1] + "\n"
    assert not (single.parent / ".tarjama-job").exists()
