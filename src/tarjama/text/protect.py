"""Protected spans: the parts of a sentence that must reach the English unchanged.

A URL, an e-mail address, a handle or a number translated "creatively" is a factual error, so
:func:`find_spans` finds them, :func:`mask` hides the fragile ones behind placeholders an engine
copies through, :func:`restore` puts them back (forgiving what engines do to placeholders), and
:func:`unkept_spans` tells the checks stage what did not survive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from tarjama.document import ProtectedSpan
from tarjama.text._chars import ARABIC_MARK, DIGIT, EMAIL_RE, LATIN_LETTER, URL_RE, Intervals
from tarjama.text.normalize import to_ascii_digits

__all__ = [
    "DEFAULT_MASK_KINDS",
    "DEFAULT_PLACEHOLDER",
    "SPAN_KINDS",
    "find_spans",
    "mask",
    "restore",
    "unkept_spans",
]

#: Every kind :func:`find_spans` produces, strongest first (a tie in length goes to the first).
SPAN_KINDS = ("format", "url", "email", "handle", "hashtag", "latin", "number")
#: Kinds masked by default: engines mangle them, and nothing in them needs translating.
#: Numbers and Latin names are left visible because the engine needs them for grammar.
DEFAULT_MASK_KINDS = frozenset({"format", "url", "email", "handle", "hashtag"})
#: Placeholder style: ``str.format`` with the placeholder's number (0, 1, …).
DEFAULT_PLACEHOLDER = "⟨{}⟩"

_HANDLE_RE = re.compile(r"(?<![A-Za-z0-9_@.])@[A-Za-z0-9_]{1,50}(?![A-Za-z0-9_@])")
_HASHTAG_RE = re.compile(rf"(?<![A-Za-z0-9_#&])#[\w{ARABIC_MARK}]*[^\W\d_][\w{ARABIC_MARK}]*")
_NUM = rf"[{DIGIT}]+(?:[.,٫٬][{DIGIT}]+)*"
_AMOUNT = rf"(?:[$€£¥₪]\s?)?{_NUM}(?:\s?[%٪]|[$€£¥])?"
_NUMBER_RE = re.compile(
    rf"(?:(?<![^\s(\[])[-+−])?(?<![{DIGIT}])(?<![{DIGIT}][.,٫٬]){_AMOUNT}"
    rf"(?:(?:[-–/:]|\s[-–]\s){_AMOUNT})*"
)
_LATIN_TOKEN = (
    rf"(?:[0-9]+[{LATIN_LETTER}]|[{LATIN_LETTER}])[{LATIN_LETTER}0-9]*"
    rf"(?:['’&.\-/][{LATIN_LETTER}0-9]+)*\+{{0,2}}"
)
_LATIN_RUN_RE = re.compile(
    rf"(?<![{LATIN_LETTER}0-9]){_LATIN_TOKEN}"
    rf"(?:[ \t]+(?:&[ \t]+)?(?:{_LATIN_TOKEN}|[0-9]+(?:[.,][0-9]+)*(?![{LATIN_LETTER}0-9])))*"
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("url", URL_RE),
    ("email", EMAIL_RE),
    ("handle", _HANDLE_RE),
    ("hashtag", _HASHTAG_RE),
    ("latin", _LATIN_RUN_RE),
    ("number", _NUMBER_RE),
)

_OPEN_BRACKETS = "⟨<\\[{〈《＜［｛‹«〔【⦗"
_CLOSE_BRACKETS = "⟩>\\]}〉》＞］｝›»〕】⦘"
#: Any bracket around any digits (\d covers full-width and Arabic-Indic digits too).
_BRACKETED_RE = re.compile(rf"[{_OPEN_BRACKETS}]\s*(\d+)\s*[{_CLOSE_BRACKETS}]")
_NUMBER_IN_PLACEHOLDER_RE = re.compile(r"\d+")


def find_spans(text: str, extra: Sequence[tuple[int, int]] = ()) -> list[ProtectedSpan]:
    """Everything in ``text`` that must survive translation, sorted and non-overlapping.

    Kinds: ``url``, ``email``, ``handle`` (@name), ``hashtag`` (#name, Arabic too), ``latin``
    (runs of Latin-script words with their numbers: "iPhone 15 Pro", "COVID-19"), ``number``
    (decimals, separators, ranges, times, dates, %, currency signs; not the unit word) and
    ``format`` for the ``extra`` ranges the document format protects. Format ranges always
    win; otherwise, where spans overlap, the longest wins.
    """
    formats = Intervals((max(start, 0), min(end, len(text))) for start, end in extra)
    spans = [ProtectedSpan(s, e, text[s:e], "format") for s, e in formats]
    candidates = [
        (match.start(), match.end(), kind)
        for kind, pattern in _PATTERNS
        for match in pattern.finditer(text)
    ]
    rank = {kind: i for i, kind in enumerate(SPAN_KINDS)}
    candidates.sort(key=lambda c: (c[0] - c[1], rank[c[2]], c[0]))
    taken = formats
    for start, end, kind in candidates:
        if not taken.overlaps(start, end):
            taken.add(start, end)
            spans.append(ProtectedSpan(start, end, text[start:end], kind))
    return sorted(spans, key=lambda span: span.start)


def mask(
    text: str,
    spans: Sequence[ProtectedSpan],
    *,
    kinds: Collection[str] = DEFAULT_MASK_KINDS,
    style: str = DEFAULT_PLACEHOLDER,
) -> tuple[str, tuple[ProtectedSpan, ...]]:
    """Replace the spans whose kind is in ``kinds`` with numbered placeholders.

    ``style`` is a ``str.format`` pattern (default ``⟨{}⟩``, numbered from 0 in text order,
    skipping any number whose placeholder the text already holds, so restoring never replaces
    the text's own ``⟨0⟩``).
    Returns the masked text and all spans, sorted, with ``placeholder`` set on the masked ones
    and ``""`` on the others; offsets still point into ``text``. A span with a ``target`` (a
    name given in its English form) is replaced by that English instead of a placeholder: there
    is nothing to restore afterwards, only to check. Raises ``ValueError`` when a span is not
    found at its offsets (spans of another text) or masked spans overlap.
    """
    parts: list[str] = []
    result: list[ProtectedSpan] = []
    cursor = 0
    number = 0
    for span in sorted(spans, key=lambda s: s.start):
        if text[span.start : span.end] != span.text:
            raise ValueError(f"span {span.text!r} is not at {span.start}:{span.end} of the text")
        if span.kind not in kinds:
            result.append(replace(span, placeholder=""))
            continue
        if span.start < cursor:
            raise ValueError(f"span {span.text!r} overlaps the span before it")
        if span.target:
            parts += [text[cursor : span.start], span.target]
            cursor = span.end
            result.append(replace(span, placeholder=""))
            continue
        placeholder = style.format(number)
        while placeholder in text:  # the text's own "⟨0⟩" must not be taken for a placeholder
            number += 1
            placeholder = style.format(number)
        number += 1
        parts += [text[cursor : span.start], placeholder]
        cursor = span.end
        result.append(replace(span, placeholder=placeholder))
    parts.append(text[cursor:])
    return "".join(parts), tuple(result)


def _style_re(style: str) -> re.Pattern[str] | None:
    """The placeholder style with any spacing, case and digits (``__p 0 __`` for ``__P{}__``)."""
    prefix, _, suffix = style.partition("{}")
    prefix, suffix = prefix.strip(), suffix.strip()
    if not (prefix or suffix):
        return None
    return re.compile(rf"{re.escape(prefix)}\s*(\d+)\s*{re.escape(suffix)}", re.IGNORECASE)


def restore(
    target: str,
    spans: Sequence[ProtectedSpan],
    *,
    style: str = DEFAULT_PLACEHOLDER,
) -> tuple[str, tuple[ProtectedSpan, ...]]:
    """Put the original text of each masked span back where the engine left its placeholder.

    Placeholders are found even when mangled: spaces inside (``⟨ 0 ⟩``), other brackets
    (``<0>``, ``[0]``, full-width), other digits (``⟨٠⟩``); a placeholder found as written
    wins over a mangled one, and one that appears twice is restored twice. A span whose
    placeholder is gone but whose text is in ``target`` verbatim counts as kept. One with
    neither is appended to the end in parentheses, so nothing is lost, and returned in the
    second tuple ("missing"). Spans without a placeholder are ignored (see
    :func:`unkept_spans` for those).
    """
    masked = [span for span in spans if span.placeholder]
    by_placeholder: dict[str, int] = {}
    by_number: dict[int, int] = {}
    for i, span in enumerate(masked):
        by_placeholder.setdefault(span.placeholder, i)
        numbers = _NUMBER_IN_PLACEHOLDER_RE.findall(span.placeholder)
        if numbers:
            by_number.setdefault(int(numbers[-1]), i)

    exact = "|".join(re.escape(p) for p in sorted(by_placeholder, key=len, reverse=True))
    tiers: list[tuple[re.Pattern[str] | None, Callable[[re.Match[str]], int | None]]] = [
        (re.compile(exact) if exact else None, lambda m: by_placeholder.get(m.group())),
        (_style_re(style), lambda m: by_number.get(int(m.group(1)))),
        (_BRACKETED_RE, lambda m: by_number.get(int(m.group(1)))),
    ]
    taken = Intervals()
    found: list[tuple[int, int, str]] = []
    done: set[int] = set()
    for pattern, which in tiers:
        if pattern is None:
            continue
        hits = [
            (match.start(), match.end(), index)
            for match in pattern.finditer(target)
            if (index := which(match)) is not None
            and index not in done
            and not taken.overlaps(*match.span())
        ]
        for start, end, index in hits:
            taken.add(start, end)
            found.append((start, end, masked[index].text))
            done.add(index)

    parts: list[str] = []
    cursor = 0
    for start, end, original in sorted(found):
        parts += [target[cursor:start], original]
        cursor = end
    parts.append(target[cursor:])
    restored = "".join(parts)
    missing = [span for i, span in enumerate(masked) if i not in done and span.text not in target]
    if missing:
        restored = " ".join([restored.rstrip(), *(f"({span.text})" for span in missing)]).strip()
    return restored, tuple(missing)


_TARGET_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_LEADING_ZEROS_RE = re.compile(r"^0+(?=\d)")


def _number_forms(text: str) -> set[str]:
    """The numbers in ``text`` as comparable strings: ASCII, no thousands commas, no padding."""
    forms: set[str] = set()
    for match in _TARGET_NUMBER_RE.finditer(to_ascii_digits(text)):
        number = match.group().replace(",", "")
        candidates = {number}
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):  # 1.000 written with a dot
            candidates.add(number.replace(".", ""))
        forms.update(_LEADING_ZEROS_RE.sub("", c) for c in candidates)
    return forms


def unkept_spans(
    target: str,
    spans: Sequence[ProtectedSpan],
    *,
    kinds: Collection[str] | None = None,
) -> tuple[ProtectedSpan, ...]:
    """The spans (of ``kinds``, default all) whose text does not appear in the English.

    Numbers are compared as numbers: every number in the span must appear among the numbers of
    ``target``, whatever the digits and thousands separators (١٬٥٠٠ is kept by "1,500").
    Everything else must appear verbatim.
    """
    target_numbers = _number_forms(target)
    unkept: list[ProtectedSpan] = []
    for span in spans:
        if kinds is not None and span.kind not in kinds:
            continue
        if span.kind == "number":
            numbers = _TARGET_NUMBER_RE.findall(to_ascii_digits(span.text))
            kept = bool(numbers) and all(_number_forms(n) & target_numbers for n in numbers)
        else:
            kept = span.text in target
        if not kept:
            unkept.append(span)
    return tuple(unkept)
