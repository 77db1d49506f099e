"""Fixtures for the server tests: one real ``tarjama serve`` per test module (see serving.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import Server, running_server


@pytest.fixture(scope="module")
def server(tiny_marian_ct2: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server per test module: keys off (loopback), default limits."""
    with running_server(tiny_marian_ct2, tmp_path_factory.mktemp("serve-home")) as running:
        yield running
