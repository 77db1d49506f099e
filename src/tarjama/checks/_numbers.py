"""Numbers: every number of the source in the English, and no number the source does not have.

A casualty figure or a date that changes in translation is the worst error a news translation
can make, and small models make it often (55,000 barrels become 550,000; 34 officials become
35; a "July 7, 1812" appears from nowhere). Numbers are compared as *values*, so the many
legitimate ways of writing one number agree:

- digits of any script, ``٫`` or ``.`` decimals, ``٬`` ``,`` or ``،`` thousands (``1,200`` =
  ``1200`` = ``١٬٢٠٠``); a lone comma before one or two digits is a decimal comma (``6,34`` =
  6.34), before three digits it may be either; ranges, times and dates are their numbers;
- a scale word after digits: ``5 million`` = 5,000,000, ``2.3 مليون`` = 2,300,000; after a
  larger scale and «و» the digits finish that number: ``مليون و500 ألف`` = 1,500,000, as an
  English writer puts it ("1.5 million");
- the English may spell a number out (``three`` for 3, ``twenty-five``, ``two thousand``) or
  write an ordinal (``21st``, ``seventh``);
- the Arabic may spell a number out (خمس نقاط، السابع من أكتوبر، عشرة ملايين، التاسع عشر):
  English digits for it are not "changed";
- decades: ``1970s`` / ``'70s`` answer السبعينيات (70) or 1970;
- a time ``02:30`` also reads as ``0230``.

Left out on purpose: signs (``-5`` vs "minus 5" vs "5 below zero"), percent signs ("50 %" vs
"50 percent"), unit conversions the source does not make, and digits glued after Latin letters
(``A1GP``, ``G7``, ``iPhone15``), which are names; English numbers in model names such as
``F-16`` or ``COVID-19`` are not reported as changed (but still keep a source number).
Years get no exemption: a year that is not in the source is a changed number (the model's
"1812" is exactly that).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from tarjama.checks._flag import NUMBER_CHANGED, NUMBER_MISSING, Flag
from tarjama.checks._number_words import arabic_number_words, english_number_words, scale_value
from tarjama.text import to_ascii_digits

__all__ = [
    "NumberMention",
    "check_numbers",
    "number_mentions",
]

Value = Decimal

_ARABIC_COMMA_THOUSANDS_RE = re.compile(r"(?<=\d)،(?=\d{3}(?!\d))")
# A number: digits with inner separators, not glued after a Latin letter (A1GP, G7) or digit.
_NUMBER_RE = re.compile(r"(?<![A-Za-z\d])\d+(?:[.,]\d+)*")
_NAME_NUMBER_RE = re.compile(r"[A-Za-z]{1,6}-$")  # F-16, COVID-19, Il-76, MH-17
_DECADE_RE = re.compile(r"'?s\b")
_SCALE_AFTER_RE = re.compile(
    r"\s?(hundred|thousand|million|mn|billion|bn|trillion|ألف|الف|آلاف|الاف|مليون|ملايين|"
    r"مليار|مليارات|بليون|تريليون)(?![A-Za-z])",
    re.IGNORECASE,
)
_SCALE_BEFORE_RE = re.compile(
    r"(?:(\d+(?:\.\d+)?)\s?)?(ألف|الف|آلاف|الاف|مليون|ملايين|مليار|مليارات)\s?و\s?$"
)
_TIME_RE = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")


@dataclass(frozen=True)
class NumberMention:
    """One number written in a text, and every value it may stand for."""

    text: str
    values: frozenset[Value]
    name_part: bool = False
    """Digits that are part of a name (F-16, COVID-19): never reported as changed."""
    derived: bool = False
    """Another reading of numbers already listed (``02:30`` as 0230): never reported."""


def _value(text: str) -> Value:
    return Decimal(text).normalize()


def _readings(token: str) -> list[frozenset[Value]]:
    """The values one digit token may mean; a list of several when it is really several numbers.

    ``1,200`` → {1200}; ``6,34`` → {6.34}; ``6,340`` → {6340, 6.34}; ``1.5`` → {1.5};
    ``12.05.2020`` → three numbers.
    """
    if "," in token and "." in token:
        decimal_sep = "," if token.rfind(",") > token.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        whole, _, frac = token.rpartition(decimal_sep)
        if all(len(g) == 3 for g in whole.split(thousands)[1:]):
            return [frozenset({_value(whole.replace(thousands, "") + "." + frac)})]
        return [frozenset({_value(g)}) for g in re.split(r"[.,]", token)]
    for sep in (",", "."):
        if sep not in token:
            continue
        groups = token.split(sep)
        grouped = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
        if len(groups) == 2:
            decimal = _value(groups[0] + "." + groups[1])
            if grouped:
                return [frozenset({_value("".join(groups)), decimal})]
            return [frozenset({decimal})]
        if grouped:
            return [frozenset({_value("".join(groups))})]
        return [frozenset({_value(g)}) for g in groups]
    return [frozenset({_value(token)})]


def _chained(before: str, values: frozenset[Value], factor: int) -> set[Value]:
    """The whole number when digits finish a larger one: «مليون و500 ألف» → 1,500,000."""
    head = _SCALE_BEFORE_RE.search(before)
    if head is None or scale_value(head.group(2)) <= factor:
        return set()
    big = Decimal(head.group(1) or 1) * scale_value(head.group(2))
    return {_value(str(big + v * factor)) for v in values}


def number_mentions(text: str) -> list[NumberMention]:
    """The numbers written in digits in ``text`` (any script), with their possible values."""
    text = _ARABIC_COMMA_THOUSANDS_RE.sub(",", to_ascii_digits(text))
    mentions: list[NumberMention] = []
    for match in _NUMBER_RE.finditer(text):
        token = match.group()
        readings = _readings(token)
        after = text[match.end() : match.end() + 16]
        scale = _SCALE_AFTER_RE.match(after)
        name_part = _NAME_NUMBER_RE.search(text[max(0, match.start() - 7) : match.start()])
        for i, values in enumerate(readings):
            extra: set[Value] = set()
            if i == len(readings) - 1:
                if scale is not None:
                    factor = scale_value(scale.group(1))
                    extra |= {_value(str(v * factor)) for v in values}
                    extra |= _chained(
                        text[max(0, match.start() - 24) : match.start()], values, factor
                    )
                if _DECADE_RE.match(after) and all(v == v.to_integral() for v in values):
                    extra |= {_value(str(int(v) % 100)) for v in values if int(v) >= 100}
            mentions.append(
                NumberMention(token, values | extra, name_part=bool(name_part) and i == 0)
            )
    for match in _TIME_RE.finditer(text):  # 02:30 is also "0230"
        hours, minutes = match.groups()
        joined = frozenset({_value(hours + minutes)})
        mentions.append(NumberMention(match.group(), joined, derived=True))
    return mentions


# --- the check --------------------------------------------------------------------------------

_EVIDENCE = 5


def _all_values(mentions: Iterable[NumberMention]) -> set[Value]:
    return {value for mention in mentions for value in mention.values}


def _show(mentions: Sequence[NumberMention]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.text for m in mentions))[:_EVIDENCE]


def check_numbers(source: str, target: str) -> list[Flag]:
    """``number_missing`` and ``number_changed`` for one segment (see the module doc)."""
    source_mentions = number_mentions(source)
    target_mentions = number_mentions(target)
    flags: list[Flag] = []
    target_values = _all_values(target_mentions) | english_number_words(target)
    missing = [m for m in source_mentions if not m.derived and not (m.values & target_values)]
    if missing:
        shown = _show(missing)
        flags.append(Flag(NUMBER_MISSING, f"not in the English: {', '.join(shown)}", shown))
    source_values = _all_values(source_mentions) | arabic_number_words(source)
    changed = [
        m
        for m in target_mentions
        if not (m.derived or m.name_part) and not (m.values & source_values)
    ]
    if changed:
        shown = _show(changed)
        flags.append(Flag(NUMBER_CHANGED, f"not in the source: {', '.join(shown)}", shown))
    return flags
