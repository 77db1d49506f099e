"""Sentence segmentation for Arabic news, with offsets back into the original text.

Sentence engines translate one sentence at a time, and the writer must put each English sentence
back where its Arabic came from, so :func:`split_sentences` returns offsets into the text it was
given rather than copies. It errs on the side of *not* splitting: two sentences translated
together still read well, half a sentence does not. So it never splits at ، or ؛, inside a
quotation or parenthesis that closes on the same line, inside numbers, URLs or format-protected
ranges, or after an abbreviation.

A sentence can still be longer than an engine can take (a paragraph of UN prose with its full
stops lost, a list run together): :func:`split_to_fit` cuts such a text into pieces an engine's
budget allows, at the strongest clause boundary that will do, so no engine ever truncates it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from tarjama.document import Block, Segment
from tarjama.text._chars import (
    ARABIC_LETTER,
    ARABIC_MARK,
    BIDI_CONTROLS,
    ZERO_WIDTH,
    Intervals,
    url_and_email_ranges,
)
from tarjama.text.normalize import normalize_arabic, to_ascii_digits
from tarjama.text.protect import find_spans

__all__ = [
    "segment_block",
    "split_sentences",
    "split_to_fit",
]

#: Longest quotation or parenthesis (in characters) that is kept in one piece.
MAX_ENCLOSED = 600

_LINE_RE = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x85]+")
_TERMINAL_RE = re.compile(r"[.!?؟…\u06d4]+")
_CLOSERS = "\"'”’»)]}›"
_OPENERS = "([{«‹"
_PAIRS = {")": "(", "]": "[", "}": "{", "»": "«", "›": "‹"}
_QUOTES = '"“”„'
_WORD_STOPS = frozenset(_OPENERS + _QUOTES)
#: Longer tokens are never abbreviations; looking no further keeps long lines linear.
_LONGEST_WORD = 40
#: What is trimmed off the ends of a sentence: spaces of every width and invisible marks.
_EDGE = frozenset(
    " \t\u00a0\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
) | frozenset(BIDI_CONTROLS + ZERO_WIDTH)
_ALNUM_RE = re.compile(r"[^\W_]")
_ARABIC_LETTER_RE = re.compile(f"[{ARABIC_LETTER}]")
_ARABIC_WORD_CHAR_RE = re.compile(f"[{ARABIC_LETTER}{ARABIC_MARK}]")
_SINGLE_ARABIC_RE = re.compile(f"[{ARABIC_LETTER}]\u0640*")
_INITIALS_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]")

_ARABIC_ABBREVIATIONS = frozenset({"إلخ", "الخ", "اهـ", "ه", "هـ", "ق.م", "ص.ب", "أ.د", "م.م"})
_LATIN_ABBREVIATIONS = frozenset(
    {
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Ft", "Gen", "Col", "Lt", "Maj",
        "Capt", "Sgt", "Adm", "Cmdr", "Rep", "Sen", "Gov", "Pres", "Rev", "Hon", "Inc", "Ltd",
        "Co", "Corp", "Bros", "No", "Nos", "Vol", "Fig", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
        "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "vs", "etc", "approx", "est", "dept", "al",
        "cf", "ca", "pp", "p", "vol", "fig", "e.g", "i.e", "viz",
    }
)  # fmt: skip


def _enclosed_regions(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """(open, close) positions of brackets and quotes that open and close within one line.

    Straight and curly double quotes are told apart by position: after a space or an opening
    bracket they open, otherwise they close (a quote between two spaces closes one if one is
    open). Pairs longer than ``limit`` are left out so a runaway quote cannot swallow a block.
    """
    regions: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i in range(start, end):
        char = text[i]
        if char in _OPENERS:
            stack.append((char, i))
            continue
        if char in _QUOTES:
            before = text[i - 1] if i > start else " "
            after = text[i + 1] if i + 1 < end else " "
            quote_open = any(kind == '"' for kind, _ in stack)
            if before.isspace() and after.isspace():
                opening = not quote_open
            else:
                opening = before.isspace() or before in _OPENERS or before == ":"
            if opening:
                stack.append(('"', i))
                continue
            wanted = '"'
        elif char in _PAIRS:
            wanted = _PAIRS[char]
        else:
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == wanted:
                opened = stack[depth][1]
                del stack[depth:]
                if i - opened <= limit:
                    regions.append((opened, i))
                break
    return regions


def _word_before(text: str, pos: int, line_start: int) -> str:
    """The token that ends at ``pos`` (back to whitespace or an opening bracket/quote).

    At most ``_LONGEST_WORD`` characters are looked at, which keeps long lines linear.
    """
    i = pos
    stop = max(line_start, pos - _LONGEST_WORD)
    while i > stop and not text[i - 1].isspace() and text[i - 1] not in _WORD_STOPS:
        i -= 1
    return text[i:pos]


def _starts_line(text: str, pos: int, line_start: int) -> bool:
    """Whether only whitespace stands between the line start and ``pos``."""
    while pos > line_start and text[pos - 1].isspace():
        pos -= 1
    return pos == line_start


def _is_abbreviation(word: str, at_line_start: bool) -> bool:
    """Whether a full stop after ``word`` is part of an abbreviation, initial or list number."""
    word = word.rstrip(".")
    if not word or len(word) >= _LONGEST_WORD:
        return False
    if word in _ARABIC_ABBREVIATIONS or word in _LATIN_ABBREVIATIONS:
        return True
    last = word.rsplit(".", 1)[-1]
    if _SINGLE_ARABIC_RE.fullmatch(last):  # د. م. ص. and the م of ق.م.
        return True
    if _INITIALS_RE.fullmatch(word):  # J. U.S. a.m.
        return True
    return at_line_start and word.isdigit()  # "1. " numbering a list


def _boundary_after(text: str, run: re.Match[str], line_start: int, line_end: int) -> int | None:
    """Where a sentence ending in the punctuation ``run`` ends, or None if it does not end."""
    punct = run.group()
    start, pos = run.span()
    while pos < line_end and text[pos] in _CLOSERS:
        pos += 1
    nxt = text[pos] if pos < line_end else " "
    before = text[start - 1] if start > line_start else " "
    word = _word_before(text, start, line_start)
    at_line_start = _starts_line(text, start - len(word), line_start)
    if nxt.isspace():
        if "…" in punct or ".." in punct:
            # A free-standing ellipsis marks an omission, not the end of a sentence.
            if before.isspace() or word.rstrip(".") in _ARABIC_ABBREVIATIONS:
                return None
        elif punct == "." and _is_abbreviation(word, at_line_start):
            return None
    elif _ARABIC_LETTER_RE.match(nxt) and pos == run.end():
        # "المرئية.و تربط": a missing space after the stop. A one-letter word before it is an
        # abbreviation (د.محمد, ق.م), so require two letters of Arabic before the stop.
        if punct in {".", "\u06d4"} and not (
            len(word) >= 2 and all(_ARABIC_WORD_CHAR_RE.match(c) for c in word)
        ):
            return None
        if "…" in punct or ".." in punct:
            return None
    else:
        return None
    # A lone "و" cannot start a sentence: "ياهو! و خدمات مايكروسوفت".
    rest = text[pos:line_end].lstrip()
    if nxt.isspace() and rest.startswith("و") and (len(rest) == 1 or rest[1].isspace()):
        return None
    return pos


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def split_sentences(
    text: str,
    *,
    protect: Sequence[tuple[int, int]] = (),
    max_enclosed: int = MAX_ENCLOSED,
) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``, so ``text[start:end]`` is a sentence.

    Sentences end after . ! ? ؟ … (an ellipsis only when it is attached to a word) with any
    closing quotes and brackets, and at every line break; never at ، or ؛. Offsets exclude
    surrounding whitespace and invisible marks; empty lines give nothing. No split happens inside
    ``protect`` ranges (format-protected code, link targets), URLs, e-mail addresses, numbers,
    after abbreviations and initials, or inside a quotation/parenthesis closing on the same line
    and at most ``max_enclosed`` characters long.
    """
    sentences: list[tuple[int, int]] = []
    # A boundary b is forbidden when start < b < end of a protected range or URL, and when
    # open < b <= close of a quotation or parenthesis.
    no_split = Intervals((start + 1, end) for start, end in [*protect, *url_and_email_ranges(text)])
    for line in _LINE_RE.finditer(text):
        line_start, line_end = line.span()
        enclosed = Intervals(
            (opened + 1, closed + 1)
            for opened, closed in _enclosed_regions(text, line_start, line_end, max_enclosed)
        )
        pieces: list[tuple[int, int]] = []
        cursor = line_start
        for run in _TERMINAL_RE.finditer(text, line_start, line_end):
            if run.start() < cursor:
                continue
            boundary = _boundary_after(text, run, line_start, line_end)
            if boundary is None or boundary in no_split or run.start() in no_split:
                continue
            if boundary in enclosed:
                continue
            pieces.append((cursor, boundary))
            cursor = boundary
        pieces.append((cursor, line_end))
        line_sentences: list[tuple[int, int]] = []
        for piece_start, piece_end in pieces:
            start, end = _trim(text, piece_start, piece_end)
            if start == end:
                continue
            if line_sentences and not _ALNUM_RE.search(text, start, end):
                # Stray punctuation ("." after a space, a lone quote) belongs to the sentence
                # before it.
                line_sentences[-1] = (line_sentences[-1][0], end)
            else:
                line_sentences.append((start, end))
        sentences.extend(line_sentences)
    return sentences


def _normalize_outside(
    text: str, keep: Sequence[tuple[int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    """Normalise ``text`` except inside ``keep`` ranges; return it with the ranges' new offsets."""
    parts: list[str] = []
    moved: list[tuple[int, int]] = []
    cursor = 0
    length = 0
    for start, end in sorted(keep):
        start, end = max(start, cursor), min(end, len(text))
        if start >= end:
            continue
        before = to_ascii_digits(normalize_arabic(text[cursor:start]))
        parts += [before, text[start:end]]
        length += len(before)
        moved.append((length, length + end - start))
        length += end - start
        cursor = end
    parts.append(to_ascii_digits(normalize_arabic(text[cursor:])))
    return "".join(parts), moved


def segment_block(block: Block) -> list[Segment]:
    """Cut a block into sentence segments ready for protection and translation.

    ``start``/``end`` point into ``block.text`` (the original); ``source`` is the sentence after
    :func:`normalize_arabic` and :func:`to_ascii_digits`, except that ``block.protect`` ranges
    are copied verbatim. ``spans`` holds every protected span found in ``source`` (the block's
    ranges as kind ``"format"``), none of them masked yet.
    """
    segments: list[Segment] = []
    for start, end in split_sentences(block.text, protect=block.protect):
        keep = [(max(s, start) - start, min(e, end) - start) for s, e in block.protect]
        source, moved = _normalize_outside(block.text[start:end], keep)
        stripped = source.strip()
        if not stripped:
            continue  # only tatweel or invisible marks: nothing an engine could translate
        index = len(segments)
        shift = len(source) - len(source.lstrip())
        moved = [(s - shift, e - shift) for s, e in moved]
        segments.append(
            Segment(
                id=f"{block.id}:{index}",
                block_id=block.id,
                index=index,
                source=stripped,
                start=start,
                end=end,
                spans=tuple(find_spans(stripped, extra=moved)),
            )
        )
    return segments


# Where a long sentence may be cut, strongest boundary first; each pattern matches what ends the
# left piece (the cut is at the match's end) or the space before the word that opens the next.
_CONJUNCTIONS = (
    "و|ثم|لكن|ولكن|بل|أو|أم|بينما|فيما|حيث|حين|حينما|عندما|بعدما|كما|إذ|إذا|لأن|حتى|كي|لكي"
    "|الذي|التي|الذين|اللذين|اللتين|اللواتي|اللاتي"
)
_CLAUSE_LEVELS: tuple[re.Pattern[str], ...] = (
    # a semicolon closes a clause
    re.compile(r"[؛;]"),
    # a comma before «و»/«ف» opening the next clause ("، وأضاف", "، فيما")
    re.compile(r"[،,](?=\s+[وف]\w)"),
    # any other comma, or a colon
    re.compile(r"[،,:]"),
    # the space before a conjunction or relative word
    re.compile(rf"\s+(?=(?:{_CONJUNCTIONS})\s)"),
    # any space: word by word
    re.compile(r"\s+"),
)


def _trim_space(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_to_fit(
    text: str,
    fits: Callable[[int, int], bool],
    *,
    protect: Sequence[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` for which ``fits(start, end)`` holds, in order.

    An engine truncates what is over its input budget without a word, so a sentence too long
    for it is cut instead, where a translation suffers least: after ؛ first, then after a comma
    that opens a «و»/«ف» clause, after any other comma or colon, before a conjunction or
    relative word (و، ثم، لكن، التي …), between words, and as a last resort between characters.
    Neighbouring clauses are packed together while they fit, so pieces are as long as the
    budget allows. No cut falls inside a ``protect`` range (a number, URL or placeholder) unless
    that range alone is over the budget. Pieces exclude surrounding whitespace and every other
    character of ``text`` is in exactly one piece, so the pieces slice the text exactly.
    ``fits`` is asked about ranges of ``text`` and should be monotonic (a range inside one that
    fits fits too).
    """
    start, end = _trim_space(text, 0, len(text))
    if start == end:
        return []
    no_cut = Intervals((s + 1, e) for s, e in protect)
    return _fit_range(text, start, end, fits, no_cut, 0)


def _fit_range(
    text: str,
    start: int,
    end: int,
    fits: Callable[[int, int], bool],
    no_cut: Intervals,
    level: int,
) -> list[tuple[int, int]]:
    """Pieces of ``text[start:end]`` (already trimmed) cut at boundaries of ``level`` or weaker."""
    if fits(start, end):
        return [(start, end)]
    if level == len(_CLAUSE_LEVELS):
        return _fit_characters(text, start, end, fits, no_cut)
    cuts = [
        match.end() if match.group().strip() else match.start()
        for match in _CLAUSE_LEVELS[level].finditer(text, start, end)
    ]
    cuts = [cut for cut in cuts if start < cut < end and cut not in no_cut]
    if not cuts:
        return _fit_range(text, start, end, fits, no_cut, level + 1)
    clauses = [_trim_space(text, a, b) for a, b in zip([start, *cuts], [*cuts, end], strict=True)]
    pieces: list[tuple[int, int]] = []
    run: tuple[int, int] | None = None
    for a, b in clauses:
        if a == b:
            continue
        if run is not None and fits(run[0], b):
            run = (run[0], b)
            continue
        if run is not None:
            pieces.append(run)
            run = None
        if fits(a, b):
            run = (a, b)
        else:
            pieces += _fit_range(text, a, b, fits, no_cut, level + 1)
    if run is not None:
        pieces.append(run)
    return pieces


def _fit_characters(
    text: str, start: int, end: int, fits: Callable[[int, int], bool], no_cut: Intervals
) -> list[tuple[int, int]]:
    """The last resort for one over-long word: the longest prefix that fits, again and again
    (at least one character, or a whole protected range, each time, so it always ends)."""
    pieces: list[tuple[int, int]] = []
    while start < end:
        low, high = start + 1, end
        while low < high:  # the largest cut in (start, end] that fits
            middle = (low + high + 1) // 2
            if fits(start, middle):
                low = middle
            else:
                high = middle - 1
        cut = low
        while cut < end and cut in no_cut and cut - 1 > start:
            cut -= 1  # back out of a protected range
        if cut in no_cut:  # the range starts here and is over the budget: take it whole
            while cut < end and cut in no_cut:
                cut += 1
        piece = _trim_space(text, start, cut)
        if piece[0] < piece[1]:
            pieces.append(piece)
        start = _trim_space(text, cut, end)[0]
    return pieces
