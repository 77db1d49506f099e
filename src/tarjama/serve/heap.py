"""Hand the memory that finished requests freed back to the operating system.

glibc's malloc keeps what a thread frees in that thread's arena, for its next allocation. A
server runs dozens of threads (the event loop's thread pool, the translation pool, the
engine's), and requests make large short-lived buffers (an upload read whole, a Word document
built in memory, a body refused at the size limit). Once glibc has seen a large block freed it
serves the next ones from the arenas rather than from fresh mappings, so each arena ends up
holding tens of megabytes nobody uses, and the resident size creeps up although the live heap
does not grow: under the soak test's traffic (``make soak``), 34-67 MB in use while the arenas'
free memory went from 17 to 170 MB in seven minutes. ``malloc_trim(0)`` returns the free pages
of every arena; doing it every few seconds keeps the resident size level (the soak's second
half: no upward trend; figures in docs/serve.md). Where the C library is not glibc (musl,
macOS) there is no such call and nothing is done.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
from collections.abc import Callable

__all__ = ["EVERY", "keep_releasing", "release_free_memory"]

logger = logging.getLogger(__name__)

EVERY = 10.0
"""Seconds between two releases while the server runs."""


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, from the C library this process already runs on, if it has one."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def release_free_memory() -> bool:
    """Give the free pages of every malloc arena back; False where the C library cannot."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


async def keep_releasing(every: float = EVERY) -> None:
    """Release free memory every ``every`` seconds until cancelled (a task of the lifespan)."""
    if _TRIM is None:
        logger.debug("no malloc_trim in this C library: freed memory stays with the allocator")
        return
    while True:
        await asyncio.sleep(every)
        await asyncio.to_thread(release_free_memory)
