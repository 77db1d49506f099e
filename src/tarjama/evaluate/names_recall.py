"""Reference name recall: how many of the reference's proper names reach the English.

A name score computed with the lexicon would grade the lexicon's own homework: names it does
not know would never be counted as missed. This one looks only at the human reference. Its
proper names are its capitalised words that do not start a sentence (nor follow an opening
quote), less a short fixed list of words English capitalises without their being names
(function words, pronouns, short titles, weekdays, months) and single letters. Each word of a
longer name counts alone ("Kori Schulman" is two), once per segment. A name is found when the
translation holds the same word, compared without case, accents, possessive "'s" or
apostrophes, hyphenated words also split ("al-Jadaan" has "Jadaan").

Deliberately simple and self-contained, so its figures stay comparable between runs and do not
move when the checks' word lists do: :data:`NAME_RECALL_METHOD` names this definition in every
report.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["NAME_RECALL_METHOD", "found_names", "name_recall", "reference_names"]

#: The definition behind the figures, printed beside them (bump it when the rules change).
NAME_RECALL_METHOD = (
    "names-v1: capitalised, not sentence-initial, minus stop words; folded token match"
)

_EXAMPLES = 5
_MOST_MISSED = 10

# Leading punctuation that opens a quotation: the word after it may start a sentence.
_OPENING_QUOTES = frozenset("\"'“‘«„‚‹「『")
_SENTENCE_END = frozenset(".!?…")
_EDGE_RE = re.compile(r"^[\W_]+|[\W_]+$")
_CHUNK_RE = re.compile(r"([\W_]*)(.*?)([\W_]*)", re.DOTALL)
_POSSESSIVE_RE = re.compile(r"['’]s?$")
_NOT_ACRONYMS = frozenset({"am", "pm", "bc", "bce"})
_PART_RE = re.compile(r"[-‐‑–—/]")
_CLITIC_RE = re.compile(r"(?:'s|'m|'d|'ll|'ve|'re|n't|s'|')$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words whose dot does not end a sentence ("Mr. Schulman", "Gen. Smith", "No. 10").
_ABBREVIATIONS = _words(
    """mr mrs ms dr prof st mt ft jr sr gen lt col capt cpt maj sgt cmdr adm sen rep gov pres
    rev fr no nos vs etc inc co corp ltd bros dept univ approx jan feb mar apr jun jul aug sep
    sept oct nov dec"""
)

# Capitalised in English without being a name. Kept short on purpose (see the module doc).
_NOT_NAMES = _words(
    """a an the and or but nor so yet of in on at to for by with from into onto over under
    about after before as than then that this these those there here it its is are was were be
    been being has have had do does did not no yes if when while where why how what which who
    whom whose all any some each every both either neither one other another such only also
    just very more most many much few several per via upon within without between among
    against during since until through across like
    i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself they them their theirs themselves itself
    mr mrs ms dr prof gen lt col capt maj sgt sen rep gov am pm bc bce
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec"""
)


def _fold(text: str) -> str:
    """Lower case without accents, possessive or apostrophes: "Clinton’s" → "clinton"."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return _CLITIC_RE.sub("", text).replace("'", "").replace(".", "")


def _ends_sentence(core: str, trailing: str) -> bool:
    if not any(c in _SENTENCE_END for c in trailing):
        return False
    if "!" in trailing or "?" in trailing or "…" in trailing:
        return True
    # A dot after an initial ("F."), a dotted abbreviation ("U.S.") or a title is no full stop.
    return not (len(core) == 1 or "." in core or core.casefold() in _ABBREVIATIONS)


def _chunks(text: str) -> Iterable[tuple[str, bool]]:
    """Each whitespace-separated chunk's word (edges stripped) and whether it starts a sentence."""
    starts = True
    for chunk in text.split():
        match = _CHUNK_RE.fullmatch(chunk)
        head, core, tail = match.groups() if match else ("", chunk, "")
        if not core:
            starts = starts or any(c in _SENTENCE_END for c in chunk)
            continue
        yield core, starts or any(c in _OPENING_QUOTES for c in head)
        starts = _ends_sentence(core, tail)


def _is_name(part: str, key: str) -> bool:
    if len(key) < 2 or key.isdigit():  # an initial ("John F. Kennedy") is too weak a clue
        return False
    # "U.S." and "US" are the country, "us" is not; "AM" and "BC" are no names all the same.
    acronym = ("." in part or (part.isupper() and len(part) > 1)) and key not in _NOT_ACRONYMS
    return acronym or key not in _NOT_NAMES


def reference_names(reference: str) -> list[tuple[str, str]]:
    """The proper-name words of a reference line as (as written, folded key), each key once."""
    names: dict[str, str] = {}
    for core, starts in _chunks(reference):
        if starts:
            continue
        for part in _PART_RE.split(core):
            part = _EDGE_RE.sub("", part)
            if not part[:1].isupper():
                continue
            key = _fold(part)
            if _is_name(part, key):
                names.setdefault(key, _POSSESSIVE_RE.sub("", part))
    return [(written, key) for key, written in names.items()]


def found_names(hypothesis: str) -> frozenset[str]:
    """Every folded word of a translation, hyphenated words also split and joined."""
    keys: set[str] = set()
    for core, _ in _chunks(hypothesis):
        parts = [_EDGE_RE.sub("", p) for p in _PART_RE.split(core)]
        keys.update(_fold(p) for p in parts if p)
        if len(parts) > 1:
            keys.add(_fold("".join(parts)))
    return frozenset(keys)


def name_recall(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Share of the references' proper-name words found in the targets, with the misses.

    ``share`` is ``None`` when the references hold no names (nothing measured, not 100 %).
    """
    total = found = with_names = missing_some = 0
    missed: Counter[str] = Counter()
    examples: list[dict[str, Any]] = []
    for record in records:
        names = reference_names(str(record.get("reference") or ""))
        if not names:
            continue
        with_names += 1
        have = found_names(str(record.get("target") or ""))
        lost = [written for written, key in names if key not in have]
        total += len(names)
        found += len(names) - len(lost)
        if lost:
            missing_some += 1
            missed.update(lost)
            if len(examples) < _EXAMPLES:
                examples.append(
                    {"index": record.get("index"), "missed": lost, "target": record.get("target")}
                )
    return {
        "method": NAME_RECALL_METHOD,
        "names": total,
        "found": found,
        "share": round(found / total, 4) if total else None,
        "segments_with_names": with_names,
        "segments_missing_names": missing_some,
        "most_missed": [[name, n] for name, n in missed.most_common(_MOST_MISSED)],
        "examples": examples,
    }
