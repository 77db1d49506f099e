"""LibreTranslate's ``alternatives``: real n-best translations from a CTranslate2 model.

The engine's beams (``translate_n_best``) with the tiny random-weight model, then the server's
answer: up to the number asked for, whole translations of ``q``, none equal to the main one.
"""

from __future__ import annotations

from pathlib import Path

from serving import ARABIC, ARABIC_2, Server

from tarjama.engines.ctranslate2_engine import CTranslate2Engine
from tarjama.formats import read_document
from tarjama.pipeline import segment_document
from tarjama.serve.alternatives import alternatives, supports_alternatives


def test_the_engine_gives_its_n_best_hypotheses_best_first(tiny_marian_ct2: Path) -> None:
    with CTranslate2Engine(tiny_marian_ct2, beam_size=4, threads=1) as engine:
        segments = segment_document(read_document(f"{ARABIC}\n\n{ARABIC_2}\n", "text"), engine)
        best = engine.translate(segments)
        found = engine.translate_n_best(segments, 3)
    assert len(found) == len(segments) == 2
    for one_best, hypotheses in zip(best, found, strict=True):
        assert 1 <= len(hypotheses) <= 3
        assert hypotheses[0].text == one_best.text  # the same beam search, best first
        scores = [h.score for h in hypotheses]
        assert all(s is not None for s in scores)
        assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]


def test_alternatives_are_whole_translations_sentence_by_sentence(tiny_marian_ct2: Path) -> None:
    """The k-th alternative of two sentences is each sentence's k-th (as Argos Translate joins
    them), so it is the whole text, not one sentence."""
    with CTranslate2Engine(tiny_marian_ct2, beam_size=4, threads=1) as engine:
        assert supports_alternatives(engine)
        first = alternatives(engine, ARABIC, 2, main="")
        second = alternatives(engine, ARABIC_2, 2, main="")
        both = alternatives(engine, f"{ARABIC} {ARABIC_2}", 2, main="")
    assert first and second and both
    assert both[0] == f"{first[0]} {second[0]}"
    assert len(set(both)) == len(both)


def test_the_server_answers_alternatives(server: Server) -> None:
    body = {"q": f"{ARABIC} {ARABIC_2}", "source": "ar", "target": "en"}
    with server.client() as http:
        plain = http.post("/translate", json=body).json()
        asked = http.post("/translate", data={**body, "alternatives": "3"}).json()
    assert set(plain) == {"translatedText"}
    assert asked["translatedText"] == plain["translatedText"]
    others = asked["alternatives"]
    assert 1 <= len(others) <= 3 and len(set(others)) == len(others)
    assert plain["translatedText"] not in others
    assert all(isinstance(o, str) and o.strip() for o in others)
