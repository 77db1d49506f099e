"""Generators for the property tests: Arabic news text as it arrives from the web.

Arabic-heavy text is built from tokens (words with diacritics and tatweel, Arabic, Persian and
ASCII digits, «،؛؟», Latin runs, URLs, handles, e-mails, numbers, presentation forms, bidi and
zero-width marks) joined by spaces, line breaks and blank lines; ``any_text`` mixes that with
arbitrary Unicode (``st.text()``) so nothing is assumed about the input.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

__all__ = [
    "any_text",
    "arabic_text",
    "arabic_words",
    "examples",
    "one_line",
]

_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي" + "پچژگکیٹ"
_DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0653\u0654\u0655"
_PRESENTATION = "\ufefb\ufef5\ufe8d\ufe91\ufeea\ufdf2\ufdfa\ufe70\ufe76\ufe7c\ufb8e\ufbfc"
_INVISIBLE = "\u0640\u200e\u200f\u202b\u202c\u2067\u2069\u061c\u200b\u200c\u200d\ufeff\u2060"
_DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
_PUNCTUATION = ["،", "؛", "؟", ".", "!", "…", ":", "«", "»", '"', "(", ")", "-", "٪", "٫", "٬"]
_SPACES = [" ", " ", " ", "  ", "\t", "\u00a0", "\n", "\n\n", "\r\n", "\n \n", "\u2028", "\u3000"]


def examples(count: int) -> int:
    """``count`` scaled by the loaded profile: ``ci`` runs it as written, ``thorough`` 10x.

    Read when a test module is imported, after pytest has loaded ``--hypothesis-profile``.
    """
    return max(1, count * settings().max_examples // 100)


_letter = st.sampled_from(_LETTERS)
_mark = st.sampled_from(_DIACRITICS + "\u0640")
arabic_words = st.lists(
    st.tuples(_letter, st.lists(_mark, max_size=2)).map(lambda p: p[0] + "".join(p[1])),
    min_size=1,
    max_size=8,
).map("".join)
"""One Arabic word: letters, each with up to two diacritics or tatweels."""

_latin = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,7}(?:-[0-9]{1,3})?", fullmatch=True)
_number = st.from_regex(r"[0-9٠-٩۰-۹]{1,4}(?:[.,٫٬][0-9٠-٩]{1,3})?%?", fullmatch=True)
_url = st.from_regex(r"(?:https?://|www\.)[a-z]{1,8}\.(?:com|org|sa|news)(?:/[a-z0-9]{1,6})?",
                     fullmatch=True)  # fmt: skip
_handle = st.from_regex(r"@[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
_email = st.from_regex(r"[a-z]{1,6}@[a-z]{1,6}\.(?:com|org)", fullmatch=True)
_hashtag = arabic_words.map(lambda w: "#" + w)
_placeholder_like = st.sampled_from(["⟨0⟩", "⟨1⟩", "[1]", "<2>", "(3)", "{0}"])

_token = st.one_of(
    arabic_words,
    arabic_words,
    arabic_words,
    arabic_words,
    st.sampled_from(_PUNCTUATION),
    st.text(alphabet=_DIGITS, min_size=1, max_size=5),
    _number,
    _latin,
    _url,
    _handle,
    _email,
    _hashtag,
    st.sampled_from(_PRESENTATION),
    st.sampled_from(_INVISIBLE),
    _placeholder_like,
)


def _join(parts: list[tuple[str, str]]) -> str:
    return "".join(token + space for token, space in parts)


arabic_text = st.lists(
    st.tuples(_token, st.one_of(st.just(" "), st.just(""), st.sampled_from(_SPACES))),
    max_size=24,
).map(_join)
"""Arabic-heavy text: tokens with spaces, line breaks and blank lines between them."""

any_text = st.one_of(
    arabic_text,
    st.text(),
    st.tuples(st.text(max_size=8), arabic_text, st.text(max_size=8)).map("".join),
)
"""Arabic-heavy text, arbitrary Unicode, or the two spliced together."""

_line_token = st.one_of(
    arabic_words,
    arabic_words,
    _number,
    _latin,
    _url,
    st.sampled_from(["،", "؛", "؟", ".", "!", "«", "»"]),
)
one_line = st.tuples(
    arabic_words,
    st.lists(st.tuples(st.sampled_from([" ", " ", ""]), _line_token), max_size=11),
).map(lambda p: p[0] + "".join(space + token for space, token in p[1]))
"""A single line of Arabic (it starts with an Arabic word) with single spaces: what a
translation could put in any block."""
