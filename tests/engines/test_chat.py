"""The chat-model translation logic that needs no model: prompts, numbered answers, clean-up."""

from tarjama.document import Segment
from tarjama.engines.chat import (
    BUILTIN_EXAMPLES,
    _paragraphs,
    build_messages,
    clean_answer,
    is_acceptable,
    number_sentences,
    parse_numbered,
)


def test_numbered_answer_lines_up_with_the_sentences() -> None:
    answer = "[1] Putin proposed a meeting.\n[2] Zelensky refused."
    assert parse_numbered(answer, 2) == ["Putin proposed a meeting.", "Zelensky refused."]


def test_numbered_answer_accepts_other_numbering_styles_and_wrapped_lines() -> None:
    answer = "1. Putin proposed a meeting\nin Moscow.\n2) Zelensky refused."
    assert parse_numbered(answer, 2) == ["Putin proposed a meeting in Moscow.", "Zelensky refused."]


def test_numbered_answer_with_a_missing_or_merged_sentence_is_rejected() -> None:
    assert parse_numbered("[1] Putin proposed a meeting and Zelensky refused.", 2) is None
    assert parse_numbered("[1] One.\n[3] Three.", 3) is None
    assert parse_numbered("[1] One.\n[2] ", 2) is None


def test_prompt_puts_the_fixed_part_first_so_it_can_be_cached() -> None:
    history = [("قال بوتين.", "Putin said.")]
    one = build_messages("نص أول", numbered=False, history=history)
    two = build_messages("نص ثان", numbered=False, history=history)
    fixed = 1 + 2 * len(BUILTIN_EXAMPLES)
    assert one[:fixed] == two[:fixed]
    assert one[-1] == {"role": "user", "content": "نص أول"}
    assert one[-3:-1] == [
        {"role": "user", "content": "قال بوتين."},
        {"role": "assistant", "content": "Putin said."},
    ]


def test_hints_reach_the_prompt() -> None:
    messages = build_messages("كايا كالاس", numbered=False, hints=[("كايا كالاس", "Kaja Kallas")])
    assert "كايا كالاس = Kaja Kallas" in messages[-1]["content"]


def test_numbered_source_and_rule() -> None:
    messages = build_messages(number_sentences(["أ.", "ب."]), numbered=True)
    assert messages[-1]["content"] == "[1] أ.\n[2] ب."
    assert "same numbers" in messages[0]["content"]


def test_chatter_around_an_answer_is_removed() -> None:
    assert clean_answer("Here is the translation:\nThe talks resumed.") == "The talks resumed."
    assert clean_answer('"The talks resumed."') == "The talks resumed."


def test_arabic_empty_or_runaway_answers_are_not_acceptable() -> None:
    source = "استؤنفت المحادثات اليوم."
    assert is_acceptable("The talks resumed today.", source)
    assert not is_acceptable("", source)
    assert not is_acceptable("استؤنفت المحادثات اليوم.", source)
    assert not is_acceptable("The talks resumed. " * 40, source)


def test_a_careful_request_reminds_the_model_to_add_nothing() -> None:
    from tarjama.engines.chat import CAREFUL_RULE

    plain = build_messages("نص", numbered=False)
    careful = build_messages("نص", numbered=False, careful=True)
    assert CAREFUL_RULE not in plain[0]["content"]
    assert CAREFUL_RULE in careful[0]["content"]
    assert careful[1:] == plain[1:]  # same examples and request; only the instruction differs


def test_sentences_are_grouped_only_while_they_fit_the_budget() -> None:
    texts = ["أ" * 30, "ب" * 30, "ج" * 30, "د" * 80, "ه" * 10]
    segments = [Segment(f"p1:{i}", "p1", i, t, 0, len(t)) for i, t in enumerate(texts)]
    groups = _paragraphs(segments, 8, budget=70, count=len)
    assert [[s.index for s in group] for group in groups] == [[0, 1], [2], [3], [4]]
    # without a budget only the sentence count and the block limit a group
    assert [len(g) for g in _paragraphs(segments, 8)] == [5]
    assert [len(g) for g in _paragraphs(segments, 2)] == [2, 2, 1]
