"""Rebuild tarjama's name layer from the shared Arabic-English name spellings.

    python scripts/build_names.py [--names ../shared/data/names/names.tsv]
                                  [--pool ../shared/data/pool]

Two files come out, both committed (tarjama needs neither the shared data nor this script at
run time):

* ``src/tarjama/data/names/names.tsv.gz``: one row per Arabic key (folded words, as the
  matcher folds them): ``key<TAB>English<TAB>class<TAB>confidence``. Class ``P``/``L``/``O``
  is a whole name (person, place, organisation: Wikipedia titles); ``T`` is a name *token*
  (one word of a person's name: Wikidata and Wikipedia-mined), which the layer composes into
  names it only knows word by word.
* ``src/tarjama/data/names/arabic_frequency.tsv``: how often each Arabic word of the pool
  appears bare and with the article ال, which tells the layer that أمل or سلام are common
  words before they are names.

The rows are raw material, not a lexicon: 5-8 % of the token rows are misaligned (تاوانا →
"rape"). Cleaning, row by row:

1. English shape: Latin letters (accents allowed), spaces, hyphens, apostrophes; digits only in
   organisation names; a comma's tail ("aalst, belgium") and brackets cut; no one-letter words
   as tokens; ``MISC`` rows (concepts: "transpersonal psychology", "vitis") dropped.
2. Transliteration consistency: the consonant skeleton of the Arabic against that of the
   English (:mod:`tarjama.checks._translit`), as a similarity from 0 to 1. A token row under
   :data:`TOKEN_FLOOR` is dropped (misaligned); a whole name keeps a lower floor, since part of
   a title may be translated ("مدينة السادس من أكتوبر" → "6th of October City").
3. One English per Arabic key: the spelling the data uses most often (as a word of every row's
   English), among those consistent enough; the confidence is the consistency times the
   share of that spelling among the candidates.
4. English case by :func:`tarjama.terms.names.casing.english_case`.

Two-word person titles whose words align one to one (شون هانيتي → sean hannity) also
contribute their words as tokens.
"""

from __future__ import annotations

import argparse
import gzip
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from tarjama.checks._translit import arabic_skeletons, english_skeleton
from tarjama.terms import key_of, tokenize
from tarjama.terms.names.casing import english_case
from tarjama.terms.names.layer import frequency_key

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "tarjama" / "data" / "names"
SHARED = ROOT.parent / "shared" / "data"

TOKEN_FLOOR = 0.5
"""Least consistency of a token row: under it the English is another word than the Arabic."""
WHOLE_FLOOR = 0.34
"""Least consistency of a whole name (titles are aligned, but partly translated)."""
CLASSES = {"PER": "P", "LOC": "L", "ORG": "O", "PER_TOKEN": "T", "NAME_TOKEN": "T"}

_LATIN_WORD_RE = re.compile(r"^[a-z\u00c0-\u024f'’.\-–]+$")
_DIGITS_RE = re.compile(r"^[0-9]+$")
_BRACKETS_RE = re.compile(r"\s*[(\[].*?[)\]]\s*")


@dataclass(frozen=True)
class Row:
    """One cleaned input row: Arabic key (folded words), English (lower case), class."""

    key: str
    english: str
    cls: str
    consistency: float


def clean_english(english: str, cls: str) -> str | None:
    """The English of a row in a usable shape, or ``None`` when it is not a plausible name."""
    text = unicodedata.normalize("NFC", english).strip().lower().replace("’", "'")
    text = _BRACKETS_RE.sub(" ", text)
    text = text.split(",")[0].strip()
    words = text.split()
    if not words:
        return None
    for word in words:
        if _DIGITS_RE.match(word):
            if cls != "O":
                return None
        elif not _LATIN_WORD_RE.match(word) or not any(c.isalpha() for c in word):
            return None
    if cls == "T":
        if len(words) > 2 or len(text.replace(" ", "")) < 2:
            return None
    elif len(words) > 6:
        return None
    if not any(c in "aeiouyáàâäãåéèêëíìîïóòôöõúùûüýÿ" for c in text):
        return None  # "ltd", "kfc": abbreviations, not transliterated names
    return text


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 0.5
    return float(Levenshtein.normalized_similarity(a, b))


def _arabic_word_skeletons(word: str) -> tuple[str, ...]:
    """The bare skeleton of a word and, after the article ال, the one without it."""
    found = arabic_skeletons(word)
    return found[:2] if key_of(word).startswith("ال") else found[:1]


#: Letters whose sound differs between the languages names come from: German and Scots ch
#: (Aachen, آخن), j as y (Jensen, ينسن), w as v (Wagner, فاغنر), Chinese x (Xi, شي).
_SOUND_VARIANTS = (("ch", "k"), ("j", "y"), ("w", "v"), ("x", "sh"))


def _english_skeletons(english: str) -> set[str]:
    found: set[str] = set()
    for old, new in ((None, None), *_SOUND_VARIANTS):
        text = english if old is None or new is None else english.replace(old, new)
        parts = [english_skeleton(w) for w in re.split(r"[\s\-]+", text) if w]
        found.add(re.sub(r"(.)\1+", r"\1", "".join(parts)))
    return found


def consistency(arabic_words: list[str], english: str) -> float:
    """How well the English consonants match the Arabic ones (0 to 1), whole name at once."""
    options = [""]
    for word in arabic_words:
        options = [o + s for o in options for s in _arabic_word_skeletons(word) or ("",)][:8]
    arabic = {re.sub(r"(.)\1+", r"\1", o) for o in options}
    return max(_similarity(a, e) for a in arabic for e in _english_skeletons(english))


def read_rows(path: Path) -> Iterator[Row]:
    """The rows of ``names.tsv`` that survive the shape and consistency rules."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[2] not in CLASSES:
                continue
            arabic, english, kind = parts
            cls = CLASSES[kind]
            words = [token.text for token in tokenize(arabic)]
            if not words or any(w.isdigit() for w in words):
                continue
            if cls == "T" and len(words) != 1:
                continue
            cleaned = clean_english(english, cls)
            if cleaned is None:
                continue
            score = consistency(words, cleaned)
            if score < (TOKEN_FLOOR if cls == "T" else WHOLE_FLOOR):
                continue
            key = " ".join(key_of(w) for w in words)
            yield Row(key, cleaned, cls, score)
            if cls == "P":
                yield from _title_tokens(words, cleaned)


def _title_tokens(words: list[str], english: str) -> Iterator[Row]:
    """The words of a person's title as tokens, when both sides have two words that align."""
    english_words = english.split()
    if len(words) != 2 or len(english_words) != 2:
        return
    for arabic, word in zip(words, english_words, strict=True):
        score = consistency([arabic], word)
        if score >= TOKEN_FLOOR and len(word) > 1:
            yield Row(key_of(arabic), word, "T", score)


def choose(rows: Iterable[Row]) -> dict[tuple[str, str], tuple[str, float]]:
    """(key, class) → (English in English case, confidence): one spelling per key and class.

    The spelling chosen is the one the whole data set uses most as a word (Mohammed and
    Muhammad are both right; the more common one is the safer guess); its share among the
    candidates scales the confidence, so a key with several Englishes scores low: «ريد» is
    Reid, Reed or Red, «دافي» Duffy or Davie, and the Arabic cannot say which.
    """
    rows = list(rows)
    usage: Counter[str] = Counter(word for row in rows for word in row.english.split())
    groups: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for row in rows:
        classes = [row.cls]
        if row.cls != "T" and " " not in row.key and " " not in row.english:
            classes.append("T")  # «مورغان» is the place Morgan too: a spelling for the token
        for cls in classes:
            group = groups[(row.key, cls)]
            group[row.english] = max(group.get(row.english, 0.0), row.consistency)
    chosen: dict[tuple[str, str], tuple[str, float]] = {}
    for (key, cls), candidates in groups.items():

        def weight(english: str, candidates: dict[str, float] = candidates) -> float:
            popularity = min(usage[w] for w in english.split())
            return candidates[english] * popularity

        best = max(sorted(candidates), key=weight)
        total = sum(weight(e) for e in candidates)
        share = weight(best) / total if total else 0.0
        confidence = round(candidates[best] * (0.5 + 0.5 * share), 2)
        chosen[(key, cls)] = (english_case(best), confidence)
    return chosen


def pool_frequency(paths: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """Arabic word key → (times seen, times seen after the article ال) in the pool's Arabic."""
    bare: Counter[str] = Counter()
    article: Counter[str] = Counter()
    for path in paths:
        for token in tokenize(path.read_text(encoding="utf-8")):
            key = frequency_key(token.text)
            if key.isdigit():
                continue
            bare[key] += 1
            for head in ("وال", "فال", "بال", "كال", "ال", "لل"):
                if key.startswith(head) and len(key) - len(head) >= 2:
                    article[key[len(head) :]] += 1
                    break
    return {key: (bare[key], article[key]) for key in bare | article}


def write_layer(chosen: dict[tuple[str, str], tuple[str, float]], path: Path) -> int:
    """The layer as sorted, gzip-compressed TSV (reproducible: no timestamp in the header)."""
    lines = [
        f"{key}\t{english}\t{cls}\t{confidence:.2f}\n"
        for (key, cls), (english, confidence) in sorted(chosen.items())
    ]
    data = "".join(lines).encode("utf-8")
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(data)
    return len(lines)


def write_frequency(frequency: dict[str, tuple[int, int]], path: Path, floor: int = 2) -> int:
    """Words seen ``floor`` times or more, or with the article at least once."""
    rows = sorted((key, n, a) for key, (n, a) in frequency.items() if n >= floor or a >= 1)
    text = "".join(f"{key}\t{n}\t{a}\n" for key, n, a in rows)
    path.write_text(text, encoding="utf-8")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--names", type=Path, default=SHARED / "names" / "names.tsv")
    parser.add_argument("--pool", type=Path, default=SHARED / "pool")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    chosen = choose(read_rows(args.names))
    written = write_layer(chosen, args.out / "names.tsv.gz")
    frequency = pool_frequency(sorted(args.pool.glob("*.ar")))
    words = write_frequency(frequency, args.out / "arabic_frequency.tsv")
    by_class = Counter(cls for _, cls in chosen)
    print(f"{written} entries {dict(sorted(by_class.items()))}; {words} pool words")


if __name__ == "__main__":
    main()
