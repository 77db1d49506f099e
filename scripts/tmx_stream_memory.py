"""How much memory reading a large TMX takes: the figure behind "a large TMX streams in
constant memory" (issue 9, docs/reliability.md).

Writes a TMX of ``--units`` distinct Arabic–English units to a temporary folder (streamed, so
writing costs nothing), reads it back with :func:`tarjama.memory.read_tmx` and prints the units
read, the file's size, the peak memory :mod:`tracemalloc` traced while reading, the process's
peak RSS before and after, and the seconds taken.

    .venv/bin/python scripts/tmx_stream_memory.py --units 200000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from tarjama.memory import read_tmx

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    '<tmx version="1.4"><header creationtool="gen" srclang="ar" segtype="sentence" '
    'o-tmf="gen" adminlang="en" datatype="plaintext"/><body>\n'
)


def write_tmx(path: Path, units: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(units):
            out.write(
                f'<tu><tuv xml:lang="ar"><seg>قال الرئيس إن المحادثات رقم {n} ستستأنف غداً.</seg>'
                f'</tuv><tuv xml:lang="en"><seg>The president said talks number {n} would '
                "resume tomorrow.</seg></tuv></tu>\n"
            )
        out.write("</body></tmx>\n")


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.tmx"
        write_tmx(path, args.units)
        rss_before = _max_rss_mb()
        tracemalloc.start()
        started = time.perf_counter()
        read = sum(1 for entry in read_tmx(path) if entry is not None)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"units read:           {read:,} of {args.units:,}")
        print(f"file size:            {path.stat().st_size / 1e6:.1f} MB")
        print(f"tracemalloc peak:     {peak / 2**20:.2f} MiB while reading")
        print(
            f"peak RSS:             {rss_before:.0f} MiB before reading, {_max_rss_mb():.0f} after"
        )
        print(f"seconds (traced):     {seconds:.1f}")


if __name__ == "__main__":
    main()
