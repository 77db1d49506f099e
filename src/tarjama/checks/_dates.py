"""``date_changed``: a weekday, month or Hijri date of the source that the English gets wrong.

«تموز» is July; a model that writes "June" has changed the date, and one that writes "Tammuz"
has left it untranslated for an English reader. A Hijri date (15 رمضان 1445 هـ) must stay
Hijri, "15 Ramadan 1445 AH": a model that converts it gets the conversion wrong as often as not,
and drops what the source said. :func:`~tarjama.terms.find_dates` finds the dates of the
Arabic; the English must then hold, for each:

- a weekday: its name ("Tuesday", "Tue", "Tuesdays"), also inside "today (Tuesday)";
- a Gregorian month: its name or abbreviation ("July", "Jul"), whichever naming the Arabic
  used (يوليو, تموز, or both);
- a Hijri month: a transliteration of it ("Ramadan", "Ramadhan", "Dhu al-Hijjah", "Dhul
  Hijja");
- a Hijri year: the year marked as Hijri ("1445 AH", "1445 A.H.", "AH 1445", "Hijri year
  1445"): a bare "1445", or a Gregorian year in its place, is a conversion or a loss.

Relative days alone (اليوم، أمس) are not checked: "on Tuesday" for «أمس» is an editor's choice.

:func:`date_repairs` puts right what is unambiguous: a transliterated Levantine month
("Tishreen al-Awal", "Kanun al-Thani", "Tammuz", "Shbat") becomes the Gregorian month the
source names (and "October (Tishreen al-Awal)" just "October"), and "Hijri year 1445", "1445 H",
"1445 A.H." become "1445 AH", each only when the Arabic has that month or that Hijri year.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from tarjama.checks._flag import DATE_CHANGED, Flag
from tarjama.terms import DateMention, find_dates

__all__ = ["check_dates", "date_repairs"]

_EVIDENCE = 5
_ABBREVIATIONS = {
    "January": "Jan",
    "February": "Feb",
    "March": "Mar",
    "April": "Apr",
    "June": "Jun",
    "July": "Jul",
    "August": "Aug",
    "September": "Sept?",
    "October": "Oct",
    "November": "Nov",
    "December": "Dec",
    "Sunday": "Sun",
    "Monday": "Mon",
    "Tuesday": "Tues?",
    "Wednesday": "Wed",
    "Thursday": "Thu(?:rs?)?",
    "Friday": "Fri",
    "Saturday": "Sat",
}
_WEEKDAY_RE = re.compile(r"\b(?:Sun|Mon|Tues|Wednes|Thurs|Fri|Satur)day\b")
# Hijri months on folded English (lower case, no accents or apostrophes, hyphens as spaces).
_AL = r"(?: \w{1,3})?"
_FIRST = r"(?:aw+al|ula|oula|i|1)"
_SECOND = r"(?:th?ani\w*|sani\w*|akh[ie]r\w*|ii|2)"
_HIJRI_RES = {
    "Muharram": r"muh?ar+am",
    "Safar": r"safar",
    "Rabi al-Awwal": rf"rabi\w*{_AL} {_FIRST}",
    "Rabi al-Akhir": rf"rabi\w*{_AL} {_SECOND}",
    "Rabi al-Thani": rf"rabi\w*{_AL} {_SECOND}",
    "Jumada al-Ula": rf"jumad\w*{_AL} {_FIRST}",
    "Jumada al-Akhira": rf"jumad\w*{_AL} {_SECOND}",
    "Jumada al-Thaniya": rf"jumad\w*{_AL} {_SECOND}",
    "Rajab": r"rajab",
    "Shaban": r"sha+ban",
    "Ramadan": r"rama[dz]h?an|ramzan",
    "Shawwal": r"shaw+al",
    "Dhu al-Qadah": rf"(?:dh|z)[ui]\w*{_AL} q[ai]\w*",
    "Dhu al-Hijjah": rf"(?:dh|z)[ui]\w*{_AL} h[ie]j+\w*",
}
_HIJRI_YEAR_RE = re.compile(r"(\d+) AH$")
_DAY_RE = re.compile(r"^\d+ ")

# Levantine month names as English writers transliterate them (see the module doc).
_SEP = r"[\s\-‐]+"
_ARTICLE = rf"(?:[ae](?:[lnt]|th|s){_SEP})?"
_KANUN = rf"Kan[ou]{{1,2}}n{_SEP}"
_TISHREEN = rf"T[ie]shr[ie]{{1,2}}n{_SEP}"
_LEVANTINE = {
    "January": rf"{_KANUN}(?:{_ARTICLE}Th?ani|II)",
    "February": r"Sh[aeiu]?ba{1,2}t",
    "March": r"A{1,2}(?:dh|d|z|th)a{1,2}r",
    "April": r"N[iey]{1,2}s+a{1,2}n",
    "May": r"(?:A[iy]{1,2}|I)y?a{1,2}r",
    "June": r"H[aou]z[aeiy]{1,3}ra{1,2}n",
    "July": r"Tam+[ou]{1,2}z",
    "August": r"Aab|Ab(?=\s+\d)|(?<=\d\s)Ab",
    "September": r"(?:A[iy]|E[iy]?)l[ou]{1,2}l",
    "October": rf"{_TISHREEN}(?:{_ARTICLE}(?:Aw+al|Ula|Oula)|I(?![IV]))",
    "November": rf"{_TISHREEN}(?:{_ARTICLE}Th?ani|II)",
    "December": rf"{_KANUN}(?:{_ARTICLE}Aw+al|I(?![IV]))",
}


def _name_re(name: str) -> re.Pattern[str]:
    """A month or weekday name in English: full (plural too), in capitals, or abbreviated."""
    short = _ABBREVIATIONS.get(name)
    abbreviated = rf"|{short}\.?" if short else ""
    return re.compile(rf"(?<![A-Za-z])(?:{name}s?|{name.upper()}S?{abbreviated})(?![A-Za-z])")


def _fold(english: str) -> str:
    """English for the Hijri patterns: no accents or apostrophes, hyphens as spaces, lower case."""
    decomposed = unicodedata.normalize("NFKD", english)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = re.sub(r"['’‘ʿʾ`]", "", text)
    return re.sub(r"[\s\-‐]+", " ", text).lower()


def _hijri_year_re(year: str) -> re.Pattern[str]:
    """``year`` marked as Hijri: "1445 AH", "1445 A.H.", "1445H", "AH 1445", "Hijri 1445"."""
    return re.compile(
        rf"(?<!\d){year}\s*(?:A\.?\s?H\b|H\b|(?i:hijr))"
        rf"|\bA\.?\s?H\.?\s*{year}(?!\d)"
        rf"|(?i:hijr\w*)\s+(?:(?i:year)\s+)?(?:of\s+)?{year}(?!\d)"
    )


def _hijri_parts(english: str) -> tuple[str, str | None]:
    """Month and year of a Hijri date's English: "15 Ramadan 1445 AH" → ("Ramadan", "1445")."""
    year = _HIJRI_YEAR_RE.search(english)
    rest = english[: year.start()] if year is not None else english
    return _DAY_RE.sub("", rest).strip(), year.group(1) if year is not None else None


def _required(mention: DateMention) -> Iterator[tuple[str, re.Pattern[str], bool]]:
    """What the English must contain for ``mention``: (English, pattern, on folded text)."""
    if mention.kind in {"weekday", "month"}:
        yield mention.english, _name_re(mention.english), False
    elif mention.kind == "relative":
        for day in _WEEKDAY_RE.findall(mention.english):
            yield day, _name_re(day), False
    elif mention.kind == "hijri_month":
        pattern = re.compile(rf"\b(?:{_HIJRI_RES[mention.english]})\b")
        yield mention.english, pattern, True
    elif mention.kind == "hijri_date":
        month, year = _hijri_parts(mention.english)
        if month in _HIJRI_RES:
            yield month, re.compile(rf"\b(?:{_HIJRI_RES[month]})\b"), True
        if year is not None:
            yield f"{year} AH", _hijri_year_re(year), False


def check_dates(source: str, target: str) -> Flag | None:
    """``date_changed``: a date of the Arabic with no correct English (see the module doc)."""
    folded = _fold(target)
    missing: dict[str, str] = {}
    for mention in find_dates(source):
        for english, pattern, on_folded in _required(mention):
            if not pattern.search(folded if on_folded else target):
                missing.setdefault(mention.surface, english)
    if not missing:
        return None
    shown = list(missing.items())[:_EVIDENCE]
    message = ", ".join(f"{surface} ({english})" for surface, english in shown)
    return Flag(DATE_CHANGED, f"not in the English: {message}", tuple(s for s, _ in shown))


def _levantine_re(month: str) -> re.Pattern[str]:
    """The transliterated name of ``month``, alone or paired with the Gregorian name."""
    trans = _LEVANTINE[month]
    pairs = (
        rf"{month}\s*\(\s*(?:{trans})\s*\)|{month}\s*/\s*(?:{trans})"
        rf"|(?:{trans})\s*\(\s*{month}\s*\)|(?:{trans})\s*/\s*{month}"
    )
    return re.compile(rf"(?<![A-Za-z])(?:{pairs}|{trans})(?![A-Za-z])", re.IGNORECASE)


def _hijri_repair_re(year: str) -> re.Pattern[str]:
    """Other ways of writing a Hijri ``year`` that become "{year} AH"."""
    dotted = r"A\.\s?H(?:\.(?!\s*(?:$|[A-Z\"“])))?"  # keep a full stop that ends the sentence
    return re.compile(
        rf"(?i:(?:the\s+)?hijri?a?\s+year\s+(?:of\s+)?){year}(?:\s*AH)?(?!\d)"
        rf"|(?<!\d){year}\s*(?:{dotted}|H(?:\.(?!\s*(?:$|[A-Z])))?(?![A-Za-z])|(?i:hijri)\b)"
    )


def date_repairs(source: str, target: str) -> list[tuple[int, int, str, str, str]]:
    """Unambiguous date repairs of ``target``: (start, end, before, after, what) each.

    ``what`` is ``date:<month>`` or ``date:<year>-ah``; see the module doc for the rules.
    Repairs do not overlap; offsets are into ``target`` as given.
    """
    months: set[str] = set()
    years: set[str] = set()
    for mention in find_dates(source):
        if mention.kind == "month":
            months.add(mention.english)
        elif mention.kind == "hijri_date":
            year = _hijri_parts(mention.english)[1]
            if year is not None:
                years.add(year)
    found: list[tuple[int, int, str, str, str]] = []
    for month in sorted(months):
        for match in _levantine_re(month).finditer(target):
            found.append((match.start(), match.end(), match.group(), month, f"date:{month}"))
    for year in sorted(years):
        for match in _hijri_repair_re(year).finditer(target):
            after = f"{year} AH"
            if match.group() != after:
                found.append((match.start(), match.end(), match.group(), after, f"date:{year}-ah"))
    repairs: list[tuple[int, int, str, str, str]] = []
    for fix in sorted(found):
        if not repairs or fix[0] >= repairs[-1][1]:
            repairs.append(fix)
    return repairs
