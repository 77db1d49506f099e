"""The name layer: cleaning, English case, common-word rules, matching, and the pipeline.

The layer is the real built-in one (75k entries); the pipeline tests run the tiny random-weight
Marian model through the real Translator, so they see what a sentence engine is given and what
the checks make of its English.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tarjama.checks import repair
from tarjama.pipeline import _builtin_lexicon, _hints, segment_document
from tarjama.terms import Lexicon
from tarjama.terms.names import NameLayer, english_case
from tarjama.terms.names import layer as layer_module
from tarjama.translator import Translator, load_document

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def build() -> ModuleType:
    """``scripts/build_names.py`` as a module (its cleaning rules are tested, not its I/O)."""
    spec = importlib.util.spec_from_file_location("build_names", ROOT / "scripts/build_names.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_names"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def layer() -> NameLayer:
    return NameLayer.load_builtin()


@pytest.mark.parametrize(
    ("lower", "cased"),
    [
        ("mcnamara", "McNamara"),
        ("o'brien", "O'Brien"),
        ("abd al-qadir al-husayni", "Abd al-Qadir al-Husayni"),
        ("ludwig van beethoven", "Ludwig van Beethoven"),
        ("mohammed bin salman", "Mohammed bin Salman"),
        ("pontevedra cf", "Pontevedra CF"),
        ("aix-en-provence", "Aix-en-Provence"),
        ("6th of october city", "6th of October City"),
        ("henry viii", "Henry VIII"),
        ("al-ahly", "Al-Ahly"),
        ("Already Cased", "Already Cased"),
    ],
)
def test_english_case(lower: str, cased: str) -> None:
    assert english_case(lower) == cased


def test_cleaning_drops_implausible_english_and_misaligned_rows(build: ModuleType) -> None:
    assert build.clean_english("aalst, belgium", "L") == "aalst"
    assert build.clean_english("ltd", "L") is None  # no vowel: an abbreviation
    assert build.clean_english("mpeg-2", "L") is None  # digits only in organisations
    assert build.clean_english("piacenza calcio 1919", "O") == "piacenza calcio 1919"
    assert build.clean_english("1st", "T") is None
    assert build.clean_english("x", "T") is None
    # misaligned token rows of the data fall under the floor; a transliteration passes
    assert build.consistency(["تاوانا"], "rape") < build.TOKEN_FLOOR
    assert build.consistency(["تديما"], "alma") < layer_module.TOKEN_FLOOR  # kept, never used
    assert build.consistency(["بالترو"], "paltrow") == 1.0
    assert build.consistency(["آخن"], "aachen") == 1.0  # German ch


def test_one_english_per_key_with_a_confidence(build: ModuleType) -> None:
    rows = [
        build.Row("ريد", "reid", "T", 1.0),
        build.Row("ريد", "reed", "T", 1.0),
        build.Row("بالترو", "paltrow", "T", 1.0),
        build.Row("باول", "powell", "T", 1.0),
        build.Row("باول", "powell", "P", 1.0),
    ]
    chosen = build.choose(rows)
    assert chosen[("بالترو", "T")] == ("Paltrow", 1.0)
    english, confidence = chosen[("ريد", "T")]
    assert english in {"Reid", "Reed"} and confidence < 0.8  # the Arabic cannot tell which


@pytest.mark.parametrize("word", ["أمل", "سلام", "كريم", "نور", "جمال"])
def test_given_names_that_are_common_words_need_evidence(layer: NameLayer, word: str) -> None:
    assert layer.word_class(word) in {"word", "common"}
    assert layer.find(f"وكان {word} كبيرا في المدينة", compose=True) == []


def test_function_words_are_never_names(layer: NameLayer) -> None:
    assert layer.word_class("على") == "stop"  # على is not the name علي
    assert layer.word_class("في") == "stop"
    assert layer.word_class("مارس") == "stop"  # a month
    assert layer.word_class("بالترو") == "strong"
    assert layer.find("على الطاولة في مارس", compose=True) == []


def test_whole_names_with_clitics_and_offsets(layer: NameLayer) -> None:
    text = "وقدم ستيف جوبز الجهاز، ثم سافر إلى أونتاريو وفي كيوتو."
    found = {p.english: p for p in layer.find(text)}
    assert set(found) == {"Steve Jobs", "Ontario", "Kyoto"}
    jobs = found["Steve Jobs"]
    assert text[jobs.start : jobs.end] == "ستيف جوبز" and jobs.kind == "whole"
    assert jobs.type == "person" and found["Ontario"].type == "place"
    assert all(0 < p.confidence <= 1 for p in found.values())


def test_a_lone_word_that_is_also_an_arabic_word_is_left_alone(layer: NameLayer) -> None:
    assert layer.find("كان الأمل كبيرا") == []  # not ك + «بيرا» (Beira)
    assert layer.find("رأى الرجل ما تأتي به الأيام") == []  # not Ray, not Tate


def test_a_whole_name_inside_a_longer_name_is_not_proposed(layer: NameLayer) -> None:
    # «جون دي» is John Day (Oregon), but here it is John Di Domenico
    assert layer.find("قال جون دي دومينيكو لسليت") == []


def test_composition_from_tokens_with_evidence(layer: NameLayer) -> None:
    text = "قالت الممثلة جوينيث بالترو إن أمل كلوني حضرت."
    composed = {p.surface: p.english for p in layer.find(text, compose=True)}
    # «أمل» is Amal, Amol … (confidence 0.75): under the floor, so no guess at that name
    assert composed == {"جوينيث بالترو": "Gwyneth Paltrow"}
    assert layer.find(text) == []  # composition is opt-in
    # a lone token only after a title or a verb of saying
    assert [p.english for p in layer.find("وقالت بالترو", compose=True)] == ["Paltrow"]
    assert layer.find("بالترو", compose=True) == []


def test_the_lexicon_wins_over_the_layer() -> None:
    lexicon = Lexicon.load_builtin().with_names()
    matches = lexicon.find("التقى دونالد ترامب ستيف جوبز في أونتاريو")
    by_surface = {m.surface: m for m in matches}
    assert by_surface["دونالد ترامب"].entity.source != "names"
    assert by_surface["ستيف جوبز"].entity.source == "names"
    assert by_surface["ستيف جوبز"].english == "Steve Jobs"
    assert [m.start for m in matches] == sorted(m.start for m in matches)
    assert Lexicon.load_builtin().names is None  # the plain lexicon is left untouched
    assert "ستيف جوبز" not in {m.surface for m in Lexicon.load_builtin().find("ستيف جوبز")}


def test_names_reach_sentence_and_chat_engines(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("كشف ستيف جوبز عن الجهاز في أونتاريو.", encoding="utf-8")
    document = load_document(path)
    lexicon = _builtin_lexicon()
    (segment,) = segment_document(document, "ctranslate2", lexicon)
    assert "Steve Jobs" in segment.engine_text and "Ontario" in segment.engine_text
    (chat,) = segment_document(document, "llama", lexicon)
    assert "ستيف جوبز" in chat.engine_text
    hints = dict(_hints([chat], lexicon))
    assert hints["ستيف جوبز"] == "Steve Jobs" and hints["أونتاريو"] == "Ontario"


def test_names_off_leaves_the_lexicon_alone_and_changes_the_recipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``TARJAMA_NAMES=false``: the layer's names are neither given nor hinted, the lexicon's
    still are, and the lexicon version (so the memory's and jobs' recipes) is not the same."""
    from tarjama.memory.recipe import lexicon_version
    from tarjama.settings import get_settings

    path = tmp_path / "a.txt"
    path.write_text("كشف ستيف جوبز عن الجهاز لدونالد ترامب.", encoding="utf-8")
    document = load_document(path)
    with_names = lexicon_version()
    monkeypatch.setenv("TARJAMA_NAMES", "false")
    get_settings.cache_clear()
    try:
        lexicon = _builtin_lexicon()
        assert lexicon.names is None
        (segment,) = segment_document(document, "ctranslate2", lexicon)
        assert "Steve Jobs" not in segment.engine_text and "Donald Trump" in segment.engine_text
        (chat,) = segment_document(document, "llama", lexicon)
        assert dict(_hints([chat], lexicon)) == {"دونالد ترامب": "Donald Trump"}
        assert lexicon_version() != with_names
        monkeypatch.delenv("TARJAMA_NAMES")
        get_settings.cache_clear()
        assert _builtin_lexicon().names is not None and lexicon_version() == with_names
    finally:
        get_settings.cache_clear()


def test_a_near_miss_of_a_layer_name_is_repaired() -> None:
    source = "كشف ستيف جوبز عن الجهاز."
    fixed, repairs = repair(source, "Steve Jobbs unveiled the device.", lexicon=_builtin_lexicon())
    assert fixed == "Steve Jobs unveiled the device."
    assert [r.entity_id for r in repairs] == ["name:steve-jobs"]


def test_tiny_marian_through_the_pipeline(tiny_marian_ct2: Path) -> None:
    source = "كشف ستيف جوبز عن الجهاز في أونتاريو."
    with Translator(model=str(tiny_marian_ct2), beam=1) as translator:
        result = translator.translate_document(source.encode("utf-8"))
    (translation,) = result.translations
    # random weights: the English is noise, but a known name it dropped is flagged
    names_present = all(n in translation.target for n in ("Steve Jobs", "Ontario"))
    assert names_present or "lexicon_violation" in translation.flags
    assert "invented_entity" not in translation.flags or not names_present
