"""The name layer: English for the names the lexicon does not know, from 68,000 spellings.

The lexicon knows a few thousand famous entities; news is mostly other names (a councillor, a
supermarket, a town in Wales). The layer (data in ``tarjama/data/names``, built by
``scripts/build_names.py``) holds *whole names* (Wikipedia titles of people, places and
organisations: «بيل كلينتون» → Bill Clinton) and name *tokens* (one word of a person's name:
«جوينيث» → Gwyneth, «بالترو» → Paltrow), from which it composes the English of a name it only
knows word by word.

Precision comes first, because a wrong name given to an engine is worse than none:

- the lexicon wins: the layer only looks at words no lexicon entry (or declared ordinary word)
  took;
- *stop words* (function words, frequent verbs, months, titles: ``not_names.txt``, and words
  seen often in the pool without ever taking the article) are never names, whatever the data
  says (في → "Fee", على → "Ali");
- *common words* that are also given names (أمل، سلام، كريم، نور، جمال: ``word_names.txt``, and
  words the pool shows with the article ال) count only when a known name part follows them;
- a token starting with the article ال is never the first word of a name, and elsewhere only
  when its English is an Arabic surname ("al-Husayni");
- a lone token is a name only after a title or a verb of saying («قالت بالترو»); a lone whole
  name only when it is no common word and its confidence is high;
- every entry has a confidence (transliteration consistency times agreement of the data), and
  under the floors below nothing is proposed.

Matching is one pass over the words with dictionary look-ups, like the lexicon's, with the same
clitics peeled off the first word (و ف ب ل ك).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from tarjama.terms.entity import Entity, EntityMatch
from tarjama.terms.keys import (
    Reading,
    Token,
    joinable,
    key_of,
    original_cut,
    prefix_readings,
    tokenize,
)
from tarjama.terms.store import slug

__all__ = [
    "NameLayer",
    "NameProposal",
    "frequency_key",
]

WHOLE_FLOOR = 0.8
"""Least confidence of a whole name the layer proposes."""
TOKEN_FLOOR = 0.85
"""Least confidence of every token of a composed name."""
LONE_WHOLE_FLOOR = 0.95
"""Least confidence of a one-word whole name standing alone."""
STOP_COUNT = 10
"""A word seen this often in the pool, never with the article, is a function word or a verb."""
MAX_RUN = 5
"""Most tokens in one composed name («محمد بن راشد آل مكتوم»)."""

_TYPES = {"P": "person", "L": "place", "O": "org", "T": "person"}
_ARTICLE_ENGLISH_RE = re.compile(r"^(?:al|el|ad|ash|as|at|az|an|ar|ad|ud|ul)[- ]", re.IGNORECASE)
_MEDIAL_HAMZA_RE = re.compile("[أإآؤئء]")
#: Two-letter words that may stand inside a name («محمد بن سلمان», «خوان دي لا كروز»).
_PARTICLES = frozenset({"بن", "دي", "دو", "لا", "لو", "ال", "اب", "ام", "دا", "في"})
_MARKS_RE = re.compile("[\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")

#: Words before a name that say a name follows: titles and verbs of saying (folded keys).
_EVIDENCE = (
    "السيد السيده الرئيس الرئيسه الوزير الوزيره النائب النائبه الممثل الممثله المغني المغنيه"
    " اللاعب اللاعبه المدرب الكاتب الكاتبه الروائي الشاعر المخرج الدكتور الدكتوره البروفيسور"
    " الاستاذ الاستاذه الشيخ الامير الاميره الملك الملكه الجنرال العقيد اللواء القاضي المحامي"
    " الصحفي الصحفيه المتحدث المتحدثه الناطق السناتور السيناتور عمده حاكم المستشار المستشاره"
    " المدير المديره الزعيم البابا القس الحاخام الامام المفتي الفنان الفنانه العالم الباحث"
    " الباحثه المصور المصوره الطبيب الطبيبه مدرب قائد المهاجم الحارس"
    " قال قالت يقول تقول اضاف اضافت اكد اكدت صرح صرحت اعلن اعلنت اوضح اوضحت"
)


def frequency_key(word: str) -> str:
    """The key of a word in the frequency and stop lists: the matcher's key, except that a
    final ى stays ى, so the preposition على is not the name علي."""
    key = key_of(word)
    bare = _MARKS_RE.sub("", word)
    if key and bare.endswith("ى"):
        return key[:-1] + "ى"
    return key


def _word_list(text: str) -> frozenset[str]:
    words: set[str] = set()
    for line in text.splitlines():
        for word in line.split("#", 1)[0].split():
            words.add(frequency_key(word))
    return frozenset(words)


@dataclass(frozen=True)
class NameProposal:
    """A name the layer found: where, its English, and how sure it is.

    ``start``/``end`` cover the name only (a proclitic before it is in ``prefix``), as in
    :class:`~tarjama.terms.entity.EntityMatch`; ``kind`` is ``whole`` (a name the data has as
    a whole) or ``composed`` (put together from tokens); ``type`` is person, place or org.
    """

    start: int
    end: int
    surface: str
    english: str
    kind: str
    type: str
    confidence: float
    prefix: str = ""

    def entity_match(self) -> EntityMatch:
        """The proposal as a lexicon match, so every stage that handles names handles it."""
        entity = Entity(
            id=f"name:{slug(self.english) or 'name'}",
            english=self.english,
            type=self.type,
            arabic=(self.surface,),
            kind=self.kind,
            source="names",
        )
        return EntityMatch(self.start, self.end, self.surface, entity, prefix=self.prefix)


@dataclass(frozen=True)
class _Part:
    """One token read as part of a name: its English, confidence and word class."""

    english: str
    confidence: float
    word: str  # "strong", "common" or "stop"
    article: bool


class NameLayer:
    """Whole names and name tokens by folded Arabic key; see the module doc for the rules."""

    def __init__(
        self,
        rows: Iterable[str],
        frequency: dict[str, tuple[int, int]],
        stop_words: frozenset[str] = frozenset(),
        word_names: frozenset[str] = frozenset(),
    ) -> None:
        self._whole: dict[str, str] = {}
        self._tokens: dict[str, str] = {}
        self._longest: dict[str, int] = {}
        for line in rows:
            key, english, cls, confidence = line.rstrip("\n").split("\t")
            if cls == "T":
                self._tokens[key] = f"{english}\t{confidence}"
            else:
                old = self._whole.get(key)
                if old is None or float(old.rsplit("\t", 1)[1]) < float(confidence):
                    self._whole[key] = f"{english}\t{cls}\t{confidence}"
                first, _, rest = key.partition(" ")
                words = rest.count(" ") + 2 if rest else 1
                self._longest[first] = max(self._longest.get(first, 0), words)
        self._frequency = frequency
        self._stop = stop_words
        self._word_names = word_names
        self._evidence = frozenset(_EVIDENCE.split())

    @classmethod
    def load_builtin(cls) -> NameLayer:
        """The layer shipped with tarjama (loaded once per process, then shared)."""
        return _builtin()

    def __len__(self) -> int:
        return len(self._whole) + len(self._tokens)

    @property
    def sizes(self) -> dict[str, int]:
        """How many whole names and name tokens the layer holds."""
        return {"whole": len(self._whole), "tokens": len(self._tokens)}

    def word_class(self, word: str, key: str | None = None) -> str:
        """``stop`` (never a name), ``word`` (a given name that is also an ordinary word),
        ``common`` (a noun or adjective: the pool shows it with the article) or ``strong``.

        ``word`` is the word as written (its final ى matters), ``key`` the reading looked at
        (the word without its proclitics), by default the whole word.
        """
        fkey = frequency_key(word)
        if key is not None and key != key_of(word):
            fkey = key[:-1] + "ى" if fkey.endswith("ى") else key
        if fkey in self._stop:
            return "stop"
        seen, _ = self._frequency.get(fkey, (0, 0))
        stem = fkey[2:] if fkey.startswith("ال") and len(fkey) > 4 else fkey
        _, with_article = self._frequency.get(stem, (0, 0))
        if seen >= STOP_COUNT and with_article == 0:
            return "stop"
        if fkey in self._word_names:
            return "word"
        return "common" if with_article else "strong"

    def find(
        self, text: str, taken: Sequence[tuple[int, int]] = (), *, compose: bool = False
    ) -> list[NameProposal]:
        """Names in ``text`` outside the ``taken`` spans, left to right, longest first.

        With ``compose``, names the data knows only word by word are put together from their
        tokens too; off by default, because the Arabic of a surname seldom tells its English
        spelling (docs/names.md: about half of the composed names were right).
        """
        tokens = tokenize(text)
        links = [joinable(text, a, b) for a, b in pairwise(tokens)]
        blocked = [any(t.start < end and start < t.end for start, end in taken) for t in tokens]
        found: list[NameProposal] = []
        i = 0
        while i < len(tokens):
            proposal = (
                None if blocked[i] else self._name_at(text, tokens, links, blocked, i, compose)
            )
            if proposal is None:
                i += 1
                continue
            found.append(proposal[1])
            i += proposal[0]
        return found

    def matches(
        self, text: str, taken: Sequence[tuple[int, int]] = (), *, compose: bool = False
    ) -> list[EntityMatch]:
        """:meth:`find` as lexicon matches (entities of source ``names``)."""
        return [p.entity_match() for p in self.find(text, taken, compose=compose)]

    def _reach(self, links: list[bool], blocked: list[bool], i: int, most: int) -> int:
        reach = 1
        while (
            reach < most
            and i + reach < len(blocked)
            and links[i + reach - 1]
            and not blocked[i + reach]
        ):
            reach += 1
        return reach

    def _name_at(
        self,
        text: str,
        tokens: list[Token],
        links: list[bool],
        blocked: list[bool],
        i: int,
        compose: bool,
    ) -> tuple[int, NameProposal] | None:
        whole = self._whole_at(tokens, links, blocked, i)
        run = self._run_at(tokens, links, blocked, i) if compose else None
        if whole is not None and (run is None or whole[0] >= run[0]):
            length, cut, english, cls, confidence = whole
            kind, type_ = "whole", _TYPES[cls]
        elif run is not None:
            length, cut, parts = run
            english = parts[0].english
            for k, part in enumerate(parts[1:], i + 1):
                hyphen = "-" in text[tokens[k - 1].end : tokens[k].start]
                english += ("-" if hyphen else " ") + part.english  # Harley-Davidson
            confidence = min(part.confidence for part in parts)
            kind, type_ = "composed", "person"
        else:
            return None
        first, last = tokens[i], tokens[i + length - 1]
        start = first.start + original_cut(first.text, cut)
        proposal = NameProposal(
            start=start,
            end=last.end,
            surface=text[start : last.end],
            english=english,
            kind=kind,
            type=type_,
            confidence=confidence,
            prefix=text[first.start : start],
        )
        return length, proposal

    def _whole_at(
        self, tokens: list[Token], links: list[bool], blocked: list[bool], i: int
    ) -> tuple[int, int, str, str, float] | None:
        """The longest whole name starting at token ``i``: (words, cut, English, class, conf)."""
        for reading in prefix_readings(tokens[i].key):
            most = self._longest.get(reading.key, 0)
            if not most:
                continue
            reach = self._reach(links, blocked, i, most)
            for length in range(reach, 0, -1):
                rest = [token.key for token in tokens[i + 1 : i + length]]
                value = self._whole.get(" ".join([reading.key, *rest]))
                if value is None:
                    continue
                english, cls, conf = value.split("\t")
                confidence = float(conf)
                words = [
                    self.word_class(tokens[i].text, reading.key),
                    *(self.word_class(t.text) for t in tokens[i + 1 : i + length]),
                ]
                if "stop" in words or confidence < WHOLE_FLOOR:
                    continue
                token, token_conf = self._tokens.get(reading.key, f"{english}\t1").split("\t")
                if length == 1 and (
                    len(reading.key) < 4
                    or token != english  # Davis or Daviess (County)? two readings: neither
                    or float(token_conf) < LONE_WHOLE_FLOOR  # Duffy or Davie?
                    or not _spelled_like_a_name(tokens[i].text, english)
                    or words[0] != "strong"
                    or confidence < LONE_WHOLE_FLOOR
                    or not _lone_cut(tokens[i].key, reading)
                ):
                    continue
                if length > 1 and "strong" not in words and confidence < 1:
                    continue
                if self._continued(tokens, links, blocked, i, i + length):
                    continue
                return length, reading.cut, english, cls, confidence
        return None

    def _continued(
        self, tokens: list[Token], links: list[bool], blocked: list[bool], start: int, end: int
    ) -> bool:
        """Whether a name word stands right before or after a whole name: then the name goes
        on («جون دي دومينيكو» is not John Day, «كارولين ويلسون» not Caroline), and the layer
        does not know all of it."""
        around = []
        if start > 0 and links[start - 1]:
            around.append(start - 1)
        if end < len(tokens) and links[end - 1]:
            around.append(end)
        for k in around:
            if blocked[k]:
                continue
            key = tokens[k].key
            if key in self._tokens and self.word_class(tokens[k].text) in ("strong", "word"):
                return True
        return False

    def _part(self, word: str, key: str, *, head: bool) -> _Part | None:
        value = self._tokens.get(key)
        if value is None:
            return None
        english, conf = value.split("\t")
        article = key.startswith("ال")
        if article and not _ARTICLE_ENGLISH_RE.match(english):
            return None
        if not _spelled_like_a_name(word, english):
            return None
        if len(key) < 3 and (head or key not in _PARTICLES):
            return None  # «لي», «ني», «مي»: too short to be told from a word or a clitic
        return _Part(english, float(conf), self.word_class(word, key), article)

    def _run_at(
        self, tokens: list[Token], links: list[bool], blocked: list[bool], i: int
    ) -> tuple[int, int, list[_Part]] | None:
        """The longest composed name starting at token ``i``: (words, cut, parts)."""
        best: tuple[int, int, list[_Part]] | None = None
        reach = self._reach(links, blocked, i, MAX_RUN)
        for reading in prefix_readings(tokens[i].key):
            head = self._part(tokens[i].text, reading.key, head=True)
            if head is None or head.article or head.word not in ("strong", "word"):
                continue  # a name does not start with the article, a verb or a common noun
            parts = [head]
            for token in tokens[i + 1 : i + reach]:
                part = self._part(token.text, token.key, head=False)
                if part is None or part.word == "stop":
                    break
                parts.append(part)
            while parts and parts[-1].word != "strong":
                parts.pop()  # a common word after a name is a word, not a surname
            if not parts or any(part.confidence < TOKEN_FLOOR for part in parts):
                continue
            if len(parts) == 1 and not (
                self._announced(tokens, links, i) and _lone_cut(tokens[i].key, reading)
            ):
                continue
            if best is None or len(parts) > best[0]:
                best = (len(parts), reading.cut, parts)
        return best

    def _announced(self, tokens: list[Token], links: list[bool], i: int) -> bool:
        """Whether a title or a verb of saying stands right before token ``i``."""
        if i == 0 or not links[i - 1]:
            return False
        return any(r.key in self._evidence for r in prefix_readings(tokens[i - 1].key))


def _spelled_like_a_name(word: str, english: str) -> bool:
    """Whether an Arabic word may be a transliterated name: no hamza inside it (رأى، تأتي، كأس
    are Arabic words; names write hamza first or last: إيريك، علاء), and a final ى only for a
    name ending in "a" (موسى Musa, ليلى Layla; رأى is not Ray, يرى not Yeri)."""
    bare = _MARKS_RE.sub("", word)
    if _MEDIAL_HAMZA_RE.search(bare[1:-1]):
        return False
    return not bare.endswith("ى") or english.endswith("a")


def _lone_cut(word: str, reading: Reading) -> bool:
    """Whether a one-word name may carry this proclitic: و or ف only. «كبيرا» is not
    ك + «بيرا» (Beira): a longer name makes its own case, a single word does not."""
    return word[: reading.cut] in ("", "و", "ف")


def _read_frequency(text: str) -> dict[str, tuple[int, int]]:
    frequency: dict[str, tuple[int, int]] = {}
    for line in text.splitlines():
        key, seen, with_article = line.split("\t")
        frequency[key] = (int(seen), int(with_article))
    return frequency


@lru_cache(maxsize=1)
def _builtin() -> NameLayer:
    folder = resources.files("tarjama") / "data" / "names"
    rows = gzip.decompress((folder / "names.tsv.gz").read_bytes()).decode("utf-8")
    return NameLayer(
        rows.splitlines(),
        _read_frequency((folder / "arabic_frequency.tsv").read_text(encoding="utf-8")),
        _word_list((folder / "not_names.txt").read_text(encoding="utf-8")),
        _word_list((folder / "word_names.txt").read_text(encoding="utf-8")),
    )
