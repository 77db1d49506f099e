"""Build the example pool tarjama ships: src/tarjama/data/pool/pool.tsv.gz.

    python scripts/build_pool.py                       # from ../shared/data/pool
    python scripts/build_pool.py --data /path/to/pool  # line-aligned NAME.ar / NAME.en files

Chat engines are shown, per paragraph, the pool pairs (and the user's memory entries) whose
Arabic is most like it (:mod:`tarjama.retrieval`). A bad pair teaches the model a bad habit, so
a pair is kept only when it is a plausible translation of one sentence:

* both sides non-empty, the Arabic mostly Arabic and the English holding no Arabic;
* not over-long (an example costs prompt tokens on every request that retrieves it);
* the lengths agree (English characters / Arabic characters within :data:`RATIO`): a line
  shifted against its neighbour, or a heading paired with a paragraph, fails this;
* the first of its folded Arabic (harakat, alef forms …): duplicates say nothing new.

The output is a gzip TSV (``arabic<TAB>english<TAB>set``), sorted by set then by the order of
the source files, written byte-for-byte reproducibly (no timestamp in the gzip header). Each
set's licence and attribution are in ``src/tarjama/data/pool/SOURCES.md``; a set added here
must be added there.
"""

from __future__ import annotations

import argparse
import gzip
import io
from pathlib import Path

from tarjama.text import arabic_ratio, has_arabic, normalize_arabic, normalize_for_match

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "tarjama" / "data" / "pool" / "pool.tsv.gz"

#: file stem in the data folder → set name in the pool
SETS = {"un.dev": "un", "ud-pud": "ud-pud", "tico19.dev": "tico19"}
MAX_CHARS = 300  # Arabic characters; longer sentences are rare in news and dear in a prompt
MIN_CHARS = 12
RATIO = (0.6, 2.2)  # English / Arabic characters (Arabic writes ~1.2x shorter than English)
MIN_ARABIC = 0.5


def keep(arabic: str, english: str) -> bool:
    """Is this line pair a clean single-sentence translation worth showing a model?"""
    if not arabic or not english or "\t" in arabic or "\t" in english:
        return False
    if not MIN_CHARS <= len(arabic) <= MAX_CHARS or has_arabic(english):
        return False
    if arabic_ratio(arabic) < MIN_ARABIC:
        return False
    ratio = len(english) / len(arabic)
    return RATIO[0] <= ratio <= RATIO[1]


def build(data: Path) -> tuple[list[tuple[str, str, str]], dict[str, tuple[int, int]]]:
    """The kept pairs and, per set, (lines read, pairs kept)."""
    pairs: list[tuple[str, str, str]] = []
    counts: dict[str, tuple[int, int]] = {}
    seen: set[str] = set()
    for stem, name in SETS.items():
        arabic = (data / f"{stem}.ar").read_text(encoding="utf-8").splitlines()
        english = (data / f"{stem}.en").read_text(encoding="utf-8").splitlines()
        if len(arabic) != len(english):
            raise SystemExit(f"{stem}: {len(arabic)} Arabic lines but {len(english)} English")
        kept = 0
        for ar, en in zip(arabic, english, strict=True):
            ar, en = " ".join(normalize_arabic(ar).split()), " ".join(en.split())
            key = normalize_for_match(ar)
            if not keep(ar, en) or key in seen:
                continue
            seen.add(key)
            pairs.append((ar, en, name))
            kept += 1
        counts[name] = (len(arabic), kept)
    return pairs, counts


def write(pairs: list[tuple[str, str, str]], out: Path) -> None:
    text = "".join(f"{ar}\t{en}\t{name}\n" for ar, en, name in pairs).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "pool")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    pairs, counts = build(args.data)
    write(pairs, args.out)
    for name, (read, kept) in counts.items():
        print(f"{name}: {kept} of {read} pairs kept")
    print(f"{len(pairs)} pairs, {args.out.stat().st_size:,} bytes -> {args.out}")


if __name__ == "__main__":
    main()
