"""The chat-model translation logic that needs no model: prompts, numbered answers, clean-up."""

import json

from tarjama.document import Segment
from tarjama.engines.chat import (
    BUILTIN_EXAMPLES,
    CAREFUL_RULE,
    _paragraphs,
    build_messages,
    clean_answer,
    fixed_messages,
    is_acceptable,
    number_sentences,
    parse_numbered,
    prompt_version,
)
from tarjama.engines.chat_prompt import SYSTEM_PROMPT


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


CONVERSATION = [
    {"role": "user", "content": "قال بوتين."},
    {"role": "assistant", "content": "Putin said."},
]


def _prefix_bytes(messages: list[dict[str, str]], n: int) -> bytes:
    return json.dumps(messages[:n], ensure_ascii=False).encode("utf-8")


def test_every_request_starts_with_the_same_fixed_prefix() -> None:
    """Plain, numbered, careful, with hints, with retrieved examples or context: the system
    message and the built-in examples come first, byte for byte the same, so a server computes
    their state once."""
    fixed = fixed_messages()
    variants = [
        build_messages("نص أول"),
        build_messages(number_sentences(["أ.", "ب."])),
        build_messages("نص", careful=True),
        build_messages("كايا كالاس", hints=[("كايا كالاس", "Kaja Kallas")]),
        build_messages("نص", retrieved=[("قال بوتين.", "Putin said.")]),
        build_messages("نص", conversation=CONVERSATION, careful=True),
    ]
    for messages in variants:
        assert _prefix_bytes(messages, len(fixed)) == _prefix_bytes(fixed, len(fixed))
    assert len(fixed) == 3  # system, then the built-in examples as one exchange


def test_the_built_in_examples_are_one_numbered_exchange() -> None:
    system, user, assistant = fixed_messages()
    assert system == {"role": "system", "content": SYSTEM_PROMPT}
    assert "same numbers" in SYSTEM_PROMPT and CAREFUL_RULE not in SYSTEM_PROMPT
    assert user["role"] == "user" and assistant["role"] == "assistant"
    assert user["content"] == number_sentences([a for a, _ in BUILTIN_EXAMPLES])
    assert assistant["content"] == number_sentences([e for _, e in BUILTIN_EXAMPLES])
    assert assistant["content"].startswith("[1] The U.S. Secretary of State")
    assert parse_numbered(assistant["content"], 3) == [e for _, e in BUILTIN_EXAMPLES]


def test_what_varies_comes_after_the_prefix_in_order() -> None:
    """The conversation so far, then this request's retrieved examples, then the request: a
    paragraph's examples sit next to its text, and the next request extends this one."""
    retrieved = [("جملة ثانية.", "A second sentence."), ("جملة أولى.", "A first sentence.")]
    messages = build_messages("نص", conversation=CONVERSATION, retrieved=retrieved)
    assert messages[3:] == [
        *CONVERSATION,
        {"role": "user", "content": "[1] جملة ثانية.\n[2] جملة أولى."},
        {"role": "assistant", "content": "[1] A second sentence.\n[2] A first sentence."},
        {"role": "user", "content": "نص"},
    ]


def test_hints_reach_the_prompt() -> None:
    messages = build_messages("كايا كالاس", hints=[("كايا كالاس", "Kaja Kallas")])
    assert (
        messages[-1]["content"] == "Use these names:\nكايا كالاس = Kaja Kallas\n\nText:\nكايا كالاس"
    )


def test_numbered_source_is_sent_as_it_is() -> None:
    messages = build_messages(number_sentences(["أ.", "ب."]))
    assert messages[-1]["content"] == "[1] أ.\n[2] ب."


def test_a_careful_request_reminds_the_model_to_add_nothing_after_the_prefix() -> None:
    plain = build_messages("نص")
    careful = build_messages("نص", careful=True)
    assert careful[:-1] == plain[:-1]  # same prefix and context; only the request differs
    assert careful[-1]["content"] == f"{CAREFUL_RULE}\n\nText:\nنص"
    both = build_messages("نص", careful=True, hints=[("نص", "text")])
    assert both[-1]["content"].startswith(CAREFUL_RULE + "\n\nUse these names:\nنص = text")


def test_the_prompt_version_follows_what_the_prompt_is_made_of() -> None:
    assert prompt_version() == prompt_version(BUILTIN_EXAMPLES, retrieved=0, history=0)
    assert prompt_version(retrieved=3) != prompt_version(retrieved=0)
    assert prompt_version(history=2) != prompt_version(history=1)
    assert prompt_version(history=-1) != prompt_version(history=0)
    assert prompt_version(BUILTIN_EXAMPLES[:2]) != prompt_version()


def test_a_lone_number_before_one_sentence_is_dropped() -> None:
    assert clean_answer("[1] The talks resumed.", "استؤنفت المحادثات.") == "The talks resumed."
    assert clean_answer("[1] One.", "[1] واحد.") == "[1] One."  # the source had it


def test_chatter_around_an_answer_is_removed() -> None:
    assert clean_answer("Here is the translation:\nThe talks resumed.") == "The talks resumed."
    assert clean_answer('"The talks resumed."') == "The talks resumed."


def test_arabic_empty_or_runaway_answers_are_not_acceptable() -> None:
    source = "استؤنفت المحادثات اليوم."
    assert is_acceptable("The talks resumed today.", source)
    assert not is_acceptable("", source)
    assert not is_acceptable("استؤنفت المحادثات اليوم.", source)
    assert not is_acceptable("The talks resumed. " * 40, source)


def test_sentences_are_grouped_only_while_they_fit_the_budget() -> None:
    texts = ["أ" * 30, "ب" * 30, "ج" * 30, "د" * 80, "ه" * 10]
    segments = [Segment(f"p1:{i}", "p1", i, t, 0, len(t)) for i, t in enumerate(texts)]
    groups = _paragraphs(segments, 8, budget=70, count=len)
    assert [[s.index for s in group] for group in groups] == [[0, 1], [2], [3], [4]]
    # without a budget only the sentence count and the block limit a group
    assert [len(g) for g in _paragraphs(segments, 8)] == [5]
    assert [len(g) for g in _paragraphs(segments, 2)] == [2, 2, 1]
