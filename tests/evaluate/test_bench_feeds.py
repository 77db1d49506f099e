"""The feeds benchmark, run once in its quick form (tiny model, eight items), as a user runs it.

Nothing here asserts a speed: the test checks that the feed was really served over HTTP and
polled through the feeds room, that every item was translated, that both re-polls of the
unchanged feed made no engine call (one answered 304, one sent the same bytes), that the English
feed it published reads back with feedparser, and that the report holds its figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser

from tarjama.feeds import FeedStore


def test_bench_feeds_quick_polls_a_served_feed_and_a_repoll_costs_no_engine_call(
    tmp_path: Path, shared_dir: Path
) -> None:
    out = tmp_path / "bench-feeds"
    env = {**os.environ, "TARJAMA_DATA": str(shared_dir / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "tarjama.cli", "bench", "feeds", "--quick", "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    # rich wraps a long path where it likes; compare without the spaces
    assert f"results:{out / 'bench-feeds.md'}" in "".join(done.stderr.split())
    saved = json.loads((out / "bench-feeds.json").read_text(encoding="utf-8"))
    row = saved["sentence"]
    items = saved["feed"]["items"]
    assert items == 8 and row["items"] == items

    first = row["first_poll"]
    assert (first["status"], first["new_items"], first["translated_items"]) == (
        "updated",
        items,
        items,
    )
    assert first["engine_calls"] >= 1 and first["segments"] >= 2 * items  # titles + descriptions
    assert first["seconds"] > 0 and row["items_per_minute"] > 0

    not_modified, same_bytes = row["repoll_304"], row["repoll_same_bytes"]
    assert not_modified["status"] == "not modified"
    assert same_bytes["status"] == "updated" and same_bytes["translated_items"] == 0
    assert not_modified["engine_calls"] == same_bytes["engine_calls"] == 0
    assert row["server_answered"] == {"200": 2, "304": 1}
    assert saved["chat"] == {"skipped": "not asked for"}

    source = feedparser.parse((out / "feed.rss").read_bytes())
    with FeedStore(out / "sentence.feeds.sqlite") as store:
        _feed, _source, english = store.english("news")
    assert english is not None and len(english) == row["english_bytes"]
    parsed = feedparser.parse(english)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.id for e in parsed.entries] == [e.id for e in source.entries]
    assert len(parsed.entries) == items and parsed.feed.language == "en"

    table = (out / "bench-feeds.md").read_text(encoding="utf-8")
    assert "| bench-marian (ctranslate2, 1 threads) | 8 |" in table
    assert "avx2" in table and "avx512f" in table and "avx512_vnni" in table
