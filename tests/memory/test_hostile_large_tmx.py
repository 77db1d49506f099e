"""A large TMX streams in constant memory: the reader's peak does not grow with the file.

The units are real TMX written to a file in ``tmp_path`` and read back with the real reader
under :mod:`tracemalloc`; ten times the units must not cost more memory. The 200,000-unit figure
for docs/reliability.md comes from ``scripts/tmx_stream_memory.py``.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from tarjama.memory import read_tmx

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    '<tmx version="1.4"><header creationtool="gen" srclang="ar" segtype="sentence" '
    'o-tmf="gen" adminlang="en" datatype="plaintext"/><body>\n'
)


def write_tmx(path: Path, units: int) -> Path:
    """``units`` distinct Arabic–English units, written as a CAT tool would."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(units):
            out.write(
                f'<tu><tuv xml:lang="ar"><seg>قال الرئيس إن المحادثات رقم {n} ستستأنف غداً.</seg>'
                f'</tuv><tuv xml:lang="en"><seg>The president said talks number {n} would '
                "resume tomorrow.</seg></tuv></tu>\n"
            )
        out.write("</body></tmx>\n")
    return path


def peak_reading(path: Path) -> tuple[int, int]:
    """(units read, peak traced bytes while reading them)."""
    tracemalloc.start()
    try:
        count = sum(1 for entry in read_tmx(path) if entry is not None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return count, peak


def test_ten_times_the_units_cost_no_more_memory(tmp_path: Path) -> None:
    small = peak_reading(write_tmx(tmp_path / "small.tmx", 1_000))
    large = peak_reading(write_tmx(tmp_path / "large.tmx", 10_000))
    assert (small[0], large[0]) == (1_000, 10_000)
    assert large[1] < small[1] + 256 * 1024, f"{small[1]} → {large[1]} bytes"
    assert large[1] < 2 * 2**20
