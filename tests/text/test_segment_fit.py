"""Cutting a sentence too long for an engine: clause boundaries first, nothing lost or doubled."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from tarjama.text import find_spans, split_to_fit


def _chars(budget: int, text: str) -> Callable[[int, int], bool]:
    """A budget in characters (an engine's is in its own tokens; the rule is the same)."""
    return lambda start, end: end - start <= budget


def _assert_slices_exactly(text: str, pieces: Sequence[tuple[int, int]]) -> None:
    """Pieces are in order, trimmed, and every non-space character is in exactly one of them."""
    cursor = 0
    for start, end in pieces:
        assert cursor <= start < end <= len(text)
        assert not text[cursor:start].strip(), "a gap between pieces holds text"
        assert text[start:end] == text[start:end].strip()
        cursor = end
    assert not text[cursor:].strip()


def _pieces(text: str, pieces: Sequence[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in pieces]


def test_text_that_fits_is_one_piece() -> None:
    text = "  قال الوزير إن المحادثات مستمرة  "
    assert split_to_fit(text, _chars(100, text)) == [(2, len(text) - 2)]
    assert split_to_fit("   ", _chars(100, "")) == []


def test_a_semicolon_wins_over_commas_when_it_is_enough() -> None:
    text = "أعلنت الحكومة، في بيان رسمي، خطة جديدة؛ ورحبت المعارضة، بحذر، بالخطة"
    semicolon = text.index("؛") + 1
    pieces = split_to_fit(text, _chars(semicolon + 2, text))
    assert _pieces(text, pieces) == [text[:semicolon], text[semicolon:].strip()]


def test_a_comma_that_opens_a_wa_clause_wins_over_other_commas() -> None:
    text = "زار الرئيس، يرافقه الوزير، مدينة حلب، وقال إن إعادة الإعمار ستبدأ قريبا"
    pieces = _pieces(text, split_to_fit(text, _chars(45, text)))
    assert pieces == ["زار الرئيس، يرافقه الوزير، مدينة حلب،", "وقال إن إعادة الإعمار ستبدأ قريبا"]


def test_neighbouring_clauses_are_packed_up_to_the_budget() -> None:
    clauses = ["بند أول", "بند ثان", "بند ثالث", "بند رابع", "بند خامس", "بند سادس"]
    text = "، ".join(clauses)
    pieces = _pieces(text, split_to_fit(text, _chars(30, text)))
    assert len(pieces) == 2  # three clauses each, not six one-clause pieces
    assert all(len(piece) <= 30 for piece in pieces)
    assert " ".join(pieces) == text


def test_without_punctuation_it_cuts_before_a_conjunction_then_between_words() -> None:
    text = "عقد المجلس جلسة طارئة لبحث الأزمة ثم أصدر بيانا يدعو إلى وقف القتال فورا"
    pieces = _pieces(text, split_to_fit(text, _chars(40, text)))
    assert pieces[1].startswith("ثم ")
    words = "كلمة " * 40
    word_pieces = split_to_fit(words, _chars(23, words))
    assert all(end - start <= 23 for start, end in word_pieces)
    assert all(piece.split() == ["كلمة"] * 4 for piece in _pieces(words, word_pieces))


def test_one_word_longer_than_the_budget_is_cut_between_characters() -> None:
    text = "و" + "ا" * 95
    pieces = split_to_fit(text, _chars(10, text))
    assert "".join(_pieces(text, pieces)) == text
    assert all(end - start <= 10 for start, end in pieces)


def test_numbers_and_urls_are_never_cut() -> None:
    text = "بلغ عدد اللاجئين 1,250,000 لاجئ، حسب الموقع https://example.org/a,b,c، أمس"
    spans = [(span.start, span.end) for span in find_spans(text)]
    pieces = split_to_fit(text, _chars(20, text), protect=spans)
    _assert_slices_exactly(text, pieces)
    for start, end in spans:
        assert any(a <= start and end <= b for a, b in pieces), text[start:end]
    # A protected range over the budget on its own is kept whole rather than cut.
    assert "https://example.org/a,b,c" in _pieces(text, pieces)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("وقال إن، ؛:,. abc١٢3\n\u200f"), max_size=300),
    budget=st.integers(min_value=1, max_value=60),
)
def test_pieces_always_slice_the_text_exactly_and_fit(text: str, budget: int) -> None:
    pieces = split_to_fit(text, _chars(budget, text))
    _assert_slices_exactly(text, pieces)
    assert all(end - start <= budget for start, end in pieces)
