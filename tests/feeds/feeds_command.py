"""``tarjama feeds …`` run as a user runs it: a subprocess with its own TARJAMA_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def tarjama(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    env.update({"TARJAMA_HOME": str(home), "TARJAMA_THREADS": "1"})
    return subprocess.run(
        [sys.executable, "-m", "tarjama.cli", "feeds", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
