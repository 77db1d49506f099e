"""Weekdays, months and Hijri dates in Arabic news, with the English each must become.

A small model turns «تموز» into "Tammuz" or "June", «15 رمضان 1445 هـ» into a Gregorian date it
computed wrongly, and drops the weekday of «اليوم (الثلاثاء)». :func:`find_dates` finds these
expressions (offsets into the original string, proclitics و ف ب ل left outside the span) so
that a prompt can be told the answer (:func:`date_hints`) and the checks can hold the English
to it. Hijri dates stay Hijri: "15 Ramadan 1445 AH", never converted.

Arabic writes Gregorian months two ways, the Egyptian/Gulf names (يناير، يوليو/يوليه …) and
the Levantine/Iraqi ones (كانون الثاني، تموز …), often both at once: «كانون الثاني/يناير»,
«يناير (كانون الثاني)» are one mention. Several month and weekday names are also ordinary
words, so each name has a *level* that says how much evidence it needs:

- ``free``: only ever a date (يناير، تموز، رمضان، الثلاثاء);
- ``context``: also a word or a name, but not after في/منذ/خلال/مطلع/شهر…, nor before
  الماضي/المقبل…, nor next to a day number or a year: «مارس» "he practised" (a verb cannot
  follow في), «نيسان» Nissan, «مايو» in «دي مايو» (Di Maio) and «مايو كلينك», «رجب» the given
  name (رجب طيب أردوغان), «شعبان» a name too;
- ``strict``: a common word, a month only beside a day number or a year, after «شهر», or
  paired with its other name: «آب» (folds to «أب» father, and «باب» door is ب + اب, so it
  takes no proclitic but و), «صفر» zero, «محرم» forbidden, «جوان»/«أوت»/«ماي».

A weekday with the article is a weekday, except «الاثنين» after a definite noun or كلا/بين,
or before معاً ("the two", "both": الممثلَين الاثنين، أو الاثنين معاً) and «الأحد» before عشر
("the eleven"); without the article
only «ثلاثاء»/«أربعاء» stand alone, the rest (أحد one, اثنين two, جمعة and خميس names) need
«يوم» before them. Relative days are reported only where they cannot mean anything else:
«اليوم» ("the day") only with its weekday, «أمس» not in «أمسّ الحاجة» ("most in need»),
bare «غدا» (also "it became") only with tanween, a weekday or punctuation after it.
A Hijri year needs its marker (هـ، ه، للهجرة، هجرية) right after the number: «(هـ)» in
parentheses is item (e) of a list, and «للهجرة» alone is "for migration".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from tarjama.terms.keys import Token, joinable, key_of, original_cut, prefix_readings, tokenize

__all__ = ["DateMention", "date_hints", "find_dates"]


@dataclass(frozen=True)
class DateMention:
    """One date expression: where it is, as written, and the English it must become.

    ``kind`` is ``weekday``, ``month`` (Gregorian), ``hijri_month``, ``hijri_date`` (a Hijri
    month with a day or year, or a year marked هـ) or ``relative`` (today, yesterday …).
    """

    start: int
    end: int
    surface: str
    english: str
    kind: str


_FREE, _CONTEXT, _STRICT = "free", "context", "strict"

_MONTHS = (
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
)
#: Gregorian month names: spelling, month (1-12), level.
_GREGORIAN: tuple[tuple[str, int, str], ...] = (
    *((w, 1, _FREE) for w in ("يناير", "جانفي", "كانون الثاني", "كانون ثاني")),
    *((w, 2, _FREE) for w in ("فبراير", "فيفري", "شباط")),
    ("مارس", 3, _CONTEXT),
    ("آذار", 3, _FREE),
    *((w, 4, _FREE) for w in ("أبريل", "إبريل", "ابريل", "أفريل")),
    ("نيسان", 4, _CONTEXT),
    ("أيار", 5, _FREE),
    *((w, 5, _CONTEXT) for w in ("مايو", "مايه")),
    ("ماي", 5, _STRICT),
    *((w, 6, _FREE) for w in ("يونيو", "يونيه", "حزيران")),
    ("جوان", 6, _STRICT),
    *((w, 7, _FREE) for w in ("يوليو", "يوليه", "جويلية", "تموز")),
    *((w, 8, _FREE) for w in ("أغسطس", "اغسطس")),
    *((w, 8, _STRICT) for w in ("آب", "أوت")),
    *((w, 9, _FREE) for w in ("سبتمبر", "أيلول")),
    *((w, 10, _FREE) for w in ("أكتوبر", "اكتوبر", "تشرين الأول", "تشرين أول")),
    *((w, 11, _FREE) for w in ("نوفمبر", "تشرين الثاني", "تشرين ثاني")),
    *((w, 12, _FREE) for w in ("ديسمبر", "كانون الأول", "كانون أول")),
)
#: Hijri month names: spelling, English, level.
_HIJRI: tuple[tuple[str, str, str], ...] = (
    ("محرم", "Muharram", _STRICT),
    ("صفر", "Safar", _STRICT),
    ("ربيع الأول", "Rabi al-Awwal", _FREE),
    ("ربيع أول", "Rabi al-Awwal", _FREE),
    ("ربيع الآخر", "Rabi al-Akhir", _FREE),
    ("ربيع الثاني", "Rabi al-Thani", _FREE),
    ("جمادى الأولى", "Jumada al-Ula", _FREE),
    ("جمادى الآخرة", "Jumada al-Akhira", _FREE),
    ("جمادى الثانية", "Jumada al-Thaniya", _FREE),
    ("رجب", "Rajab", _CONTEXT),
    ("شعبان", "Shaban", _CONTEXT),
    ("رمضان", "Ramadan", _FREE),
    ("شوال", "Shawwal", _FREE),
    *((f"{w} القعدة", "Dhu al-Qadah", _FREE) for w in ("ذو", "ذي", "ذا")),
    *((f"{w} الحجة", "Dhu al-Hijjah", _FREE) for w in ("ذو", "ذي", "ذا")),
)
#: Weekdays: with the article, and whether the bare form may stand without «يوم» before it.
_WEEKDAYS: tuple[tuple[str, str, bool], ...] = (
    ("الأحد", "Sunday", False),
    ("الاثنين", "Monday", False),
    ("الثلاثاء", "Tuesday", True),
    ("الأربعاء", "Wednesday", True),
    ("الخميس", "Thursday", False),
    ("الجمعة", "Friday", False),
    ("السبت", "Saturday", False),
)
#: Relative days that mean one thing only; ``اليوم`` alone needs its weekday (see below).
_RELATIVE: tuple[tuple[str, str], ...] = (
    ("اليوم", "today"),
    ("مساء اليوم", "this evening"),
    ("صباح اليوم", "this morning"),
    ("ليلة اليوم", "tonight"),
    ("عصر اليوم", "this afternoon"),
    ("بعد ظهر اليوم", "this afternoon"),
    *((w, "yesterday") for w in ("أمس", "الأمس", "يوم أمس")),
    *((w, "yesterday evening") for w in ("مساء أمس", "مساء الأمس")),
    *((w, "yesterday morning") for w in ("صباح أمس", "صباح الأمس")),
    *((w, "yesterday afternoon") for w in ("عصر أمس", "بعد ظهر أمس")),
    *((w, "last night") for w in ("ليلة أمس", "ليلة الأمس", "ليل أمس")),
    *((w, "the day before yesterday") for w in ("أول أمس", "أمس الأول")),
    *((w, "tomorrow") for w in ("غدا", "يوم غد")),
    *((w, "tomorrow morning") for w in ("صباح غد", "صباح الغد")),
    *((w, "tomorrow evening") for w in ("مساء غد", "مساء الغد")),
    ("بعد غد", "the day after tomorrow"),
)


def _keys(*words: str) -> frozenset[str]:
    return frozenset(key_of(w) for w in words)


_DAY_BEFORE = _keys("يوم")
_SHAHR = _keys("شهر")
_CONTEXT_BEFORE = _keys(
    *("في", "منذ", "خلال", "مطلع", "منتصف", "أواسط", "أواخر", "أوائل", "نهاية", "بداية"),
    *("أول", "آخر", "حتى", "إلى", "شهر", "بحلول", "قبل", "بعد"),
)
_CONTEXT_AFTER = _keys("الماضي", "المقبل", "القادم", "الحالي", "الجاري", "المنصرم", "المنقضي")
_YEAR_WORDS = _keys("عام", "العام", "سنة", "السنة")
_HIJRI_MARKERS = _keys("هـ", "للهجرة", "هجري", "هجرية", "الهجري", "الهجرية")
_NOT_MONDAY_AFTER = _keys("كلا", "كلتا", "بين")
_DEFINITE_DAYS = _keys("اليوم", "الأمس", "الغد")
_TANWEEN_FATH = "\u064b"
_SHADDA = "\u0651"

_SLASH_RE = re.compile(r"\s*/\s*")
_OPEN_RE = re.compile(r"\s*\(\s*")
_CLOSE_RE = re.compile(r"\s*\)")
_SPACE_RE = re.compile(r"\s*(?:،\s*)?")
_PUNCT_AFTER_RE = re.compile(r"\s*(?:[.،,؛;:!?؟)]|$)")


@dataclass(frozen=True)
class _Entry:
    keys: tuple[str, ...]
    english: str
    kind: str
    level: str = _FREE
    month: int = 0


@dataclass(frozen=True)
class _Hit:
    """An entry found at tokens ``first``..``last``, its span starting after any proclitic."""

    first: int
    last: int
    start: int
    end: int
    entry: _Entry
    proclitic: bool


def _entry(spelling: str, english: str, kind: str, level: str = _FREE, month: int = 0) -> _Entry:
    return _Entry(tuple(key_of(w) for w in spelling.split()), english, kind, level, month)


@lru_cache(maxsize=1)
def _entries() -> dict[str, tuple[_Entry, ...]]:
    """All entries by the key of their first word, longest first."""
    entries = [_entry(w, _MONTHS[m - 1], "month", lvl, m) for w, m, lvl in _GREGORIAN]
    entries += [_entry(w, e, "hijri_month", lvl) for w, e, lvl in _HIJRI]
    for spelling, english, alone in _WEEKDAYS:
        entries.append(_entry(spelling, english, "weekday"))
        entries.append(_entry(spelling[2:], english, "weekday", _FREE if alone else _STRICT))
    entries += [_entry(w, e, "relative") for w, e in _RELATIVE]
    table: dict[str, list[_Entry]] = {}
    for item in entries:
        table.setdefault(item.keys[0], []).append(item)
    return {k: tuple(sorted(v, key=lambda e: -len(e.keys))) for k, v in table.items()}


def _hits(text: str, tokens: list[Token]) -> Iterator[_Hit]:
    """Every entry spelled at each token (the bare word first, then without proclitics)."""
    table = _entries()
    for i, token in enumerate(tokens):
        for reading in prefix_readings(token.key):
            for item in table.get(reading.key, ()):
                n = len(item.keys)
                words = tokens[i : i + n]
                if tuple(w.key for w in words[1:]) != item.keys[1:]:
                    continue
                if not all(joinable(text, a, b) for a, b in pairwise(words)):
                    continue
                start = token.start + original_cut(token.text, reading.cut)
                yield _Hit(i, i + n - 1, start, words[-1].end, item, reading.cut > 0)


class _Context:
    """What stands around a hit: the evidence the levels of the module doc ask for."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text, self.tokens = text, tokens

    def before(self, i: int) -> Token | None:
        if i > 0 and joinable(self.text, self.tokens[i - 1], self.tokens[i]):
            return self.tokens[i - 1]
        return None

    def after(self, i: int) -> Token | None:
        if i + 1 < len(self.tokens) and joinable(self.text, self.tokens[i], self.tokens[i + 1]):
            return self.tokens[i + 1]
        return None

    def day_before(self, hit: _Hit) -> Token | None:
        """A day number (1-31) right before the name, which then has no proclitic."""
        token = self.before(hit.first)
        if token is None or hit.proclitic or not token.key.isdigit():
            return None
        return token if 1 <= int(token.key) <= 31 else None

    def year_after(self, last: int) -> tuple[Token, int] | None:
        """A year after token ``last``, directly or after «عام/سنة» or «من عام»: (year, index)."""
        i = last
        for _ in range(3):
            token = self.after(i)
            if token is None:
                return None
            i += 1
            if token.key.isdigit():
                return (token, i) if 3 <= len(token.key) <= 4 else None
            if token.key not in _YEAR_WORDS and token.key != key_of("من"):
                return None
        return None

    def word_before(self, i: int, words: frozenset[str]) -> int | None:
        """Where the word before token ``i`` starts, after its proclitics, if it is in ``words``."""
        token = self.before(i)
        if token is None:
            return None
        for reading in prefix_readings(token.key):
            if reading.key in words:
                return token.start + original_cut(token.text, reading.cut)
        return None

    def has_level(self, hit: _Hit) -> bool:
        """Whether the evidence around ``hit`` is enough for its entry's level."""
        if hit.entry.level == _FREE:
            return True
        if hit.entry.kind == "weekday":  # a bare weekday other than ثلاثاء/أربعاء needs «يوم»,
            if hit.proclitic:  # and no proclitic: «يوم واحد» is و + احد
                return False
            return self.word_before(hit.first, _DAY_BEFORE) is not None
        numbered = self.day_before(hit) is not None or self.year_after(hit.last) is not None
        if hit.entry.level == _STRICT:
            if hit.proclitic and self.tokens[hit.first].key[:1] != "و":
                return False
            return numbered or self.word_before(hit.first, _SHAHR) is not None
        after = self.after(hit.last)
        in_context = after is not None and after.key in _CONTEXT_AFTER
        return numbered or in_context or self.word_before(hit.first, _CONTEXT_BEFORE) is not None


def _mention(text: str, start: int, end: int, english: str, kind: str) -> DateMention:
    return DateMention(start, end, text[start:end], english, kind)


def _months(text: str, ctx: _Context, hits: list[_Hit]) -> Iterator[DateMention]:
    """Gregorian months, a pair of names for one month joined by «/» or «( )» as one."""
    months = [h for h in hits if h.entry.kind == "month"]
    used: set[int] = set()
    for k, hit in enumerate(months):
        if k in used:
            continue
        nxt = months[k + 1] if k + 1 < len(months) else None
        if nxt is not None and nxt.entry.month == hit.entry.month and not nxt.proclitic:
            gap = text[hit.end : nxt.start]
            if _SLASH_RE.fullmatch(gap):
                used.add(k + 1)
                yield _mention(text, hit.start, nxt.end, hit.entry.english, "month")
                continue
            close = _CLOSE_RE.match(text, nxt.end)
            if _OPEN_RE.fullmatch(gap) and close is not None:
                used.add(k + 1)
                yield _mention(text, hit.start, close.end(), hit.entry.english, "month")
                continue
        if ctx.has_level(hit):
            yield _mention(text, hit.start, hit.end, hit.entry.english, "month")


def _marker_after(ctx: _Context, i: int) -> Token | None:
    token = ctx.after(i)
    return token if token is not None and token.key in _HIJRI_MARKERS else None


def _hijri_months(text: str, ctx: _Context, hits: list[_Hit]) -> Iterator[DateMention]:
    """Hijri months, with their day, year and marker when they have them: never converted."""
    for hit in hits:
        if hit.entry.kind != "hijri_month" or not ctx.has_level(hit):
            continue
        day = ctx.day_before(hit)
        year = ctx.year_after(hit.last)
        if day is None and year is None:
            yield _mention(text, hit.start, hit.end, hit.entry.english, "hijri_month")
            continue
        start = day.start if day is not None else hit.start
        end, parts = hit.end, [hit.entry.english]
        if day is not None:
            parts.insert(0, day.key)
        if year is not None:
            token, index = year
            marker = _marker_after(ctx, index)
            end = marker.end if marker is not None else token.end
            parts.append(f"{token.key} AH")
        yield _mention(text, start, end, " ".join(parts), "hijri_date")


def _hijri_years(text: str, ctx: _Context) -> Iterator[DateMention]:
    """A year with a Hijri marker right after it: «1445 هـ», «عام 1445هـ», «العام الهجري 1445»."""
    tokens = ctx.tokens
    for i, token in enumerate(tokens):
        if not token.key.isdigit() or len(token.key) > 4:
            continue
        year_word = ctx.word_before(i, _YEAR_WORDS)
        marker = _marker_after(ctx, i)
        if marker is not None:
            if len(token.key) >= 3 or year_word is not None:
                start = token.start if year_word is None else year_word
                yield _mention(text, start, marker.end, f"{token.key} AH", "hijri_date")
            continue
        hijri = ctx.before(i)  # «العام الهجري 1445»
        year_word = ctx.word_before(i - 1, _YEAR_WORDS) if hijri is not None else None
        if hijri is not None and hijri.key in _HIJRI_MARKERS and year_word is not None:
            yield _mention(text, year_word, token.end, f"{token.key} AH", "hijri_date")


def _weekdays(ctx: _Context, hits: list[_Hit]) -> Iterator[tuple[_Hit, int]]:
    """Weekday hits that are weekdays, with the start of a «يوم» before them."""
    for hit in hits:
        if hit.entry.kind != "weekday" or not ctx.has_level(hit):
            continue
        key = hit.entry.keys[0]
        before = ctx.before(hit.first)
        if key == key_of("الاثنين") and before is not None and not hit.proclitic:
            the_two = before.key.startswith("ال") and before.key not in _DEFINITE_DAYS
            if the_two or before.key in _NOT_MONDAY_AFTER:
                continue  # الممثلين الاثنين, كلا الاثنين: "the two"
        after = ctx.after(hit.last)
        if key == key_of("الاثنين") and after is not None and after.key == key_of("معاً"):
            continue  # أو الاثنين معاً: "or both"
        if key == key_of("الأحد") and after is not None and after.key == key_of("عشر"):
            continue  # الأحد عشر: "the eleven"
        start = hit.start
        day_word = None if hit.proclitic else ctx.word_before(hit.first, _DAY_BEFORE)
        if day_word is not None:
            start = day_word
        yield hit, start


def _relative_ok(text: str, ctx: _Context, hit: _Hit, weekday_next: bool) -> bool:
    """The ambiguity rules of the module doc for اليوم, أمس and غدا."""
    key = hit.entry.keys
    after = ctx.after(hit.last)
    if key == (key_of("اليوم"),):
        return weekday_next
    if key[-1] == key_of("أمس") and _SHADDA in ctx.tokens[hit.last].text:
        return False
    if key == (key_of("أمس"),) and after is not None and after.key.endswith(key_of("حاجة")):
        return False  # في أمس الحاجة: "most in need"
    if key == (key_of("غدا"),):
        word = ctx.tokens[hit.first].text
        return _TANWEEN_FATH in word or weekday_next or bool(_PUNCT_AFTER_RE.match(text, hit.end))
    return True


def _days(text: str, ctx: _Context, hits: list[_Hit]) -> Iterator[DateMention]:
    """Weekdays and relative days; «اليوم (الثلاثاء)» is one mention, "today (Tuesday)"."""
    weekdays = {hit.first: (hit, start) for hit, start in _weekdays(ctx, hits)}
    joined: set[int] = set()
    for hit in hits:
        if hit.entry.kind != "relative":
            continue
        day = _weekday_after(text, hit, weekdays)
        if not _relative_ok(text, ctx, hit, day is not None):
            continue
        if day is None:
            yield _mention(text, hit.start, hit.end, hit.entry.english, "relative")
            continue
        (weekday, _), end, bracketed = day
        joined.add(weekday.first)
        english = weekday.entry.english
        english = (
            f"{hit.entry.english} ({english})" if bracketed else f"{hit.entry.english}, {english}"
        )
        yield _mention(text, hit.start, end, english, "relative")
    for first, (hit, start) in weekdays.items():
        if first not in joined:
            yield _mention(text, start, hit.end, hit.entry.english, "weekday")


def _weekday_after(
    text: str, hit: _Hit, weekdays: dict[int, tuple[_Hit, int]]
) -> tuple[tuple[_Hit, int], int, bool] | None:
    """The weekday right after a relative day, in brackets or not: (weekday, end, bracketed)."""
    found = weekdays.get(hit.last + 1)
    if found is None or found[0].proclitic:
        return None
    gap = text[hit.end : found[1]]
    close = _CLOSE_RE.match(text, found[0].end)
    if _OPEN_RE.fullmatch(gap) and close is not None:
        return found, close.end(), True
    if _SPACE_RE.fullmatch(gap) and gap:
        return found, found[0].end, False
    return None


def _without_overlaps(mentions: Iterable[DateMention]) -> list[DateMention]:
    """Earliest first, the longer of two that start together; a mention inside another goes."""
    kept: list[DateMention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def find_dates(text: str) -> list[DateMention]:
    """The weekdays, months, Hijri dates and relative days of ``text``, in order.

    Offsets are into ``text`` as given; see the module doc for what counts and why.
    """
    tokens = tokenize(text)
    ctx = _Context(text, tokens)
    hits = list(_hits(text, tokens))
    mentions = [
        *_months(text, ctx, hits),
        *_hijri_months(text, ctx, hits),
        *_hijri_years(text, ctx),
        *_days(text, ctx, hits),
    ]
    return _without_overlaps(mentions)


def date_hints(text: str) -> list[tuple[str, str]]:
    """(Arabic as written, English) for each date of ``text``, once each, for a chat prompt.

    A model told «كانون الثاني» is "January" and «15 رمضان 1445 هـ» is "15 Ramadan 1445 AH"
    neither transliterates the one nor converts the other.
    """
    return list(dict.fromkeys((m.surface, m.english) for m in find_dates(text)))
