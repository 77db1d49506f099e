"""Fixtures for the feed watcher: a real feed server on loopback, a real store file, and the
tests' tiny random-weight Marian model behind a counter of engine calls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_counter import Counting
from feed_server import FeedServer, feed_server

from tarjama import Translator
from tarjama.engines.base import Engine
from tarjama.feeds import FeedStore, Fetcher


@pytest.fixture(scope="module")
def tiny_engine(tiny_marian_ct2: Path) -> Iterator[Engine]:
    with Translator(str(tiny_marian_ct2), threads=1) as opened:
        yield opened.engine


@pytest.fixture
def counting(tiny_engine: Engine) -> Counting:
    return Counting(tiny_engine)


@pytest.fixture
def translator(counting: Counting, tiny_marian_ct2: Path) -> Translator:
    """No memory: every sentence the poll sends reaches the engine, so the count is exact."""
    return Translator(str(tiny_marian_ct2), engine=counting)  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeedStore]:
    with FeedStore(tmp_path / "feeds.sqlite") as opened:
        yield opened


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(attempts=2, backoff=0, timeout=5) as opened:
        yield opened
