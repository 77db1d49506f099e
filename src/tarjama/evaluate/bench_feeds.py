"""The feeds benchmark (``tarjama bench feeds``, issue 11 item 5): items per minute, and what
a re-poll of an unchanged feed costs.

A 50-item Arabic RSS feed (each item a UN-pool line for its title and two or three for its
description) is served by a local HTTP server on 127.0.0.1 and polled through the feeds room
as ``tarjama feeds run --once`` polls it (store, fetcher, poller, scheduler), with (a) the
default model and (b) the speed benchmark's random-weight base-size Marian in CTranslate2 int8
(:mod:`.bench_models`), installed with the output length real English needs. The model is
loaded before the clock starts and no translation memory is used, so the figure is the
translation of new items. Then the unchanged feed is polled twice more, once with the server
answering 304 and once with it ignoring the conditional GET and sending the same bytes: the
engine's calls are counted by a counter around the real engine (the goal is 0 for both).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tarjama import Hypothesis, Segment, TranslationContext
from tarjama.engines.base import Capabilities, Engine

__all__ = ["FeedBenchPlan", "build_feed", "run_feed_benchmark"]

logger = logging.getLogger(__name__)

_POOL_FILES = ("un.dev.ar", "tico19.dev.ar", "ud-pud.ar")


@dataclass(frozen=True)
class FeedBenchPlan:
    """What to measure. :meth:`quick_plan` runs in seconds with the tiny model (for tests)."""

    items: int = 50  # items in the feed the sentence model translates
    chat_items: int = 5  # items for the default (chat) model; 0: not measured
    size: str = "base"
    threads: int = 2
    max_load: float | None = 2.0  # wait for the 1-minute load average to fall under this
    wait_s: float = 900.0
    seed: int = 0
    quick: bool = False

    @classmethod
    def quick_plan(cls) -> FeedBenchPlan:
        """The tiny model, eight items, no chat model, no waiting: the machinery, not speed."""
        return cls(items=8, chat_items=0, size="tiny", threads=1, max_load=None, quick=True)


# ---------------------------------------------------------------- the feed and its server


def build_feed(pool: Path, items: int, seed: int = 0) -> bytes:
    """An RSS 2.0 feed of ``items`` Arabic items: a short pool line as each title, two or three
    as its description, in a seeded shuffled order."""
    from tarjama.errors import InputError

    lines: list[str] = []
    for name in _POOL_FILES:
        path = pool / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            lines += [line.strip() for line in text.splitlines() if 20 <= len(line.strip()) <= 300]
    titles = [line for line in lines if len(line) <= 120]
    if not titles:
        raise InputError(f"no Arabic pool lines in {pool} ({', '.join(_POOL_FILES)})")
    rng = random.Random(seed)
    rng.shuffle(lines)
    rng.shuffle(titles)
    date = formatdate(1_790_000_000, usegmt=True)
    entries, at = [], 0
    for i in range(items):
        count = 2 + i % 2
        description = " ".join(lines[(at + j) % len(lines)] for j in range(count))
        at += count
        entries.append(
            f"<item><title>{escape(titles[i % len(titles)], quote=False)}</title>"
            f"<link>http://127.0.0.1/news/{i}</link><guid>news-{i}</guid>"
            f"<pubDate>{date}</pubDate>"
            f"<description>{escape(description, quote=False)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>أخبار اليوم</title><link>http://127.0.0.1/</link>"
        "<description>آخر الأخبار</description><language>ar</language>\n"
        + "\n".join(entries)
        + "\n</channel></rss>\n"
    ).encode()


class _FeedServer(ThreadingHTTPServer):
    """Serves one feed with an ETag and Last-Modified; ``conditional`` says whether it
    answers a matching conditional GET with 304 or sends the same bytes again."""

    body = b""
    conditional = True
    answered: dict[int, int]


class _Handler(BaseHTTPRequestHandler):
    server: _FeedServer

    def do_GET(self) -> None:
        body = self.server.body
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        status = 200
        if self.server.conditional and self.headers.get("If-None-Match") == etag:
            status = 304
        self.server.answered[status] = self.server.answered.get(status, 0) + 1
        self.send_response(status)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(1_790_000_000, usegmt=True))
        if status == 304:
            self.end_headers()
            return
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the benchmark reports what was answered."""


@contextmanager
def _serving(body: bytes) -> Iterator[_FeedServer]:
    server = _FeedServer(("127.0.0.1", 0), _Handler)
    server.body, server.answered = body, {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# ---------------------------------------------------------------- counting and polling


class _Counted:
    """The real engine with a count of its calls and segments."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.name = inner.name
        self.model_id = inner.model_id
        self.capabilities: Capabilities = inner.capabilities
        self.calls = 0
        self.segments = 0

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        self.calls += 1
        self.segments += len(segments)
        return self.inner.translate(segments, context)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        self.inner.close()


def _poll(scheduler: Any, counted: _Counted) -> dict[str, Any]:
    """One ``feeds run --once`` pass; its report, time and the engine's calls."""
    calls, segments = counted.calls, counted.segments
    started = time.perf_counter()
    (report,) = scheduler.run_once()
    seconds = time.perf_counter() - started
    if report.status == "failed":
        from tarjama.errors import TarjamaError

        raise TarjamaError(f"the benchmark's poll failed: {report.describe()}")
    return {
        "status": report.status,
        "translated_items": report.translated,
        "new_items": report.new,
        "seconds": round(seconds, 3),
        "engine_calls": counted.calls - calls,
        "segments": counted.segments - segments,
    }


def _measure(
    label: str,
    model: str | None,
    settings: Any,
    feed: bytes,
    items: int,
    work: Path,
    plan: FeedBenchPlan,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """First poll of the feed, then a re-poll answered 304 and one sent the same bytes."""
    from tarjama.evaluate.bench_job import wait_for_quiet
    from tarjama.feeds import FeedStore, Fetcher, Poller, Scheduler
    from tarjama.translator import Translator

    store_path = work / f"{label}.feeds.sqlite"
    for stale in work.glob(f"{label}.feeds.sqlite*"):
        stale.unlink()
    started = time.perf_counter()
    with Translator(model, threads=plan.threads, settings=settings) as loaded:
        counted = _Counted(loaded.engine)
        load_s = time.perf_counter() - started
        translator = Translator(loaded.model, engine=counted, settings=settings)
        with _serving(feed) as server, FeedStore(store_path) as store, Fetcher() as fetcher:
            url = f"http://127.0.0.1:{server.server_address[1]}/news.rss"
            store.add("news", url, every=900, full_text=False, now=time.time())
            scheduler = Scheduler(store, Poller(store, fetcher, translator), workers=1)
            load = wait_for_quiet(plan.max_load, plan.wait_s, say=say)
            say(f"{label}: first poll of {items} items ({loaded.model})")
            first = _poll(scheduler, counted)
            first["load_after"] = round(os.getloadavg()[0], 2)
            say(f"{label}: re-poll, the server answering 304")
            not_modified = _poll(scheduler, counted)
            server.conditional = False
            say(f"{label}: re-poll, the server sending the same bytes")
            same_bytes = _poll(scheduler, counted)
            _, _, english = store.english("news")
            answered = dict(server.answered)
    minutes = first["seconds"] / 60
    return {
        "model": loaded.model,
        "engine": counted.name,
        "threads": plan.threads,
        "items": items,
        "load_s": round(load_s, 2),
        "load_before": load,
        "first_poll": first,
        "items_per_minute": round(first["translated_items"] / minutes, 2) if minutes else None,
        "repoll_304": not_modified,
        "repoll_same_bytes": same_bytes,
        "server_answered": {str(k): v for k, v in sorted(answered.items())},
        "english_bytes": len(english or b""),
    }


# ---------------------------------------------------------------- the benchmark


def run_feed_benchmark(
    out_dir: Path,
    *,
    plan: FeedBenchPlan | None = None,
    data_dir: Path | None = None,
    model_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Measure the sentence model (and the default model when ``plan.chat_items``); write
    ``bench-feeds.json`` and ``bench-feeds.md`` to ``out_dir`` and return the results."""
    from tarjama.evaluate.bench_job import _lscpu, install_bench_model
    from tarjama.evaluate.bench_models import find_data, output_length, prepare_model
    from tarjama.evaluate.bench_report import machine_info
    from tarjama.settings import Settings, get_settings

    plan = plan or FeedBenchPlan()
    say = progress or (lambda message: logger.info("%s", message))
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"schema": 1, "plan": asdict(plan), "machine": machine_info()}
    results["machine"]["lscpu"] = _lscpu()
    data = find_data(data_dir)
    say(f"building the random-weight {plan.size} Marian model")
    model = prepare_model(model_dir or out_dir / "models", plan.size, pool=data.pool)
    pool_ar = (data.pool / "un.dev.ar").read_text(encoding="utf-8").splitlines()[:400]
    pool_en = (data.pool / "un.dev.en").read_text(encoding="utf-8").splitlines()[:400]
    tokens = output_length(model, pool_en, pool_ar)
    home = out_dir / "home"
    name = install_bench_model(home, model.ct2_dir, tokens)
    results["sentence_model"] = {**model.to_dict(), "installed_as": name, "output_tokens": tokens}
    feed = build_feed(data.pool, plan.items, plan.seed)
    (out_dir / "feed.rss").write_bytes(feed)
    results["feed"] = {"items": plan.items, "bytes": len(feed), "path": str(out_dir / "feed.rss")}
    settings = Settings.model_validate({"home": home})
    results["sentence"] = _measure("sentence", name, settings, feed, plan.items, out_dir, plan, say)
    if plan.chat_items > 0:
        chat_feed = build_feed(data.pool, plan.chat_items, plan.seed)
        results["chat"] = _measure(
            "chat", None, get_settings(), chat_feed, plan.chat_items, out_dir, plan, say
        )
    else:
        results["chat"] = {"skipped": "not asked for"}
    (out_dir / "bench-feeds.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "bench-feeds.md").write_text(_markdown(results), encoding="utf-8")
    return results


def _markdown(results: dict[str, Any]) -> str:
    """The table docs/benchmarks.md carries."""
    cpu = results["machine"].get("lscpu", {})
    flags = set(cpu.get("Flags", "").split())
    simd = ", ".join(f"{f} {'yes' if f in flags else 'no'}" for f in _SIMD)
    lines = [
        "# Feeds benchmark",
        "",
        f"CPU: {cpu.get('Model name', '?')} ({cpu.get('CPU(s)', '?')} CPUs; {simd})",
        "",
        "| model | items | first poll s | items/min | engine calls | re-poll 304: calls | "
        "re-poll same bytes: calls | load before/after |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key in ("sentence", "chat"):
        row = results.get(key, {})
        if "first_poll" not in row:
            continue
        first = row["first_poll"]
        lines.append(
            f"| {row['model']} ({row['engine']}, {row['threads']} threads) | {row['items']} | "
            f"{first['seconds']:.1f} | {row['items_per_minute']} | {first['engine_calls']} | "
            f"{row['repoll_304']['engine_calls']} ({row['repoll_304']['status']}) | "
            f"{row['repoll_same_bytes']['engine_calls']} "
            f"({row['repoll_same_bytes']['translated_items']} items translated) | "
            f"{row['load_before']['load_1min']} / {first['load_after']} |"
        )
    return "\n".join(lines) + "\n"


_SIMD = ("avx2", "avx512f", "avx512_vnni")
