"""Properties of ``tarjama.text`` for generated Arabic-heavy text and arbitrary Unicode.

What :func:`normalize_arabic` promises (its module says it "never changes a word"), stated so
a machine can check it:

* it deletes only tatweel, bidi controls and zero-width characters (and, when asked, the
  harakat of ``_DIACRITICS_RE``), maps presentation forms to the letters they draw (NFKC of
  those characters alone, without the space NFKC puts before an isolated haraka) and composes
  the result (NFC);
* so the letters and digits of the text, compared after compatibility decomposition (NFKD,
  under which a presentation form and the letters it draws are the same), are exactly the
  letters and digits it was given, tatweel aside, and its whitespace is the same whitespace;
* text with no presentation forms comes back as ``NFC(text)`` with those characters deleted,
  and nothing else changed; and it is idempotent.
"""

from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tarjama.document import Block, ProtectedSpan
from tarjama.formats.base import has_arabic as format_has_arabic
from tarjama.text import find_spans, has_arabic, mask, normalize_arabic, restore, segment_block
from tarjama.text._chars import BIDI_CONTROLS, TATWEEL, ZERO_WIDTH
from tarjama.text.normalize import to_ascii_digits

from .strategies import any_text, examples

_REMOVED = frozenset(TATWEEL + BIDI_CONTROLS + ZERO_WIDTH)
_PRESENTATION = range(0xFB50, 0xFEFF)
_DIACRITICS = frozenset("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652") | frozenset(
    "\u0656\u0657\u0658\u0659\u065a\u065b\u065c\u065d\u065e\u0670"
)


def letters_and_digits(text: str) -> list[str]:
    """Every letter and digit of ``text`` after NFKD, tatweel left out."""
    return [
        c
        for c in unicodedata.normalize("NFKD", text)
        if unicodedata.category(c)[0] in "LN" and c != TATWEEL
    ]


def has_presentation_form(text: str) -> bool:
    return any(ord(c) in _PRESENTATION for c in text)


@settings(max_examples=examples(300))
@given(any_text)
def test_normalisation_keeps_every_letter_and_digit(text: str) -> None:
    assert letters_and_digits(normalize_arabic(text)) == letters_and_digits(text)
    stripped = normalize_arabic(text, strip_diacritics=True)
    assert letters_and_digits(stripped) == letters_and_digits(text)


@settings(max_examples=examples(300))
@given(any_text)
def test_normalisation_changes_nothing_but_what_it_removes(text: str) -> None:
    normalised = normalize_arabic(text)
    assert normalize_arabic(normalised) == normalised
    if not has_presentation_form(text):
        kept = "".join(c for c in text if c not in _REMOVED)
        assert normalised == unicodedata.normalize("NFC", kept)
        spaces = [c for c in kept if c.isspace()]
        assert [c for c in normalised if c.isspace()] == spaces


@settings(max_examples=examples(300))
@given(any_text)
def test_stripping_diacritics_removes_harakat_only(text: str) -> None:
    plain = normalize_arabic(text)
    stripped = normalize_arabic(text, strip_diacritics=True)
    assert not _DIACRITICS & set(stripped)
    assert unicodedata.normalize("NFD", stripped) == "".join(
        c for c in unicodedata.normalize("NFD", plain) if c not in _DIACRITICS
    )


def _normalised(text: str) -> str:
    return to_ascii_digits(normalize_arabic(text))


@settings(max_examples=examples(300))
@given(any_text)
@example("ـ ")  # a segment of tatweel alone had an empty source (sent to the engine as "")
def test_segment_offsets_slice_the_block_and_cover_it(text: str) -> None:
    segments = segment_block(Block(id="b", text=text))
    cursor = 0
    for number, segment in enumerate(segments):
        assert (segment.id, segment.index) == (f"b:{number}", number)
        assert cursor <= segment.start < segment.end <= len(text)
        between = text[cursor : segment.start]
        assert all(c.isspace() or c in _REMOVED for c in between), (between, segment)
        assert segment.source == _normalised(text[segment.start : segment.end]).strip()
        assert segment.source, segment
        for span in segment.spans:
            assert segment.source[span.start : span.end] == span.text
        cursor = segment.end
    assert all(c.isspace() or c in _REMOVED for c in text[cursor:])


@st.composite
def _block_with_protected_ranges(draw: st.DrawFn) -> Block:
    text = draw(any_text)
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6, unique=True)))
    ranges = tuple((s, e) for s, e in zip(cuts[::2], cuts[1::2], strict=False) if s < e)
    return Block(id="b", text=text, protect=ranges)


@settings(max_examples=examples(200))
@given(_block_with_protected_ranges())
def test_protected_ranges_reach_the_segments_verbatim(block: Block) -> None:
    segments = segment_block(block)
    for segment in segments:
        formats = [span for span in segment.spans if span.kind == "format"]
        for span in formats:
            assert segment.source[span.start : span.end] == span.text
        for start, end in block.protect:
            inner = block.text[max(start, segment.start) : min(end, segment.end)].strip()
            if inner:
                assert inner in segment.source, (inner, segment)


@settings(max_examples=examples(300))
@given(any_text, st.sampled_from(["⟨{}⟩", "__P{}__", "[[{}]]"]))
@example("ﻻ www.a.com ⟨0⟩ ", "⟨{}⟩")  # the text's own ⟨0⟩ was restored as the URL
def test_mask_then_restore_is_the_identity(text: str, style: str) -> None:
    spans = find_spans(text)
    for kinds in (
        {"url", "email", "handle", "hashtag", "format"},
        {span.kind for span in spans},
    ):
        masked, marked = mask(text, spans, kinds=kinds, style=style)
        assert restore(masked, marked, style=style) == (text, ())


@settings(max_examples=examples(200))
@given(any_text)
def test_found_spans_are_sorted_disjoint_slices(text: str) -> None:
    spans: list[ProtectedSpan] = find_spans(text)
    cursor = 0
    for span in spans:
        assert cursor <= span.start < span.end
        assert text[span.start : span.end] == span.text
        cursor = span.end


_arabic_blocks = st.characters(min_codepoint=0x0600, max_codepoint=0x08FF) | st.characters(
    min_codepoint=0xFB50, max_codepoint=0xFEFF
)


@settings(max_examples=examples(300))
@given(st.one_of(any_text, st.text(_arabic_blocks, max_size=4)))
@example("\ufe70")  # an isolated fathatan counted as a letter; normalised, it is a mark
@example("\u0640")  # formats counted a tatweel alone as Arabic worth translating
def test_arabic_is_detected_alike_before_and_after_normalisation(text: str) -> None:
    found = has_arabic(text)
    assert has_arabic(normalize_arabic(text)) == found
    assert has_arabic(normalize_arabic(text, strip_diacritics=True)) == found
    assert format_has_arabic(text) == found


def test_every_arabic_code_point_is_a_letter_alike_everywhere() -> None:
    """Exhaustive where it is cheap: over the Arabic and presentation-form blocks, ``text`` and
    ``formats`` agree on what a letter is, and a presentation form is one exactly when the
    characters it normalises to hold one (the harakat forms U+FE70–FE7F are not; ﷼ is)."""
    for code in (*range(0x0600, 0x0900), *range(0xFB50, 0xFF00)):
        char = chr(code)
        assert format_has_arabic(char) == has_arabic(char), hex(code)
        if code >= 0xFB50 and unicodedata.name(char, ""):
            drawn = unicodedata.normalize("NFKC", char)
            assert has_arabic(char) == has_arabic(drawn), hex(code)
