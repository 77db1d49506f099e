"""Clean-up of engine English: Arabic punctuation and digits, spacing around punctuation.

Models trained on web data copy Arabic habits into English (، and ؟, «quotes», ٣ digits, a
space before the full stop). :func:`postedit_english` fixes those surface slips without touching
words, numbers (3.5, 1,000, 10:30) or URLs, and is idempotent, so it is safe to run twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tarjama.text._chars import BIDI_CONTROLS, Intervals, url_and_email_ranges
from tarjama.text.normalize import to_ascii_digits

__all__ = ["postedit_english"]

_CHARS_TABLE = str.maketrans(
    {
        "،": ",",
        "؛": ";",
        "؟": "?",
        "۔": ".",
        "«": "“",
        "»": "”",
        **dict.fromkeys(BIDI_CONTROLS + "\u200b\u200c\ufeff\u0640", None),
    }
)
_SPACE_RUN_RE = re.compile(r"[ \t]{2,}")
_TRAILING_SPACE_RE = re.compile(r"[ \t]+(?=\n)")
_SPACED_STOP_RE = re.compile(r"[ \t]+([,.;:?!])(?=[A-Za-z“(])")
_SPACE_BEFORE_RE = re.compile(r"[ \t]+(?=[,;:?!)\]}…]|\.(?![0-9])|”(?![^\W_]))")
_SPACE_BEFORE_PERCENT_RE = re.compile(r"(?<=[0-9])[ \t]+(?=%)")
_SPACE_AFTER_OPENER_RE = re.compile(r"(?<=[(\[{“])[ \t]+")
_GLUED_RE = re.compile(r"[,;:?!.)”](?=[^\s])")
_OPENING = "“(["


def _space_after(match: re.Match[str]) -> str:
    """Add a space after punctuation glued to the next word, unless it is part of a token."""
    text, pos = match.string, match.start()
    char = match.group()
    before = text[pos - 1] if pos else " "
    after = text[pos + 1]
    wants = False
    if char in ",;:":
        number = before.isdigit() and after.isdigit()  # 1,000 and 10:30
        wants = not number and (after.isalnum() or after in _OPENING)
    elif char in "?!)":
        wants = after.isalnum() or after in _OPENING
    elif char == "”":  # after a space it opens a quote (”Indomitable”)
        wants = not before.isspace() and (after.isalnum() or after in _OPENING)
    elif char == "." and after.isupper() and before.islower():
        # "happened.The" but not "e.g.The", "U.S.Army" or "Node.Js".
        word = re.search(r"[\w.]*$", text[:pos])
        wants = word is not None and "." not in word.group() and len(word.group()) > 1
    return char + " " if wants else char


_Replacement = Callable[[re.Match[str]], str]


def _outside_urls(pattern: re.Pattern[str], replacement: _Replacement, text: str) -> str:
    """``pattern.sub`` that leaves matches touching a URL or e-mail address alone."""
    ranges = Intervals(url_and_email_ranges(text))

    def substitute(match: re.Match[str]) -> str:
        if ranges.overlaps(*match.span()):
            return match.group()
        return replacement(match)

    return pattern.sub(substitute, text)


# "U. S." / "U. N." -> "U.S." / "U.N.": models split initialisms; a single capital, a dot and a
# space before another single capital and dot is one abbreviation.
_SPLIT_INITIALISM_RE = re.compile(r"\b([A-Z])\. (?=[A-Z]\.(?:\W|$))")

_RULES: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    (_SPLIT_INITIALISM_RE, lambda m: m.group(1) + "."),
    (_SPACED_STOP_RE, lambda m: m.group(1) + " "),  # "word ,next" -> "word, next"
    (_SPACE_BEFORE_RE, lambda m: ""),
    (_SPACE_BEFORE_PERCENT_RE, lambda m: ""),
    (_SPACE_AFTER_OPENER_RE, lambda m: ""),
    (_GLUED_RE, _space_after),
)


def postedit_english(text: str) -> str:
    """Tidy engine English: Arabic punctuation, quotes and digits, and spacing.

    ، ؛ ؟ become , ; ? and «» become “ ”; Arabic-Indic digits become ASCII; bidi and
    zero-width marks go; runs of spaces collapse; there is no space before , . ; : ? ! ) and
    one after them (not inside 3.5, 1,000, 10:30 or URLs); the result is stripped. Idempotent.
    """
    text = to_ascii_digits(text.translate(_CHARS_TABLE))
    text = _SPACE_RUN_RE.sub(" ", text)
    for pattern, replacement in _RULES:
        text = _outside_urls(pattern, replacement, text)
    text = _SPACE_RUN_RE.sub(" ", text)
    return _TRAILING_SPACE_RE.sub("", text).strip()
