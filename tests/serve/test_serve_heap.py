"""Freed memory goes back to the system (``tarjama.serve.heap``): a busy server stays level.

The churn below is what a server's threads do to glibc: a large block freed (an upload, a Word
document), after which glibc serves blocks of a megabyte from the thread's arena instead of
fresh mappings; a hundred of them freed while one small object still sits above them. The
arena keeps all of it resident until ``malloc_trim``. It runs in a fresh interpreter, so the
allocator starts from a known state.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys

CHURN = """
import json, os, threading
from tarjama.serve.heap import release_free_memory

def resident_mb():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

kept = []
def churn():
    large = bytearray(8 << 20)
    del large
    blocks = [bytearray(1 << 20) for _ in range(100)]
    kept.append(bytearray(100))
    del blocks

worker = threading.Thread(target=churn)
worker.start()
worker.join()
before = resident_mb()
released = release_free_memory()
print(json.dumps({"before": before, "after": resident_mb(), "released": released}))
"""


def test_memory_a_thread_freed_goes_back_to_the_system() -> None:
    run = subprocess.run(
        [sys.executable, "-c", CHURN], capture_output=True, text=True, timeout=60, check=True
    )
    found = json.loads(run.stdout)
    if platform.libc_ver()[0] != "glibc":  # no malloc_trim: says so, and does nothing
        assert found["released"] is False
        return
    assert found["released"] is True
    assert found["before"] - found["after"] > 50, found  # of the 100 MB the thread freed
