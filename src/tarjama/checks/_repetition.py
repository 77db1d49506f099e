"""Repetition loops: a decoder stuck on "the talks the talks the talks …".

Small and quantised models fall into loops when unsure; the output is then much longer than
the source and its end is garbage. A loop is any of:

- a phrase repeated back to back: one word four times or more ("very very very very"), a
  phrase of two to eight words three times or more;
- a sentence of five words or more said twice;
- a stretch of six words or more said twice, or of three words or more four times, anywhere.

Thresholds were set so that no FLORES dev reference trips them (see the tests). A source that
repeats itself (a chant, a quoted slogan: «لا لا لا») excuses the English: a loop only counts
when the Arabic has no back-to-back repetition of its own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from tarjama.checks._flag import REPETITION, Flag

__all__ = ["check_repetition", "repeated_phrase"]

_WORD_RE = re.compile(r"[^\W_]+")
_SENTENCE_RE = re.compile(r"[^.!?؟\n]+")
_MAX_PHRASE = 8
_LONG = 10
_SHORT = 4
_SHORT_TIMES = 3
_SENTENCE_WORDS = 5


def _tandem(words: Sequence[str], word_times: int = 4, phrase_times: int = 3) -> str | None:
    """A phrase repeated back to back too many times, if any."""
    for i in range(len(words)):
        for n in range(1, _MAX_PHRASE + 1):
            phrase = words[i : i + n]
            if len(phrase) < n:
                break
            times = 1
            while words[i + times * n : i + (times + 1) * n] == phrase:
                times += 1
            if times >= (word_times if n == 1 else phrase_times):
                return " ".join(phrase)
    return None


def repeated_phrase(text: str) -> str | None:
    """The phrase of ``text`` that repeats like a loop (see the module doc), or ``None``."""
    words = [w.casefold() for w in _WORD_RE.findall(text)]
    if not words:
        return None
    found = _tandem(words)
    if found:
        return found
    sentences = Counter(
        " ".join(w.casefold() for w in _WORD_RE.findall(s)) for s in _SENTENCE_RE.findall(text)
    )
    for sentence, count in sentences.items():
        if count >= 2 and len(sentence.split()) >= _SENTENCE_WORDS:
            return sentence
    for n, times in ((_LONG, 2), (_SHORT, _SHORT_TIMES)):
        grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
        for gram, count in grams.items():
            if count >= times and not all(w.isdigit() for w in gram):
                return " ".join(gram)
    return None


def check_repetition(source: str, target: str) -> Flag | None:
    """``repetition``: the English loops (and the Arabic does not)."""
    phrase = repeated_phrase(target)
    if phrase is None:
        return None
    if _tandem(_WORD_RE.findall(source), 2, 2):  # «لا لا لا»: the English may repeat it too
        return None
    shown = phrase if len(phrase) <= 80 else phrase[:77] + "…"
    return Flag(REPETITION, f"repeated: {shown!r}", (shown,))
